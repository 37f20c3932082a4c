"""Background jobs of the notifications app (user queue): immediate e-mails and digests.

What is to be sent is in the database (``Notification.email`` / ``emailed_at``), not in the
queue: a job claims the rows it sends under its ``JobRun``; if its worker dies, the reaper calls
``notification_email_worker_died``, which releases the claims and queues the job again, and the
sweep every five minutes sends whatever a lost job left.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from jieli.core.jobs import job_run, on_job_dead
from jieli.core.models import JobRun

JOB_KIND = "notifications_email"


@db_task()
def send_immediate_emails_job() -> int:
    from jieli.notifications.emails import emails_send_due

    with job_run(JOB_KIND, "immediate", queue="user") as run:
        return emails_send_due(mode="immediate", run_id=run.pk)


def queue_immediate_emails() -> None:
    send_immediate_emails_job()


@db_periodic_task(crontab(minute="*/5"))
@lock_task("jieli-notifications-immediate")
def sweep_immediate_emails() -> int:
    """Send immediate e-mails a lost job left (a queue emptied, a claim expired)."""
    from jieli.notifications.emails import emails_send_due

    with job_run(JOB_KIND, "immediate", queue="user") as run:
        return emails_send_due(mode="immediate", run_id=run.pk)


@db_periodic_task(crontab(hour="7", minute="30"))
@lock_task("jieli-notifications-daily")
def send_daily_digests() -> int:
    from jieli.notifications.emails import emails_send_due

    with job_run(JOB_KIND, "daily", queue="user") as run:
        return emails_send_due(mode="daily", run_id=run.pk)


@db_periodic_task(crontab(day_of_week="1", hour="7", minute="40"))
@lock_task("jieli-notifications-weekly")
def send_weekly_digests() -> int:
    from jieli.notifications.emails import emails_send_due

    with job_run(JOB_KIND, "weekly", queue="user") as run:
        return emails_send_due(mode="weekly", run_id=run.pk)


@on_job_dead(JOB_KIND)
def notification_email_worker_died(run: JobRun) -> None:
    """Release what the dead run had claimed and not sent, and send it again."""
    from jieli.notifications.emails import claims_release

    if claims_release(run_id=run.pk):
        job = {
            "immediate": send_immediate_emails_job,
            "daily": send_daily_digests,
            "weekly": send_weekly_digests,
        }.get(run.ref)
        if job is not None:
            job()
