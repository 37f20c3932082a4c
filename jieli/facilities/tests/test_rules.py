"""One rule each: who may add a platform (``selectors.may_add_platform``) decides both the
directory's "add" button and the create service; booking notices reach an organisation's
administrators through the organisations app's one look-up."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jieli.core.errors import InvalidInput, PermissionDenied
from jieli.core.tests.matrix import ROLES, client_for
from jieli.facilities import notices, selectors, services
from jieli.facilities.tests.factories import request
from jieli.organisations.tests.factories import viewer_of

pytestmark = pytest.mark.django_db

MAY_ADD = {"owner_admin", "secretariat"}


@pytest.mark.parametrize("role", ROLES)
def test_the_add_button_and_the_create_service_follow_the_one_rule(roles, role):
    user = roles.by_role()[role]
    viewer = viewer_of(user)
    expected = role in MAY_ADD
    assert selectors.may_add_platform(viewer) is expected
    response = client_for(user).get(reverse("facilities:platforms"))
    assert response.status_code == 200
    assert response.context["may_add"] is expected
    if viewer.user_id is None:
        return
    # An empty platform: refused for its missing fields when the viewer may add one at all.
    with pytest.raises(InvalidInput if expected else PermissionDenied):
        services.platform_create(viewer=viewer, data={})


def test_booking_notices_use_the_organisations_admin_look_up(roles, pilot, monkeypatch):
    booking = request(roles.other_member, pilot.pk)
    asked: list[int] = []

    def admin_ids(organisation_id: int) -> list[int]:
        asked.append(organisation_id)
        return [4242]

    monkeypatch.setattr(notices, "organisation_admin_ids", admin_ids)
    assert notices.operator_admins(booking) == {4242}
    assert notices.requester_side(booking) == {4242, roles.other_member.pk}
    assert asked == [roles.owner_org.pk, roles.other_org.pk]


def test_booking_notices_go_to_active_administrators_only(roles, pilot):
    booking = request(roles.other_member, pilot.pk)
    assert notices.operator_admins(booking) == {roles.owner_admin.pk}
    roles.owner_admin.is_active = False
    roles.owner_admin.save(update_fields=["is_active"])
    assert notices.operator_admins(booking) == set()
