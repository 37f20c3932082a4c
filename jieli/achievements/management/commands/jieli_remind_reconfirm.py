from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jieli.achievements.services import achievements_remind_stale


class Command(BaseCommand):
    help = "E-mail owners of published achievements whose re-confirmation is due (once each)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = achievements_remind_stale()
        self.stdout.write(f"achievements reminded: {count}")
