"""Background jobs: the match alerts (user queue, every ``JIELI_ALERT_MINUTES`` minutes).

One run at a time (``lock_task``); each run is a ``JobRun`` with a heartbeat and its counts.
A run killed half-way leaves the cursor where it was: the next run does that work again, and
the notifications' dedupe keys keep anyone from being told twice.
"""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute=f"*/{settings.JIELI_ALERT_MINUTES}"))
@lock_task("jieli-watch-alerts")
def watch_alerts() -> dict[str, int]:
    from jieli.core.jobs import job_checkpoint, job_run
    from jieli.watchlists.alerts import alerts_run

    with job_run("watch_alerts", queue="user") as run:
        counts = alerts_run().as_dict()
        job_checkpoint(run, counts)
    return counts
