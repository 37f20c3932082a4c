"""Reload or upgrade the reference code lists (regions, industries, disciplines)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from jieli.regions.loading import DATA_DIR, CodeListLoadError
from jieli.regions.services import code_lists_load


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Load the reference code lists from jieli/regions/data (or --data-dir). Idempotent: new "
        "codes are added, names updated, and codes missing from the edition are marked retired, "
        "never deleted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only",
            choices=["region", "industry", "discipline"],
            action="append",
            help="Load only this list (repeatable).",
        )
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DATA_DIR,
            help="Folder laid out like jieli/regions/data.",
        )
        for kind in ("region", "industry", "discipline"):
            parser.add_argument(
                f"--{kind}-edition",
                dest=f"{kind}_edition",
                default=None,
                help=f"Edition label for the {kind} list being loaded.",
            )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Allow an edition that retires more than half of the codes.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change and roll back."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        only = set(options["only"] or ["region", "industry", "discipline"])
        editions = {kind: options[f"{kind}_edition"] for kind in only if options[f"{kind}_edition"]}
        try:
            with transaction.atomic():
                results = code_lists_load(
                    kinds=only,
                    data_dir=options["data_dir"],
                    editions=editions,
                    force=options["force"],
                )
                for stats in results:
                    self.stdout.write(str(stats))
                if options["dry_run"]:
                    raise _DryRun
        except _DryRun:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
            return
        except CodeListLoadError as exc:
            raise CommandError(str(exc)) from exc
        changed = sum(s.created + s.updated + s.retired + s.revived for s in results)
        if changed:
            self.stdout.write(self.style.SUCCESS(f"Code lists loaded: {changed} codes changed."))
        else:
            self.stdout.write(self.style.SUCCESS("Code lists are already up to date."))
