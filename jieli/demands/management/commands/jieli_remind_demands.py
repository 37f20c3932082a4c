from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jieli.demands.services import demands_remind_stale


class Command(BaseCommand):
    help = "E-mail the owners of published demands that are due for re-confirmation."

    def handle(self, *args: Any, **options: Any) -> None:
        count = demands_remind_stale()
        self.stdout.write(f"{count} demand(s) reminded.")
