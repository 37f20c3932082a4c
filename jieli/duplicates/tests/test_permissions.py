"""Roles × every page and API endpoint of the duplicates app, with exact status codes."""

import pytest
from django.test import Client

from jieli.duplicates.models import DuplicateCase
from jieli.duplicates.tests.factories import OLED_REWORDED_TITLE, achievement, case_between

pytestmark = pytest.mark.django_db

API = "/api/v1/duplicates"
ROLES = ("anonymous", "registered", "other_member", "owner_member", "owner_admin", "secretariat")


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


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


QUEUE = {
    "anonymous": 302,
    "registered": 403,
    "other_member": 403,
    "owner_member": 403,
    "owner_admin": 200,
    "secretariat": 200,
}
OWN_CASE = {
    "anonymous": 302,
    "registered": 404,
    "other_member": 404,
    "owner_member": 404,
    "owner_admin": 200,
    "secretariat": 200,
}
MIXED_CASE = {
    "anonymous": 302,
    "registered": 404,
    "other_member": 404,
    "owner_member": 404,
    "owner_admin": 404,
    "secretariat": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_queue_page(roles, own_case, role):
    response = client_for(roles.by_role()[role]).get("/duplicates/")
    assert response.status_code == QUEUE[role]


@pytest.mark.parametrize("role", ROLES)
def test_case_pages(roles, own_case, mixed_case, role):
    client = client_for(roles.by_role()[role])
    assert client.get(f"/duplicates/{own_case.pk}/").status_code == OWN_CASE[role]
    assert client.get(f"/duplicates/{mixed_case.pk}/").status_code == MIXED_CASE[role]


@pytest.mark.parametrize("role", ROLES)
def test_decide_page(roles, mixed_case, role):
    response = client_for(roles.by_role()[role]).post(
        f"/duplicates/{mixed_case.pk}/decision/", {"decision": "keep"}
    )
    expected = {"anonymous": 302, "secretariat": 302}.get(role, 404)
    assert response.status_code == expected
    mixed_case.refresh_from_db()
    assert mixed_case.status == ("kept" if role == "secretariat" else "pending")


@pytest.mark.parametrize("role", ROLES)
def test_own_case_decided_by_owner_admin_page(roles, own_case, role):
    response = client_for(roles.by_role()[role]).post(
        f"/duplicates/{own_case.pk}/decision/", {"decision": "keep"}
    )
    expected = {"anonymous": 302, "owner_admin": 302, "secretariat": 302}.get(role, 404)
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_api_case_list(roles, own_case, mixed_case, role):
    response = client_for(roles.by_role()[role]).get(f"{API}/cases")
    expected = {"anonymous": 401, "owner_admin": 200, "secretariat": 200}.get(role, 403)
    assert response.status_code == expected
    if expected == 200:
        ids = {c["id"] for c in response.json()["results"]}
        assert ids == ({own_case.pk} if role == "owner_admin" else {own_case.pk, mixed_case.pk})


@pytest.mark.parametrize("role", ROLES)
def test_api_case_detail(roles, own_case, mixed_case, role):
    client = client_for(roles.by_role()[role])
    own = client.get(f"{API}/cases/{own_case.pk}").status_code
    mixed = client.get(f"{API}/cases/{mixed_case.pk}").status_code
    if role == "anonymous":
        assert (own, mixed) == (401, 401)
    else:
        assert own == OWN_CASE[role]
        assert mixed == MIXED_CASE[role]


@pytest.mark.parametrize("role", ROLES)
def test_api_decision(roles, mixed_case, role):
    response = client_for(roles.by_role()[role]).post(
        f"{API}/cases/{mixed_case.pk}/decision",
        {"decision": "link"},
        content_type="application/json",
    )
    expected = {"anonymous": 401, "secretariat": 200}.get(role, 404)
    assert response.status_code == expected
    assert DuplicateCase.objects.get(pk=mixed_case.pk).status == (
        "linked" if role == "secretariat" else "pending"
    )


@pytest.mark.parametrize("role", ROLES)
def test_api_check(roles, role):
    response = client_for(roles.by_role()[role]).post(
        f"{API}/check",
        {"kind": "achievement", "data": {"title": "x"}},
        content_type="application/json",
    )
    assert response.status_code == (401 if role == "anonymous" else 200)


@pytest.mark.parametrize("role", ROLES)
def test_check_view(roles, role):
    response = client_for(roles.by_role()[role]).post("/duplicates/check/", {"title": "x"})
    assert response.status_code == (302 if role == "anonymous" else 200)
