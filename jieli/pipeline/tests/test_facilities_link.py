"""A project linked to a pilot-test platform booking and an undertaking zone; the portfolio's
zone filter."""

from __future__ import annotations

import pytest

from jieli.core.errors import InvalidInput, PermissionDenied
from jieli.facilities.tests import factories as facilities
from jieli.organisations.tests.factories import viewer_of
from jieli.pipeline import selectors, services

pytestmark = pytest.mark.django_db


def test_link_booking_and_zone_then_filter(world, project):
    secretariat = world.roles.secretariat
    weihai = facilities.zone(secretariat)
    chengde = facilities.zone(secretariat, name="承德中试承接区", region="1308")
    pilot = facilities.platform(secretariat, world.institute.pk)
    booking = facilities.request(world.agent, pilot.pk)
    with pytest.raises(PermissionDenied):
        services.project_link_facilities(
            viewer=viewer_of(world.researcher), pk=project.pk, booking_id=None, zone_id=weihai.pk
        )
    with pytest.raises(InvalidInput):
        services.project_link_facilities(
            viewer=viewer_of(world.agent), pk=project.pk, booking_id=10**9, zone_id=None
        )
    linked = services.project_link_facilities(
        viewer=viewer_of(world.agent), pk=project.pk, booking_id=booking.pk, zone_id=weihai.pk
    )
    assert linked.booking_id == booking.pk and linked.zone_id == weihai.pk
    staff = viewer_of(secretariat)
    assert list(selectors.portfolio(staff, zone=weihai.pk)) == [project]
    assert list(selectors.portfolio(staff, zone=chengde.pk)) == []


def test_the_booking_must_be_one_of_the_projects_parties(world, project):
    """A booking another organisation requested is refused, even for the secretariat that
    sees every booking; one requested by a party (here the agency) is linked."""
    secretariat = world.roles.secretariat
    pilot = facilities.platform(secretariat, world.institute.pk)
    outsiders = facilities.request(world.roles.other_member, pilot.pk)
    with pytest.raises(InvalidInput) as exc:
        services.project_link_facilities(
            viewer=viewer_of(secretariat), pk=project.pk, booking_id=outsiders.pk, zone_id=None
        )
    assert "booking" in exc.value.fields
    project.refresh_from_db()
    assert project.booking_id is None
    ours = facilities.request(world.roles.owner_member, pilot.pk)  # the taking enterprise
    linked = services.project_link_facilities(
        viewer=viewer_of(secretariat), pk=project.pk, booking_id=ours.pk, zone_id=None
    )
    assert linked.booking_id == ours.pk
