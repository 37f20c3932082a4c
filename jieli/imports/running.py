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

MAX_RESUMES = 3  # a file that kills its worker every time is not retried for ever


def _counts(result: Any, base: dict[str, int]) -> dict[str, int]:
    """The job's counts: this run's plus those of the interrupted runs it resumes."""
    return {
        "processed_rows": result.total,
        "created_count": base.get("created_count", 0) + result.created,
        "updated_count": base.get("updated_count", 0) + result.updated,
        "unchanged_count": base.get("unchanged_count", 0) + result.unchanged,
        "rejected_count": result.rejected,
    }


def _checkpoint(job_id: int, run: Any, result: Any, base: dict[str, int]) -> None:
    """What the import has written so far; runs inside the batch's own transaction."""
    counts = _counts(result, base)
    ImportJob.objects.filter(pk=job_id).update(**counts)
    if run is not None:
        from jieli.core.jobs import job_checkpoint

        job_checkpoint(run, {**counts, "written_rows": result.written_rows})


def import_resume_after_death(*, job: ImportJob, written_rows: int) -> bool:
    """An all-or-nothing import whose worker died after committing some batches: queue it
    again to finish the file from the first row not written (the rows before are checked but
    not written again). False when it cannot be resumed (nothing was written, another mode, a
    dry run, or it has been resumed too often): the caller marks it failed."""
    from jieli.imports.models import ImportMode

    resume = dict((job.report or {}).get("resume") or {})
    if (
        job.mode != ImportMode.ALL_OR_NOTHING
        or job.dry_run
        or written_rows <= 0
        or resume.get("attempts", 0) >= MAX_RESUMES
        or not job.upload
    ):
        return False
    resume.update(
        rows=written_rows,
        attempts=resume.get("attempts", 0) + 1,
        created_count=job.created_count,
        updated_count=job.updated_count,
        unchanged_count=job.unchanged_count,
    )
    queued = ImportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.QUEUED, report={**(job.report or {}), "resume": resume}
    )
    return bool(queued)


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
    resume = dict((job.report or {}).get("resume") or {})
    base = {k: int(resume.get(k, 0)) for k in ("created_count", "updated_count", "unchanged_count")}
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
        checkpoint=lambda result: _checkpoint(job.pk, run, result, base),
        resume_after=int(resume.get("rows", 0)),
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
        report = result.as_report()
        if resume:
            report["notes"] = [*report["notes"], _resume_note(resume, result)]
            report["resume"] = resume
        counts = _counts(result, base) if result.ok else {}
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE,
            progress=100,
            total_rows=result.total,
            processed_rows=result.total,
            created_count=counts.get("created_count", result.created),
            updated_count=counts.get("updated_count", result.updated),
            unchanged_count=counts.get("unchanged_count", result.unchanged),
            rejected_count=result.rejected,
            report=report,
            rejected_file=rejected_name if result.rejected_path else "",
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def _resume_note(resume: dict[str, Any], result: Any) -> str:
    rows = int(resume.get("rows", 0))
    if result.ok:
        return _(
            "The worker running this import stopped after the first {rows} rows were written; "
            "the import was resumed from row {next} and finished the file."
        ).format(rows=rows, next=rows + 1)
    return _(
        "The worker running this import stopped after the first {rows} rows were written "
        "({created} records created, {updated} updated); the resumed run found a row it could "
        "not write, so only its own writes were put back and those earlier records are kept."
    ).format(
        rows=rows,
        created=resume.get("created_count", 0),
        updated=resume.get("updated_count", 0),
    )


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
