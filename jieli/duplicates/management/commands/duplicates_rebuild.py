"""Rebuild the duplicate index of this process and, optionally, open cases for all records."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jieli.duplicates.index import index_rebuild
from jieli.duplicates.kinds import DETECTED_KINDS, indexable, kind_spec


class Command(BaseCommand):
    help = "Rebuild the duplicate index from the database (and optionally open duplicate cases)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kind",
            choices=sorted(DETECTED_KINDS),
            action="append",
            help="only this kind (repeatable); default all",
        )
        parser.add_argument(
            "--open-cases",
            action="store_true",
            help="compare every record with the others and open pending cases",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from jieli.duplicates.services import duplicate_cases_open_for

        for kind in options["kind"] or sorted(DETECTED_KINDS):
            spec = kind_spec(kind)
            size = index_rebuild(spec)
            self.stdout.write(f"{kind}: {size} records indexed")
            if options["open_cases"]:
                opened = 0
                for record in indexable(spec).iterator(chunk_size=200):
                    opened += len(duplicate_cases_open_for(kind=kind, record=record))
                self.stdout.write(f"{kind}: {opened} cases opened or refreshed")
