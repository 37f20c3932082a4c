"""Running one queued import job (called by the background task ``tasks.run_import_job``).

Kept apart from ``services`` (which queues jobs through ``tasks``) so the modules import in one
direction: services → tasks → running.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core.errors import NotFound
from jieli.imports.engine import Options
from jieli.imports.models import ImportJob, JobStatus
from jieli.imports.readers import ImportFileError


def _checkpoint(job_id: int, run: Any, result: Any) -> None:
    """What the import has written so far; runs inside the batch's own transaction."""
    counts = {
        "processed_rows": result.total,
        "created_count": result.created,
        "updated_count": result.updated,
        "unchanged_count": result.unchanged,
        "rejected_count": result.rejected,
    }
    ImportJob.objects.filter(pk=job_id).update(**counts)
    if run is not None:
        from jieli.core.jobs import job_checkpoint

        job_checkpoint(run, counts)


def execute_job(job_id: int, *, run: Any = None) -> ImportJob:
    """Run a queued job (called by the background task); the outcome is stored on the job.

    ``run`` is the job's ``core.JobRun`` (heartbeat); the counts of every committed batch are
    stored with the batch, on the job and on the run, so they stay true if the worker dies.
    """
    from jieli.core.errors import ServiceError
    from jieli.core.middleware import viewer_for_user
    from jieli.imports.engine import run_import

    job = ImportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None:
        raise NotFound()
    if job.status != JobStatus.QUEUED:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    viewer = viewer_for_user(job.user)
    rejected_name = f"imports/rejected/job-{job.pk}-rejected.csv"
    from django.core.files.storage import default_storage

    rejected_path = default_storage.path(rejected_name)
    options = Options(
        kind=job.kind,
        mode=job.mode,
        dry_run=job.dry_run,
        owner_id=job.owner_id,
        source=job.source,
        publish=job.publish,
        mapping=job.mapping,
        file_name=job.file_name,
        rejected_out=rejected_path,
        checkpoint=lambda result: _checkpoint(job.pk, run, result),
    )

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            processed_rows=done,
            total_rows=total,
            progress=min(99, int(100 * done / total)) if total else 0,
        )

    try:
        result = run_import(viewer=viewer, path=job.upload.path, options=options, progress=progress)
    except ServiceError as exc:
        if isinstance(exc, ImportFileError):
            # A refused file (a bomb, a broken or oversized file) is not kept.
            job.upload.delete(save=False)
            ImportJob.objects.filter(pk=job.pk).update(upload="")
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            error=exc.message,
            finished_at=timezone.now(),
            report={"fatal": exc.message},
        )
    except Exception as exc:
        import logging

        logging.getLogger(__name__).exception("import job %s failed", job.pk)
        message = _("The import failed unexpectedly: {error}").format(error=type(exc).__name__)
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            error=message,
            finished_at=timezone.now(),
            report={"fatal": message},
        )
    else:
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE,
            progress=100,
            total_rows=result.total,
            processed_rows=result.total,
            created_count=result.created,
            updated_count=result.updated,
            unchanged_count=result.unchanged,
            rejected_count=result.rejected,
            report=result.as_report(),
            rejected_file=rejected_name if result.rejected_path else "",
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def import_files_purge(*, now: Any = None) -> int:
    """Delete the uploaded and rejected-rows files of jobs older than
    ``JIELI_IMPORT_KEEP_DAYS`` days (the job and its report stay); returns the files deleted.
    Run daily by ``tasks.purge_import_files``."""
    from datetime import timedelta

    from django.conf import settings
    from django.db.models import Q

    cutoff = (now or timezone.now()) - timedelta(days=settings.JIELI_IMPORT_KEEP_DAYS)
    deleted = 0
    old = ImportJob.objects.filter(created_at__lt=cutoff).filter(
        ~Q(upload="") | ~Q(rejected_file="")
    )
    for job in old.exclude(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).iterator():
        for field in (job.upload, job.rejected_file):
            if field:
                field.delete(save=False)
                deleted += 1
        ImportJob.objects.filter(pk=job.pk).update(upload="", rejected_file="")
    return deleted
