"""Roles × every page and API endpoint of the demands app: exact status AND side effect (the
records and their history changed, or left alone), and no cross-organisation reads or writes
through any ID. The seventh role is a registered user with an expert profile: it sees what
members see but may not post."""

import pytest
from django.urls import reverse

from jieli.core.history import history_for
from jieli.core.listing import ListingStatus
from jieli.core.tests.matrix import (
    EXPERT_ROLES,
    WithExpert,
    as_page,
    check,
    reads,
    writes,
)
from jieli.demands.models import Demand
from jieli.demands.tests.factories import (
    DemandFactory,
    PublishedDemandFactory,
    in_days,
    page_form_data,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/demands"
JSON = "application/json"
OWNER_SIDE = ("owner_member", "owner_admin", "secretariat")
SEES_CONTACTS = ("other_member", "owner_member", "owner_admin", "expert", "secretariat")


def demands_state():
    """What a demands endpoint may change: the records and their life cycle."""
    return sorted(
        Demand.objects.values_list(
            "pk", "owner_id", "title", "status", "visibility", "return_reason", "confirmed_at"
        )
    )


@pytest.fixture
def users(roles, expert):
    return WithExpert(roles, expert)


@pytest.fixture
def world(roles):
    return {
        "published": PublishedDemandFactory(owner=roles.owner_org, title="已发布"),
        "draft": DemandFactory(owner=roles.owner_org, title="未提交的隔膜需求"),
        "submitted": DemandFactory(owner=roles.owner_org, status=ListingStatus.SUBMITTED),
    }


def _check(users, role, matrix, call):
    return check(users, role, matrix, call, state=demands_state)


EVERYONE = reads(**dict.fromkeys(EXPERT_ROLES, 200))
# A draft is the owner side's and the secretariat's; for everyone else it does not exist.
DRAFT = reads(
    anonymous=404,
    registered=404,
    other_member=404,
    owner_member=200,
    owner_admin=200,
    expert=404,
    secretariat=200,
)

# --- reads -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_list(users, world, role):
    page = _check(users, role, EVERYONE, lambda c: c.get(reverse("demands:list")))
    api = _check(users, role, EVERYONE, lambda c: c.get(URL, {"page_size": 100}))
    listed = {r["id"] for r in api.json()["results"]}
    assert world["published"].pk in listed
    assert (world["draft"].pk in listed) is (role in OWNER_SIDE)
    assert ("未提交的隔膜需求" in page.content.decode()) is (role in OWNER_SIDE)


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_detail(users, world, role):
    published, draft = world["published"], world["draft"]
    page = _check(
        users, role, EVERYONE, lambda c: c.get(reverse("demands:detail", args=[published.pk]))
    )
    assert (published.contact_email in page.content.decode()) is (role in SEES_CONTACTS)
    api = _check(users, role, EVERYONE, lambda c: c.get(f"{URL}/{published.pk}"))
    assert (api.json()["contact_phone"] is not None) is (role in SEES_CONTACTS)
    _check(users, role, DRAFT, lambda c: c.get(reverse("demands:detail", args=[draft.pk])))
    _check(users, role, DRAFT, lambda c: c.get(f"{URL}/{draft.pk}"))


# The history of a visible demand is the owner side's (403 for the rest); of a hidden one, 404.
HISTORY_PUBLISHED = reads(
    anonymous=403,
    registered=403,
    other_member=403,
    owner_member=200,
    owner_admin=200,
    expert=403,
    secretariat=200,
)


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_api_history(users, world, role):
    published, draft = world["published"], world["draft"]
    _check(users, role, HISTORY_PUBLISHED, lambda c: c.get(f"{URL}/{published.pk}/history"))
    _check(users, role, DRAFT, lambda c: c.get(f"{URL}/{draft.pk}/history"))


# --- create ----------------------------------------------------------------------------------

# Members post for their own organisation: a registered user or an expert has none (403); the
# other organisation's member is refused by the API and does not find the owner on the page.
CREATE_PAGE = reads(
    anonymous=302,
    registered=403,
    other_member=200,
    owner_member=200,
    owner_admin=200,
    expert=403,
    secretariat=200,
)
CREATE_PAGE_POST = writes(
    anonymous=(302, False),
    registered=(403, False),
    other_member=(400, False),
    owner_member=(302, True),
    owner_admin=(302, True),
    expert=(403, False),
    secretariat=(302, True),
)
CREATE_API = writes(
    anonymous=(401, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(201, True),
    owner_admin=(201, True),
    expert=(403, False),
    secretariat=(201, True),
)


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_create_page(users, roles, role):
    url = reverse("demands:create")
    _check(users, role, CREATE_PAGE, lambda c: c.get(url))
    _check(users, role, CREATE_PAGE_POST, lambda c: c.post(url, page_form_data(roles.owner_org.pk)))
    owners = set(Demand.objects.values_list("owner_id", flat=True))
    assert owners == ({roles.owner_org.pk} if role in OWNER_SIDE else set())


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_create_api(users, roles, role):
    data = {
        "owner": roles.owner_org.pk,
        "title": "新需求",
        "problem": "问题",
        "deadline": str(in_days(9)),
    }
    _check(users, role, CREATE_API, lambda c: c.post(URL, data, content_type=JSON))
    assert Demand.objects.filter(title="新需求").exists() is (role in OWNER_SIDE)


# --- update ----------------------------------------------------------------------------------

UPDATE_PUBLISHED = writes(
    anonymous=(401, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(200, True),
    owner_admin=(200, True),
    expert=(403, False),
    secretariat=(200, True),
)
UPDATE_DRAFT = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(200, True),
    owner_admin=(200, True),
    expert=(404, False),
    secretariat=(200, True),
)
EDIT_PAGE_PUBLISHED = reads(
    anonymous=302,
    registered=403,
    other_member=403,
    owner_member=200,
    owner_admin=200,
    expert=403,
    secretariat=200,
)
EDIT_PAGE_DRAFT = reads(
    anonymous=302,
    registered=404,
    other_member=404,
    owner_member=200,
    owner_admin=200,
    expert=404,
    secretariat=200,
)


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_update_api(users, world, role):
    for name, matrix in (("published", UPDATE_PUBLISHED), ("draft", UPDATE_DRAFT)):
        demand = world[name]
        _check(
            users,
            role,
            matrix,
            lambda c, pk=demand.pk: c.patch(f"{URL}/{pk}", {"title": "改"}, content_type=JSON),
        )
        demand.refresh_from_db()
        assert (demand.title == "改") is matrix[role].changes


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_edit_page(users, roles, world, role):
    pairs = (
        ("published", EDIT_PAGE_PUBLISHED, UPDATE_PUBLISHED),
        ("draft", EDIT_PAGE_DRAFT, UPDATE_DRAFT),
    )
    for name, page, api in pairs:
        demand = world[name]
        url = reverse("demands:edit", args=[demand.pk])
        _check(users, role, page, lambda c, url=url: c.get(url))
        form = page_form_data(roles.owner_org.pk, title="篡改")
        _check(users, role, as_page(api), lambda c, url=url, form=form: c.post(url, form))
        demand.refresh_from_db()
        assert (demand.title == "篡改") is api[role].changes


# --- life cycle ------------------------------------------------------------------------------

# The owner side submits its draft and reconfirms or archives its published demand; only the
# secretariat reviews. Hidden demands (draft, under review) answer outsiders 404; a published
# one is visible, so they are refused (403).
_OWNER_MAY = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(200, True),
    owner_admin=(200, True),
    expert=(404, False),
    secretariat=(200, True),
)
_REVIEW = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(403, False),
    owner_admin=(403, False),
    expert=(404, False),
    secretariat=(200, True),
)
_OWNER_MAY_PUBLISHED = writes(
    anonymous=(401, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(200, True),
    owner_admin=(200, True),
    expert=(403, False),
    secretariat=(200, True),
)
# action: (the demand it acts on, the API matrix)
ACTIONS = {
    "submit": ("draft", _OWNER_MAY),
    "publish": ("submitted", _REVIEW),
    "return": ("submitted", _REVIEW),
    "reconfirm": ("published", _OWNER_MAY_PUBLISHED),
    "archive": ("published", _OWNER_MAY_PUBLISHED),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_api_actions(users, world, role, action):
    target, matrix = ACTIONS[action]
    demand = world[target]
    url = f"{URL}/{demand.pk}/actions/{action}"
    _check(users, role, matrix, lambda c: c.post(url, {"reason": "理由"}, content_type=JSON))
    assert history_for(demand).filter(action=action).exists() is matrix[role].changes


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_page_actions(users, world, role, action):
    target, matrix = ACTIONS[action]
    demand = world[target]
    url = reverse("demands:action", args=[demand.pk])
    form = {"action": action, "reason": "理由"}
    _check(users, role, as_page(matrix), lambda c: c.post(url, form))
    assert history_for(demand).filter(action=action).exists() is matrix[role].changes


# An unknown action sends whoever sees the demand back to it (as after a success), changing
# nothing; a hidden demand still answers 404.
UNKNOWN_ACTION_PUBLISHED = writes(**dict.fromkeys(EXPERT_ROLES, (302, False)))
UNKNOWN_ACTION_DRAFT = writes(
    anonymous=(302, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(302, False),
    owner_admin=(302, False),
    expert=(404, False),
    secretariat=(302, False),
)


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_page_unknown_action_changes_nothing(users, world, role):
    for name, matrix in (("published", UNKNOWN_ACTION_PUBLISHED), ("draft", UNKNOWN_ACTION_DRAFT)):
        url = reverse("demands:action", args=[world[name].pk])
        _check(users, role, matrix, lambda c, url=url: c.post(url, {"action": "delete"}))


def test_active_expert_is_an_expert_viewer_and_sees_members_detail(expert):
    from jieli.organisations.selectors import viewer_for_user

    viewer = viewer_for_user(expert)
    assert viewer.is_expert and viewer.sees_member_content
    expert.expert_profile.is_active = False
    expert.expert_profile.save()
    expert.refresh_from_db()
    assert not viewer_for_user(expert).is_expert
