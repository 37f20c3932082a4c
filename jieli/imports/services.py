"""Writes for imports: queue a job for an uploaded file, and the helpers the commands share."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput
from jieli.core.viewer import Viewer
from jieli.imports import mapping as m
from jieli.imports.engine import Options, check_permission
from jieli.imports.models import ImportJob
from jieli.imports.readers import ImportFileError


def viewer_for_command(username: str | None) -> Viewer:
    """The importing user for the command line: ``--as`` or else the first superuser."""
    from jieli.core.middleware import viewer_for_user

    users = get_user_model().objects.filter(is_active=True)
    user = (
        users.filter(username=username).first()
        if username
        else users.filter(is_superuser=True).order_by("pk").first()
    )
    if user is None:
        raise InvalidInput(
            _("No active user “{name}”; give --as USERNAME.").format(name=username or "superuser")
        )
    return viewer_for_user(user)


def resolve_owner(value: str | int) -> int:
    """An organisation by ID or unified social credit code."""
    from jieli.core.validators import normalise_credit_code
    from jieli.organisations.models import Organisation

    text = str(value).strip()
    qs = Organisation.objects.all()
    org = qs.filter(pk=int(text)).first() if text.isdigit() and len(text) < 12 else None
    org = org or qs.filter(credit_code=normalise_credit_code(text)).exclude(credit_code="").first()
    if org is None:
        raise InvalidInput(
            _("Unknown organisation “{name}”.").format(name=text),
            fields={"owner": [_("Unknown organisation.")]},
        )
    return org.pk


def _check_upload(upload: UploadedFile) -> None:
    from django.conf import settings

    name = os.path.basename(upload.name or "")
    if not name:
        raise InvalidInput(fields={"file": [_("This field is required.")]})
    if upload.size is not None and upload.size > settings.JIELI_IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is too large ({size} bytes); the limit is {limit} bytes.").format(
                size=upload.size, limit=settings.JIELI_IMPORT_MAX_BYTES
            ),
            fields={"file": [_("The file is too large.")]},
        )
    if not upload.size:
        raise ImportFileError(_("The file is empty."), fields={"file": [_("The file is empty.")]})


def import_job_create(
    *,
    viewer: Viewer,
    kind: str,
    upload: UploadedFile,
    mode: str = "all-or-nothing",
    dry_run: bool = False,
    owner: str | int | None = None,
    source: str = "import",
    publish: bool = False,
    mapping: dict[str, Any] | None = None,
) -> ImportJob:
    """Check the request, keep the file and queue the background import."""
    owner_id = resolve_owner(owner) if owner is not None and owner != "" else None
    source = (source or "import").strip()[:60] or "import"
    options = Options(
        kind=kind,
        mode=mode,
        dry_run=dry_run,
        owner_id=owner_id,
        source=source,
        publish=publish,
        mapping=m.check_mapping(mapping or {}),
    )
    check_permission(viewer, options)
    _check_upload(upload)
    with transaction.atomic():
        job = ImportJob(
            user_id=viewer.user_id,
            kind=kind,
            mode=mode,
            dry_run=dry_run,
            owner_id=owner_id,
            source=source,
            publish=publish,
            file_name=os.path.basename(upload.name or "")[:255],
            mapping=options.mapping,
        )
        job.upload.save(job.file_name, upload, save=False)
        job.save()
    from jieli.imports.tasks import run_import_job

    # The job row is committed here (views do not wrap requests in a transaction), so the
    # background worker finds it; tests run the task inline.
    run_import_job(job.pk)
    job.refresh_from_db()
    return job
