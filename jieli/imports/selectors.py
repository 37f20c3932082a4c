"""Reads for import jobs: a user sees their own jobs; the secretariat sees all."""

from __future__ import annotations

from django.db.models import QuerySet

from jieli.core.errors import NotFound
from jieli.core.viewer import Viewer
from jieli.imports.models import ImportJob


def visible_import_jobs(viewer: Viewer) -> QuerySet[ImportJob]:
    qs = ImportJob.objects.select_related("user", "owner")
    if viewer.is_staff_role:
        return qs
    if viewer.user_id is None:
        return qs.none()
    return qs.filter(user_id=viewer.user_id)


def import_job_get(viewer: Viewer, pk: int) -> ImportJob:
    job = visible_import_jobs(viewer).filter(pk=pk).first()
    if job is None:
        raise NotFound()
    return job


def may_import(viewer: Viewer) -> bool:
    """Whether to offer the upload page at all (the services decide each request)."""
    return viewer.is_staff_role or bool(viewer.admin_organisation_ids)


def import_kinds_for(viewer: Viewer) -> list[str]:
    if viewer.is_staff_role:
        return ["achievements", "demands", "organisations", "experts"]
    return ["achievements", "demands"] if viewer.admin_organisation_ids else []


def job_status(job: ImportJob) -> dict[str, object]:
    """The small JSON the progress page polls."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "progress": job.progress,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "rejected": job.rejected_count,
        "error": job.error,
        "finished": job.finished,
    }
