"""Roles × every page and API endpoint, with exact status codes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jieli.achievements.models import Achievement
from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.history import history_for
from jieli.core.listing import ListingStatus

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "registered", "other_member", "owner_member", "owner_admin", "secretariat"]
API = "/api/v1/achievements"
JSON = "application/json"


def _login(client, roles, role):
    user = roles.by_role()[role]
    if user is not None:
        client.force_login(user)
    return client


# (action, starting status, expected API status per role)
ACTIONS = {
    "submit": ("draft", [401, 404, 404, 200, 200, 200]),
    "publish": ("submitted", [401, 404, 404, 403, 403, 200]),
    "return": ("submitted", [401, 404, 404, 403, 403, 200]),
    "reconfirm": ("published", [401, 403, 403, 200, 200, 200]),
    "archive": ("published", [401, 403, 403, 200, 200, 200]),
}


def _listing(roles, status):
    if status == "published":
        return AchievementFactory(owner=roles.owner_org)
    return AchievementFactory(owner=roles.owner_org, draft=True, status=status)


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_api_actions(client, roles, role, action):
    start, expected = ACTIONS[action]
    a = _listing(roles, start)
    r = _login(client, roles, role).post(
        f"{API}/{a.pk}/actions/{action}", {"reason": "理由"}, content_type=JSON
    )
    assert r.status_code == expected[ROLES.index(role)], r.content
    assert history_for(a).filter(action=action).exists() == (r.status_code == 200)


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_page_actions(client, roles, role, action):
    start, expected_api = ACTIONS[action]
    a = _listing(roles, start)
    url = reverse("achievements:action", args=[a.pk, action])
    r = _login(client, roles, role).post(url, {"reason": "理由"})
    expected = {401: 302, 200: 302}.get(
        expected_api[ROLES.index(role)], expected_api[ROLES.index(role)]
    )
    assert r.status_code == expected
    if role == "anonymous":
        assert "/accounts/login/" in r["Location"]
    assert history_for(a).filter(action=action).exists() == (expected_api[ROLES.index(role)] == 200)


@pytest.mark.parametrize(
    ("role", "public", "private"),
    [
        ("anonymous", 200, 404),
        ("registered", 200, 404),
        ("other_member", 200, 404),
        ("owner_member", 200, 200),
        ("owner_admin", 200, 200),
        ("secretariat", 200, 200),
    ],
)
def test_read_endpoints(client, roles, role, public, private):
    pub = AchievementFactory(owner=roles.owner_org, detail="会员可见细节")
    priv = AchievementFactory(owner=roles.owner_org, visibility="private", title="私有成果")
    c = _login(client, roles, role)
    assert c.get(reverse("achievements:list")).status_code == 200
    assert c.get(API).status_code == 200
    assert c.get(reverse("achievements:detail", args=[pub.pk])).status_code == public
    assert c.get(f"{API}/{pub.pk}").status_code == public
    assert c.get(reverse("achievements:detail", args=[priv.pk])).status_code == private
    assert c.get(f"{API}/{priv.pk}").status_code == private
    listed = [x["id"] for x in c.get(API).json()["results"]]
    assert (priv.pk in listed) == (private == 200)
    page = c.get(reverse("achievements:detail", args=[pub.pk])).content.decode()
    sees_detail = role not in ("anonymous", "registered")
    assert ("会员可见细节" in page) == sees_detail
    assert ('class="locked"' in page) == (not sees_detail)
    history = c.get(f"{API}/{pub.pk}/history").status_code
    assert history == (200 if role in ("owner_member", "owner_admin", "secretariat") else 403)
    assert c.get(f"{API}/{priv.pk}/history").status_code == (404 if private == 404 else 200)


@pytest.mark.parametrize(
    ("role", "page", "api"),
    [
        ("anonymous", 302, 401),
        ("registered", 403, 403),
        ("other_member", 200, 403),
        ("owner_member", 200, 201),
        ("owner_admin", 200, 201),
        ("secretariat", 200, 201),
    ],
)
def test_create(client, roles, role, page, api):
    c = _login(client, roles, role)
    assert c.get(reverse("achievements:create")).status_code == page
    body = {"owner_id": roles.owner_org.pk, "title": "新成果", "price_negotiable": True}
    assert c.post(API, body, content_type=JSON).status_code == api
    assert Achievement.objects.count() == (1 if api == 201 else 0)


@pytest.mark.parametrize(
    ("role", "public", "private"),
    [
        ("anonymous", 401, 401),
        ("registered", 403, 404),
        ("other_member", 403, 404),
        ("owner_member", 200, 200),
        ("owner_admin", 200, 200),
        ("secretariat", 200, 200),
    ],
)
def test_update(client, roles, role, public, private):
    pub = AchievementFactory(owner=roles.owner_org, title="原标题")
    priv = AchievementFactory(owner=roles.owner_org, visibility="private", title="原标题")
    c = _login(client, roles, role)
    for obj, expected in ((pub, public), (priv, private)):
        r = c.patch(f"{API}/{obj.pk}", {"title": "被改了"}, content_type=JSON)
        assert r.status_code == expected
        obj.refresh_from_db()
        assert (obj.title == "被改了") == (expected == 200)
        page = c.get(reverse("achievements:edit", args=[obj.pk])).status_code
        assert page == {401: 302, 200: 200}.get(expected, expected)


def test_other_organisations_listing_cannot_be_changed_through_any_id(client, roles):
    theirs = AchievementFactory(owner=roles.other_org, draft=True)
    client.force_login(roles.owner_admin)
    assert client.patch(f"{API}/{theirs.pk}", {"title": "x"}, content_type=JSON).status_code == 404
    assert (
        client.post(reverse("achievements:edit", args=[theirs.pk]), {"title": "x"}).status_code
        == 404
    )
    for action in ACTIONS:
        assert (
            client.post(
                f"{API}/{theirs.pk}/actions/{action}", {"reason": "r"}, content_type=JSON
            ).status_code
            == 404
        )
    theirs.refresh_from_db()
    assert (theirs.title, theirs.status) != ("x", ListingStatus.ARCHIVED)
    assert theirs.status == ListingStatus.DRAFT
