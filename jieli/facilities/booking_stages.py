"""The booking life cycle as a data table: action → (from states, to state, who may move it).

requested → accepted (the operator; capacity checked) | declined (the operator, with a reason)
| proposed (the operator offers another window); proposed → accepted (the requester takes the
proposed window; capacity checked) | declined (the requester turns it down); the requester may
cancel a booking that is requested, proposed or accepted; the operator may withdraw an accepted
booking with a reason (→ cancelled; the requester is told, the units are free again). A request
or proposal still open when its window starts expires (the hourly job, never a button). The
services apply a move under a row lock on the platform and write its before/after to the
history.

Sides of a viewer: ``requester`` (the requester and the people of the requesting organisation),
``operator`` (the operator organisation's administrators, and the secretariat).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from jieli.facilities.models import BookingStatus

OPEN = frozenset({BookingStatus.REQUESTED, BookingStatus.PROPOSED, BookingStatus.ACCEPTED})
# The states whose units count against the platform's capacity.
HOLDING = frozenset({BookingStatus.ACCEPTED})


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    who: str  # "requester", "operator" or "system" (the expiry job)
    label: object
    needs_reason: bool = False
    needs_window: bool = False  # the operator's proposal carries a new window
    takes_capacity: bool = False  # checked against the accepted bookings under the lock


MOVES: dict[str, Move] = {
    "accept": Move(
        frozenset({BookingStatus.REQUESTED}),
        BookingStatus.ACCEPTED,
        "operator",
        _("accept"),
        takes_capacity=True,
    ),
    "decline": Move(
        frozenset({BookingStatus.REQUESTED}),
        BookingStatus.DECLINED,
        "operator",
        _("decline"),
        needs_reason=True,
    ),
    "propose": Move(
        frozenset({BookingStatus.REQUESTED}),
        BookingStatus.PROPOSED,
        "operator",
        _("propose another window"),
        needs_window=True,
    ),
    "accept_proposal": Move(
        frozenset({BookingStatus.PROPOSED}),
        BookingStatus.ACCEPTED,
        "requester",
        _("accept the proposed window"),
        takes_capacity=True,
    ),
    "decline_proposal": Move(
        frozenset({BookingStatus.PROPOSED}),
        BookingStatus.DECLINED,
        "requester",
        _("decline the proposed window"),
    ),
    "cancel": Move(OPEN, BookingStatus.CANCELLED, "requester", _("cancel")),
    # The operator cancels a booking it had accepted (equipment failure...): a reason is owed.
    "withdraw": Move(
        frozenset({BookingStatus.ACCEPTED}),
        BookingStatus.CANCELLED,
        "operator",
        _("cancel the accepted booking"),
        needs_reason=True,
    ),
    # Made by the expiry job, never a button: nobody answered before the window started.
    "expire": Move(
        frozenset({BookingStatus.REQUESTED, BookingStatus.PROPOSED}),
        BookingStatus.EXPIRED,
        "system",
        _("expire"),
    ),
}
BUTTONS = tuple(name for name, move in MOVES.items() if move.who != "system")

# History actions (``core.history_labels``): "booking_" + the move.
HISTORY_PREFIX = "booking_"


def allowed_moves(status: str, sides: frozenset[str]) -> list[str]:
    """The buttons a viewer with ``sides`` may press on a booking in ``status``."""
    return [name for name in BUTTONS if status in MOVES[name].sources and MOVES[name].who in sides]
