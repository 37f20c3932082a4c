"""python manage.py jieli_import {organisations|achievements|demands|experts} FILE [options]"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jieli.core.errors import ServiceError
from jieli.imports import mapping as m
from jieli.imports.engine import MODES, Options, run_import
from jieli.imports.services import resolve_owner, viewer_for_command


class Command(BaseCommand):
    help = "Import organisations, achievements, demands or experts from CSV, XLSX or JSON Lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help=" | ".join(m.KINDS))
        parser.add_argument("file")
        parser.add_argument("--owner", help="organisation ID or credit code")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--mode", default="all-or-nothing", help=" | ".join(MODES))
        parser.add_argument("--mapping", help='JSON file {"column header": "field"}')
        parser.add_argument("--source", default="import", help="source name (for re-imports)")
        parser.add_argument("--as", dest="as_user", help="user name of the importing user")
        parser.add_argument(
            "--publish", action="store_true", help="publish new records directly (secretariat only)"
        )
        parser.add_argument("--rejected-out", help="CSV file for the rejected rows")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--skip-duplicate-check",
            action="store_true",
            help="do not ask the duplicate detector about new records (faster bulk loads)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        from tqdm import tqdm

        bar: Any = None
        try:
            viewer = viewer_for_command(opts["as_user"])
            mapping = m.load_mapping_file(opts["mapping"]) if opts["mapping"] else {}
            rejected_out = opts["rejected_out"]
            if rejected_out is None and opts["mode"] == "valid-rows":
                rejected_out = f"{opts['file']}.rejected.csv"
            options = Options(
                kind=opts["kind"],
                mode=opts["mode"],
                dry_run=opts["dry_run"],
                owner_id=resolve_owner(opts["owner"]) if opts["owner"] else None,
                source=(opts["source"] or "import")[:60],
                publish=opts["publish"],
                mapping=mapping,
                file_name=opts["file"],
                rejected_out=rejected_out,
                check_duplicates=not opts["skip_duplicate_check"],
            )
            if not opts["no_progress"]:
                bar = tqdm(total=0, unit="rows", file=sys.stderr, dynamic_ncols=True)

            def progress(done: int, total: int) -> None:
                if bar is not None:
                    bar.total = total
                    bar.n = done
                    bar.refresh()

            result = run_import(
                viewer=viewer, path=opts["file"], options=options, progress=progress
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        except FileNotFoundError as exc:
            raise CommandError(_("File not found: {path}").format(path=exc.filename)) from exc
        finally:
            if bar is not None:
                bar.close()
        for issue in result.errors[:50]:
            self.stderr.write(
                _("row {row}, column “{column}”, value “{value}”: {reason}").format(**issue)
            )
        if result.error_count > 50:
            self.stderr.write(_("… and {n} more problems.").format(n=result.error_count - 50))
        for note in result.notes:
            self.stderr.write(note)
        summary = _(
            "{total} rows: {created} created, {updated} updated, {unchanged} unchanged, "
            "{rejected} rejected."
        ).format(
            total=result.total,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            rejected=result.rejected,
        )
        if result.dry_run:
            summary += " " + _("Dry run: nothing was saved.")
        elif result.mode == "all-or-nothing" and result.rejected:
            summary += " " + _("Nothing was saved.")
        self.stdout.write(summary)
        if result.rejected_path:
            self.stdout.write(_("Rejected rows: {path}").format(path=result.rejected_path))
        if result.rejected:
            raise CommandError(_("Some rows were rejected."), returncode=1)
