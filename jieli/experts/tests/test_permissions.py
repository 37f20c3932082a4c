"""Roles × every expert page and API endpoint: exact status AND side effect (profiles,
affiliations and their history changed, or left alone). The seventh role is a registered user
with an expert profile of its own."""

import pytest
from django.urls import reverse

from jieli.core.tests.matrix import (
    EXPERT_ROLES,
    WithExpert,
    check,
    reads,
    writes,
)
from jieli.experts.models import Expert, ExpertAffiliation
from jieli.experts.tests.factories import AffiliationFactory, ExpertFactory, profile_form_data

pytestmark = pytest.mark.django_db
API = "/api/v1/experts"
JSON = "application/json"
SEES_CONTACTS = ("other_member", "owner_member", "owner_admin", "expert", "secretariat")


def experts_state():
    """What an experts endpoint may change: the profiles and their declared affiliations."""
    return (
        sorted(
            Expert.objects.values_list(
                "pk", "user_id", "name", "title", "bio", "is_public", "is_active"
            )
        ),
        sorted(ExpertAffiliation.objects.values_list("pk", "expert_id", "organisation_name")),
    )


@pytest.fixture
def users(roles, expert):
    return WithExpert(roles, expert)


@pytest.fixture
def world(db):
    public = ExpertFactory(name="公开专家")
    return {
        "public": public,
        "affiliation": AffiliationFactory(expert=public, organisation_name="持股公司"),
        "hidden": ExpertFactory(name="隐藏专家", is_public=False),
    }


def _check(users, role, matrix, call):
    return check(users, role, matrix, call, state=experts_state)


EVERYONE = reads(**dict.fromkeys(EXPERT_ROLES, 200))
# A profile that is not public is the secretariat's alone; for everyone else it does not exist.
HIDDEN = reads(
    anonymous=404,
    registered=404,
    other_member=404,
    owner_member=404,
    owner_admin=404,
    expert=404,
    secretariat=200,
)


# --- reads -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_pages(users, world, role):
    public, hidden = world["public"], world["hidden"]
    _check(users, role, EVERYONE, lambda c: c.get(reverse("experts:list")))
    detail = _check(
        users, role, EVERYONE, lambda c: c.get(reverse("experts:detail", args=[public.pk]))
    )
    html = detail.content.decode()
    assert ("持股公司" in html) is (role == "secretariat")
    assert (public.email in html) is (role in SEES_CONTACTS)
    _check(users, role, HIDDEN, lambda c: c.get(reverse("experts:detail", args=[hidden.pk])))


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_api_reads(users, world, role):
    public, hidden = world["public"], world["hidden"]
    listed = _check(users, role, EVERYONE, lambda c: c.get(API, {"page_size": 100}))
    ids = {e["id"] for e in listed.json()["results"]}
    assert public.pk in ids
    assert (hidden.pk in ids) is (role == "secretariat")
    body = _check(users, role, EVERYONE, lambda c: c.get(f"{API}/{public.pk}")).json()
    assert (body["affiliations"] is not None) is (role == "secretariat")
    assert (body["email"] is not None) is (role in SEES_CONTACTS)
    _check(users, role, HIDDEN, lambda c: c.get(f"{API}/{hidden.pk}"))


# --- API writes: the secretariat keeps the expert pool ---------------------------------------

CREATE = writes(
    anonymous=(401, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(403, False),
    owner_admin=(403, False),
    expert=(403, False),
    secretariat=(201, True),
)
UPDATE_PUBLIC = writes(
    anonymous=(401, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(403, False),
    owner_admin=(403, False),
    expert=(403, False),
    secretariat=(200, True),
)
UPDATE_HIDDEN = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(404, False),
    owner_admin=(404, False),
    expert=(404, False),
    secretariat=(200, True),
)


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_api_create(users, role):
    _check(users, role, CREATE, lambda c: c.post(API, {"name": "新"}, content_type=JSON))
    assert Expert.objects.filter(name="新").exists() is CREATE[role].changes


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_api_update(users, world, role):
    for name, matrix in (("public", UPDATE_PUBLIC), ("hidden", UPDATE_HIDDEN)):
        expert = world[name]
        _check(
            users,
            role,
            matrix,
            lambda c, pk=expert.pk: c.patch(f"{API}/{pk}", {"bio": "改"}, content_type=JSON),
        )
        expert.refresh_from_db()
        assert (expert.bio == "改") is matrix[role].changes


# --- "my profile": the expert's own page -----------------------------------------------------

# Only a user with an expert profile has one; everyone else signed in finds no such page.
MY_PROFILE = reads(
    anonymous=302,
    registered=404,
    other_member=404,
    owner_member=404,
    owner_admin=404,
    expert=200,
    secretariat=404,
)
MY_PROFILE_WRITE = writes(
    anonymous=(302, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(404, False),
    owner_admin=(404, False),
    expert=(302, True),
    secretariat=(404, False),
)
# Another expert's affiliation cannot be removed through its ID, not even by an expert.
REMOVE_FOREIGN_AFFILIATION = writes(
    anonymous=(302, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(404, False),
    owner_admin=(404, False),
    expert=(404, False),
    secretariat=(404, False),
)


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_my_profile(users, role):
    url = reverse("experts:me")
    _check(users, role, MY_PROFILE, lambda c: c.get(url))
    _check(users, role, MY_PROFILE_WRITE, lambda c: c.post(url, profile_form_data(bio="本人改")))
    changed = Expert.objects.filter(bio="本人改").values_list("user_id", flat=True)
    assert list(changed) == ([users.expert.pk] if role == "expert" else [])


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_my_affiliations(users, world, role):
    url = reverse("experts:me")
    add = {"add_affiliation": "1", "organisation_name": "甲公司", "relation": "shareholding"}
    _check(users, role, MY_PROFILE_WRITE, lambda c: c.post(url, add))
    added = ExpertAffiliation.objects.filter(organisation_name="甲公司")
    assert list(added.values_list("expert__user_id", flat=True)) == (
        [users.expert.pk] if role == "expert" else []
    )
    foreign = {"remove_affiliation": str(world["affiliation"].pk)}
    _check(users, role, REMOVE_FOREIGN_AFFILIATION, lambda c: c.post(url, foreign))
    assert ExpertAffiliation.objects.filter(pk=world["affiliation"].pk).exists()
