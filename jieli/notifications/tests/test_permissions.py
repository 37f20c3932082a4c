"""Roles × every page and API endpoint of the notifications app: exact status AND side effect.

Everyone sees and changes only their own notifications and preferences: another person's
notification answers 404, whatever the caller's role (the secretariat included)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jieli.core.tests.matrix import as_page, check, reads, writes
from jieli.notifications import services
from jieli.notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications"
JSON = "application/json"
SIGNED_IN = ("registered", "other_member", "owner_member", "owner_admin", "secretariat")


@pytest.fixture
def notice(roles):
    """One notification for every signed-in role; the owner administrator's is the target."""
    users = [roles.by_role()[role] for role in SIGNED_IN]
    services.notification_send(
        kind="tests.ping", recipient_ids=[u.pk for u in users], params={"word": "x"}
    )
    return Notification.objects.get(recipient=roles.owner_admin)


def admin_read_state(roles):
    return lambda: sorted(
        Notification.objects.filter(recipient=roles.owner_admin).values_list("pk", "read_at")
    )


def preferences_state():
    return sorted(NotificationPreference.objects.values_list("user_id", "kind", "email"))


READ = reads(anonymous=401, **dict.fromkeys(SIGNED_IN, 200))
MARK_ONE = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(404, False),
    owner_admin=(200, True),
    secretariat=(404, False),
)
MARK_ALL = writes(
    anonymous=(401, False),
    registered=(200, False),
    other_member=(200, False),
    owner_member=(200, False),
    owner_admin=(200, True),
    secretariat=(200, False),
)
OWN_PREFERENCES = writes(anonymous=(401, False), **dict.fromkeys(SIGNED_IN, (200, True)))


@pytest.mark.parametrize("role", ("anonymous", *SIGNED_IN))
@pytest.mark.parametrize("path", ["", "/unread-count", "/preferences"])
def test_api_reads(roles, notice, role, path):
    response = check(roles, role, READ, lambda c: c.get(URL + path), state=admin_read_state(roles))
    if path == "" and response.status_code == 200:
        body = response.json()
        assert body["count"] == 1 and body["unread"] == 1
        assert [r["title"] for r in body["results"]] == ["通知: x"]
        (own,) = Notification.objects.filter(recipient=roles.by_role()[role])
        assert body["results"][0]["id"] == own.pk  # nobody else's


@pytest.mark.parametrize("role", ("anonymous", *SIGNED_IN))
def test_api_mark_read(roles, notice, role):
    response = check(
        roles,
        role,
        MARK_ONE,
        lambda c: c.post(f"{URL}/{notice.pk}/read"),
        state=admin_read_state(roles),
        history=None,  # reading keeps no history
    )
    if response.status_code == 200:
        assert response.json()["read_at"] is not None


@pytest.mark.parametrize("role", ("anonymous", *SIGNED_IN))
def test_api_mark_all_read(roles, notice, role):
    response = check(
        roles,
        role,
        MARK_ALL,
        lambda c: c.post(f"{URL}/read-all"),
        state=admin_read_state(roles),
        history=None,
    )
    if response.status_code == 200:
        assert response.json() == {"marked": 1}
        user = roles.by_role()[role]
        assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


@pytest.mark.parametrize("role", ("anonymous", *SIGNED_IN))
def test_api_set_own_preferences(roles, role):
    body = {"language": "en", "email": {"tests.ping": "weekly"}}
    response = check(
        roles,
        role,
        OWN_PREFERENCES,
        lambda c: c.patch(f"{URL}/preferences", body, content_type=JSON),
        state=preferences_state,
    )
    if response.status_code == 200:
        data = response.json()
        assert data["language"] == "en"
        assert {"kind": "tests.ping", "label": "Ping", "email": "weekly"} in data["kinds"]
        user = roles.by_role()[role]
        assert preferences_state() == [(user.pk, "tests.ping", "weekly")]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"email": {"tests.ping": "hourly"}}, 400),  # outside the schema
        ({"language": "fr"}, 400),
        ({"colour": "red"}, 400),
        ([], 400),
        ({"email": {"tests.nothing": "off"}}, 422),  # a rule: no such kind
        ({"language": "en", "email": {"tests.ping": "off", "tests.nothing": "off"}}, 422),
    ],
)
def test_api_preferences_input_contract(roles, body, status):
    from jieli.core.tests.matrix import client_for

    response = client_for(roles.registered).patch(f"{URL}/preferences", body, content_type=JSON)
    assert response.status_code == status, response.content
    assert set(response.json()) == {"code", "message", "fields"}
    assert preferences_state() == []  # all or nothing
    from jieli.notifications.selectors import user_language

    assert user_language(roles.registered.pk) == "zh-hans"


@pytest.mark.parametrize("role", ("anonymous", *SIGNED_IN))
def test_pages(roles, notice, role):
    check(
        roles,
        role,
        as_page(READ),
        lambda c: c.get(reverse("notifications:list")),
        state=admin_read_state(roles),
    )
    check(
        roles,
        role,
        as_page(READ),
        lambda c: c.get(reverse("notifications:preferences")),
        state=preferences_state,
    )
    check(
        roles,
        role,
        as_page(MARK_ONE),
        lambda c: c.post(reverse("notifications:read", args=[notice.pk])),
        state=admin_read_state(roles),
        history=None,
    )


@pytest.mark.parametrize("role", ("anonymous", *SIGNED_IN))
def test_page_mark_all_read(roles, notice, role):
    check(
        roles,
        role,
        writes(
            anonymous=(302, False),
            registered=(302, False),
            other_member=(302, False),
            owner_member=(302, False),
            owner_admin=(302, True),
            secretariat=(302, False),
        ),
        lambda c: c.post(reverse("notifications:read_all")),
        state=admin_read_state(roles),
        history=None,
    )
