"""Background import jobs (huey); tests run them inline."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def run_import_job(job_id: int) -> None:
    from jieli.imports.running import execute_job

    execute_job(job_id)


@db_periodic_task(crontab(hour="3", minute="17"))
def purge_import_files() -> None:
    """Daily: uploaded files are kept ``JIELI_IMPORT_KEEP_DAYS`` days (H8)."""
    from jieli.imports.services import import_files_purge

    import_files_purge()
