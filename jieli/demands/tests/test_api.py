import json

import pytest
from django.test import Client

from jieli.core.listing import ListingStatus, Visibility
from jieli.core.models import ChangeRecord
from jieli.demands.models import Demand
from jieli.demands.tests.factories import DemandFactory, PublishedDemandFactory, in_days

pytestmark = pytest.mark.django_db
URL = "/api/v1/demands"


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def payload(owner_id: int, **overrides) -> dict:
    data = {
        "owner": owner_id,
        "title": "耐高温隔膜",
        "problem": "需要耐 180℃ 的隔膜。",
        "industry": "38",
        "region": "3701",
        "cooperation_modes": ["joint_development"],
        "budget_min_wan": "10",
        "budget_max_wan": "100",
        "deadline": str(in_days(30)),
        "keywords": ["隔膜"],
        "contact_email": "a@example.com",
    }
    data.update(overrides)
    return data


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_list_paginates_and_hides_contact_from_anonymous(roles):
    for _ in range(3):
        PublishedDemandFactory(owner=roles.owner_org)
    response = client_for(None).get(URL, {"page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["pages"], len(body["results"])) == (3, 2, 2)
    assert body["results"][0]["contact_email"] is None
    assert body["results"][0]["contact_phone"] is None


# 400: outside the documented parameters; 422: well-formed, refused by a rule (see core/api.py).
@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"page": 0}, 400),
        ({"page_size": 101}, 400),
        ({"page": "x"}, 400),
        ({"budget_min": "-1"}, 400),
        ({"budget_min": "abc"}, 400),
        ({"deadline_after": "2024-13-01"}, 400),
        ({"industry": "Z9"}, 422),
        ({"region": "999999"}, 422),
        ({"cooperation_mode": "barter"}, 422),
        ({"owner": "abc"}, 400),
        ({"negotiable": "maybe"}, 400),
    ],
)
def test_list_rejects_bad_parameters(params, status):
    response = client_for(None).get(URL, params)
    assert response.status_code == status
    assert response.json()["code"] == "invalid"


def test_list_filters(roles):
    match = PublishedDemandFactory(cooperation_modes=["transfer"], budget_negotiable=True)
    PublishedDemandFactory(cooperation_modes=["consulting"])
    body = client_for(None).get(URL, {"cooperation_mode": "transfer", "negotiable": "true"}).json()
    assert [r["id"] for r in body["results"]] == [match.pk]


def test_detail_shows_contact_to_members_only(roles, expert):
    demand = PublishedDemandFactory(owner=roles.owner_org)
    url = f"{URL}/{demand.pk}"
    assert client_for(None).get(url).json()["contact_name"] is None
    assert client_for(roles.registered).get(url).json()["contact_name"] is None
    assert client_for(roles.other_member).get(url).json()["contact_name"] == "王工"
    assert client_for(expert).get(url).json()["contact_name"] == "王工"


def test_private_demand_is_404_for_others(roles):
    demand = PublishedDemandFactory(owner=roles.owner_org, visibility=Visibility.PRIVATE)
    assert client_for(roles.other_member).get(f"{URL}/{demand.pk}").status_code == 404
    assert client_for(roles.owner_member).get(f"{URL}/{demand.pk}").status_code == 200


def test_create_returns_201_draft(roles):
    response = post(client_for(roles.owner_member), URL, payload(roles.owner_org.pk))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["contact_email"] == "a@example.com"
    assert body["actions"] == ["submit", "archive"]
    assert Demand.objects.get(pk=body["id"]).owner_id == roles.owner_org.pk


def test_create_requires_sign_in(roles):
    response = post(client_for(None), URL, payload(roles.owner_org.pk))
    assert response.status_code == 401
    assert not Demand.objects.exists()


def test_create_for_foreign_organisation_is_403(roles):
    response = post(client_for(roles.owner_member), URL, payload(roles.other_org.pk))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Demand.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "status"),
    [
        ({"title": ""}, "title", 400),
        ({"title": "题" * 201}, "title", 400),
        ({"problem": "x" * 5001}, "problem", 400),
        ({"budget_min_wan": "300", "budget_max_wan": "100"}, "budget_max_wan", 422),
        ({"budget_min_wan": "-5"}, "budget_min_wan", 400),
        ({"budget_min_wan": True}, "budget_min_wan", 400),
        ({"deadline": str(in_days(-1))}, "deadline", 422),
        ({"deadline": "tomorrow"}, "deadline", 400),
        ({"deadline": 0}, "deadline", 400),
        ({"cooperation_modes": ["barter"]}, "cooperation_modes.0", 400),
        ({"region": "999999"}, "region", 422),
        ({"industry": "Z99"}, "industry", 422),
        ({"visibility": "world"}, "visibility", 400),
        ({"owner": "abc"}, "owner", 400),
        ({"owner": 2**63}, "owner", 400),
        ({"surprise": 1}, "surprise", 400),
    ],
)
def test_create_validation_errors(roles, overrides, field, status):
    before = ChangeRecord.objects.count()
    response = post(client_for(roles.owner_member), URL, payload(roles.owner_org.pk, **overrides))
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"], body
    assert not Demand.objects.exists()
    assert ChangeRecord.objects.count() == before


def test_missing_title_is_reported(roles):
    data = payload(roles.owner_org.pk)
    del data["title"]
    response = post(client_for(roles.owner_member), URL, data)
    assert response.status_code == 400
    assert "title" in response.json()["fields"]


def test_patch_by_owner_and_not_by_others(roles):
    demand = PublishedDemandFactory(owner=roles.owner_org, title="原标题")
    url = f"{URL}/{demand.pk}"
    response = patch(client_for(roles.owner_member), url, {"title": "新标题"})
    assert response.status_code == 200
    assert response.json()["title"] == "新标题"
    assert patch(client_for(roles.other_member), url, {"title": "X"}).status_code == 403
    assert patch(client_for(None), url, {"title": "X"}).status_code == 401
    demand.refresh_from_db()
    assert demand.title == "新标题"


def test_patch_of_hidden_demand_is_404(roles):
    demand = DemandFactory(owner=roles.owner_org)
    response = patch(client_for(roles.other_member), f"{URL}/{demand.pk}", {"title": "X"})
    assert response.status_code == 404


def test_patch_validation(roles):
    demand = DemandFactory(owner=roles.owner_org, budget_min_wan=10, budget_max_wan=20)
    response = patch(client_for(roles.owner_member), f"{URL}/{demand.pk}", {"budget_min_wan": "50"})
    assert response.status_code == 422
    assert "budget_max_wan" in response.json()["fields"]


def test_actions_through_the_api(roles):
    demand = DemandFactory(owner=roles.owner_org)
    owner, staff = client_for(roles.owner_member), client_for(roles.secretariat)
    assert post(owner, f"{URL}/{demand.pk}/actions/submit", {}).status_code == 200
    assert post(owner, f"{URL}/{demand.pk}/actions/publish", {}).status_code == 403
    response = post(staff, f"{URL}/{demand.pk}/actions/return", {})
    assert response.status_code == 422
    assert "reason" in response.json()["fields"]
    response = post(staff, f"{URL}/{demand.pk}/actions/return", {"reason": "补充预算"})
    assert response.status_code == 200
    assert response.json()["return_reason"] == "补充预算"
    assert post(staff, f"{URL}/{demand.pk}/actions/publish", {}).status_code == 409
    assert post(owner, f"{URL}/{demand.pk}/actions/fly", {}).status_code == 400
    demand.refresh_from_db()
    assert demand.status == ListingStatus.RETURNED


def test_history_endpoint(roles):
    demand = PublishedDemandFactory(owner=roles.owner_org)
    post(client_for(roles.owner_member), f"{URL}/{demand.pk}/actions/reconfirm", {})
    response = client_for(roles.owner_admin).get(f"{URL}/{demand.pk}/history")
    assert response.status_code == 200
    assert [h["action"] for h in response.json()] == ["reconfirm"]
    assert response.json()[0]["actor"] == "owner_member"
    assert client_for(roles.other_member).get(f"{URL}/{demand.pk}/history").status_code == 403
    assert client_for(None).get(f"{URL}/{demand.pk}/history").status_code == 403
    assert client_for(None).get(f"{URL}/999999/history").status_code == 404
