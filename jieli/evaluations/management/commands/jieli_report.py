"""``jieli report evaluation (--demo | --report ID) --output FILE.pdf [--lang zh-hans|en]``:
write an issued evaluation report as PDF (Chinese by default).

``--demo`` prints the first issued report of the demo data set; on an empty embedded database
it loads the demo data first (``jieli demo load``, which never runs in production)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from jieli.core.pdf import PdfFontMissing
from jieli.evaluations.models import EvaluationReport
from jieli.evaluations.report import render_pdf


class Command(BaseCommand):
    help = "Write an issued evaluation report as PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["evaluation"])
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--demo", action="store_true", help="a report of the demo data")
        which.add_argument("--report", type=int, help="the report's number")
        parser.add_argument("--output", required=True, help="the PDF file to write")
        parser.add_argument("--lang", choices=["zh-hans", "en"], default="zh-hans")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        if options["demo"]:
            if not EvaluationReport.objects.exists():
                call_command("jieli_demo", "load", stdout=self.stdout)
            report = EvaluationReport.objects.order_by("pk").first()
            if report is None:
                raise CommandError(
                    "No issued evaluation report: the database is not empty or not a demo "
                    "database (run `jieli demo load` on an empty one)."
                )
        else:
            report = EvaluationReport.objects.filter(pk=options["report"]).first()
            if report is None:
                raise CommandError(f"No evaluation report number {options['report']}.")
        try:
            with translation.override(options["lang"]):
                data = render_pdf(report.snapshot)
        except PdfFontMissing as exc:
            raise CommandError(str(exc)) from exc
        output.write_bytes(data)
        self.stdout.write(
            f"Wrote {output} ({len(data):,} bytes): report v{report.version} of "
            f"“{report.snapshot['title']}”."
        )
