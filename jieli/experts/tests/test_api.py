import json

import pytest
from django.test import Client

from jieli.experts.models import Expert
from jieli.experts.tests.factories import AffiliationFactory, ExpertFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/experts"


def client_for(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def send(c, method, url, data):
    return getattr(c, method)(url, json.dumps(data), content_type="application/json")


def test_list_and_filters():
    a = ExpertFactory(willing_to_evaluate=True)
    ExpertFactory(willing_to_evaluate=False)
    body = client_for(None).get(URL, {"willing_to_evaluate": "true"}).json()
    assert [r["id"] for r in body["results"]] == [a.pk]
    assert body["results"][0]["email"] is None
    assert body["results"][0]["affiliations"] is None


# 400: outside the documented parameters; 422: well-formed, refused by a rule (see core/api.py).
@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"industry": "Z9"}, 422),
        ({"page": 0}, 400),
        ({"willing_to_consult": "x"}, 400),
        ({"region": "999999"}, 422),
        ({"discipline": "??"}, 422),
    ],
)
def test_list_rejects_bad_parameters(params, status):
    assert client_for(None).get(URL, params).status_code == status


def test_detail_hides_contact_and_affiliations(roles, expert):
    other = ExpertFactory()
    AffiliationFactory(expert=other)
    url = f"{URL}/{other.pk}"
    anon = client_for(None).get(url).json()
    assert (anon["email"], anon["phone"], anon["affiliations"]) == (None, None, None)
    member = client_for(roles.other_member).get(url).json()
    assert member["email"] == other.email and member["affiliations"] is None
    staff = client_for(roles.secretariat).get(url).json()
    assert len(staff["affiliations"]) == 1
    own = client_for(expert).get(f"{URL}/{expert.expert_profile.pk}").json()
    assert own["affiliations"] == []


def test_create_by_secretariat_only(roles, expert):
    data = {"name": "新专家", "industries": ["38"], "disciplines": ["F01"], "region": "3701"}
    for user, status in [
        (None, 401),
        (roles.registered, 403),
        (roles.owner_admin, 403),
        (expert, 403),
    ]:
        assert send(client_for(user), "post", URL, data).status_code == status
    assert not Expert.objects.filter(name="新专家").exists()
    response = send(client_for(roles.secretariat), "post", URL, data)
    assert response.status_code == 201
    assert response.json()["industries"] == ["38"]


@pytest.mark.parametrize(
    ("overrides", "field", "status"),
    [
        ({"name": ""}, "name", 400),
        ({"bio": "x" * 5001}, "bio", 400),
        ({"willing_to_consult": 1}, "willing_to_consult", 400),
        ({"organisation": "7"}, "organisation", 400),
        ({"industries": ["Z9"]}, "industries", 422),
        ({"region": "999999"}, "region", 422),
        ({"organisation": 999999}, "organisation", 422),
        ({"email": "bad"}, "email", 422),
    ],
)
def test_create_validation(roles, overrides, field, status):
    data = {"name": "新专家", **overrides}
    response = send(client_for(roles.secretariat), "post", URL, data)
    assert response.status_code == status
    assert field in response.json()["fields"]
    assert not Expert.objects.filter(name="新专家").exists()


def test_patch_self_or_secretariat(roles, expert):
    own = expert.expert_profile
    other = ExpertFactory()
    c = client_for(expert)
    assert send(c, "patch", f"{URL}/{own.pk}", {"bio": "更新"}).json()["bio"] == "更新"
    assert send(c, "patch", f"{URL}/{other.pk}", {"bio": "篡改"}).status_code == 403
    assert send(c, "patch", f"{URL}/{own.pk}", {"is_active": False}).status_code == 422
    staff = client_for(roles.secretariat)
    assert send(staff, "patch", f"{URL}/{other.pk}", {"is_public": False}).status_code == 200
    assert send(client_for(None), "patch", f"{URL}/{own.pk}", {"bio": "x"}).status_code == 401
    other.refresh_from_db()
    assert other.bio != "篡改" and other.is_public is False
