"""The booking life cycle, table-driven: every move × every status × every side, through the
service (platform row lock, history, notification), against the expected outcome written out
by hand."""

from __future__ import annotations

import pytest

from jieli.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jieli.core.history import history_for
from jieli.facilities.booking_services import booking_move, bookings_expire
from jieli.facilities.booking_stages import BUTTONS, MOVES, allowed_moves
from jieli.facilities.models import Booking, BookingStatus
from jieli.facilities.tests.factories import days_ahead, request
from jieli.notifications.models import Notification
from jieli.organisations.tests.factories import viewer_of

pytestmark = pytest.mark.django_db

ALL = list(BookingStatus.values)
OPEN = ["requested", "proposed", "accepted"]

# (move, from status) -> status after, for a side that may make the move; absent: 409.
EXPECTED = {
    ("accept", "requested"): "accepted",
    ("decline", "requested"): "declined",
    ("propose", "requested"): "proposed",
    ("accept_proposal", "proposed"): "accepted",
    ("decline_proposal", "proposed"): "declined",
    **{("cancel", s): "cancelled" for s in OPEN},
    ("withdraw", "accepted"): "cancelled",
    ("expire", "requested"): "expired",
    ("expire", "proposed"): "expired",
}
# Who may make which move.
WHO = {
    "accept": "operator",
    "decline": "operator",
    "propose": "operator",
    "accept_proposal": "requester",
    "decline_proposal": "requester",
    "cancel": "requester",
    "withdraw": "operator",  # cancels a booking it accepted, with a reason
    "expire": "system",  # the hourly job, never a button
}
# Who is told (besides the history): the other side.
TOLD = {"operator": "requester", "requester": "operator"}


def test_the_table_is_what_the_code_says():
    assert set(MOVES) == set(WHO)
    for action, move in MOVES.items():
        assert move.who == WHO[action], action
        for status in ALL:
            got = move.target if status in move.sources else None
            assert got == EXPECTED.get((action, status)), (action, status)
    assert allowed_moves("requested", frozenset({"operator"})) == ["accept", "decline", "propose"]
    assert allowed_moves("proposed", frozenset({"requester"})) == [
        "accept_proposal",
        "decline_proposal",
        "cancel",
    ]
    assert allowed_moves("accepted", frozenset({"operator"})) == ["withdraw"]
    assert allowed_moves("declined", frozenset({"operator", "requester"})) == []


@pytest.fixture
def people(roles):
    return {
        "requester": roles.other_member,
        "operator": roles.owner_admin,
        "operator_member": roles.owner_member,  # sees the booking, may not act on it
        "secretariat": roles.secretariat,  # acts for the operator
        "outsider": roles.registered,
    }


def _args(action: str) -> dict:
    if action in ("decline", "withdraw"):
        return {"reason": "设备检修"}
    if action == "propose":
        return {"proposed_start": days_ahead(20), "proposed_end": days_ahead(22)}
    return {}


@pytest.mark.parametrize("status", ALL)
@pytest.mark.parametrize("action", BUTTONS)
@pytest.mark.parametrize(
    "side", ["requester", "operator", "operator_member", "secretariat", "outsider"]
)
def test_move(people, pilot, status, action, side):
    booking = request(people["requester"], pilot.pk)
    Booking.objects.filter(pk=booking.pk).update(
        status=status,
        proposed_start=days_ahead(20) if status == "proposed" else None,
        proposed_end=days_ahead(22) if status == "proposed" else None,
    )
    entries = history_for(booking).count()
    notices = Notification.objects.count()
    role = "operator" if side == "secretariat" else side
    expected = EXPECTED.get((action, status))
    error: type[Exception] | None
    if side == "outsider":
        error = NotFound
    elif role != WHO[action]:
        error = PermissionDenied
    elif expected is None:
        error = Conflict
    else:
        error = None
    call = lambda: booking_move(  # noqa: E731
        viewer=viewer_of(people[side]), pk=booking.pk, move=action, **_args(action)
    )
    if error is not None:
        with pytest.raises(error):
            call()
        booking.refresh_from_db()
        assert booking.status == status
        assert history_for(booking).count() == entries
        assert Notification.objects.count() == notices
        return
    call()
    booking.refresh_from_db()
    assert booking.status == expected
    last = history_for(booking).first()
    assert last.action == f"booking_{action}"
    assert last.changes["status"] == [status, expected]
    assert history_for(booking).count() == entries + 1
    told = people[TOLD[role]]
    assert Notification.objects.filter(recipient=told, kind="facilities.booking_changed").exists()
    if action == "accept_proposal":
        assert (booking.start_date, booking.end_date) == (days_ahead(20), days_ahead(22))


def test_decline_needs_a_reason(roles, pilot):
    booking = request(roles.other_member, pilot.pk)
    with pytest.raises(InvalidInput) as exc:
        booking_move(viewer=viewer_of(roles.owner_admin), pk=booking.pk, move="decline")
    assert "reason" in exc.value.fields
    booking.refresh_from_db()
    assert booking.status == "requested"


def test_operator_withdraws_an_accepted_booking_with_a_reason(roles, pilot):
    """The operator cancels a booking it accepted: a reason is required; the requester is told
    why; the history records it; the units are free again for someone else."""
    operator = viewer_of(roles.owner_admin)
    booking = request(roles.other_member, pilot.pk, units=pilot.capacity_per_day)
    booking_move(viewer=operator, pk=booking.pk, move="accept")
    with pytest.raises(InvalidInput):  # the platform is full on those days
        request(roles.owner_member, pilot.pk, units=1)
    with pytest.raises(InvalidInput) as exc:
        booking_move(viewer=operator, pk=booking.pk, move="withdraw")
    assert "reason" in exc.value.fields
    booking.refresh_from_db()
    assert booking.status == "accepted"
    booking_move(viewer=operator, pk=booking.pk, move="withdraw", reason="设备故障停机检修")
    booking.refresh_from_db()
    assert (booking.status, booking.decline_reason) == ("cancelled", "设备故障停机检修")
    last = history_for(booking).first()
    assert last.action == "booking_withdraw" and last.reason == "设备故障停机检修"
    notice = Notification.objects.filter(
        recipient=roles.other_member, kind="facilities.booking_changed", target_id=booking.pk
    ).first()
    assert notice is not None and notice.params["reason"] == "设备故障停机检修"
    # The units are free again: another request for the same window is accepted.
    again = request(roles.owner_member, pilot.pk, units=pilot.capacity_per_day)
    booking_move(viewer=operator, pk=again.pk, move="accept")
    again.refresh_from_db()
    assert again.status == "accepted"


def test_propose_needs_a_valid_different_window(roles, pilot):
    booking = request(roles.other_member, pilot.pk)
    operator = viewer_of(roles.owner_admin)
    bad = [
        ({}, "proposed_start_date"),
        ({"proposed_start": days_ahead(9), "proposed_end": days_ahead(8)}, "proposed_end_date"),
        ({"proposed_start": days_ahead(-3), "proposed_end": days_ahead(2)}, "proposed_start_date"),
        ({"proposed_start": days_ahead(5), "proposed_end": days_ahead(7)}, "proposed_start_date"),
        # Outside the calendar (open days 1–60).
        ({"proposed_start": days_ahead(59), "proposed_end": days_ahead(61)}, "proposed_start_date"),
    ]
    for kwargs, field in bad:
        with pytest.raises(InvalidInput) as exc:
            booking_move(viewer=operator, pk=booking.pk, move="propose", **kwargs)
        assert field in exc.value.fields, (kwargs, exc.value.fields)
    booking.refresh_from_db()
    assert booking.status == "requested" and booking.proposed_start is None


def test_unknown_move_is_invalid(roles, pilot):
    booking = request(roles.other_member, pilot.pk)
    for action in ("approve", "expire"):  # the job's move is no button, not even for staff
        with pytest.raises(InvalidInput):
            booking_move(viewer=viewer_of(roles.secretariat), pk=booking.pk, move=action)


@pytest.mark.parametrize("status", ALL)
def test_expiry_job(roles, pilot, status):
    """Open requests and proposals whose window has started expire once; nothing else does."""
    booking = request(roles.other_member, pilot.pk)
    Booking.objects.filter(pk=booking.pk).update(
        status=status,
        proposed_start=days_ahead(20) if status == "proposed" else None,
        proposed_end=days_ahead(22) if status == "proposed" else None,
    )
    assert bookings_expire(today=days_ahead(4)) == 0  # nothing has started yet
    day = days_ahead(20) if status == "proposed" else days_ahead(5)
    expected = EXPECTED.get(("expire", status))
    assert bookings_expire(today=day) == (1 if expected else 0)
    assert bookings_expire(today=day) == 0  # a second run finds nothing
    booking.refresh_from_db()
    assert booking.status == (expected or status)
    if expected:
        assert history_for(booking).first().action == "booking_expire"
        told = set(
            Notification.objects.filter(
                kind="facilities.booking_changed", target_id=booking.pk
            ).values_list("recipient_id", flat=True)
        )
        assert {roles.other_member.pk, roles.owner_admin.pk} <= told


def test_request_notifies_the_operators_administrators(roles, pilot):
    booking = request(roles.other_member, pilot.pk)
    told = set(
        Notification.objects.filter(kind="facilities.booking_requested").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {roles.owner_admin.pk}
    assert history_for(booking).first().action == "booking_request"
