"""Roles × expert pages and API endpoints."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from jieli.experts.tests.factories import AffiliationFactory, ExpertFactory

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


@pytest.fixture
def world(roles, expert):
    public = ExpertFactory(name="公开专家")
    AffiliationFactory(expert=public, organisation_name="持股公司")
    return {
        "users": dict(roles.by_role(), expert=expert),
        "public": public,
        "hidden": ExpertFactory(name="隐藏专家", is_public=False),
    }


def client(world, role):
    c = Client()
    if world["users"][role] is not None:
        c.force_login(world["users"][role])
    return c


@pytest.mark.parametrize("role", ROLES)
def test_pages(world, role):
    c = client(world, role)
    assert c.get(reverse("experts:list")).status_code == 200
    detail = c.get(reverse("experts:detail", args=[world["public"].pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert ("持股公司" in html) is (role == "secretariat")
    assert (world["public"].email in html) is (role not in ("anonymous", "registered"))
    hidden = c.get(reverse("experts:detail", args=[world["hidden"].pk])).status_code
    assert hidden == (200 if role == "secretariat" else 404)
    me = c.get(reverse("experts:me")).status_code
    assert me == {"anonymous": 302, "expert": 200}.get(role, 404)


@pytest.mark.parametrize("role", ROLES)
def test_api(world, role):
    c = client(world, role)
    url = "/api/v1/experts"
    assert c.get(url).status_code == 200
    body = c.get(f"{url}/{world['public'].pk}").json()
    assert (body["affiliations"] is not None) is (role == "secretariat")
    assert c.get(f"{url}/{world['hidden'].pk}").status_code == (
        200 if role == "secretariat" else 404
    )
    created = c.post(url, json.dumps({"name": "新"}), content_type="application/json")
    assert created.status_code == {"anonymous": 401, "secretariat": 201}.get(role, 403)
    patched = c.patch(
        f"{url}/{world['public'].pk}", json.dumps({"bio": "改"}), content_type="application/json"
    )
    assert patched.status_code == {"anonymous": 401, "secretariat": 200}.get(role, 403)
    hidden = c.patch(
        f"{url}/{world['hidden'].pk}", json.dumps({"bio": "改"}), content_type="application/json"
    )
    assert hidden.status_code == {"anonymous": 401, "secretariat": 200}.get(role, 404)
    world["public"].refresh_from_db()
    assert (world["public"].bio == "改") is (role == "secretariat")
