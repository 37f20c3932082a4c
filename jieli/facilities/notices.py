"""What bookings tell people, through the notifications app (rendered in the recipient's
language; only the kind, the booking and its status are stored).

- a request → the operator's administrators;
- a move by the operator (accept, decline, propose, withdraw an accepted booking) → the
  requester side;
- a move by the requester (take or turn down a proposal, cancel) → the operator's administrators;
- an expiry (the hourly job) → both.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieli.facilities.booking_stages import MOVES
from jieli.facilities.models import Booking, BookingStatus
from jieli.notifications.kinds import NotificationKind, Rendered, register_kind
from jieli.notifications.models import Notification
from jieli.notifications.services import notification_send
from jieli.organisations.selectors import organisation_admin_ids

REQUESTED = "facilities.booking_requested"
CHANGED = "facilities.booking_changed"


def operator_admins(booking: Booking) -> set[int]:
    return set(organisation_admin_ids(booking.platform.operator_id))  # type: ignore[attr-defined]


def requester_side(booking: Booking) -> set[int]:
    """The requester and the requesting organisation's administrators."""
    ids = set(organisation_admin_ids(booking.requester_organisation_id))  # type: ignore[attr-defined]
    ids.add(booking.requester_id)  # type: ignore[attr-defined]
    return ids


def booking_requested(booking: Booking) -> int:
    return notification_send(
        kind=REQUESTED,
        recipient_ids=operator_admins(booking),
        target=booking,
        params={"units": booking.units},
        actor_id=booking.requester_id,  # type: ignore[attr-defined]
        dedupe_key=f"booking:{booking.pk}",
    )


def booking_moved(booking: Booking, *, action: str, actor_id: int | None) -> int:
    recipients = (
        requester_side(booking) if MOVES[action].who == "operator" else operator_admins(booking)
    )
    return notification_send(
        kind=CHANGED,
        recipient_ids=recipients,
        target=booking,
        params={"status": booking.status, "reason": booking.decline_reason[:500]},
        actor_id=actor_id,
    )


def booking_expired(booking: Booking) -> int:
    return notification_send(
        kind=CHANGED,
        recipient_ids=requester_side(booking) | operator_admins(booking),
        target=booking,
        params={"status": booking.status, "reason": ""},
        dedupe_key=f"expired:{booking.pk}",
    )


def _booking(n: Notification) -> tuple[str, str]:
    booking = n.target
    if isinstance(booking, Booking):
        return booking.platform.display_name, reverse("facilities:booking", args=[booking.pk])
    return "", ""


def _requested(n: Notification) -> Rendered:
    name, url = _booking(n)
    return Rendered(
        title=_("New booking request for “{platform}”").format(platform=name),
        body=_("Please accept it, decline it or propose another window on Jieli."),
        url=url,
    )


def _changed(n: Notification) -> Rendered:
    name, url = _booking(n)
    status = n.params.get("status", "")
    label = BookingStatus(status).label if status in BookingStatus.values else status
    body = _("The booking is now “{status}”.").format(status=label)
    if status in (BookingStatus.DECLINED, BookingStatus.CANCELLED) and n.params.get("reason"):
        body += "\n" + _("Reason: {reason}").format(reason=n.params.get("reason", ""))
    return Rendered(
        title=_("Booking of “{platform}”: status changed").format(platform=name),
        body=body,
        url=url,
    )


def register_notices() -> None:
    for key, label, render in (
        (REQUESTED, gettext_lazy("Booking requests for my platforms"), _requested),
        (CHANGED, gettext_lazy("Status changes of platform bookings"), _changed),
    ):
        register_kind(NotificationKind(key=key, label=label, render=render))
