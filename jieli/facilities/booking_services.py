"""Writes for bookings: a member requests units of a platform for a window; the operator
accepts, declines or proposes another window; the requester takes or turns down a proposal, or
cancels. Every write locks the platform row first (``select_for_update``; on SQLite the write
transaction serialises), so the capacity check and the write see the same accepted bookings and
two acceptances of the last free units cannot both succeed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from jieli.core.history import change_record
from jieli.core.viewer import Viewer
from jieli.facilities import capacity, notices
from jieli.facilities.booking_stages import BUTTONS, HISTORY_PREFIX, MOVES
from jieli.facilities.models import Booking, BookingStatus, FacilityStatus, PilotPlatform
from jieli.facilities.selectors import booking_sides, visible_bookings, visible_platforms

MAX_PURPOSE = 3000
MAX_REASON = 2000


def _require_user(viewer: Viewer) -> int:
    if viewer.user_id is None:
        raise NotAuthenticated()
    return viewer.user_id


def _text(value: Any, field: str, *, limit: int, required: bool) -> str:
    if value is not None and not isinstance(value, str):
        raise InvalidInput(fields={field: [_("Enter text.")]})
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(fields={field: [_("This field is required.")]})
    if len(text) > limit:
        raise InvalidInput(fields={field: [_("At most {n} characters.").format(n=limit)]})
    return text


def _lock_platform(pk: int) -> PilotPlatform:
    """The platform row, locked: every booking write of one platform runs one at a time."""
    platform = PilotPlatform.objects.select_for_update().filter(pk=pk).first()
    if platform is None:
        raise NotFound()
    return platform


def booking_request(
    *,
    viewer: Viewer,
    platform_id: int,
    units: Any,
    start_date: date | None,
    end_date: date | None,
    purpose: Any,
    organisation_id: int | None = None,
) -> Booking:
    """A member of an organisation asks for ``units`` a day on every day of the window.

    Refused with nothing saved: a hidden or missing platform (404), an unpublished one, no
    organisation, zero or negative units, an end before the start, a window in the past or
    outside the platform's calendar, or more units than are free on some day."""
    uid = _require_user(viewer)
    if not viewer.organisation_ids:
        raise PermissionDenied(_("Only members of an organisation may book a platform."))
    if organisation_id is None:
        organisation_id = min(viewer.organisation_ids)
    elif not viewer.belongs_to(organisation_id):
        raise InvalidInput(fields={"organisation": [_("Choose one of your organisations.")]})
    n = capacity.check_units(units)
    capacity.check_dates(start_date, end_date, today=timezone.localdate())
    assert start_date is not None and end_date is not None
    text = _text(purpose, "purpose", limit=MAX_PURPOSE, required=True)
    if not visible_platforms(viewer).filter(pk=platform_id).exists():
        raise NotFound()
    with transaction.atomic():
        platform = _lock_platform(platform_id)
        if platform.status != FacilityStatus.PUBLISHED:
            raise InvalidInput(_("Only published platforms take bookings."))
        capacity.check_available(platform, start_date, end_date, field="start_date")
        capacity.check_capacity(platform, start_date, end_date, n)
        booking = Booking.objects.create(
            platform=platform,
            requester_id=uid,
            requester_organisation_id=organisation_id,
            units=n,
            start_date=start_date,
            end_date=end_date,
            purpose=text,
            status=BookingStatus.REQUESTED,
            status_changed_at=timezone.now(),
        )
        change_record(
            target=booking,
            actor_id=uid,
            action=f"{HISTORY_PREFIX}request",
            changes={
                "status": [None, BookingStatus.REQUESTED],
                "units": [None, n],
                "start_date": [None, start_date.isoformat()],
                "end_date": [None, end_date.isoformat()],
            },
        )
        notices.booking_requested(booking)
    return booking


def booking_move(
    *,
    viewer: Viewer,
    pk: int,
    move: str,
    reason: Any = "",
    proposed_start: date | None = None,
    proposed_end: date | None = None,
) -> Booking:
    """One life-cycle move, under the platform's row lock, with history and a notification to the
    other side. Accepting (a request or a proposal) checks capacity again under the lock.
    ``move`` is a button of ``booking_stages.BUTTONS``; its history action is ``booking_<move>``."""
    uid = _require_user(viewer)
    action = move
    step = MOVES.get(action)
    if action not in BUTTONS:
        raise InvalidInput(
            fields={"action": [_("Choose one of: {options}.").format(options=", ".join(BUTTONS))]}
        )
    assert step is not None
    text = _text(reason, "reason", limit=MAX_REASON, required=step.needs_reason)
    if step.needs_window:
        capacity.check_dates(
            proposed_start, proposed_end, today=timezone.localdate(), prefix="proposed_"
        )
    platform_id = (
        visible_bookings(viewer).filter(pk=pk).values_list("platform_id", flat=True).first()
    )
    if platform_id is None:
        raise NotFound()
    with transaction.atomic():
        platform = _lock_platform(platform_id)
        booking = Booking.objects.select_for_update().filter(pk=pk).first()
        if booking is None:
            raise NotFound()
        booking.platform = platform
        sides = booking_sides(viewer, booking)
        if step.who not in sides:
            raise PermissionDenied(_("You may not make this move on this booking."))
        if booking.status not in step.sources:
            raise Conflict(
                _("Cannot {action} a booking whose status is “{status}”.").format(
                    action=step.label, status=booking.get_status_display()
                )
            )
        before = booking.status
        changes: dict[str, list[Any]] = {"status": [before, step.target]}
        if step.needs_window:
            assert proposed_start is not None and proposed_end is not None
            if (proposed_start, proposed_end) == (booking.start_date, booking.end_date):
                raise InvalidInput(
                    fields={"proposed_start_date": [_("Propose a different window.")]}
                )
            capacity.check_available(
                platform, proposed_start, proposed_end, field="proposed_start_date"
            )
            booking.proposed_start, booking.proposed_end = proposed_start, proposed_end
            booking.proposal_note = text
            changes["proposed_start"] = [None, proposed_start.isoformat()]
            changes["proposed_end"] = [None, proposed_end.isoformat()]
        if action == "accept_proposal":
            assert booking.proposed_start is not None and booking.proposed_end is not None
            changes["start_date"] = [
                booking.start_date.isoformat(),
                booking.proposed_start.isoformat(),
            ]
            changes["end_date"] = [booking.end_date.isoformat(), booking.proposed_end.isoformat()]
            booking.start_date, booking.end_date = booking.proposed_start, booking.proposed_end
        if step.takes_capacity:
            if booking.end_date < timezone.localdate():
                raise InvalidInput(_("This window has already passed."))
            capacity.check_available(
                platform, booking.start_date, booking.end_date, field="start_date"
            )
            capacity.check_capacity(
                platform, booking.start_date, booking.end_date, booking.units, exclude=booking.pk
            )
        if step.needs_reason or (action == "decline_proposal" and text):
            changes["decline_reason"] = [booking.decline_reason, text]
            booking.decline_reason = text
        booking.status = step.target
        booking.status_changed_at = timezone.now()
        booking.save()
        change_record(
            target=booking,
            actor_id=uid,
            action=f"{HISTORY_PREFIX}{action}",
            changes=changes,
            reason=text,
        )
        notices.booking_moved(booking, action=action, actor_id=uid)
    return booking


def bookings_expire(*, today: date | None = None) -> int:
    """Expire each request still unanswered, and each proposal still not taken, once the
    window it is about has started. One short transaction per booking under the platform's and
    the booking's row locks (as every move), so overlapping runs expire each booking once.
    Both sides are told. Returns how many expired."""
    today = today or timezone.localdate()
    due = Booking.objects.filter(
        Q(status=BookingStatus.REQUESTED, start_date__lte=today)
        | Q(status=BookingStatus.PROPOSED, proposed_start__lte=today)
    )
    move = MOVES["expire"]
    expired = 0
    for pk, platform_id in list(due.values_list("pk", "platform_id")):
        with transaction.atomic():
            _lock_platform(platform_id)
            booking = due.select_for_update().filter(pk=pk).first()
            if booking is None:
                continue
            before = booking.status
            booking.status = move.target
            booking.status_changed_at = timezone.now()
            booking.save(update_fields=["status", "status_changed_at", "updated_at"])
            change_record(
                target=booking,
                actor_id=None,
                action=f"{HISTORY_PREFIX}expire",
                changes={"status": [before, move.target]},
            )
            notices.booking_expired(booking)
        expired += 1
    return expired
