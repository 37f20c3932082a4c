"""Background jobs for events: the scheduler run (user queue) and the hourly expiry of pending
meeting requests. Both survive a killed worker: a dead scheduler run is marked failed (the
schedule is written in one transaction, so nothing half-written stays), and the expiry job
takes each request under its own row lock, so a repeated run does nothing twice."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from jieli.core.jobs import PRIORITY_WAITING, job_run, on_job_dead
from jieli.core.models import JobRun


@db_task(priority=PRIORITY_WAITING)
def schedule_job(run_id: int) -> None:
    from jieli.events.running import schedule_execute

    with job_run("event_schedule", run_id, queue="user"):
        schedule_execute(run_id)


@db_periodic_task(crontab(minute="23"))
@lock_task("jieli-events-expire-requests")
def expire_requests_task() -> int:
    from jieli.events.running import requests_expire

    return requests_expire()


@on_job_dead("event_schedule")
def schedule_worker_died(run: JobRun) -> None:
    from jieli.events.models import ScheduleRun

    ScheduleRun.objects.filter(
        pk=int(run.ref or 0), status__in=[ScheduleRun.Status.QUEUED, ScheduleRun.Status.RUNNING]
    ).update(
        status=ScheduleRun.Status.FAILED,
        error=_("The worker stopped before the schedule was written; nothing changed."),
        finished_at=timezone.now(),
    )
