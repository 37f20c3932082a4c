from __future__ import annotations

import tempfile
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core.errors import NotFound, ServiceError
from jieli.core.forms import apply_service_error
from jieli.core.http import JieliRequest
from jieli.imports import selectors, services
from jieli.imports.exports import (
    EXPORT_FORMATS,
    csv_chunks,
    export_kinds,
    export_table,
    write_xlsx,
)
from jieli.imports.forms import ImportForm
from jieli.organisations.selectors import owner_choices


def _forbidden(request: JieliRequest) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_required
def import_upload(request: JieliRequest) -> HttpResponse:
    viewer = request.viewer
    if not selectors.may_import(viewer):
        return _forbidden(request)
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        viewer=viewer,
        owner_choices=owner_choices(viewer, administered_only=True),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                job = services.import_job_create(
                    viewer=viewer,
                    kind=d["kind"],
                    upload=d["file"],
                    mode=d["mode"],
                    dry_run=d["dry_run"],
                    owner=d.get("owner") or None,
                    source=d.get("source") or "import",
                    publish=d.get("publish") or False,
                    mapping=d.get("mapping") or {},
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
                status = exc.status
            else:
                return redirect("imports:job", pk=job.pk)
        else:
            status = 400
    jobs = selectors.visible_import_jobs(viewer)[:20]
    return render(request, "imports/upload.html", {"form": form, "jobs": jobs}, status=status)


def _job_or_404(request: JieliRequest, pk: int) -> Any:
    try:
        return selectors.import_job_get(request.viewer, pk)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def import_job(request: JieliRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    return render(request, "imports/job.html", {"job": job, "report": job.report or {}})


@login_required
def import_job_status(request: JieliRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    return JsonResponse(selectors.job_status(job))


@login_required
def import_job_rejected(request: JieliRequest, pk: int) -> HttpResponseBase:
    job = _job_or_404(request, pk)
    if not job.rejected_file:
        raise Http404
    try:
        handle = job.rejected_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"rejected-{job.file_name}.csv",
        content_type="text/csv; charset=utf-8",
    )


def export(request: JieliRequest, kind: str) -> HttpResponseBase:
    """The list page's rows as CSV or XLSX (``format``), with the list page's filters."""
    if kind not in export_kinds():
        raise Http404
    params = request.GET.copy()
    fmt = params.pop("format", ["csv"])[-1] or "csv"
    params.pop("page", None)
    if fmt not in EXPORT_FORMATS:
        return HttpResponse(
            _("Choose one of: {options}.").format(options=", ".join(EXPORT_FORMATS)),
            status=400,
            content_type="text/plain",
        )
    try:
        headers, rows = export_table(request.viewer, kind, {k: params.get(k) for k in params})
    except ServiceError as exc:
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
        return HttpResponse(
            f"{exc.message} {detail}".strip(),
            status=exc.status,
            content_type="text/plain; charset=utf-8",
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"jieli-{kind}-{stamp}.{fmt}"
    if fmt == "xlsx":
        tmp = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response
        write_xlsx(tmp, headers, rows)
        tmp.seek(0)
        return FileResponse(
            tmp,
            as_attachment=True,
            filename=name,
            content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    response = StreamingHttpResponse(
        csv_chunks(headers, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
