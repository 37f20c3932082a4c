"""Pages: the portfolio (with filters and export), a project's board (stages as columns) and
timeline, opening a project, planning a stage, hand-offs, contracts and outcomes, and the
dropped batons. Thin: parse, call one service or selector, render."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jieli.core.errors import InvalidInput, NotFound, ServiceError
from jieli.core.exporting import form_filters
from jieli.core.forms import apply_service_error
from jieli.core.http import JieliRequest, message_service_error, parse_id
from jieli.core.pagination import page_of
from jieli.core.viewer import Viewer
from jieli.enquiries.selectors import visible_enquiries
from jieli.facilities.selectors import visible_bookings, visible_zones
from jieli.imports.exports import csv_chunks, write_xlsx
from jieli.matching.selectors import demand_match_page
from jieli.organisations.models import OrganisationType
from jieli.organisations.selectors import visible_organisations
from jieli.pipeline import contract_services, exports, opening_services, selectors, services
from jieli.pipeline.forms import (
    ContractForm,
    DoneForm,
    FacilitiesForm,
    FundingForm,
    MilestoneForm,
    MoveForm,
    OpenForm,
    OutcomeForm,
    PaymentForm,
    PortfolioFilterForm,
    StageForm,
    VoidForm,
)
from jieli.pipeline.models import Deliverable, Milestone, Origin, StageKey
from jieli.pipeline.stages import MOVES


def open_action(viewer: Viewer, kind: str, record: Any) -> list[tuple[str, str]]:
    """ "Open a turnkey project" on an achievement's or a demand's page, and on an enquiry's
    page once an intention has been signed, for the people who may open it (``core.registry``).
    """
    origin = selectors.opening_origin(viewer, kind, record)
    if origin is None:
        return []
    return [(_("Open a turnkey project"), reverse("pipeline:open", args=[origin, record.pk]))]


def _zones(viewer: Viewer) -> list[tuple[int, str]]:
    return [(z.pk, str(z)) for z in visible_zones(viewer).order_by("name")[:200]]


def _facilities_form(viewer: Viewer, project: Any, data: Any = None) -> FacilitiesForm:
    bookings = [
        (b.pk, str(b))
        for b in visible_bookings(viewer)
        .filter(requester_organisation_id__in=selectors.party_ids(project))
        .select_related("platform")
        .order_by("-created_at")[:200]
    ]
    return FacilitiesForm(
        data,
        bookings=bookings,
        zones=_zones(viewer),
        initial={"booking": project.booking_id, "zone": project.zone_id},
    )


@login_required
def portfolio(request: JieliRequest) -> HttpResponse:
    form = PortfolioFilterForm(request.GET or None, zones=_zones(request.viewer))
    filters: dict[str, Any] = {}
    status = 200
    if request.GET and not form.is_valid():
        status = 400
    elif request.GET:
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    qs = (
        selectors.portfolio(request.viewer, **filters)
        if status == 200
        else selectors.portfolio(request.viewer).none()
    )
    page = page_of(request, qs)
    rows = [(p, selectors.current_stage(p)) for p in page]
    return render(
        request,
        "pipeline/portfolio.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "candidates": _enquiry_candidates(request.viewer),
        },
        status=status,
    )


def _enquiry_candidates(viewer: Viewer) -> list[Any]:
    return list(
        visible_enquiries(viewer)
        .filter(stage__in=["intention", "contract"])
        .order_by("-updated_at")[:10]
    )


@login_required
def export(request: JieliRequest) -> HttpResponseBase:
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        return HttpResponse(
            _("Choose one of: {options}.").format(options="csv, xlsx"),
            status=400,
            content_type="text/plain",
        )
    params = request.GET.copy()
    params.pop("format", None)
    params.pop("page", None)
    # A bad filter is an InvalidInput, answered by the error boundary like every other export.
    cleaned = form_filters(PortfolioFilterForm, params, zones=_zones(request.viewer))
    filters = {k: v for k, v in cleaned.items() if v}
    headers, rows = exports.portfolio_table(request.viewer, filters)
    name = f"jieli-projects-{timezone.localtime().strftime('%Y%m%d-%H%M')}.{fmt}"
    if fmt == "xlsx":
        tmp = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response
        write_xlsx(tmp, headers, rows)
        tmp.seek(0)
        return FileResponse(
            tmp,
            as_attachment=True,
            filename=name,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(
        csv_chunks(headers, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- opening ---------------------------------------------------------------------------------


def _org_choices(viewer: Viewer, org_type: str | None = None) -> list[tuple[int, str]]:
    qs = visible_organisations(viewer).filter(membership_status="member")
    if org_type:
        qs = qs.filter(org_type=org_type)
    return [(o.pk, o.display_name) for o in qs.order_by("name")[:500]]


@login_required
def project_open(request: JieliRequest, origin: str, pk: int) -> HttpResponse:
    """Open a project from an enquiry (``pk``: the enquiry), an achievement (the achievement)
    or a demand's match (the demand; the matched achievement is chosen on the page)."""
    viewer = request.viewer
    if origin not in (Origin.ENQUIRY, Origin.ACHIEVEMENT, Origin.MATCH):
        raise NotFound()
    context: dict[str, Any] = {"origin": origin}
    initial: dict[str, Any] = {}
    if origin == Origin.ENQUIRY:
        enquiry = visible_enquiries(viewer).filter(pk=pk).first()
        if enquiry is None:
            raise NotFound()
        context["source"] = enquiry.target_title
        initial["title"] = enquiry.target_title
    elif origin == Origin.ACHIEVEMENT:
        achievement = opening_services.achievements_for(viewer, [pk])[0]
        context["source"] = achievement.title
        initial["title"] = achievement.title
    else:
        # The same matches as the demand's matches page, which the service checks against.
        page = demand_match_page(viewer, demand_id=pk)
        context["source"] = page.demand.title
        initial["title"] = page.demand.title
        context["matches"] = page.achievements
    mine = _org_choices(viewer, OrganisationType.ENTERPRISE)
    agencies = _org_choices(viewer, OrganisationType.SERVICE_AGENCY)
    form = OpenForm(request.POST or None, enterprises=mine, agencies=agencies, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            chosen = parse_id(request.POST.get("achievement"))
            try:
                if origin == Origin.MATCH and chosen is None:
                    raise InvalidInput(fields={"__all__": [_("Choose a matched achievement.")]})
                project = opening_services.project_open_from(
                    viewer=viewer,
                    origin=origin,
                    origin_id=pk,
                    title=d["title"],
                    summary=d.get("summary") or "",
                    achievement_ids=[pk]
                    if origin == Origin.ACHIEVEMENT
                    else ([chosen] if chosen is not None else []),
                    demand_id=pk if origin == Origin.MATCH else None,
                    enterprise_id=d.get("enterprise"),
                    agency_id=d.get("agency"),
                    budget=d.get("budget"),
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("The project is open; its first stage has started."))
                return redirect("pipeline:board", pk=project.pk)
    context["form"] = form
    return render(request, "pipeline/open.html", context, status=status)


# --- the board -------------------------------------------------------------------------------


@login_required
def board(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    project = selectors.project_get(viewer, pk)
    return render(
        request,
        "pipeline/board.html",
        {
            "board": selectors.board_for(viewer, project),
            "project": project,
            "contracts": selectors.contracts_of(viewer, pk),
            "totals": selectors.contract_totals(viewer, pk),
            "void_form": VoidForm(),
            "done_form": DoneForm(),
            "move_form": MoveForm(),
            "move_labels": {name: move.label for name, move in MOVES.items()},
            "payment_form": PaymentForm(),
            "milestone_form": MilestoneForm(),
            "funding_form": FundingForm(),
            "facilities_form": _facilities_form(viewer, project),
        },
    )


@login_required
def timeline(request: JieliRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(request.viewer, pk)
    entries = selectors.timeline(project)
    return render(
        request,
        "pipeline/timeline.html",
        {"project": project, "page": page_of(request, entries, size=30)},
    )


def _post_back(request: JieliRequest, form: Any, call: Any, done: str, back: str) -> HttpResponse:
    """An action posted from the board: ``call`` (one service call) with the form's cleaned
    data, then back to ``back`` with ``done`` or the refusal flashed (input errors and
    conflicts; not allowed and not found reach the error boundary)."""
    try:
        if not form.is_valid():
            raise InvalidInput(fields={k: [str(m) for m in v] for k, v in form.errors.items()})
        call(form.cleaned_data)
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, done)
    return redirect(back)


def _board(pk: int, anchor: str = "") -> str:
    return reverse("pipeline:board", args=[pk]) + anchor


@login_required
@require_POST
def stage_move(request: JieliRequest, pk: int, key: str) -> HttpResponse:
    action = request.POST.get("action", "")
    return _post_back(
        request,
        MoveForm(request.POST, request.FILES),
        lambda d: services.stage_move(
            viewer=request.viewer,
            project_id=pk,
            key=key,
            action=action,
            reason=d.get("reason") or "",
            files=d.get("files") or [],
        ),
        _("Done: {action}.").format(action=MOVES[action].label if action in MOVES else action),
        _board(pk, f"#stage-{key}"),
    )


@login_required
@require_POST
def stage_upload(request: JieliRequest, pk: int, key: str) -> HttpResponse:
    return _post_back(
        request,
        MoveForm(request.POST, request.FILES),
        lambda d: services.stage_upload(
            viewer=request.viewer, project_id=pk, key=key, files=d.get("files") or []
        ),
        _("Deliverables added."),
        _board(pk, f"#stage-{key}"),
    )


@login_required
def stage_edit(request: JieliRequest, pk: int, key: str) -> HttpResponse:
    viewer = request.viewer
    project = selectors.project_get(viewer, pk)
    stage = project.stages.filter(key=key).first()
    if stage is None or key not in StageKey.values:
        raise NotFound()
    # The people offered are those of the stage's current owner or of an organisation the
    # viewer may choose (the selector says to whom they are named).
    choices = _org_choices(viewer)
    asked = parse_id(request.POST.get("owner_organisation"))
    org_id = asked if asked in {pk for pk, _name in choices} else stage.owner_organisation_id  # type: ignore[attr-defined]
    people = selectors.stage_people_choices(viewer, project, org_id)
    form = StageForm(
        request.POST or None,
        organisations=choices,
        people=people,
        initial={
            "owner_organisation": stage.owner_organisation_id,  # type: ignore[attr-defined]
            "owner_user": stage.owner_user_id,  # type: ignore[attr-defined]
            "due_date": stage.due_date,
            "handoff_days": stage.handoff_days,
            "acceptance_criteria": stage.acceptance_criteria,
        },
    )
    return _form_page(
        request,
        project,
        form,
        lambda d: services.stage_update(
            viewer=viewer,
            project_id=pk,
            key=key,
            **selectors.stage_plan_changes(
                viewer,
                project,
                {
                    "owner_organisation_id": d["owner_organisation"],
                    "owner_user_id": d.get("owner_user"),
                    "due_date": d.get("due_date"),
                    "acceptance_criteria": d.get("acceptance_criteria"),
                    "handoff_days": d.get("handoff_days"),
                },
            ),
        ),
        done=_("The stage plan was saved."),
        anchor=f"#stage-{key}",
        template="pipeline/stage_edit.html",
        context={"stage": stage},
    )


@login_required
def deliverable_download(request: JieliRequest, pk: int, file_id: int) -> HttpResponseBase:
    project = selectors.project_get(request.viewer, pk)
    item = Deliverable.objects.filter(pk=file_id, stage__project=project).first()
    if item is None:
        raise NotFound()
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound() from exc
    return FileResponse(handle, as_attachment=True, filename=item.name)


@login_required
@require_POST
def project_close(request: JieliRequest, pk: int) -> HttpResponse:
    try:
        services.project_close(viewer=request.viewer, pk=pk)
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, _("The project was closed."))
    return redirect("pipeline:board", pk=pk)


# --- contracts, funding, outcomes -----------------------------------------------------------


def _parties(project: Any) -> list[tuple[int, str]]:
    return [
        (o.pk, o.display_name)
        for o in (project.enterprise, project.agency, project.institute)
        if o is not None
    ]


def _form_page(
    request: JieliRequest,
    project: Any,
    form: Any,
    save: Any,
    *,
    done: str,
    anchor: str,
    template: str = "pipeline/form.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A project's form page: on a valid POST, ``save`` (one service call with the cleaned
    data), a message and back to the board at ``anchor``; otherwise the form, with the
    service's refusal in place (400, or the conflict's 409)."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                save(form.cleaned_data)
            except ServiceError as exc:
                apply_service_error(form, exc)
                status = exc.status if exc.status == 409 else 400
            else:
                messages.success(request, done)
                return redirect(_board(project.pk, anchor))
    return render(
        request, template, {"project": project, "form": form, **(context or {})}, status=status
    )


@login_required
def contract_new(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    project = selectors.project_get(viewer, pk)
    return _form_page(
        request,
        project,
        ContractForm(request.POST or None, parties=_parties(project)),
        lambda d: contract_services.contract_create(viewer=viewer, project_id=pk, **d),
        done=_("The contract was recorded."),
        anchor="#contracts",
        context={"heading": _("Record a technology contract")},
    )


@login_required
def contract_edit(request: JieliRequest, pk: int, contract_id: int) -> HttpResponse:
    """Correct a recorded contract (the people who record contracts)."""
    viewer = request.viewer
    project = selectors.project_get(viewer, pk)
    contract = selectors.contracts_of(viewer, pk).filter(pk=contract_id).first()
    if contract is None:
        raise NotFound()
    initial = {
        name: getattr(contract, f"{name}_id" if name.startswith("party_") else name)
        for name in contract_services.CONTRACT_FIELDS
    }
    return _form_page(
        request,
        project,
        ContractForm(request.POST or None, parties=_parties(project), initial=initial),
        lambda d: contract_services.contract_update(viewer=viewer, contract_id=contract_id, **d),
        done=_("The contract was corrected."),
        anchor="#contracts",
        context={"heading": _("Correct the contract")},
    )


@login_required
@require_POST
def contract_void(request: JieliRequest, pk: int, contract_id: int) -> HttpResponse:
    if not selectors.contracts_of(request.viewer, pk).filter(pk=contract_id).exists():
        raise NotFound()
    return _post_back(
        request,
        VoidForm(request.POST),
        lambda d: contract_services.contract_void(
            viewer=request.viewer, contract_id=contract_id, **d
        ),
        _("The contract is void; it no longer counts in the totals."),
        _board(pk, "#contracts"),
    )


@login_required
@require_POST
def milestone_done(request: JieliRequest, pk: int, milestone_id: int) -> HttpResponse:
    contracts = selectors.contracts_of(request.viewer, pk)
    if not Milestone.objects.filter(pk=milestone_id, contract__in=contracts).exists():
        raise NotFound()
    return _post_back(
        request,
        DoneForm(request.POST),
        lambda d: contract_services.milestone_done(
            viewer=request.viewer, milestone_id=milestone_id, **d
        ),
        _("The milestone is marked done."),
        _board(pk, "#contracts"),
    )


@login_required
@require_POST
def payment_add(request: JieliRequest, pk: int, contract_id: int) -> HttpResponse:
    selectors.project_get(request.viewer, pk)
    return _post_back(
        request,
        PaymentForm(request.POST),
        lambda d: contract_services.payment_add(
            viewer=request.viewer, contract_id=contract_id, **d
        ),
        _("The payment was recorded."),
        _board(pk, "#contracts"),
    )


@login_required
@require_POST
def milestone_add(request: JieliRequest, pk: int, contract_id: int) -> HttpResponse:
    selectors.project_get(request.viewer, pk)
    return _post_back(
        request,
        MilestoneForm(request.POST),
        lambda d: contract_services.milestone_add(
            viewer=request.viewer, contract_id=contract_id, **d
        ),
        _("The milestone was recorded."),
        _board(pk, "#contracts"),
    )


@login_required
@require_POST
def funding_add(request: JieliRequest, pk: int) -> HttpResponse:
    return _post_back(
        request,
        FundingForm(request.POST),
        lambda d: contract_services.funding_add(viewer=request.viewer, project_id=pk, **d),
        _("The funding source was recorded."),
        _board(pk, "#contracts"),
    )


@login_required
def outcome_new(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    project = selectors.project_get(viewer, pk)
    return _form_page(
        request,
        project,
        OutcomeForm(request.POST or None),
        lambda d: contract_services.outcome_record(viewer=viewer, project_id=pk, **d),
        done=_("The outcomes were recorded."),
        anchor="#outcomes",
        context={"heading": _("Record outcomes")},
    )


@login_required
def dropped(request: JieliRequest) -> HttpResponse:
    page = page_of(request, selectors.dropped_batons(request.viewer))
    return render(
        request, "pipeline/dropped.html", {"page": page, "rows": selectors.baton_rows(page)}
    )


@login_required
@require_POST
def facilities_link(request: JieliRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(request.viewer, pk)
    return _post_back(
        request,
        _facilities_form(request.viewer, project, request.POST),
        lambda d: services.project_link_facilities(
            viewer=request.viewer, pk=pk, booking_id=d.get("booking"), zone_id=d.get("zone")
        ),
        _("The platform booking and zone were saved."),
        _board(pk),
    )
