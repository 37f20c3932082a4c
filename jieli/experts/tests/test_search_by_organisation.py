"""Searching experts by their organisation's name (issue 9): list page, API and selector.

The engine indexes an expert's own text only; an organisation's name finds its experts through
their affiliation, within what the viewer may see.
"""

import pytest
from django.test import Client
from django.urls import reverse

from jieli.core.viewer import ANONYMOUS
from jieli.experts import selectors
from jieli.experts.selectors import ExpertFilters
from jieli.experts.tests.factories import ExpertFactory
from jieli.organisations.models import MembershipStatus
from jieli.organisations.tests.factories import OrganisationFactory, viewer_of

pytestmark = pytest.mark.django_db

UNIVERSITY = "东海理工大学"


@pytest.fixture
def world(db):
    university = OrganisationFactory(name=UNIVERSITY, name_en="Donghai University of Technology")
    applicant = OrganisationFactory(
        name=f"{UNIVERSITY}附属研究院", membership_status=MembershipStatus.APPLYING
    )
    bio = "从事高分子材料研究。"
    return {
        "staff": ExpertFactory(name="王五", organisation=university, organisation_name="", bio=bio),
        "private": ExpertFactory(organisation=university, is_public=False, bio=bio),
        "declared": ExpertFactory(name="赵六", organisation_name=UNIVERSITY, bio=bio),
        "applicant": ExpertFactory(organisation=applicant, organisation_name="", bio=bio),
        "elsewhere": ExpertFactory(organisation_name="山东大学", bio=bio),
    }


def found(viewer, q):
    return [e.pk for e in selectors.expert_list(viewer, ExpertFilters(q=q))]


def test_organisation_name_finds_its_visible_experts(world, roles):
    assert set(found(ANONYMOUS, UNIVERSITY)) == {world["staff"].pk, world["declared"].pk}
    assert found(ANONYMOUS, "Donghai University") == [world["staff"].pk]
    # The secretariat sees private profiles and organisations still applying.
    assert set(found(viewer_of(roles.secretariat), UNIVERSITY)) == {
        world["staff"].pk,
        world["private"].pk,
        world["declared"].pk,
        world["applicant"].pk,
    }


def test_affiliated_experts_come_before_text_matches(world):
    mentions = ExpertFactory(bio=f"毕业于{UNIVERSITY}，研究高分子材料。")
    result = found(ANONYMOUS, UNIVERSITY)
    assert set(result[:2]) == {world["staff"].pk, world["declared"].pk}
    assert result[2:] == [mentions.pk]


def test_list_page_and_api(world):
    client = Client()
    page = client.get(reverse("experts:list"), {"q": UNIVERSITY}).content.decode()
    assert "王五" in page and "赵六" in page
    body = client.get("/api/v1/experts", {"q": UNIVERSITY}).json()
    assert {r["id"] for r in body["results"]} == {world["staff"].pk, world["declared"].pk}
