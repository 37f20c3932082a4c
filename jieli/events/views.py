"""Pages for events: list, create, public page, register, suggestions, requests, the
organiser's desk (registrations, scheduler runs, table plan, check-in, walk-ins), agendas
(page, .ics, QR code) and the report. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from jieli.core import registry
from jieli.core.charts import bar_chart
from jieli.core.errors import InvalidInput, NotFound, ServiceError
from jieli.core.forms import apply_service_error
from jieli.core.http import JieliRequest, message_service_error, parse_id
from jieli.core.pagination import page_of
from jieli.events import busy, meeting_services, registration_import, selectors, services
from jieli.events.calendar import agenda_ics, agenda_pdf, qr_svg
from jieli.events.forms import (
    AnswerForm,
    BusyImportForm,
    CheckinForm,
    EventForm,
    OutcomeForm,
    RegistrationForm,
    RegistrationImportForm,
    RequestForm,
    ScheduleForm,
    WalkInForm,
)
from jieli.events.models import Meeting, RegistrationStatus, RequestStatus, ScheduleRun


def event_list(request: JieliRequest) -> HttpResponse:
    qs = selectors.visible_events(request.viewer)
    may_create = selectors.may_create_event(request.viewer)
    return render(
        request, "events/list.html", {"page": page_of(request, qs), "may_create": may_create}
    )


def _organisers(request: JieliRequest) -> list[tuple[Any, str]]:
    from jieli.organisations.selectors import owner_choices

    out: list[tuple[Any, str]] = []
    if request.viewer.is_staff_role:
        out.append(("", _("The alliance secretariat")))
    out.extend(owner_choices(request.viewer, administered_only=True))
    return out


@login_required
def event_new(request: JieliRequest) -> HttpResponse:
    organisers = _organisers(request)
    if not organisers:
        raise NotFound()
    form = EventForm(request.POST or None, organisers=organisers)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                viewer=request.viewer,
                organiser_id=form.cleaned_data["organiser"],
                data=form.data_for_service(),
            )
        except InvalidInput as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request, _("The event was created as a draft. Open it for registration when ready.")
            )
            return redirect("events:manage", event.pk)
    return render(request, "events/new.html", {"form": form}, status=400 if form.errors else 200)


def event_detail(request: JieliRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.viewer, pk)
    reg = selectors.my_registration(request.viewer, event)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "sessions": event.sessions.all(),
            "registration": reg,
            "organiser": selectors.is_organiser(request.viewer, event),
            "confirmed_count": selectors.confirmed(event).count(),
        },
    )


@require_POST
@login_required
def event_move(request: JieliRequest, pk: int) -> HttpResponse:
    event = selectors.organiser_event_get(request.viewer, pk)
    try:
        services.event_move(
            viewer=request.viewer, event_id=event.pk, move=request.POST.get("action", "")
        )
    except ServiceError as exc:
        message_service_error(request, exc)
    return redirect("events:manage", event.pk)


@login_required
def register(request: JieliRequest, pk: int) -> HttpResponse:
    from jieli.organisations.selectors import owner_choices

    event = selectors.event_get(request.viewer, pk)
    orgs = owner_choices(request.viewer)
    if not orgs:
        messages.error(request, _("Only people of a member organisation can register."))
        return redirect("events:detail", event.pk)
    org_ids = [o for o, _n in orgs]
    form = RegistrationForm(
        request.POST or None,
        organisations=orgs,
        sessions=[(s.pk, f"{s.name} {s.starts_at:%Y-%m-%d %H:%M}") for s in event.sessions.all()],
        # Through the listings' own visibility rule (a dual-use or hidden one is not offered).
        offers=list(
            registry.visible(request.viewer, "achievement")
            .filter(owner_id__in=org_ids, status="published")
            .values_list("pk", "title")[:200]
        ),
        needs=list(
            registry.visible(request.viewer, "demand")
            .filter(owner_id__in=org_ids, status="published")
            .values_list("pk", "title")[:200]
        ),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            reg = services.registration_create(
                viewer=request.viewer,
                event=event,
                organisation_id=d["organisation"],
                role=d["role"],
                session_ids=d["sessions"],
                offer_ids=d["offers"],
                need_ids=d["needs"],
                booth=d["booth"],
            )
        except InvalidInput as exc:
            apply_service_error(form, exc)
        except ServiceError as exc:
            message_service_error(request, exc)
            return redirect("events:detail", event.pk)
        else:
            if reg.status == RegistrationStatus.WAITING:
                messages.warning(request, _("The event is full: you are on the waiting list."))
            else:
                messages.success(
                    request, _("Registered. The organiser will confirm your registration.")
                )
            return redirect("events:detail", event.pk)
    return render(
        request,
        "events/register.html",
        {"event": event, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def manage(request: JieliRequest, pk: int) -> HttpResponse:
    event = selectors.organiser_event_get(request.viewer, pk)
    status = request.GET.get("status", "")
    regs = event.registrations.select_related("organisation", "user")
    if status in RegistrationStatus.values:
        regs = regs.filter(status=status)
    participants = [(r.pk, str(r)) for r in selectors.confirmed(event)[:500]]
    return render(
        request,
        "events/manage.html",
        {
            "event": event,
            "page": page_of(request, regs),
            "status": status,
            "statuses": RegistrationStatus.choices,
            "runs": event.runs.all()[:5],
            "schedule_form": ScheduleForm(),
            "checkin_form": CheckinForm(),
            "walkin_form": WalkInForm(participants=participants),
            "unscheduled": Meeting.objects.filter(
                event=event, status=Meeting.Status.UNSCHEDULED
            ).count(),
        },
    )


@login_required
def import_registrations(request: JieliRequest, pk: int) -> HttpResponse:
    """The organiser uploads a CSV/XLSX of registrations: all imported or none."""
    event = selectors.organiser_event_get(request.viewer, pk)
    form = RegistrationImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            n = registration_import.registrations_import(
                viewer=request.viewer, event_id=event.pk, upload=form.cleaned_data["file"]
            )
        except InvalidInput as exc:
            apply_service_error(form, exc)
        except ServiceError as exc:
            message_service_error(request, exc)
            return redirect("events:manage", event.pk)
        else:
            messages.success(
                request,
                ngettext("{n} registration imported.", "{n} registrations imported.", n).format(
                    n=n
                ),
            )
            return redirect("events:manage", event.pk)
    return render(
        request,
        "events/import_registrations.html",
        {"event": event, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def busy_upload(request: JieliRequest, pk: int) -> HttpResponse:
    """A participant uploads their calendar; busy times make the overlapping slots unavailable."""
    event = selectors.event_get(request.viewer, pk)
    reg = selectors.my_registration_get(request.viewer, event)
    form = BusyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            _reg, blocked = busy.busy_import(
                viewer=request.viewer, event_id=event.pk, upload=form.cleaned_data["file"]
            )
        except InvalidInput as exc:
            apply_service_error(form, exc)
        except ServiceError as exc:
            message_service_error(request, exc)
            return redirect("events:agenda", event.pk)
        else:
            messages.success(
                request,
                ngettext(
                    "Calendar read: {n} meeting slot is now unavailable for you.",
                    "Calendar read: {n} meeting slots are now unavailable for you.",
                    blocked,
                ).format(n=blocked),
            )
            return redirect("events:agenda", event.pk)
    return render(
        request,
        "events/busy.html",
        {"event": event, "form": form, "page": page_of(request, busy.stored(reg))},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def registration_decide(request: JieliRequest, pk: int, reg_id: int) -> HttpResponse:
    event = selectors.organiser_event_get(request.viewer, pk)
    try:
        services.registration_decide(
            viewer=request.viewer, registration_id=reg_id, move=request.POST.get("action", "")
        )
    except ServiceError as exc:
        message_service_error(request, exc)
    return redirect("events:manage", event.pk)


@login_required
def suggestions(request: JieliRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.viewer, pk)
    reg = selectors.my_registration_get(request.viewer, event)
    found = (
        selectors.suggestions(request.viewer, reg)
        if reg.status == RegistrationStatus.CONFIRMED
        else []
    )
    others = selectors.others_to_meet(reg) if reg.status == RegistrationStatus.CONFIRMED else []
    return render(
        request,
        "events/suggestions.html",
        {
            "event": event,
            "registration": reg,
            "page": page_of(request, found),
            "others": page_of(request, others, param="others"),
        },
    )


@require_POST
@login_required
def request_send(request: JieliRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.viewer, pk)
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request was not valid."))
        return redirect("events:suggestions", event.pk)
    try:
        meeting_services.request_create(
            viewer=request.viewer,
            event=event,
            recipient_id=form.cleaned_data["recipient"],
            message=form.cleaned_data["message"],
            priority=form.cleaned_data["priority"],
        )
    except InvalidInput as exc:
        message_service_error(request, exc)
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, _("Your meeting request was sent."))
    return redirect("events:suggestions", event.pk)


@login_required
def requests(request: JieliRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.viewer, pk)
    reg = selectors.my_registration_get(request.viewer, event)
    qs = selectors.requests_of(reg)
    return render(
        request,
        "events/requests.html",
        {
            "event": event,
            "registration": reg,
            "page": page_of(request, qs),
            "answer_form": AnswerForm(),
            "pending": RequestStatus.PENDING,
        },
    )


@require_POST
@login_required
def request_answer(request: JieliRequest, pk: int, request_id: int) -> HttpResponse:
    event = selectors.event_get(request.viewer, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or decline."))
        return redirect("events:requests", event.pk)
    try:
        meeting_services.request_answer(
            viewer=request.viewer,
            request_id=selectors.meeting_request_in(event, request_id),
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"],
            priority=form.cleaned_data["priority"],
        )
    except InvalidInput as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, _("Your answer was recorded."))
    return redirect("events:requests", event.pk)


@require_POST
@login_required
def schedule(request: JieliRequest, pk: int) -> HttpResponse:
    event = selectors.organiser_event_get(request.viewer, pk)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a method and a time limit from 5 to 300 seconds."))
        return redirect("events:manage", event.pk)
    try:
        meeting_services.schedule_start(viewer=request.viewer, event=event, **form.cleaned_data)
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, _("The schedule is being computed in the background."))
    return redirect("events:manage", event.pk)


@login_required
def runs(request: JieliRequest, pk: int) -> HttpResponse:
    """The scheduler runs (polled by the organiser's page while one runs)."""
    event = selectors.organiser_event_get(request.viewer, pk)
    active = event.runs.filter(
        status__in=[ScheduleRun.Status.QUEUED, ScheduleRun.Status.RUNNING]
    ).exists()
    return render(
        request,
        "events/_runs.html",
        {"event": event, "runs": event.runs.all()[:5], "active": active},
    )


@require_POST
@login_required
def announce(request: JieliRequest, pk: int) -> HttpResponse:
    event = selectors.organiser_event_get(request.viewer, pk)
    n = meeting_services.schedule_announce(viewer=request.viewer, event=event)
    messages.success(
        request,
        ngettext("{n} meeting announced.", "{n} meetings announced.", n).format(n=n),
    )
    return redirect("events:manage", event.pk)


@require_POST
@login_required
def meeting_move(request: JieliRequest, pk: int, meeting_id: int) -> HttpResponse:
    event = selectors.organiser_event_get(request.viewer, pk)
    try:
        meeting_services.meeting_move(
            viewer=request.viewer, meeting_id=meeting_id, move=request.POST.get("action", "")
        )
    except ServiceError as exc:
        message_service_error(request, exc)
    return redirect("events:plan", event.pk)


@login_required
def plan(request: JieliRequest, pk: int) -> HttpResponse:
    event = selectors.organiser_event_get(request.viewer, pk)
    return render(
        request,
        "events/plan.html",
        {"event": event, "page": page_of(request, selectors.table_plan(event), size=50)},
    )


@require_POST
@login_required
def checkin(request: JieliRequest, pk: int) -> HttpResponse:
    event = selectors.organiser_event_get(request.viewer, pk)
    try:
        reg = services.checkin(
            viewer=request.viewer, event=event, token=request.POST.get("token", "")
        )
    except InvalidInput as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, _("{name} is checked in.").format(name=reg))
    return redirect("events:manage", event.pk)


@require_POST
@login_required
def walkin(request: JieliRequest, pk: int) -> HttpResponse:
    event = selectors.organiser_event_get(request.viewer, pk)
    a, b = parse_id(request.POST.get("a")), parse_id(request.POST.get("b"))
    if a is None or b is None:
        messages.error(request, _("Choose two different confirmed participants."))
        return redirect("events:manage", event.pk)
    try:
        m = meeting_services.walk_in(viewer=request.viewer, event=event, a_id=a, b_id=b)
    except InvalidInput as exc:
        message_service_error(request, exc)
    else:
        messages.success(
            request,
            _("Walk-in meeting at table {table}, {time}.").format(
                table=m.table, time=f"{m.starts_at:%H:%M}"
            ),
        )
    return redirect("events:manage", event.pk)


@login_required
def agenda(request: JieliRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.viewer, pk)
    reg = selectors.my_registration_get(request.viewer, event)
    meetings = list(selectors.agenda(reg))
    for m in meetings:
        m.other = m.b if m.a_id == reg.pk else m.a  # type: ignore[attr-defined]
        m.mine = m.outcome_a if m.a_id == reg.pk else m.outcome_b  # type: ignore[attr-defined]
        m.may_open = meeting_services.may_open_project(request.viewer, m)  # type: ignore[attr-defined]
    return render(
        request,
        "events/agenda.html",
        {
            "event": event,
            "registration": reg,
            "page": page_of(request, meetings, size=30),
            "outcome_form": OutcomeForm(),
        },
    )


@login_required
def agenda_download(request: JieliRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.viewer, pk)
    reg = selectors.my_registration_get(request.viewer, event)
    response = HttpResponse(
        agenda_ics(event, reg, selectors.agenda(reg)), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="agenda-{event.pk}.ics"'
    return response


@login_required
def agenda_pdf_download(request: JieliRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.viewer, pk)
    reg = selectors.my_registration_get(request.viewer, event)
    response = HttpResponse(
        agenda_pdf(event, reg, selectors.agenda(reg)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="agenda-{event.pk}.pdf"'
    return response


@login_required
def qr(request: JieliRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.viewer, pk)
    reg = selectors.my_registration_get(request.viewer, event)
    if reg.status != RegistrationStatus.CONFIRMED:
        raise NotFound()
    return HttpResponse(qr_svg(reg.checkin_token), content_type="image/svg+xml")


@require_POST
@login_required
def outcome(request: JieliRequest, pk: int, meeting_id: int) -> HttpResponse:
    event = selectors.event_get(request.viewer, pk)
    try:
        meeting_services.outcome_record(
            viewer=request.viewer, meeting_id=meeting_id, outcome=request.POST.get("outcome", "")
        )
    except InvalidInput as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, _("The outcome was recorded."))
    return redirect("events:agenda", event.pk)


@require_POST
@login_required
def open_project(request: JieliRequest, pk: int, meeting_id: int) -> HttpResponse:
    event = selectors.event_get(request.viewer, pk)
    try:
        project = meeting_services.meeting_open_project(
            viewer=request.viewer, meeting_id=meeting_id
        )
    except InvalidInput as exc:
        message_service_error(request, exc)
        return redirect("events:agenda", event.pk)
    return redirect(project.get_absolute_url())


def report(request: JieliRequest, pk: int) -> HttpResponse:
    event = selectors.organiser_event_get(request.viewer, pk)
    data = selectors.event_report(event)
    return render(
        request,
        "events/report.html",
        {
            "event": event,
            "report": data,
            "outcome_bars": bar_chart(data.outcomes),
            "industry_bars": bar_chart(data.by_industry),
            "region_bars": bar_chart(data.by_region),
        },
    )
