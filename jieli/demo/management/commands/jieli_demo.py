"""``python manage.py jieli_demo load [--limit N]``: load the demo data into an empty database."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Demo data for an embedded instance: 'load' fills an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load the demo data set if there are no organisations.")
        load.add_argument(
            "--limit",
            type=int,
            default=None,
            help="At most this many achievements per source (default: all).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from jieli.demo.loading import demo_load

        if options["action"] != "load":
            raise CommandError(f"Unknown action: {options['action']}")
        if settings.PRODUCTION:
            raise CommandError("Production mode: demo data is never loaded.")
        limit = options.get("limit")
        if limit is not None and limit < 0:
            raise CommandError("--limit must not be negative.")
        demo_load(stdout=self.stdout, limit=limit)
