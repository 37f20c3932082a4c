"""python manage.py jieli_export {kind} FILE [--format csv|xlsx] [--as USERNAME] [key=value …]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jieli.core.errors import ServiceError
from jieli.core.viewer import ANONYMOUS
from jieli.imports.exports import EXPORT_FORMATS, export_table, write_csv, write_xlsx
from jieli.imports.services import viewer_for_command


class Command(BaseCommand):
    help = "Export what a user may see as CSV or XLSX; filters as key=value like the list pages."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # key=value filters may come after the options: ``FILE --as alice status=draft``.
        parse = parser.parse_intermixed_args
        parser.parse_args = lambda args=None, namespace=None: parse(args, namespace)  # type: ignore[method-assign,assignment]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind")
        parser.add_argument("file")
        parser.add_argument("--format", choices=EXPORT_FORMATS)
        parser.add_argument(
            "--as", dest="as_user", help="export what this user may see (default: the public view)"
        )
        parser.add_argument("filters", nargs="*", help="key=value")

    def handle(self, *args: Any, **opts: Any) -> None:
        params: dict[str, str] = {}
        for item in opts["filters"]:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise CommandError(_("Filters are key=value, not “{item}”.").format(item=item))
            params[key] = value
        path: str = opts["file"]
        fmt = opts["format"] or ("xlsx" if path.lower().endswith(".xlsx") else "csv")
        try:
            viewer = viewer_for_command(opts["as_user"]) if opts["as_user"] else ANONYMOUS
            headers, rows = export_table(viewer, opts["kind"], params)
            if fmt == "xlsx":
                write_xlsx(path, headers, rows)
            else:
                with open(path, "w", encoding="utf-8-sig", newline="") as fh:
                    write_csv(fh, headers, rows)
        except ServiceError as exc:
            detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.message} {detail}".strip()) from exc
        self.stdout.write(_("Exported to {path}").format(path=path))
