"""Background import jobs (huey); tests run them inline."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def run_import_job(job_id: int) -> None:
    from jieli.imports.running import execute_job

    execute_job(job_id)
