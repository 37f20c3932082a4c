"""Roles × every page and API endpoint of the duplicates app: exact status AND side effect."""

import pytest

from jieli.core.tests.matrix import ROLES, check, reads, writes
from jieli.duplicates.models import DuplicateCase
from jieli.duplicates.tests.factories import OLED_REWORDED_TITLE, achievement, case_between

pytestmark = pytest.mark.django_db

API = "/api/v1/duplicates"


def cases_state():
    """What any duplicates endpoint may change: the cases and their decisions."""
    return sorted(DuplicateCase.objects.values_list("pk", "status", "kept_id", "note"))


@pytest.fixture
def own_case(roles):
    a = achievement(roles.owner_org)
    b = achievement(roles.owner_org, title=OLED_REWORDED_TITLE)
    return case_between(a, b)


@pytest.fixture
def mixed_case(roles):
    a = achievement(roles.owner_org, title="甲成果")
    b = achievement(roles.other_org, title="乙成果")
    return case_between(a, b)


QUEUE = reads(
    anonymous=302,
    registered=403,
    other_member=403,
    owner_member=403,
    owner_admin=200,
    secretariat=200,
)
OWN_CASE = reads(
    anonymous=302,
    registered=404,
    other_member=404,
    owner_member=404,
    owner_admin=200,
    secretariat=200,
)
MIXED_CASE = reads(
    anonymous=302,
    registered=404,
    other_member=404,
    owner_member=404,
    owner_admin=404,
    secretariat=200,
)
DECIDE_MIXED = writes(
    anonymous=(302, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(404, False),
    owner_admin=(404, False),
    secretariat=(302, True),
)
DECIDE_OWN = writes(
    anonymous=(302, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(404, False),
    owner_admin=(302, True),
    secretariat=(302, True),
)
# A decision with an unknown value redirects back to the case like a success (checked before the
# case is looked up, so it reveals nothing), and changes nothing.
DECIDE_INVALID = writes(
    anonymous=(302, False),
    registered=(302, False),
    other_member=(302, False),
    owner_member=(302, False),
    owner_admin=(302, False),
    secretariat=(302, False),
)


@pytest.mark.parametrize("role", ROLES)
def test_queue_page(roles, own_case, role):
    check(roles, role, QUEUE, lambda c: c.get("/duplicates/"), state=cases_state)


@pytest.mark.parametrize("role", ROLES)
def test_case_pages(roles, own_case, mixed_case, role):
    url_own, url_mixed = f"/duplicates/{own_case.pk}/", f"/duplicates/{mixed_case.pk}/"
    check(roles, role, OWN_CASE, lambda c: c.get(url_own), state=cases_state)
    check(roles, role, MIXED_CASE, lambda c: c.get(url_mixed), state=cases_state)


@pytest.mark.parametrize("role", ROLES)
def test_decide_page(roles, mixed_case, role):
    url = f"/duplicates/{mixed_case.pk}/decision/"
    check(roles, role, DECIDE_MIXED, lambda c: c.post(url, {"decision": "keep"}), state=cases_state)
    mixed_case.refresh_from_db()
    assert mixed_case.status == ("kept" if role == "secretariat" else "pending")


@pytest.mark.parametrize("role", ROLES)
def test_own_case_decided_by_owner_admin_page(roles, own_case, role):
    url = f"/duplicates/{own_case.pk}/decision/"
    check(roles, role, DECIDE_OWN, lambda c: c.post(url, {"decision": "keep"}), state=cases_state)
    own_case.refresh_from_db()
    assert own_case.status == ("kept" if role in ("owner_admin", "secretariat") else "pending")


@pytest.mark.parametrize("role", ROLES)
def test_invalid_decision_page_changes_nothing(roles, own_case, role):
    url = f"/duplicates/{own_case.pk}/decision/"
    check(roles, role, DECIDE_INVALID, lambda c: c.post(url, {"decision": "x"}), state=cases_state)


API_LIST = reads(
    anonymous=401,
    registered=403,
    other_member=403,
    owner_member=403,
    owner_admin=200,
    secretariat=200,
)


@pytest.mark.parametrize("role", ROLES)
def test_api_case_list(roles, own_case, mixed_case, role):
    response = check(roles, role, API_LIST, lambda c: c.get(f"{API}/cases"), state=cases_state)
    if response.status_code == 200:
        ids = {c["id"] for c in response.json()["results"]}
        assert ids == ({own_case.pk} if role == "owner_admin" else {own_case.pk, mixed_case.pk})


@pytest.mark.parametrize("role", ROLES)
def test_api_case_detail(roles, own_case, mixed_case, role):
    api_own = reads(**{r: (401 if r == "anonymous" else c.status) for r, c in OWN_CASE.items()})
    api_mixed = reads(**{r: (401 if r == "anonymous" else c.status) for r, c in MIXED_CASE.items()})
    check(roles, role, api_own, lambda c: c.get(f"{API}/cases/{own_case.pk}"), state=cases_state)
    check(
        roles, role, api_mixed, lambda c: c.get(f"{API}/cases/{mixed_case.pk}"), state=cases_state
    )


API_DECISION = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(404, False),
    owner_admin=(404, False),
    secretariat=(200, True),
)


@pytest.mark.parametrize("role", ROLES)
def test_api_decision(roles, mixed_case, role):
    check(
        roles,
        role,
        API_DECISION,
        lambda c: c.post(
            f"{API}/cases/{mixed_case.pk}/decision",
            {"decision": "link"},
            content_type="application/json",
        ),
        state=cases_state,
    )
    assert DuplicateCase.objects.get(pk=mixed_case.pk).status == (
        "linked" if role == "secretariat" else "pending"
    )


CHECK_API = reads(**{r: (401 if r == "anonymous" else 200) for r in ROLES})
CHECK_PAGE = reads(**{r: (302 if r == "anonymous" else 200) for r in ROLES})


@pytest.mark.parametrize("role", ROLES)
def test_api_check(roles, role):
    check(
        roles,
        role,
        CHECK_API,
        lambda c: c.post(
            f"{API}/check",
            {"kind": "achievement", "data": {"title": "x"}},
            content_type="application/json",
        ),
        state=cases_state,
    )


@pytest.mark.parametrize("role", ROLES)
def test_check_view(roles, role):
    check(
        roles,
        role,
        CHECK_PAGE,
        lambda c: c.post("/duplicates/check/", {"title": "x"}),
        state=cases_state,
    )
