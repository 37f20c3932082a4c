"""Writes for meetings: requests and answers, expiry, the scheduler run, announcing, freeing,
no-shows, walk-ins and outcomes (which may open a transformation project through the
``core.registry.project_opener`` hook)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core import registry
from jieli.core.errors import Conflict, InvalidInput, NotFound
from jieli.core.history import change_record
from jieli.core.viewer import Viewer
from jieli.events import notices
from jieli.events.models import (
    Event,
    EventStatus,
    Meeting,
    MeetingRequest,
    Outcome,
    Registration,
    RegistrationStatus,
    RequestStatus,
    ScheduleRun,
)
from jieli.events.running import build_problem
from jieli.events.selectors import is_organiser, my_registration, suggestions
from jieli.events.services import _user

MAX_MESSAGE = 1000


def _priority(value: Any, field: str) -> int:
    if value not in (1, 2, 3):
        raise InvalidInput(fields={field: [_("Choose a priority from 1 to 3.")]})
    return int(value)


def request_create(
    *,
    viewer: Viewer,
    event: Event,
    recipient_id: int,
    message: str = "",
    priority: int = 2,
    now: datetime | None = None,
) -> MeetingRequest:
    """Ask a confirmed participant of another organisation for a meeting."""
    uid = _user(viewer)
    now = now or timezone.now()
    sender = my_registration(viewer, event)
    if sender is None or sender.status != RegistrationStatus.CONFIRMED:
        raise InvalidInput(_("Only confirmed participants may request meetings."))
    recipient = Registration.objects.filter(
        pk=recipient_id, event=event, status=RegistrationStatus.CONFIRMED
    ).first()
    if recipient is None:
        raise NotFound()
    if recipient.pk == sender.pk:
        raise InvalidInput(_("You cannot request a meeting with yourself."))
    if recipient.organisation_id == sender.organisation_id:
        raise InvalidInput(_("You cannot request a meeting with your own organisation."))
    if event.status != EventStatus.OPEN or not event.booking_opens <= now <= event.booking_closes:
        raise InvalidInput(_("Meetings can only be requested while booking is open."))
    text = str(message or "").strip()
    if len(text) > MAX_MESSAGE:
        raise InvalidInput(fields={"message": [_("At most {n} characters.").format(n=MAX_MESSAGE)]})
    priority = _priority(priority, "priority")
    match = next(
        (s for s in suggestions(viewer, sender, k=200) if s.registration.pk == recipient.pk), None
    )
    with transaction.atomic():
        Registration.objects.select_for_update().filter(pk=sender.pk).first()
        if MeetingRequest.objects.filter(
            Q(sender=sender, recipient=recipient) | Q(sender=recipient, recipient=sender)
        ).exists():
            raise Conflict(_("There is already a request between you and this participant."))
        sent = MeetingRequest.objects.filter(sender=sender).exclude(
            status__in=[RequestStatus.DECLINED, RequestStatus.EXPIRED]
        )
        if sent.count() >= event.max_requests:
            raise InvalidInput(
                _("You have reached the limit of {n} meeting requests.").format(
                    n=event.max_requests
                )
            )
        req = MeetingRequest.objects.create(
            event=event,
            sender=sender,
            recipient=recipient,
            message=text,
            score=match.score if match else 0.2,
            reasons=match.reasons[:5] if match else [],
            sender_priority=priority,
            expires_at=now + timedelta(hours=event.request_expiry_hours),
        )
        change_record(
            target=req,
            actor_id=uid,
            action="meeting_request",
            changes={"status": [None, "pending"]},
        )
        notices.request_sent(req, uid)
    return req


def request_answer(
    *,
    viewer: Viewer,
    request_id: int,
    accept: bool,
    reason: str = "",
    priority: int = 2,
    now: datetime | None = None,
) -> MeetingRequest:
    """The recipient accepts (a meeting to schedule) or declines with a reason."""
    uid = _user(viewer)
    now = now or timezone.now()
    reason = str(reason or "").strip()
    if not accept and not reason:
        raise InvalidInput(fields={"reason": [_("Say why you decline.")]})
    if len(reason) > 500:
        raise InvalidInput(fields={"reason": [_("At most {n} characters.").format(n=500)]})
    priority = _priority(priority, "priority")
    with transaction.atomic():
        req = (
            MeetingRequest.objects.select_for_update()
            .select_related("recipient", "sender", "event")
            .filter(pk=request_id)
            .first()
        )
        if req is None or uid not in (req.recipient.user_id, req.sender.user_id):
            raise NotFound()
        if req.recipient.user_id != uid:
            raise InvalidInput(_("Only the person asked may answer this request."))
        if req.status != RequestStatus.PENDING:
            raise Conflict(_("This request has already been answered or has expired."))
        if req.expires_at <= now:
            raise Conflict(_("This request has expired."))
        before = req.status
        req.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
        req.reason = reason
        req.recipient_priority = priority
        req.answered_at = now
        req.save()
        if accept:
            Meeting.objects.create(
                event=req.event,
                request=req,
                a=req.sender,
                b=req.recipient,
                weight=req.score * (req.sender_priority + priority) / 4,
            )
        change_record(
            target=req,
            actor_id=uid,
            action="meeting_accept" if accept else "meeting_decline",
            changes={"status": [before, req.status]},
            reason=reason,
        )
        notices.request_answered(req, uid)
    return req


# --- scheduling -------------------------------------------------------------------------------


def schedule_start(
    *, viewer: Viewer, event: Event, method: str = "solver", time_limit: int = 30
) -> ScheduleRun:
    """Queue a scheduler run (solved by a background worker, never in the web process)."""
    uid = _user(viewer)
    if not is_organiser(viewer, event):
        raise NotFound()
    if method not in ("solver", "greedy"):
        raise InvalidInput(fields={"method": [_("Choose the solver or the greedy baseline.")]})
    if not isinstance(time_limit, int) or not 5 <= time_limit <= 300:
        raise InvalidInput(fields={"time_limit": [_("A time limit from 5 to 300 seconds.")]})
    if event.status != EventStatus.OPEN:
        raise InvalidInput(_("Only an open event can be scheduled."))
    if ScheduleRun.objects.filter(
        event=event, status__in=[ScheduleRun.Status.QUEUED, ScheduleRun.Status.RUNNING]
    ).exists():
        raise Conflict(_("A schedule is already being computed for this event."))
    run = ScheduleRun.objects.create(
        event=event, method=method, requested_by_id=uid, time_limit=time_limit
    )
    change_record(
        target=event, actor_id=uid, action="schedule_start", changes={"method": [None, method]}
    )
    from jieli.events.tasks import schedule_job

    transaction.on_commit(lambda: schedule_job(run.pk))
    return run


def schedule_announce(*, viewer: Viewer, event: Event) -> int:
    """Announce the scheduled meetings: later runs keep them where they are."""
    uid = _user(viewer)
    if not is_organiser(viewer, event):
        raise NotFound()
    with transaction.atomic():
        fresh = Meeting.objects.filter(
            event=event, status=Meeting.Status.SCHEDULED, announced=False
        )
        people = sorted(
            {uid_ for pair in fresh.values_list("a__user_id", "b__user_id") for uid_ in pair}
        )
        count = fresh.update(announced=True)
        change_record(
            target=event, actor_id=uid, action="announce", changes={"announced": [0, count]}
        )
        notices.schedule_announced(event, people, uid, batch=_announce_batch(event))
    return count


def _announce_batch(event: Event) -> int:
    """Each announcement notifies once (a repeated announcement after re-scheduling again)."""
    from jieli.core.models import ChangeRecord

    return ChangeRecord.objects.filter(
        object_id=event.pk, action="announce", content_type__model="event"
    ).count()


def _meeting_for_organiser(viewer: Viewer, meeting_id: int) -> Meeting:
    meeting = (
        Meeting.objects.select_for_update().select_related("event").filter(pk=meeting_id).first()
    )
    if meeting is None or not is_organiser(viewer, meeting.event):
        raise NotFound()
    return meeting


MEETING_MOVES = {
    "free": (frozenset({Meeting.Status.SCHEDULED}), None),
    "held": (frozenset({Meeting.Status.SCHEDULED}), Meeting.Status.HELD),
    "no_show": (frozenset({Meeting.Status.SCHEDULED}), Meeting.Status.NO_SHOW),
}


def meeting_move(*, viewer: Viewer, meeting_id: int, move: str) -> Meeting:
    """The organiser frees an announced meeting (the next run may move it), or marks it held or
    a no-show."""
    uid = _user(viewer)
    if move not in MEETING_MOVES:
        raise InvalidInput(_("Unknown action."))
    sources, target = MEETING_MOVES[move]
    with transaction.atomic():
        meeting = _meeting_for_organiser(viewer, meeting_id)
        if meeting.status not in sources:
            raise Conflict(_("This meeting cannot be changed that way in its current state."))
        before = {"status": meeting.status, "announced": meeting.announced}
        if move == "free":
            meeting.announced = False
        elif target is not None:
            meeting.status = target
        meeting.save()
        after = {"status": meeting.status, "announced": meeting.announced}
        change_record(
            target=meeting,
            actor_id=uid,
            action=f"meeting_{move}",
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return meeting


def walk_in(
    *, viewer: Viewer, event: Event, a_id: int, b_id: int, now: datetime | None = None
) -> Meeting:
    """On the day: a meeting between two checked-in participants in the next free slot."""
    uid = _user(viewer)
    now = now or timezone.now()
    if not is_organiser(viewer, event):
        raise NotFound()
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=event.pk)
        regs = {
            r.pk: r
            for r in Registration.objects.filter(
                event=event, pk__in=[a_id, b_id], status=RegistrationStatus.CONFIRMED
            )
        }
        if a_id == b_id or len(regs) != 2:
            raise InvalidInput(_("Choose two different confirmed participants."))
        if regs[a_id].organisation_id == regs[b_id].organisation_id:
            raise InvalidInput(_("You cannot request a meeting with your own organisation."))
        problem, slots = build_problem(event)
        busy = {
            (p, spot[0])
            for m in problem.meetings
            for p in (m.a, m.b)
            for spot in [problem.fixed.get(m.id)]
            if spot
        }
        placed = Meeting.objects.filter(event=event).exclude(starts_at=None)
        used: dict[Any, set[int]] = defaultdict(set)
        people: set[tuple[int, Any]] = set()
        for m in placed:
            used[m.starts_at].add(m.table or 0)
            people.update({(m.a_id, m.starts_at), (m.b_id, m.starts_at)})
        del busy
        for slot in slots:
            if slot.start <= now:  # type: ignore[operator]
                continue
            if (a_id, slot.start) in people or (b_id, slot.start) in people:
                continue
            free = [t for t in range(1, event.tables + 1) if t not in used[slot.start]]
            if not free:
                continue
            meeting = Meeting.objects.create(
                event=event,
                a_id=a_id,
                b_id=b_id,
                session_id=slot.session,
                starts_at=slot.start,
                ends_at=slot.end,
                table=free[0],
                announced=True,
                walk_in=True,
                status=Meeting.Status.SCHEDULED,
            )
            change_record(
                target=meeting, actor_id=uid, action="walk_in", changes={"table": [None, free[0]]}
            )
            return meeting
    raise InvalidInput(_("There is no free slot left for these two participants."))


def outcome_record(*, viewer: Viewer, meeting_id: int, outcome: str) -> Meeting:
    """Either side records the meeting's outcome for itself."""
    uid = _user(viewer)
    if outcome not in [o for o in Outcome.values if o]:
        raise InvalidInput(fields={"outcome": [_("Choose one of the listed outcomes.")]})
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update()
            .select_related("a", "b")
            .filter(pk=meeting_id)
            .first()
        )
        if meeting is None or uid not in (meeting.a.user_id, meeting.b.user_id):
            raise NotFound()
        if meeting.status in (Meeting.Status.UNSCHEDULED, Meeting.Status.NO_SHOW):
            raise InvalidInput(_("Outcomes are recorded for meetings that took place."))
        field = "outcome_a" if meeting.a.user_id == uid else "outcome_b"
        before = getattr(meeting, field)
        setattr(meeting, field, outcome)
        if meeting.status == Meeting.Status.SCHEDULED:
            meeting.status = Meeting.Status.HELD
        meeting.save()
        change_record(
            target=meeting, actor_id=uid, action="outcome", changes={field: [before, outcome]}
        )
    return meeting


def may_open_project(viewer: Viewer, meeting: Meeting) -> bool:
    """Offer "open a project" only when the pipeline is installed, the meeting's outcome is an
    intention or a contract, and no project was opened from it yet."""
    return (
        registry.project_opener() is not None
        and not meeting.project_url
        and viewer.user_id in (meeting.a.user_id, meeting.b.user_id)
        and bool({meeting.outcome_a, meeting.outcome_b} & {Outcome.INTENTION, Outcome.CONTRACT})
    )


def meeting_open_project(*, viewer: Viewer, meeting_id: int) -> Any:
    """Open a transformation project from the meeting through the pipeline's hook."""
    _user(viewer)
    opener = registry.project_opener()
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update()
            .select_related("a", "b", "event")
            .filter(pk=meeting_id)
            .first()
        )
        if meeting is None or viewer.user_id not in (meeting.a.user_id, meeting.b.user_id):
            raise NotFound()
        if opener is None or not may_open_project(viewer, meeting):
            raise InvalidInput(_("A project cannot be opened from this meeting."))
        offers = list(meeting.a.offers.values_list("pk", flat=True)) + list(
            meeting.b.offers.values_list("pk", flat=True)
        )
        needs = list(meeting.a.needs.values_list("pk", flat=True)) + list(
            meeting.b.needs.values_list("pk", flat=True)
        )
        demand = needs[0] if needs else None
        enterprise = (
            meeting.b.organisation_id if meeting.b.needs.exists() else meeting.a.organisation_id
        )
        project = opener(
            viewer=viewer,
            origin="meeting",
            origin_id=meeting.pk,
            title=f"{meeting.event.name}: {meeting.a.organisation} × {meeting.b.organisation}",
            achievement_ids=offers,
            demand_id=demand,
            enterprise_id=enterprise,
        )
        meeting.project_url = str(project.get_absolute_url())[:300]
        meeting.save(update_fields=["project_url", "updated_at"])
        change_record(
            target=meeting,
            actor_id=viewer.user_id,
            action="open_project",
            changes={"project": [None, meeting.project_url]},
        )
    return project
