"""Background job: deadline reminders of open evaluations (once each, three days before)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="23", hour="8"))
@lock_task("jieli-evaluations-deadlines")
def evaluations_deadline_task() -> int:
    from jieli.evaluations.services import evaluations_remind_deadlines

    return evaluations_remind_deadlines()
