"""``manage.py jieli_demo_vectors build|load [--encoder NAME]``: the demo's shipped vectors.

``build`` needs a database with the demo data loaded (``make run`` or ``jieli demo load``)
and writes ``jieli/demo/data/vectors-<encoder>.npz``; ``load`` stores them (bootstrap does).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Build or load the demo data's precomputed sentence vectors."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["build", "load"])
        parser.add_argument("--encoder", action="append", choices=["use", "e5"])

    def handle(self, *args: Any, action: str, encoder: list[str] | None, **options: Any) -> None:
        from jieli.demo.vectors import demo_vectors_build, demo_vectors_load

        if settings.PRODUCTION:
            raise CommandError("Production mode: demo data is never loaded.")
        names = encoder or list(settings.JIELI_DENSE_ENCODERS)
        if action == "build":
            for name in names:
                demo_vectors_build(encoder=name, stdout=self.stdout)
        else:
            self.stdout.write(str(demo_vectors_load(encoders=names)))
