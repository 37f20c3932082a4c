from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jieli.core.errors import NotFound, ServiceError
from jieli.core.http import JieliRequest, message_service_error
from jieli.core.pagination import page_of
from jieli.duplicates import selectors, services
from jieli.duplicates.kinds import detected_kinds, kind_spec
from jieli.duplicates.models import CaseStatus


def _split_numbers(value: str) -> list[str]:
    import re

    return [n for n in re.split(r"[,，;；、\s]+", value) if n][:50]


@login_required
@require_POST
def check(request: JieliRequest) -> HttpResponse:
    """The achievement form posts its fields here; answers the suspects (HTML fragment or JSON).

    POST kind (default "achievement"), title, summary, detail, ip_numbers (separated by commas
    or spaces), credit_code, name, exclude_id; add ``format=json`` (or Accept: application/json)
    for JSON.
    """
    p = request.POST
    wants_json = p.get("format") == "json" or "application/json" in request.headers.get(
        "Accept", ""
    )
    kind = p.get("kind", "achievement")
    data: dict[str, object] = {
        name: p[name]
        for name in ("title", "name", "summary", "detail", "problem", "description", "credit_code")
        if name in p
    }
    if "ip_numbers" in p:
        data["ip_numbers"] = _split_numbers(p.get("ip_numbers", "")[:3000])
    exclude = p.get("exclude_id", "")
    try:
        if exclude and not exclude.isdigit():
            from jieli.core.errors import InvalidInput

            raise InvalidInput(fields={"exclude_id": [_("Enter a whole number.")]})
        suspects = selectors.duplicate_suspects_for(
            kind=kind,
            data=data,
            exclude_id=int(exclude) if exclude else None,
            viewer=request.viewer,
        )
    except ServiceError as exc:
        if wants_json:
            return JsonResponse(
                {"code": exc.code, "message": exc.message, "fields": exc.fields}, status=exc.status
            )
        return render(
            request,
            "duplicates/_suspects.html",
            {"suspects": [], "error": exc.message},
            status=exc.status,
        )
    if wants_json:
        return JsonResponse(
            {
                "suspects": [
                    {
                        "kind": s.kind,
                        "target_id": s.target_id,
                        "score": round(s.score, 3),
                        "certainty": s.certainty,
                        "reasons": s.reasons,
                    }
                    for s in suspects
                ]
            }
        )
    return render(
        request,
        "duplicates/_suspects.html",
        {
            "suspects": suspects,
            "detail_url": kind_spec(kind).detail_url,
        },
    )


def _queue_viewer(request: JieliRequest):  # type: ignore[no-untyped-def]
    viewer = request.viewer
    return viewer if selectors.may_use_duplicate_queue(viewer) else None


@login_required
@require_GET
def queue(request: JieliRequest) -> HttpResponse:
    viewer = _queue_viewer(request)
    if viewer is None:
        return render(request, "403.html", status=403)
    status = request.GET.get("status", CaseStatus.PENDING)[:12]
    kind = request.GET.get("kind", "")[:20]
    try:
        qs = selectors.duplicate_case_list(viewer, status=status, kind=kind)
    except ServiceError:
        status, kind = CaseStatus.PENDING, ""
        qs = selectors.duplicate_case_list(viewer, status=status, kind=kind)
    page = page_of(request, qs)
    cases = [selectors.duplicate_case_detail(viewer, case) for case in page.object_list]
    return render(
        request,
        "duplicates/queue.html",
        {
            "page": page,
            "cases": cases,
            "status": status,
            "kind": kind,
            "statuses": CaseStatus.choices,
            "kinds": [(s.kind, s.label) for s in detected_kinds()],
        },
    )


@login_required
@require_GET
def case_detail(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    try:
        case = selectors.duplicate_case_get(viewer, pk)
    except NotFound as exc:
        raise Http404 from exc
    return render(
        request,
        "duplicates/case.html",
        {
            "detail": selectors.duplicate_case_detail(viewer, case),
        },
    )


@login_required
@require_POST
def decide(request: JieliRequest, pk: int) -> HttpResponse:
    keep = request.POST.get("keep_id", "")
    try:
        if keep and not keep.isdigit():
            from jieli.core.errors import InvalidInput

            raise InvalidInput(fields={"keep_id": [_("Choose one of the two records.")]})
        services.duplicate_decide(
            viewer=request.viewer,
            case_id=pk,
            decision=request.POST.get("decision", ""),
            keep_id=int(keep) if keep else None,
            note=request.POST.get("note", ""),
        )
    except ServiceError as exc:
        message_service_error(request, exc)
        if exc.status == 409:
            return render(
                request, "duplicates/conflict.html", {"message": exc.message, "pk": pk}, status=409
            )
        return redirect("duplicates:case", pk=pk)
    messages.success(request, _("Decision recorded."))
    if request.POST.get("next", "") == "case":
        return redirect("duplicates:case", pk=pk)
    return redirect("duplicates:queue")
