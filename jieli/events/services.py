"""Writes for events: create and open an event, register, validate registrations, check in.

Meeting requests, scheduling and outcomes are in ``meeting_services.py``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from jieli.core.history import change_record
from jieli.core.viewer import Viewer
from jieli.events.models import (
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
    Session,
)
from jieli.events.selectors import is_organiser

MAX_SESSIONS = 20


def _user(viewer: Viewer) -> int:
    if viewer.user_id is None:
        raise NotAuthenticated()
    return viewer.user_id


MAX_SESSION = timedelta(hours=24)  # the scheduler's slot grid grows with every minute of session
MAX_SPAN = timedelta(days=14)


def _has_control(value: object) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in str(value or ""))


def check_event_data(data: dict[str, Any]) -> dict[str, list[str]]:
    """Field errors for an event's settings and sessions (empty when it may be saved)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not str(data.get("name") or "").strip():
        add("name", _("This field is required."))
    # Names travel into calendars (.ics lines), PDFs and e-mail subjects: no line breaks or
    # other control characters.
    for name in ("name", "name_en", "venue"):
        if _has_control(data.get(name)):
            add(name, _("Use a single line without control characters."))
    if data.get("kind") not in EventKind.values:
        add("kind", _("Choose one of the listed kinds."))
    tables = data.get("tables")
    if not isinstance(tables, int) or tables < 1 or tables > 2000:
        add("tables", _("At least one table is needed (at most 2000)."))
    minutes = data.get("meeting_minutes")
    if not isinstance(minutes, int) or not 5 <= minutes <= 240:
        add("meeting_minutes", _("A meeting lasts between 5 and 240 minutes."))
        minutes = None
    pause = data.get("break_minutes")
    if not isinstance(pause, int) or not 0 <= pause <= 120:
        add("break_minutes", _("A break lasts between 0 and 120 minutes."))
    capacity = data.get("capacity")
    if not isinstance(capacity, int) or not 2 <= capacity <= 100000:
        add("capacity", _("Capacity is between 2 and 100000 participants."))
    for opens, closes in (
        ("registration_opens", "registration_closes"),
        ("booking_opens", "booking_closes"),
    ):
        a, b = data.get(opens), data.get(closes)
        if not isinstance(a, datetime) or not isinstance(b, datetime):
            add(closes, _("Enter a valid date and time."))
        elif b <= a:
            add(closes, _("The window must close after it opens."))
    sessions = data.get("sessions") or []
    if not sessions:
        add("sessions", _("Add at least one session."))
    if len(sessions) > MAX_SESSIONS:
        add("sessions", _("At most {n} sessions.").format(n=MAX_SESSIONS))
    spans = []
    for i, session in enumerate(sessions, 1):
        name, start, end = session
        if (
            not str(name).strip()
            or not isinstance(start, datetime)
            or not isinstance(end, datetime)
        ):
            add("sessions", _("Session {i}: a name, a start and an end are needed.").format(i=i))
            continue
        if end <= start:
            add("sessions", _("Session {i} ends before it starts.").format(i=i))
            continue
        if minutes and (end - start).total_seconds() < minutes * 60:
            add("sessions", _("Session {i} is shorter than one meeting.").format(i=i))
        if end - start > MAX_SESSION:
            add("sessions", _("Session {i} is longer than 24 hours.").format(i=i))
            continue
        if _has_control(name):
            add("sessions", _("Session {i}: use a single-line name.").format(i=i))
        spans.append((start, end, i))
    spans.sort()
    if spans and max(e for _s, e, _i in spans) - spans[0][0] > MAX_SPAN:
        add("sessions", _("An event's sessions lie within {n} days.").format(n=MAX_SPAN.days))
    for (_s1, e1, i), (s2, _e2, j) in pairwise(spans):
        if s2 < e1:
            add("sessions", _("Sessions {i} and {j} overlap.").format(i=i, j=j))
    from jieli.regions.validation import validate_industry_code

    themes = data.get("themes") or []
    if not isinstance(themes, list) or len(themes) > 10:
        add("themes", _("At most 10 themes."))
    else:
        for code in themes:
            try:
                validate_industry_code(str(code), max_level=2, field="themes")
            except Exception:
                add("themes", _("Unknown industry code: {code}.").format(code=code))
    return errors


EVENT_FIELDS = (
    "name",
    "kind",
    "co_hosts",
    "venue",
    "online_url",
    "description",
    "themes",
    "meeting_minutes",
    "break_minutes",
    "tables",
    "capacity",
    "registration_opens",
    "registration_closes",
    "booking_opens",
    "booking_closes",
    "max_requests",
    "max_per_session",
    "request_expiry_hours",
    "is_public",
)


def event_create(*, viewer: Viewer, organiser_id: int | None, data: dict[str, Any]) -> Event:
    """Create an event as a draft with its sessions. The secretariat may organise for the
    alliance (``organiser_id`` empty); an organisation's administrator for that organisation."""
    uid = _user(viewer)
    if organiser_id is None and not viewer.is_staff_role:
        raise InvalidInput(fields={"organiser": [_("Choose one of your organisations.")]})
    if organiser_id is not None and not (viewer.administers(organiser_id) or viewer.is_staff_role):
        raise InvalidInput(fields={"organiser": [_("Choose one of your organisations.")]})
    errors = check_event_data(data)
    if errors:
        raise InvalidInput(fields=errors)
    values = {k: data[k] for k in EVENT_FIELDS if k in data}
    with transaction.atomic():
        event = Event.objects.create(organiser_id=organiser_id, created_by_id=uid, **values)
        Session.objects.bulk_create(
            Session(event=event, name=str(name).strip()[:100], starts_at=start, ends_at=end)
            for name, start, end in sorted(data["sessions"], key=lambda s: s[1])
        )
        change_record(
            target=event,
            actor_id=uid,
            action="create",
            changes={"status": [None, EventStatus.DRAFT]},
        )
    return event


# The event life cycle: action → (from, to).
EVENT_MOVES = {
    "open": ({EventStatus.DRAFT}, EventStatus.OPEN),
    "finish": ({EventStatus.OPEN}, EventStatus.CLOSED),
    "cancel": ({EventStatus.DRAFT, EventStatus.OPEN}, EventStatus.CANCELLED),
}


def event_move(*, viewer: Viewer, event_id: int, move: str) -> Event:
    uid = _user(viewer)
    if move not in EVENT_MOVES:
        raise InvalidInput(_("Unknown action."))
    sources, target = EVENT_MOVES[move]
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            raise NotFound()
        if not is_organiser(viewer, event):
            raise PermissionDenied(_("Only the organiser may do this."))
        if event.status not in sources:
            raise Conflict(_("This event cannot be changed that way in its current state."))
        before = event.status
        event.status = target
        event.save(update_fields=["status", "updated_at"])
        change_record(
            target=event,
            actor_id=uid,
            action=f"event_{move}",
            changes={"status": [before, target]},
        )
    return event


def registration_create(
    *,
    viewer: Viewer,
    event: Event,
    organisation_id: int,
    role: str,
    session_ids: list[int],
    offer_ids: list[int],
    need_ids: list[int],
    booth: str = "",
    now: datetime | None = None,
) -> Registration:
    """Register the viewer for an organisation: offers are its published achievements, needs
    its published demands; a full event puts the registration on the waiting list."""
    from jieli.achievements.models import Achievement
    from jieli.demands.models import Demand

    uid = _user(viewer)
    now = now or timezone.now()
    if event.status != EventStatus.OPEN:
        raise InvalidInput(_("This event does not take registrations."))
    if not event.registration_opens <= now <= event.registration_closes:
        raise InvalidInput(_("Registration is closed for this event."))
    if not viewer.belongs_to(organisation_id):
        raise InvalidInput(fields={"organisation": [_("Choose one of your organisations.")]})
    if role not in Registration.Role.values:
        raise InvalidInput(fields={"role": [_("Choose one of the listed roles.")]})
    booth = str(booth or "").strip()[:40]
    if role == Registration.Role.EXHIBITOR and not booth:
        raise InvalidInput(fields={"booth": [_("Exhibitors book a booth.")]})
    sessions = list(event.sessions.filter(pk__in=session_ids))
    if not sessions or len(sessions) != len(set(session_ids)):
        raise InvalidInput(fields={"sessions": [_("Choose the sessions you attend.")]})
    offers = list(
        Achievement.objects.filter(pk__in=offer_ids, owner_id=organisation_id, status="published")
    )
    needs = list(
        Demand.objects.filter(pk__in=need_ids, owner_id=organisation_id, status="published")
    )
    if len(offers) != len(set(offer_ids)):
        raise InvalidInput(
            fields={"offers": [_("Choose your organisation's published achievements.")]}
        )
    if len(needs) != len(set(need_ids)):
        raise InvalidInput(fields={"needs": [_("Choose your organisation's published demands.")]})
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if Registration.objects.filter(event=locked, user_id=uid).exists():
            raise Conflict(_("You are already registered for this event."))
        taken = Registration.objects.filter(
            event=locked,
            status__in=[RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED],
        ).count()
        status = (
            RegistrationStatus.PENDING if taken < locked.capacity else RegistrationStatus.WAITING
        )
        reg = Registration.objects.create(
            event=locked,
            user_id=uid,
            organisation_id=organisation_id,
            role=role,
            booth=booth,
            status=status,
        )
        reg.sessions.set(sessions)
        reg.offers.set(offers)
        reg.needs.set(needs)
        change_record(
            target=reg, actor_id=uid, action="register", changes={"status": [None, status]}
        )
    return reg


REGISTRATION_MOVES = {
    "confirm": (
        {RegistrationStatus.PENDING, RegistrationStatus.WAITING},
        RegistrationStatus.CONFIRMED,
    ),
    "reject": (
        {RegistrationStatus.PENDING, RegistrationStatus.WAITING},
        RegistrationStatus.REJECTED,
    ),
}


def registration_decide(*, viewer: Viewer, registration_id: int, move: str) -> Registration:
    """The organiser validates (or refuses) a registration; confirming over capacity is
    refused."""
    uid = _user(viewer)
    if move not in REGISTRATION_MOVES:
        raise InvalidInput(_("Unknown action."))
    sources, target = REGISTRATION_MOVES[move]
    with transaction.atomic():
        reg = Registration.objects.select_for_update().filter(pk=registration_id).first()
        if reg is None:
            raise NotFound()
        event = Event.objects.select_for_update().get(pk=reg.event_id)
        if not is_organiser(viewer, event):
            raise NotFound()
        if reg.status not in sources:
            raise Conflict(_("This registration has already been decided."))
        if target == RegistrationStatus.CONFIRMED:
            confirmed = Registration.objects.filter(
                event=event, status=RegistrationStatus.CONFIRMED
            ).count()
            if confirmed >= event.capacity:
                raise InvalidInput(
                    _("The event is full; the registration stays on the waiting list.")
                )
        before = reg.status
        reg.status = target
        reg.save(update_fields=["status", "updated_at"])
        change_record(
            target=reg,
            actor_id=uid,
            action=f"registration_{move}",
            changes={"status": [before, target]},
        )
    return reg


def checkin(*, viewer: Viewer, event: Event, token: str) -> Registration:
    """Check a participant in by the code on their agenda (organiser only)."""
    uid = _user(viewer)
    if not is_organiser(viewer, event):
        raise NotFound()
    token = str(token or "").strip()[:64]
    with transaction.atomic():
        reg = (
            Registration.objects.select_for_update()
            .filter(event=event, checkin_token=token, status=RegistrationStatus.CONFIRMED)
            .first()
        )
        if reg is None:
            raise InvalidInput(fields={"token": [_("No confirmed participant has this code.")]})
        if reg.checked_in_at is None:
            reg.checked_in_at = timezone.now()
            reg.save(update_fields=["checked_in_at", "updated_at"])
            change_record(
                target=reg, actor_id=uid, action="checkin", changes={"checked_in": [False, True]}
            )
    return reg
