"""Roles × every page and API endpoint of the achievements app: exact status AND side effect
(the records and their history changed, or left alone)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jieli.achievements.models import Achievement, IntellectualProperty
from jieli.achievements.tests.factories import AchievementFactory, page_form_data
from jieli.core.history import history_for
from jieli.core.listing import ListingStatus
from jieli.core.tests.matrix import (
    ROLES,
    as_page,
    check,
    client_for,
    history_entries,
    reads,
    writes,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/achievements"
JSON = "application/json"
OWNER_SIDE = ("owner_member", "owner_admin", "secretariat")


def achievements_state():
    """What an achievements endpoint may change: the records, their life cycle, IP records."""
    return (
        sorted(
            Achievement.objects.values_list(
                "pk", "owner_id", "title", "status", "visibility", "return_reason", "confirmed_at"
            )
        ),
        sorted(IntellectualProperty.objects.values_list("achievement_id", "number")),
    )


def _check(roles, role, matrix, call):
    return check(roles, role, matrix, call, state=achievements_state)


def _listing(roles, status):
    if status == "published":
        return AchievementFactory(owner=roles.owner_org)
    return AchievementFactory(owner=roles.owner_org, draft=True, status=status)


# --- life cycle ------------------------------------------------------------------------------

# Owner side may submit its draft and reconfirm or archive its published listing; only the
# secretariat reviews. A draft or a listing under review is hidden from outsiders (404); a
# published one is visible, so they are refused (403).
_OWNER_MAY = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(200, True),
    owner_admin=(200, True),
    secretariat=(200, True),
)
_REVIEW = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(403, False),
    owner_admin=(403, False),
    secretariat=(200, True),
)
_OWNER_MAY_PUBLISHED = writes(
    anonymous=(401, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(200, True),
    owner_admin=(200, True),
    secretariat=(200, True),
)
# action: (the listing's status before, the API matrix)
ACTIONS = {
    "submit": ("draft", _OWNER_MAY),
    "publish": ("submitted", _REVIEW),
    "return": ("submitted", _REVIEW),
    "reconfirm": ("published", _OWNER_MAY_PUBLISHED),
    "archive": ("published", _OWNER_MAY_PUBLISHED),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_api_actions(roles, role, action):
    start, matrix = ACTIONS[action]
    a = _listing(roles, start)
    _check(
        roles,
        role,
        matrix,
        lambda c: c.post(f"{API}/{a.pk}/actions/{action}", {"reason": "理由"}, content_type=JSON),
    )
    assert history_for(a).filter(action=action).exists() is matrix[role].changes


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_page_actions(roles, role, action):
    start, matrix = ACTIONS[action]
    a = _listing(roles, start)
    url = reverse("achievements:action", args=[a.pk, action])
    _check(roles, role, as_page(matrix), lambda c: c.post(url, {"reason": "理由"}))
    assert history_for(a).filter(action=action).exists() is matrix[role].changes


# A return needs a reason: the secretariat is sent back to the listing as after a success,
# with the error in the flash messages, and nothing changes.
RETURN_WITHOUT_REASON = writes(
    anonymous=(302, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(403, False),
    owner_admin=(403, False),
    secretariat=(302, False),
)


@pytest.mark.parametrize("role", ROLES)
def test_page_return_without_reason_changes_nothing(roles, role):
    a = _listing(roles, "submitted")
    url = reverse("achievements:action", args=[a.pk, "return"])
    _check(roles, role, RETURN_WITHOUT_REASON, lambda c: c.post(url, {"reason": ""}))


# --- reads -----------------------------------------------------------------------------------

EVERYONE = reads(**dict.fromkeys(ROLES, 200))
PRIVATE = reads(
    anonymous=404,
    registered=404,
    other_member=404,
    owner_member=200,
    owner_admin=200,
    secretariat=200,
)
# The history of a visible listing is the owner side's and the secretariat's (403 for the rest);
# of a hidden one, 404.
HISTORY_PUBLIC = reads(
    anonymous=403,
    registered=403,
    other_member=403,
    owner_member=200,
    owner_admin=200,
    secretariat=200,
)


@pytest.fixture
def public_and_private(roles):
    public = AchievementFactory(owner=roles.owner_org, detail="会员可见细节", title="公开成果")
    private = AchievementFactory(owner=roles.owner_org, visibility="private", title="私有成果")
    return public, private


@pytest.mark.parametrize("role", ROLES)
def test_list(roles, public_and_private, role):
    public, private = public_and_private
    page = _check(roles, role, EVERYONE, lambda c: c.get(reverse("achievements:list")))
    api = _check(roles, role, EVERYONE, lambda c: c.get(API))
    listed = {x["id"] for x in api.json()["results"]}
    assert public.pk in listed
    assert (private.pk in listed) is (role in OWNER_SIDE)
    assert ("私有成果" in page.content.decode()) is (role in OWNER_SIDE)


@pytest.mark.parametrize("role", ROLES)
def test_detail(roles, public_and_private, role):
    public, private = public_and_private
    page = _check(
        roles, role, EVERYONE, lambda c: c.get(reverse("achievements:detail", args=[public.pk]))
    )
    _check(roles, role, EVERYONE, lambda c: c.get(f"{API}/{public.pk}"))
    _check(roles, role, PRIVATE, lambda c: c.get(reverse("achievements:detail", args=[private.pk])))
    _check(roles, role, PRIVATE, lambda c: c.get(f"{API}/{private.pk}"))
    html = page.content.decode()
    sees_detail = role not in ("anonymous", "registered")
    assert ("会员可见细节" in html) is sees_detail
    assert ('class="locked"' in html) is (not sees_detail)


@pytest.mark.parametrize("role", ROLES)
def test_history(roles, public_and_private, role):
    public, private = public_and_private
    _check(roles, role, HISTORY_PUBLIC, lambda c: c.get(f"{API}/{public.pk}/history"))
    _check(roles, role, PRIVATE, lambda c: c.get(f"{API}/{private.pk}/history"))


# --- create ----------------------------------------------------------------------------------

# Only members may add achievements, and only for their own organisation: another
# organisation's member is refused by the API and finds the owner not offered on the page.
CREATE_PAGE = reads(
    anonymous=302,
    registered=403,
    other_member=200,
    owner_member=200,
    owner_admin=200,
    secretariat=200,
)
CREATE_PAGE_POST = writes(
    anonymous=(302, False),
    registered=(403, False),
    other_member=(400, False),
    owner_member=(302, True),
    owner_admin=(302, True),
    secretariat=(302, True),
)
CREATE_API = writes(
    anonymous=(401, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(201, True),
    owner_admin=(201, True),
    secretariat=(201, True),
)


@pytest.mark.parametrize("role", ROLES)
def test_create_page(roles, role):
    url = reverse("achievements:create")
    _check(roles, role, CREATE_PAGE, lambda c: c.get(url))
    _check(roles, role, CREATE_PAGE_POST, lambda c: c.post(url, page_form_data(roles.owner_org.pk)))
    owners = set(Achievement.objects.values_list("owner_id", flat=True))
    assert owners == ({roles.owner_org.pk} if role in OWNER_SIDE else set())


@pytest.mark.parametrize("role", ROLES)
def test_create_api(roles, role):
    body = {"owner_id": roles.owner_org.pk, "title": "新成果", "price_negotiable": True}
    _check(roles, role, CREATE_API, lambda c: c.post(API, body, content_type=JSON))
    assert Achievement.objects.filter(title="新成果").count() == (1 if role in OWNER_SIDE else 0)


# --- update ----------------------------------------------------------------------------------

UPDATE_PUBLIC = writes(
    anonymous=(401, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(200, True),
    owner_admin=(200, True),
    secretariat=(200, True),
)
UPDATE_PRIVATE = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(200, True),
    owner_admin=(200, True),
    secretariat=(200, True),
)
EDIT_PAGE_PUBLIC = reads(
    anonymous=302,
    registered=403,
    other_member=403,
    owner_member=200,
    owner_admin=200,
    secretariat=200,
)
EDIT_PAGE_PRIVATE = reads(
    anonymous=302,
    registered=404,
    other_member=404,
    owner_member=200,
    owner_admin=200,
    secretariat=200,
)


@pytest.mark.parametrize("role", ROLES)
def test_update_api(roles, public_and_private, role):
    for obj, matrix in zip(public_and_private, (UPDATE_PUBLIC, UPDATE_PRIVATE), strict=True):
        _check(
            roles,
            role,
            matrix,
            lambda c, obj=obj: c.patch(f"{API}/{obj.pk}", {"title": "被改了"}, content_type=JSON),
        )
        obj.refresh_from_db()
        assert (obj.title == "被改了") is matrix[role].changes


@pytest.mark.parametrize("role", ROLES)
def test_edit_page(roles, public_and_private, role):
    public, private = public_and_private
    pairs = (
        (public, EDIT_PAGE_PUBLIC, UPDATE_PUBLIC),
        (private, EDIT_PAGE_PRIVATE, UPDATE_PRIVATE),
    )
    for obj, page, api in pairs:
        url = reverse("achievements:edit", args=[obj.pk])
        _check(roles, role, page, lambda c, url=url: c.get(url))
        form = page_form_data(obj.owner_id, title="页面改了", visibility=obj.visibility)
        _check(roles, role, as_page(api), lambda c, url=url, form=form: c.post(url, form))
        obj.refresh_from_db()
        assert (obj.title == "页面改了") is api[role].changes


def test_other_organisations_listing_cannot_be_changed_through_any_id(roles):
    theirs = AchievementFactory(owner=roles.other_org, draft=True)
    client = client_for(roles.owner_admin)
    before, history_before = achievements_state(), history_entries()
    assert client.patch(f"{API}/{theirs.pk}", {"title": "x"}, content_type=JSON).status_code == 404
    edit = reverse("achievements:edit", args=[theirs.pk])
    assert client.post(edit, page_form_data(roles.other_org.pk, title="x")).status_code == 404
    for action in ACTIONS:
        api = client.post(f"{API}/{theirs.pk}/actions/{action}", {"reason": "r"}, content_type=JSON)
        page_url = reverse("achievements:action", args=[theirs.pk, action])
        page = client.post(page_url, {"reason": "r"})
        assert (api.status_code, page.status_code) == (404, 404)
    assert (achievements_state(), history_entries()) == (before, history_before)
    theirs.refresh_from_db()
    assert (theirs.title, theirs.status) != ("x", ListingStatus.ARCHIVED)
    assert theirs.status == ListingStatus.DRAFT
