import pytest
from django.test import Client

from jieli.duplicates.tests.factories import (
    OLED_REWORDED_TEXT,
    OLED_REWORDED_TITLE,
    achievement,
    case_between,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/duplicates"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_check_returns_suspects_with_reasons(roles):
    target = achievement(roles.owner_org, ip_numbers=("ZL202110123456.7",))
    body = (
        client_for(roles.other_member)
        .post(
            f"{API}/check",
            {
                "kind": "achievement",
                "data": {
                    "title": OLED_REWORDED_TITLE,
                    "summary": OLED_REWORDED_TEXT,
                    "ip_numbers": ["CN202110123456.7"],
                },
            },
            content_type="application/json",
        )
        .json()
    )
    assert body["suspects"][0]["target_id"] == target.pk
    assert body["suspects"][0]["certainty"] == "certain"
    assert body["suspects"][0]["reasons"]


def test_check_hides_private_listing_of_other_org(roles):
    achievement(roles.owner_org, status="draft", visibility="private")
    body = (
        client_for(roles.other_member)
        .post(
            f"{API}/check",
            {
                "kind": "achievement",
                "data": {"title": OLED_REWORDED_TITLE, "summary": OLED_REWORDED_TEXT},
            },
            content_type="application/json",
        )
        .json()
    )
    assert [s["target_id"] for s in body["suspects"]] == [None]


# 400: outside the documented schema; 422: well-formed, refused by a rule (see core/api.py).
@pytest.mark.parametrize(
    "payload, field, status",
    [
        ({"kind": "patent", "data": {}}, "kind", 422),
        ({"kind": "achievement", "data": "text"}, "data", 400),
        ({"kind": "achievement"}, "data", 400),
        ({"kind": "achievement", "data": {}, "exclude_id": "1"}, "exclude_id", 400),
        ({"kind": "achievement", "data": {"title": ["a"]}}, "title", 422),
    ],
)
def test_check_bad_input_is_400_or_422(roles, payload, field, status):
    response = client_for(roles.registered).post(
        f"{API}/check", payload, content_type="application/json"
    )
    assert response.status_code == status
    assert field in response.json()["fields"]


def test_decision_bad_input_and_closed_case(roles):
    a = achievement(roles.owner_org)
    b = achievement(roles.other_org, title="乙")
    case = case_between(a, b)
    client = client_for(roles.secretariat)
    url = f"{API}/cases/{case.pk}/decision"
    assert (
        client.post(url, {"decision": "delete"}, content_type="application/json").status_code == 400
    )
    assert (
        client.post(
            url, {"decision": "merge", "keep_id": 999999}, content_type="application/json"
        ).status_code
        == 422
    )
    assert (
        client.post(url, {"decision": "keep"}, content_type="application/json").status_code == 200
    )
    again = client.post(url, {"decision": "keep"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert (
        client.post(
            f"{API}/cases/999999/decision", {"decision": "keep"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_case_list_filters_and_rejects_unknown_values(roles):
    a = achievement(roles.owner_org)
    b = achievement(roles.other_org, title="乙")
    case_between(a, b)
    client = client_for(roles.secretariat)
    assert client.get(f"{API}/cases?status=kept").json()["count"] == 0
    assert client.get(f"{API}/cases").json()["count"] == 1
    assert client.get(f"{API}/cases?status=bogus").status_code == 422
    assert client.get(f"{API}/cases?kind=bogus").status_code == 422
    assert client.get(f"{API}/cases?page=0").status_code == 400
