from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from jieli.core.api import ERRORS, REQUIRED_AUTH, viewer_of
from jieli.core.errors import InvalidInput
from jieli.imports import selectors, services

router = Router(tags=["imports"])


class JobCreatedOut(Schema):
    id: int
    status: str
    status_url: str


class JobOut(Schema):
    id: int
    kind: str
    mode: str
    dry_run: bool
    file_name: str
    status: str
    progress: int
    total_rows: int
    processed_rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    error: str
    report: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None


@router.post("", auth=REQUIRED_AUTH, response={202: JobCreatedOut, **ERRORS})
def import_create(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008
    kind: str = Form(...),
    mode: str = Form("all-or-nothing"),
    dry_run: bool = Form(False),
    owner: str = Form(""),
    source: str = Form("import"),
    publish: bool = Form(False),
    mapping: str = Form(""),
) -> tuple[int, JobCreatedOut]:
    """Upload a file to import; the import runs in the background (poll the status URL)."""
    try:
        mapping_data = json.loads(mapping) if mapping.strip() else {}
    except json.JSONDecodeError as exc:
        raise InvalidInput(fields={"mapping": ["JSON"]}) from exc
    job = services.import_job_create(
        viewer=viewer_of(request),
        kind=kind,
        upload=file,
        mode=mode,
        dry_run=dry_run,
        owner=owner or None,
        source=source,
        publish=publish,
        mapping=mapping_data,
    )
    return 202, JobCreatedOut(id=job.pk, status=job.status, status_url=f"/api/v1/imports/{job.pk}")


@router.get("/{job_id}", auth=REQUIRED_AUTH, response={200: JobOut, **ERRORS})
def import_get(request: HttpRequest, job_id: int) -> JobOut:
    job = selectors.import_job_get(viewer_of(request), job_id)
    return JobOut(
        id=job.pk,
        kind=job.kind,
        mode=job.mode,
        dry_run=job.dry_run,
        file_name=job.file_name,
        status=job.status,
        progress=job.progress,
        total_rows=job.total_rows,
        processed_rows=job.processed_rows,
        created=job.created_count,
        updated=job.updated_count,
        unchanged=job.unchanged_count,
        rejected=job.rejected_count,
        error=job.error,
        report=job.report or {},
        created_at=job.created_at,
        finished_at=job.finished_at,
    )
