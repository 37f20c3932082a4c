"""Background jobs of the achievements app (run by the huey consumer)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jieli.achievements.services import achievements_remind_stale


@db_periodic_task(crontab(hour=3, minute=0))
def remind_reconfirm() -> int:
    """Every night: remind owners of achievements whose re-confirmation is due."""
    return achievements_remind_stale()
