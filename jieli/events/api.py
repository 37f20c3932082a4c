"""The events API: /api/v1/events. Strict bodies (decision 0006): 400 outside the schema, 422
refused by a rule (oneself, own organisation, outside the booking window, over a cap), 404 for
an event, request or agenda the caller may not see."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from jieli.core.api import (
    ERRORS,
    OPTIONAL_AUTH,
    REQUIRED_AUTH,
    Id,
    InputSchema,
    Page,
    PageQuery,
    paginate,
    viewer_of,
)
from jieli.events import busy, meeting_services, registration_import, selectors
from jieli.events.models import Event, MeetingRequest, ScheduleRun

router = Router(tags=["events"])


class SessionOut(Schema):
    id: int
    name: str
    starts_at: datetime
    ends_at: datetime


class EventOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    organiser: int | None
    venue: str
    online_url: str
    themes: list[str]
    meeting_minutes: int
    break_minutes: int
    tables: int
    capacity: int
    registration_opens: datetime
    registration_closes: datetime
    booking_opens: datetime
    booking_closes: datetime
    sessions: list[SessionOut]

    @staticmethod
    def build(e: Event) -> EventOut:
        return EventOut(
            id=e.pk,
            name=e.name,
            kind=e.kind,
            status=e.status,
            organiser=e.organiser_id,  # type: ignore[attr-defined]
            venue=e.venue,
            online_url=e.online_url,
            themes=[str(t) for t in e.themes],
            meeting_minutes=e.meeting_minutes,
            break_minutes=e.break_minutes,
            tables=e.tables,
            capacity=e.capacity,
            registration_opens=e.registration_opens,
            registration_closes=e.registration_closes,
            booking_opens=e.booking_opens,
            booking_closes=e.booking_closes,
            sessions=[
                SessionOut(id=s.pk, name=s.name, starts_at=s.starts_at, ends_at=s.ends_at)
                for s in e.sessions.all()
            ],
        )


class EventPage(Page):
    results: list[EventOut]


class RequestIn(InputSchema):
    recipient: Id
    message: Annotated[str, Field(max_length=1000)] = ""
    priority: Annotated[int, Field(ge=1, le=3)] = 2


class AnswerIn(InputSchema):
    accept: bool
    reason: Annotated[str, Field(max_length=500)] = ""
    priority: Annotated[int, Field(ge=1, le=3)] = 2


class RequestOut(Schema):
    id: int
    sender: int
    recipient: int
    status: str
    score: float
    reasons: list[str]
    reason: str
    expires_at: datetime

    @staticmethod
    def build(r: MeetingRequest) -> RequestOut:
        return RequestOut(
            id=r.pk,
            sender=r.sender_id,  # type: ignore[attr-defined]
            recipient=r.recipient_id,  # type: ignore[attr-defined]
            status=r.status,
            score=r.score,
            reasons=[str(x) for x in r.reasons],
            reason=r.reason,
            expires_at=r.expires_at,
        )


class MeetingOut(Schema):
    id: int
    with_organisation: str
    starts_at: datetime | None
    ends_at: datetime | None
    table: int | None
    status: str


class ScheduleIn(InputSchema):
    method: Literal["solver", "greedy"] = "solver"
    time_limit: Annotated[int, Field(ge=5, le=300)] = 30


class RunOut(Schema):
    id: int
    method: str
    status: str
    placed: int
    unplaced: int
    objective: int
    bound: int
    gap_percent: float
    greedy_placed: int
    greedy_objective: int
    seconds: float
    progress: dict[str, float]
    error: str

    @staticmethod
    def build(r: ScheduleRun) -> RunOut:
        return RunOut(
            id=r.pk,
            method=r.method,
            status=r.status,
            placed=r.placed,
            unplaced=r.unplaced,
            objective=r.objective,
            bound=r.bound,
            gap_percent=r.gap_percent,
            greedy_placed=r.greedy_placed,
            greedy_objective=r.greedy_objective,
            seconds=r.seconds,
            progress={k: float(v) for k, v in (r.progress or {}).items()},
            error=r.error,
        )


@router.get("", response={200: EventPage, **ERRORS}, auth=OPTIONAL_AUTH)
def list_events(request: HttpRequest, params: Query[PageQuery]):
    """Events the caller may see: public open or finished ones, and their own."""
    qs = selectors.visible_events(viewer_of(request)).prefetch_related("sessions")
    page, items = paginate(qs, page=params.page, page_size=params.page_size)
    return EventPage(**page.dict(), results=[EventOut.build(e) for e in items])


@router.get("/{event_id}", response={200: EventOut, **ERRORS}, auth=OPTIONAL_AUTH)
def get_event(request: HttpRequest, event_id: Id):
    return EventOut.build(selectors.event_get(viewer_of(request), event_id))


@router.post("/{event_id}/requests", response={201: RequestOut, **ERRORS}, auth=REQUIRED_AUTH)
def create_request(request: HttpRequest, event_id: Id, payload: RequestIn):
    """Ask a confirmed participant of another organisation for a meeting."""
    viewer = viewer_of(request)
    event = selectors.event_get(viewer, event_id)
    req = meeting_services.request_create(
        viewer=viewer,
        event=event,
        recipient_id=payload.recipient,
        message=payload.message,
        priority=payload.priority,
    )
    return 201, RequestOut.build(req)


@router.post(
    "/{event_id}/requests/{request_id}/answer",
    response={200: RequestOut, **ERRORS},
    auth=REQUIRED_AUTH,
)
def answer_request(request: HttpRequest, event_id: Id, request_id: Id, payload: AnswerIn):
    """The person asked accepts or declines (with a reason)."""
    viewer = viewer_of(request)
    event = selectors.event_get(viewer, event_id)
    req = meeting_services.request_answer(
        viewer=viewer,
        request_id=selectors.meeting_request_in(event, request_id),
        accept=payload.accept,
        reason=payload.reason,
        priority=payload.priority,
    )
    return RequestOut.build(req)


@router.get("/{event_id}/agenda", response={200: list[MeetingOut], **ERRORS}, auth=REQUIRED_AUTH)
def get_agenda(request: HttpRequest, event_id: Id):
    """The caller's scheduled meetings at this event."""
    viewer = viewer_of(request)
    event = selectors.event_get(viewer, event_id)
    reg = selectors.my_registration_get(viewer, event)
    out = []
    for m in selectors.agenda(reg)[:500]:
        other = m.b if m.a_id == reg.pk else m.a  # type: ignore[attr-defined]
        out.append(
            MeetingOut(
                id=m.pk,
                with_organisation=str(other.organisation),
                starts_at=m.starts_at,
                ends_at=m.ends_at,
                table=m.table,
                status=m.status,
            )
        )
    return out


@router.post("/{event_id}/schedule", response={202: RunOut, **ERRORS}, auth=REQUIRED_AUTH)
def start_schedule(request: HttpRequest, event_id: Id, payload: ScheduleIn):
    """The organiser starts a scheduler run (a background job); poll the run for progress."""
    viewer = viewer_of(request)
    event = selectors.event_get(viewer, event_id)
    run = meeting_services.schedule_start(
        viewer=viewer, event=event, method=payload.method, time_limit=payload.time_limit
    )
    return 202, RunOut.build(run)


@router.get("/{event_id}/runs/{run_id}", response={200: RunOut, **ERRORS}, auth=REQUIRED_AUTH)
def get_run(request: HttpRequest, event_id: Id, run_id: Id):
    return RunOut.build(selectors.schedule_run_get(viewer_of(request), event_id, run_id))


class ImportedOut(Schema):
    imported: int


@router.post(
    "/{event_id}/registrations/import",
    response={201: ImportedOut, **ERRORS},
    auth=REQUIRED_AUTH,
)
def import_registrations(
    request: HttpRequest,
    event_id: Id,
    file: UploadedFile = File(...),  # noqa: B008
) -> tuple[int, ImportedOut]:
    """The organiser imports registrations from a CSV or XLSX file, all or none: a refused
    file is a 422 whose ``fields.file`` lists each problem with its row number."""
    n = registration_import.registrations_import(
        viewer=viewer_of(request), event_id=event_id, upload=file
    )
    return 201, ImportedOut(imported=n)


class BusyOut(Schema):
    busy: list[list[str]]
    unavailable_slots: int


@router.post("/{event_id}/busy", response={200: BusyOut, **ERRORS}, auth=REQUIRED_AUTH)
def import_busy(
    request: HttpRequest,
    event_id: Id,
    file: UploadedFile = File(...),  # noqa: B008
) -> BusyOut:
    """A participant uploads an .ics calendar: its busy times replace the previous ones and
    the overlapping meeting slots become unavailable (422 for a refused calendar)."""
    reg, blocked = busy.busy_import(viewer=viewer_of(request), event_id=event_id, upload=file)
    return BusyOut(busy=reg.busy, unavailable_slots=blocked)
