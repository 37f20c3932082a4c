"""Background import jobs (huey, user queue); tests run them inline.

Each run is recorded with a heartbeat (``jieli.core.jobs``). If its worker dies, the reaper
marks the import failed: its counts are those checkpointed with each committed batch, so they
match what was written. ``valid-rows`` keeps its committed batches (importing the file again
finishes it: rows with an external ID are updated, not duplicated); an ``all-or-nothing``
import that had committed batches is queued again and resumes from the first row not written
(``running.import_resume_after_death``), so the file still ends up imported whole.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jieli.core.jobs import PRIORITY_WAITING, job_run, on_job_dead
from jieli.core.models import JobRun


@db_task(priority=PRIORITY_WAITING)  # someone is waiting: ahead of the queue's background work
def run_import_job(job_id: int) -> None:
    from jieli.imports.running import execute_job

    with job_run("import", job_id, queue="user") as run:
        execute_job(job_id, run=run)


@db_periodic_task(crontab(hour="3", minute="17"))
def purge_import_files() -> None:
    """Daily: uploaded files are kept ``JIELI_IMPORT_KEEP_DAYS`` days."""
    from jieli.imports.running import import_files_purge

    import_files_purge()


@on_job_dead("import")
def import_worker_died(run: JobRun) -> None:
    """Mark the import failed, with the counts of what its committed batches wrote."""
    from jieli.imports.models import ImportJob, JobStatus
    from jieli.imports.running import import_resume_after_death

    job = ImportJob.objects.filter(pk=int(run.ref or 0), status=JobStatus.RUNNING).first()
    if job is None:
        return
    written_rows = int((run.counts or {}).get("written_rows", 0))
    if import_resume_after_death(job=job, written_rows=written_rows):
        from django.db import transaction

        transaction.on_commit(lambda: run_import_job(job.pk))
        return
    written = job.created_count + job.updated_count
    if written:
        message = _(
            "The worker running this import stopped before it finished. "
            "{created} records were created and {updated} updated before it stopped; they are "
            "kept. Import the file again to finish: rows with an external ID are updated, "
            "not duplicated."
        ).format(created=job.created_count, updated=job.updated_count)
    else:
        message = _(
            "The worker running this import stopped before it finished; nothing was written. "
            "Import the file again."
        )
    ImportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED,
        error=message,
        finished_at=timezone.now(),
        report={**(job.report or {}), "fatal": message, "interrupted": True},
    )
