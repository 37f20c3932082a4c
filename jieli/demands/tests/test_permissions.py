"""Roles × every page and API endpoint, with exact status codes and no cross-organisation
reads or writes through any ID."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from jieli.core.listing import ListingStatus
from jieli.demands.models import Demand
from jieli.demands.tests.factories import DemandFactory, PublishedDemandFactory, in_days

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "registered",
    "other_member",
    "owner_member",
    "owner_admin",
    "expert",
    "secretariat",
]
OWNER_SIDE = {"owner_member", "owner_admin", "secretariat"}


@pytest.fixture
def world(roles, expert):
    users = dict(roles.by_role(), expert=expert)
    return {
        "roles": roles,
        "users": users,
        "published": PublishedDemandFactory(owner=roles.owner_org, title="已发布"),
        "draft": DemandFactory(owner=roles.owner_org, title="草稿"),
        "submitted": DemandFactory(owner=roles.owner_org, status=ListingStatus.SUBMITTED),
    }


def client(world, role) -> Client:
    c = Client()
    user = world["users"][role]
    if user is not None:
        c.force_login(user)
    return c


def api(c, method, url, data=None):
    return getattr(c, method)(url, json.dumps(data or {}), content_type="application/json")


def expect(role, table):
    return table.get(role, table.get("*"))


# --- pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_page_list_and_published_detail(world, role):
    c = client(world, role)
    assert c.get(reverse("demands:list")).status_code == 200
    response = c.get(reverse("demands:detail", args=[world["published"].pk]))
    assert response.status_code == 200
    sees = role not in ("anonymous", "registered")
    assert (world["published"].contact_email in response.content.decode()) is sees


@pytest.mark.parametrize("role", ROLES)
def test_page_draft_detail(world, role):
    status = (
        client(world, role).get(reverse("demands:detail", args=[world["draft"].pk])).status_code
    )
    assert status == (200 if role in OWNER_SIDE else 404)


@pytest.mark.parametrize("role", ROLES)
def test_page_create(world, role):
    status = client(world, role).get(reverse("demands:create")).status_code
    assert status == expect(role, {"anonymous": 302, "registered": 403, "expert": 403, "*": 200})


@pytest.mark.parametrize("role", ROLES)
def test_page_edit(world, role):
    c = client(world, role)
    published = c.get(reverse("demands:edit", args=[world["published"].pk])).status_code
    draft = c.get(reverse("demands:edit", args=[world["draft"].pk])).status_code
    if role == "anonymous":
        assert (published, draft) == (302, 302)
    elif role in OWNER_SIDE:
        assert (published, draft) == (200, 200)
    else:
        assert (published, draft) == (403, 404)


@pytest.mark.parametrize("role", ROLES)
def test_page_edit_post_cannot_change_foreign_demand(world, role):
    demand = world["published"]
    response = client(world, role).post(
        reverse("demands:edit", args=[demand.pk]),
        {"title": "篡改", "problem": "篡改", "visibility": "public"},
    )
    demand.refresh_from_db()
    assert (demand.title == "篡改") is (role in OWNER_SIDE)
    if role not in OWNER_SIDE:
        assert response.status_code == (302 if role == "anonymous" else 403)


@pytest.mark.parametrize("role", ROLES)
def test_page_actions(world, role):
    c = client(world, role)
    draft, published = world["draft"], world["published"]
    submit = c.post(reverse("demands:action", args=[draft.pk]), {"action": "submit"})
    archive = c.post(reverse("demands:action", args=[published.pk]), {"action": "archive"})
    draft.refresh_from_db()
    published.refresh_from_db()
    if role == "anonymous":
        assert (submit.status_code, archive.status_code) == (302, 302)
        assert submit["Location"].startswith(reverse("login"))
    elif role in OWNER_SIDE:
        assert (submit.status_code, archive.status_code) == (302, 302)
        assert draft.status == ListingStatus.SUBMITTED
        assert published.status == ListingStatus.ARCHIVED
        return
    else:
        assert (submit.status_code, archive.status_code) == (404, 403)
    assert draft.status == ListingStatus.DRAFT
    assert published.status == ListingStatus.PUBLISHED


@pytest.mark.parametrize("role", ROLES)
def test_page_review_actions(world, role):
    submitted = world["submitted"]
    response = client(world, role).post(
        reverse("demands:action", args=[submitted.pk]), {"action": "publish"}
    )
    submitted.refresh_from_db()
    expected = {
        "anonymous": 302,
        "owner_member": 403,
        "owner_admin": 403,
        "secretariat": 302,
        "*": 404,
    }
    assert response.status_code == expect(role, expected)
    assert (submitted.status == ListingStatus.PUBLISHED) is (role == "secretariat")


# --- API ---------------------------------------------------------------------------------

URL = "/api/v1/demands"


@pytest.mark.parametrize("role", ROLES)
def test_api_list_and_details(world, role):
    c = client(world, role)
    listed = {r["id"] for r in c.get(URL, {"page_size": 100}).json()["results"]}
    assert world["published"].pk in listed
    assert (world["draft"].pk in listed) is (role in OWNER_SIDE)
    pub = c.get(f"{URL}/{world['published'].pk}")
    assert pub.status_code == 200
    hidden = role in ("anonymous", "registered")
    assert (pub.json()["contact_phone"] is None) is hidden
    assert c.get(f"{URL}/{world['draft'].pk}").status_code == (200 if role in OWNER_SIDE else 404)


@pytest.mark.parametrize("role", ROLES)
def test_api_create(world, role):
    owner_id = world["roles"].owner_org.pk
    data = {"owner": owner_id, "title": "新需求", "problem": "问题", "deadline": str(in_days(9))}
    response = api(client(world, role), "post", URL, data)
    expected = {"anonymous": 401, "registered": 403, "other_member": 403, "expert": 403, "*": 201}
    assert response.status_code == expect(role, expected)
    assert Demand.objects.filter(title="新需求").exists() is (response.status_code == 201)


@pytest.mark.parametrize("role", ROLES)
def test_api_patch(world, role):
    c = client(world, role)
    pub = api(c, "patch", f"{URL}/{world['published'].pk}", {"title": "改"})
    draft = api(c, "patch", f"{URL}/{world['draft'].pk}", {"title": "改"})
    if role == "anonymous":
        assert (pub.status_code, draft.status_code) == (401, 401)
    elif role in OWNER_SIDE:
        assert (pub.status_code, draft.status_code) == (200, 200)
    else:
        assert (pub.status_code, draft.status_code) == (403, 404)
    changed = Demand.objects.filter(title="改").count()
    assert changed == (2 if role in OWNER_SIDE else 0)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("target", "action", "table"),
    [
        (
            "draft",
            "submit",
            {
                "anonymous": 401,
                "owner_member": 200,
                "owner_admin": 200,
                "secretariat": 200,
                "*": 404,
            },
        ),
        (
            "submitted",
            "publish",
            {
                "anonymous": 401,
                "owner_member": 403,
                "owner_admin": 403,
                "secretariat": 200,
                "*": 404,
            },
        ),
        (
            "submitted",
            "return",
            {
                "anonymous": 401,
                "owner_member": 403,
                "owner_admin": 403,
                "secretariat": 200,
                "*": 404,
            },
        ),
        (
            "published",
            "reconfirm",
            {
                "anonymous": 401,
                "owner_member": 200,
                "owner_admin": 200,
                "secretariat": 200,
                "*": 403,
            },
        ),
        (
            "published",
            "archive",
            {
                "anonymous": 401,
                "owner_member": 200,
                "owner_admin": 200,
                "secretariat": 200,
                "*": 403,
            },
        ),
    ],
)
def test_api_actions(world, role, target, action, table):
    demand = world[target]
    before = demand.status
    response = api(
        client(world, role), "post", f"{URL}/{demand.pk}/actions/{action}", {"reason": "理由"}
    )
    assert response.status_code == expect(role, table)
    demand.refresh_from_db()
    if response.status_code != 200:
        assert demand.status == before


@pytest.mark.parametrize("role", ROLES)
def test_api_history(world, role):
    response = client(world, role).get(f"{URL}/{world['published'].pk}/history")
    assert response.status_code == (200 if role in OWNER_SIDE else 403)
    hidden = client(world, role).get(f"{URL}/{world['draft'].pk}/history")
    assert hidden.status_code == (200 if role in OWNER_SIDE else 404)


def test_active_expert_is_an_expert_viewer_and_sees_members_detail(world):
    from jieli.organisations.selectors import viewer_for_user

    expert = world["users"]["expert"]
    viewer = viewer_for_user(expert)
    assert viewer.is_expert and viewer.sees_member_content
    expert.expert_profile.is_active = False
    expert.expert_profile.save()
    expert.refresh_from_db()
    assert not viewer_for_user(expert).is_expert
