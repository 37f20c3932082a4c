"""Background jobs of the core: find the jobs whose worker died (user queue, every minute)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="*"))
@lock_task("jieli-jobs-reap")
def jobs_reap_task() -> None:
    from jieli.core.jobs import jobs_reap, old_runs_delete

    jobs_reap()
    old_runs_delete()
