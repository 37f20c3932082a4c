from jieli.facilities.booking_services import booking_move
from jieli.facilities.models import BookingStatus
from jieli.facilities.tests.factories import days_ahead, request
from jieli.organisations.tests.factories import viewer_of


def test_request_propose_accept(roles, pilot):
    booking = request(roles.other_member, pilot.pk)
    assert booking.status == BookingStatus.REQUESTED
    booking = booking_move(
        viewer=viewer_of(roles.owner_admin),
        pk=booking.pk,
        action="propose",
        proposed_start=days_ahead(10),
        proposed_end=days_ahead(12),
    )
    booking = booking_move(
        viewer=viewer_of(roles.other_member), pk=booking.pk, action="accept_proposal"
    )
    assert booking.status == BookingStatus.ACCEPTED
    assert booking.start_date == days_ahead(10)
