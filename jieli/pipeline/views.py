"""Pages: the portfolio (with filters and export), a project's board (stages as columns) and
timeline, opening a project, planning a stage, hand-offs, contracts and outcomes, and the
dropped batons. Thin: parse, call one service or selector, render."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jieli.core.errors import InvalidInput, NotFound, ServiceError
from jieli.core.forms import apply_service_error
from jieli.core.http import JieliRequest, message_service_error, parse_id
from jieli.core.viewer import Viewer
from jieli.enquiries.selectors import visible_enquiries
from jieli.facilities.selectors import visible_bookings, visible_zones
from jieli.imports.exports import csv_chunks, write_xlsx
from jieli.matching.selectors import demand_match_page
from jieli.organisations.models import Membership, OrganisationType
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

PAGE = 20


def open_action(viewer: Viewer, kind: str, record: Any) -> list[tuple[str, str]]:
    """ "Open a turnkey project" on an achievement's or a demand's page, and on an enquiry's
    page once an intention has been signed, for the people who may open it (``core.registry``).
    """
    if viewer.user_id is None:
        return []
    if kind == "enquiry":
        if not selectors.may_open_from_enquiry(viewer, record):
            return []
        url = reverse("pipeline:open", args=["enquiry", record.pk])
        return [(_("Open a turnkey project"), url)]
    if getattr(record, "status", "") != "published":
        return []
    if not (viewer.organisation_ids or viewer.is_staff_role):
        return []
    if kind == "achievement":
        url = reverse("pipeline:open", args=["achievement", record.pk])
    elif kind == "demand" and (viewer.is_staff_role or viewer.belongs_to(record.owner_id)):
        url = reverse("pipeline:open", args=["match", record.pk])
    else:
        return []
    return [(_("Open a turnkey project"), url)]


def _page(request: JieliRequest, qs: Any, param: str = "page") -> Any:
    return Paginator(qs, PAGE).get_page(request.GET.get(param))


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
    page = _page(request, qs.prefetch_related("stages"))
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
    form = PortfolioFilterForm(params or None, zones=_zones(request.viewer))
    if params and not form.is_valid():
        return HttpResponse(
            "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    filters = {k: v for k, v in form.cleaned_data.items() if v} if params else {}
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
        {"project": project, "page": Paginator(entries, 30).get_page(request.GET.get("page"))},
    )


@login_required
@require_POST
def stage_move(request: JieliRequest, pk: int, key: str) -> HttpResponse:
    form = MoveForm(request.POST, request.FILES)
    action = request.POST.get("action", "")
    try:
        if not form.is_valid():
            raise InvalidInput(fields={k: [str(m) for m in v] for k, v in form.errors.items()})
        services.stage_move(
            viewer=request.viewer,
            project_id=pk,
            key=key,
            action=action,
            reason=form.cleaned_data.get("reason") or "",
            files=form.cleaned_data.get("files") or [],
        )
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, _("Done: {action}.").format(action=MOVES[action].label))
    return redirect(reverse("pipeline:board", args=[pk]) + f"#stage-{key}")


@login_required
@require_POST
def stage_upload(request: JieliRequest, pk: int, key: str) -> HttpResponse:
    form = MoveForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise InvalidInput(fields={k: [str(m) for m in v] for k, v in form.errors.items()})
        services.stage_upload(
            viewer=request.viewer,
            project_id=pk,
            key=key,
            files=form.cleaned_data.get("files") or [],
        )
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, _("Deliverables added."))
    return redirect(reverse("pipeline:board", args=[pk]) + f"#stage-{key}")


@login_required
def stage_edit(request: JieliRequest, pk: int, key: str) -> HttpResponse:
    viewer = request.viewer
    project = selectors.project_get(viewer, pk)
    stage = project.stages.filter(key=key).first()
    if stage is None or key not in StageKey.values:
        raise NotFound()
    # The people offered are those of the stage's current owner or of an organisation the
    # viewer may choose (never any organisation's member list by id).
    choices = _org_choices(viewer)
    current = stage.owner_organisation_id  # type: ignore[attr-defined]
    asked = parse_id(request.POST.get("owner_organisation"))
    org_id = asked if asked in {pk for pk, _name in choices} else current
    # An organisation's people are named only to whoever plans the project or belongs to it.
    names_people = selectors.may_run(viewer, project) or viewer.belongs_to(org_id)
    people = (
        []
        if not names_people
        else [
            (m.user_id, m.user.get_full_name() or m.user.get_username())
            for m in Membership.objects.filter(organisation_id=org_id).select_related("user")[:200]
        ]
    )
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
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                running = selectors.may_run(viewer, project)
                services.stage_update(
                    viewer=viewer,
                    project_id=pk,
                    key=key,
                    owner_organisation_id=d["owner_organisation"] if running else None,
                    owner_user_id=d.get("owner_user"),
                    due_date=d.get("due_date") if running else None,
                    acceptance_criteria=d.get("acceptance_criteria") if running else None,
                    handoff_days=d.get("handoff_days") if running else None,
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("The stage plan was saved."))
                return redirect(reverse("pipeline:board", args=[pk]) + f"#stage-{key}")
    return render(
        request,
        "pipeline/stage_edit.html",
        {"project": project, "stage": stage, "form": form},
        status=status,
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
        if exc.status == 409:
            messages.error(request, exc.message)
        else:
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


@login_required
def contract_new(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    project = selectors.project_get(viewer, pk)
    form = ContractForm(request.POST or None, parties=_parties(project))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                contract_services.contract_create(viewer=viewer, project_id=pk, **form.cleaned_data)
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("The contract was recorded."))
                return redirect(reverse("pipeline:board", args=[pk]) + "#contracts")
    return render(
        request,
        "pipeline/form.html",
        {"project": project, "form": form, "heading": _("Record a technology contract")},
        status=status,
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
    form = ContractForm(request.POST or None, parties=_parties(project), initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                contract_services.contract_update(
                    viewer=viewer, contract_id=contract_id, **form.cleaned_data
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
                status = exc.status if exc.status in (404, 409) else 400
            else:
                messages.success(request, _("The contract was corrected."))
                return redirect(reverse("pipeline:board", args=[pk]) + "#contracts")
    return render(
        request,
        "pipeline/form.html",
        {"project": project, "form": form, "heading": _("Correct the contract")},
        status=status,
    )


@login_required
@require_POST
def contract_void(request: JieliRequest, pk: int, contract_id: int) -> HttpResponse:
    if not selectors.contracts_of(request.viewer, pk).filter(pk=contract_id).exists():
        raise NotFound()
    return _small_post(
        request,
        pk,
        VoidForm(request.POST),
        lambda d: contract_services.contract_void(
            viewer=request.viewer, contract_id=contract_id, **d
        ),
        _("The contract is void; it no longer counts in the totals."),
    )


@login_required
@require_POST
def milestone_done(request: JieliRequest, pk: int, milestone_id: int) -> HttpResponse:
    contracts = selectors.contracts_of(request.viewer, pk)
    if not Milestone.objects.filter(pk=milestone_id, contract__in=contracts).exists():
        raise NotFound()
    return _small_post(
        request,
        pk,
        DoneForm(request.POST),
        lambda d: contract_services.milestone_done(
            viewer=request.viewer, milestone_id=milestone_id, **d
        ),
        _("The milestone is marked done."),
    )


def _small_post(request: JieliRequest, pk: int, form: Any, call: Any, done: str) -> HttpResponse:
    try:
        if not form.is_valid():
            raise InvalidInput(fields={k: [str(m) for m in v] for k, v in form.errors.items()})
        call(form.cleaned_data)
    except ServiceError as exc:
        if exc.status == 409:
            messages.error(request, exc.message)
        else:
            message_service_error(request, exc)
    else:
        messages.success(request, done)
    return redirect(reverse("pipeline:board", args=[pk]) + "#contracts")


@login_required
@require_POST
def payment_add(request: JieliRequest, pk: int, contract_id: int) -> HttpResponse:
    selectors.project_get(request.viewer, pk)
    return _small_post(
        request,
        pk,
        PaymentForm(request.POST),
        lambda d: contract_services.payment_add(
            viewer=request.viewer, contract_id=contract_id, **d
        ),
        _("The payment was recorded."),
    )


@login_required
@require_POST
def milestone_add(request: JieliRequest, pk: int, contract_id: int) -> HttpResponse:
    selectors.project_get(request.viewer, pk)
    return _small_post(
        request,
        pk,
        MilestoneForm(request.POST),
        lambda d: contract_services.milestone_add(
            viewer=request.viewer, contract_id=contract_id, **d
        ),
        _("The milestone was recorded."),
    )


@login_required
@require_POST
def funding_add(request: JieliRequest, pk: int) -> HttpResponse:
    return _small_post(
        request,
        pk,
        FundingForm(request.POST),
        lambda d: contract_services.funding_add(viewer=request.viewer, project_id=pk, **d),
        _("The funding source was recorded."),
    )


@login_required
def outcome_new(request: JieliRequest, pk: int) -> HttpResponse:
    viewer = request.viewer
    project = selectors.project_get(viewer, pk)
    form = OutcomeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                contract_services.outcome_record(viewer=viewer, project_id=pk, **form.cleaned_data)
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("The outcomes were recorded."))
                return redirect(reverse("pipeline:board", args=[pk]) + "#outcomes")
    return render(
        request,
        "pipeline/form.html",
        {"project": project, "form": form, "heading": _("Record outcomes")},
        status=status,
    )


@login_required
def dropped(request: JieliRequest) -> HttpResponse:
    page = _page(request, selectors.dropped_batons(request.viewer))
    return render(
        request, "pipeline/dropped.html", {"page": page, "rows": selectors.baton_rows(page)}
    )


@login_required
@require_POST
def facilities_link(request: JieliRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(request.viewer, pk)
    form = _facilities_form(request.viewer, project, request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(fields={k: [str(m) for m in v] for k, v in form.errors.items()})
        services.project_link_facilities(
            viewer=request.viewer,
            pk=pk,
            booking_id=form.cleaned_data.get("booking"),
            zone_id=form.cleaned_data.get("zone"),
        )
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, _("The platform booking and zone were saved."))
    return redirect("pipeline:board", pk=pk)
