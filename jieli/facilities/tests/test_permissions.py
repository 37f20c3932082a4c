"""Roles × the facilities pages and API: exact status AND side effect (with its history). The
operator is the owner organisation (its administrator manages the platform; its members see
its drafts and its bookings but act on neither); the requester is ``other_member``; the
secretariat manages everything and acts for operators; zones and clusters are the
secretariat's. A record someone may not see answers 404, never 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jieli.core.tests.matrix import ROLES, as_page, check, reads, writes
from jieli.facilities.booking_services import booking_move
from jieli.facilities.models import Booking, Cluster, PilotPlatform, Zone
from jieli.facilities.tests.factories import cluster, days_ahead, platform, request, zone
from jieli.organisations.tests.factories import viewer_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/facilities"
JSON = "application/json"


def state():
    return (
        sorted(Booking.objects.values_list("pk", "status", "start_date", "units")),
        sorted(PilotPlatform.objects.values_list("pk", "status", "name", "capacity_per_day")),
        sorted(Zone.objects.values_list("pk", "status", "name", "space_m2")),
        sorted(Cluster.objects.values_list("pk", "status", "name")),
    )


def _check(roles, role, matrix, call, **kw):
    return check(roles, role, matrix, call, state=state, **kw)


@pytest.fixture
def draft(roles):
    return platform(roles.owner_admin, roles.owner_org.pk, publish=False, name="草稿平台")


@pytest.fixture
def booking(roles, pilot):
    return request(roles.other_member, pilot.pk)


ALL_SEE = reads(
    anonymous=200,
    registered=200,
    other_member=200,
    owner_member=200,
    owner_admin=200,
    secretariat=200,
)
DRAFT_SEEN_BY_OPERATOR = reads(
    anonymous=404,
    registered=404,
    other_member=404,
    owner_member=200,
    owner_admin=200,
    secretariat=200,
)
ONLY_SECRETARIAT_SEES = reads(
    anonymous=404,
    registered=404,
    other_member=404,
    owner_member=404,
    owner_admin=404,
    secretariat=200,
)


@pytest.mark.parametrize("role", ROLES)
def test_published_platform(roles, pilot, role):
    _check(roles, role, ALL_SEE, lambda c: c.get(f"{URL}/platforms/{pilot.pk}"))
    _check(roles, role, ALL_SEE, lambda c: c.get(reverse("facilities:platform", args=[pilot.pk])))


@pytest.mark.parametrize("role", ROLES)
def test_draft_platform(roles, draft, role):
    response = _check(
        roles, role, DRAFT_SEEN_BY_OPERATOR, lambda c: c.get(f"{URL}/platforms/{draft.pk}")
    )
    if response.status_code == 404:
        assert "草稿平台" not in response.content.decode()
    _check(
        roles,
        role,
        DRAFT_SEEN_BY_OPERATOR,
        lambda c: c.get(reverse("facilities:platform", args=[draft.pk])),
    )
    listed = _check(
        roles, role, reads(**dict.fromkeys(ROLES, 200)), lambda c: c.get(f"{URL}/platforms")
    )
    names = [p["name"] for p in listed.json()["results"]]
    assert ("草稿平台" in names) is (DRAFT_SEEN_BY_OPERATOR[role].status == 200)


@pytest.mark.parametrize("role", ROLES)
def test_hidden_platform(roles, pilot, role):
    from jieli.facilities.services import facility_set_status
    from jieli.organisations.tests.factories import viewer_of

    facility_set_status(
        viewer=viewer_of(roles.secretariat),
        kind="platform",
        pk=pilot.pk,
        action="hide",
        reason="资质过期",
    )
    _check(roles, role, ONLY_SECRETARIAT_SEES, lambda c: c.get(f"{URL}/platforms/{pilot.pk}"))


CREATE_PLATFORM = writes(
    anonymous=(401, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(403, False),
    owner_admin=(201, True),
    secretariat=(201, True),
)


@pytest.mark.parametrize("role", ROLES)
def test_create_platform_api(roles, role):
    body = {
        "name": "新平台",
        "operator": roles.owner_org.pk,
        "region": "3701",
        "capabilities": "放大",
        "capacity_unit": "天",
        "capacity_per_day": 2,
    }
    _check(
        roles, role, CREATE_PLATFORM, lambda c: c.post(f"{URL}/platforms", body, content_type=JSON)
    )


EDIT_PUBLISHED = writes(
    anonymous=(401, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(403, False),
    owner_admin=(200, True),
    secretariat=(200, True),
)
EDIT_DRAFT = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(403, False),
    owner_admin=(200, True),
    secretariat=(200, True),
)


@pytest.mark.parametrize("role", ROLES)
def test_edit_platform_api(roles, pilot, role):
    _check(
        roles,
        role,
        EDIT_PUBLISHED,
        lambda c: c.patch(
            f"{URL}/platforms/{pilot.pk}", {"capacity_per_day": 6}, content_type=JSON
        ),
    )


@pytest.mark.parametrize("role", ROLES)
def test_publish_draft(roles, draft, role):
    _check(
        roles,
        role,
        EDIT_DRAFT,
        lambda c: c.post(f"{URL}/platforms/{draft.pk}/status/publish", {}, content_type=JSON),
    )


@pytest.mark.parametrize("role", ROLES)
def test_publish_draft_page(roles, draft, role):
    _check(
        roles,
        role,
        as_page(EDIT_DRAFT),
        lambda c: c.post(
            reverse("facilities:status", args=["platform", draft.pk]), {"action": "publish"}
        ),
    )


HIDE = writes(
    anonymous=(401, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(403, False),
    owner_admin=(403, False),
    secretariat=(200, True),
)


@pytest.mark.parametrize("role", ROLES)
def test_hide_platform(roles, pilot, role):
    _check(
        roles,
        role,
        HIDE,
        lambda c: c.post(
            f"{URL}/platforms/{pilot.pk}/status/hide", {"reason": "资质过期"}, content_type=JSON
        ),
    )


REQUEST = writes(
    anonymous=(401, False),
    registered=(403, False),  # no organisation
    other_member=(201, True),
    owner_member=(201, True),
    owner_admin=(201, True),
    secretariat=(403, False),  # the secretariat belongs to no organisation
)


@pytest.mark.parametrize("role", ROLES)
def test_request_booking_api(roles, pilot, role):
    body = {
        "platform": pilot.pk,
        "units": 1,
        "start_date": days_ahead(3).isoformat(),
        "end_date": days_ahead(4).isoformat(),
        "purpose": "试验",
    }
    _check(roles, role, REQUEST, lambda c: c.post(f"{URL}/bookings", body, content_type=JSON))


@pytest.mark.parametrize("role", ROLES)
def test_request_booking_page(roles, pilot, role):
    org = {"other_member": roles.other_org.pk}.get(role, roles.owner_org.pk)
    data = {
        "organisation": org,
        "units": 1,
        "start_date": days_ahead(3).isoformat(),
        "end_date": days_ahead(4).isoformat(),
        "purpose": "试验",
    }
    page = writes(
        anonymous=(302, False),
        registered=(400, False),  # no organisation to book for: the form says so
        other_member=(302, True),
        owner_member=(302, True),
        owner_admin=(302, True),
        secretariat=(400, False),
    )
    _check(roles, role, page, lambda c: c.post(reverse("facilities:book", args=[pilot.pk]), data))


BOOKING_SEEN = reads(
    anonymous=401,
    registered=404,
    other_member=200,
    owner_member=200,
    owner_admin=200,
    secretariat=200,
)


@pytest.mark.parametrize("role", ROLES)
def test_booking_read(roles, booking, role):
    _check(roles, role, BOOKING_SEEN, lambda c: c.get(f"{URL}/bookings/{booking.pk}"))
    _check(
        roles,
        role,
        as_page(BOOKING_SEEN),
        lambda c: c.get(reverse("facilities:booking", args=[booking.pk])),
    )


ACCEPT = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(403, False),
    owner_member=(403, False),
    owner_admin=(200, True),
    secretariat=(200, True),
)
CANCEL = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(200, True),
    owner_member=(403, False),
    owner_admin=(403, False),
    secretariat=(403, False),
)


@pytest.mark.parametrize("role", ROLES)
def test_accept_api(roles, booking, role):
    response = _check(
        roles,
        role,
        ACCEPT,
        lambda c: c.post(f"{URL}/bookings/{booking.pk}/actions/accept", {}, content_type=JSON),
    )
    if response.status_code == 200:
        assert response.json()["status"] == "accepted"


@pytest.mark.parametrize("role", ROLES)
def test_accept_page(roles, booking, role):
    _check(
        roles,
        role,
        as_page(ACCEPT),
        lambda c: c.post(reverse("facilities:move", args=[booking.pk]), {"action": "accept"}),
    )


@pytest.mark.parametrize("role", ROLES)
def test_cancel_api(roles, booking, role):
    _check(
        roles,
        role,
        CANCEL,
        lambda c: c.post(f"{URL}/bookings/{booking.pk}/actions/cancel", {}, content_type=JSON),
    )


# The operator withdraws a booking it accepted (a reason is owed); the requester may not.
WITHDRAW = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(403, False),
    owner_member=(403, False),
    owner_admin=(200, True),
    secretariat=(200, True),
)


@pytest.mark.parametrize("role", ROLES)
def test_withdraw_api(roles, booking, role):
    booking_move(viewer=viewer_of(roles.owner_admin), pk=booking.pk, move="accept")
    response = _check(
        roles,
        role,
        WITHDRAW,
        lambda c: c.post(
            f"{URL}/bookings/{booking.pk}/actions/withdraw",
            {"reason": "设备故障"},
            content_type=JSON,
        ),
    )
    if response.status_code == 200:
        assert response.json()["status"] == "cancelled"


@pytest.mark.parametrize("role", ROLES)
def test_withdraw_page(roles, booking, role):
    booking_move(viewer=viewer_of(roles.owner_admin), pk=booking.pk, move="accept")
    _check(
        roles,
        role,
        as_page(WITHDRAW),
        lambda c: c.post(
            reverse("facilities:move", args=[booking.pk]),
            {"action": "withdraw", "reason": "设备故障"},
        ),
    )


ZONE_WRITE = writes(
    anonymous=(401, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(403, False),
    owner_admin=(403, False),
    secretariat=(201, True),
)


@pytest.mark.parametrize("role", ROLES)
def test_create_zone_and_cluster_api(roles, role):
    _check(
        roles,
        role,
        ZONE_WRITE,
        lambda c: c.post(f"{URL}/zones", {"name": "承接区", "region": "3710"}, content_type=JSON),
    )
    _check(
        roles,
        role,
        ZONE_WRITE,
        lambda c: c.post(f"{URL}/clusters", {"name": "集群", "region": "1308"}, content_type=JSON),
    )


@pytest.mark.parametrize("role", ROLES)
def test_draft_zone_and_cluster(roles, role):
    z = zone(roles.secretariat, publish=False)
    cl = cluster(roles.secretariat, publish=False)
    _check(roles, role, ONLY_SECRETARIAT_SEES, lambda c: c.get(f"{URL}/zones/{z.pk}"))
    _check(roles, role, ONLY_SECRETARIAT_SEES, lambda c: c.get(f"{URL}/clusters/{cl.pk}"))
    _check(
        roles, role, ONLY_SECRETARIAT_SEES, lambda c: c.get(reverse("facilities:zone", args=[z.pk]))
    )
    edit = writes(
        anonymous=(401, False),
        registered=(404, False),
        other_member=(404, False),
        owner_member=(404, False),
        owner_admin=(404, False),
        secretariat=(200, True),
    )
    _check(
        roles,
        role,
        edit,
        lambda c: c.patch(f"{URL}/zones/{z.pk}", {"space_m2": 1000}, content_type=JSON),
    )


@pytest.mark.parametrize("role", ROLES)
def test_published_zone_edit(roles, role):
    z = zone(roles.secretariat)
    _check(roles, role, ALL_SEE, lambda c: c.get(f"{URL}/zones/{z.pk}"))
    edit = writes(
        anonymous=(401, False),
        registered=(403, False),
        other_member=(403, False),
        owner_member=(403, False),
        owner_admin=(403, False),
        secretariat=(200, True),
    )
    _check(
        roles,
        role,
        edit,
        lambda c: c.patch(f"{URL}/zones/{z.pk}", {"space_m2": 1000}, content_type=JSON),
    )
