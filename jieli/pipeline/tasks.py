"""Background jobs: dropped-baton reminders (hourly) and the one-year outcome follow-up (daily).

Each job works in short transactions under row locks and its notices carry dedupe keys, so a
worker killed half-way is harmless: the next run finishes the work without telling anyone twice.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="23"))
@lock_task("jieli-pipeline-batons")
def pipeline_batons_task() -> int:
    from jieli.pipeline.reminders import batons_remind

    return batons_remind()


@db_periodic_task(crontab(hour="8", minute="10"))
@lock_task("jieli-pipeline-followup")
def pipeline_followup_task() -> int:
    from jieli.pipeline.reminders import outcomes_followup

    return outcomes_followup()
