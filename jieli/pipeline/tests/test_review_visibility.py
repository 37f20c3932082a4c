"""Found in review: what a project links to is shown through its owners' visibility rules, and
the stage editor neither lists any organisation's people nor fails on odd input."""

from __future__ import annotations

import pytest

from jieli.achievements.models import Achievement
from jieli.facilities.tests import factories as facilities
from jieli.organisations.tests.factories import OrganisationFactory, member_of, viewer_of
from jieli.pipeline import services

pytestmark = pytest.mark.django_db


def test_a_listing_hidden_after_opening_is_not_named_on_the_board_or_in_the_api(
    client, world, project
):
    Achievement.objects.filter(pk=world.achievement.pk).update(status="draft", title="秘密草稿标题")
    client.force_login(world.roles.owner_member)  # the taking enterprise: a party
    page = client.get(f"/pipeline/{project.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "秘密草稿标题" not in html
    assert "cannot see" in html or "无权查看" in html
    body = client.get(f"/api/v1/pipeline/projects/{project.pk}").json()
    assert world.achievement.pk not in body["achievements"]
    # The owner of the achievement still sees it.
    client.force_login(world.researcher)
    assert "秘密草稿标题" in client.get(f"/pipeline/{project.pk}/").content.decode()


def test_a_draft_zone_linked_by_the_secretariat_is_not_shown_to_the_parties(client, world, project):
    secretariat = world.roles.secretariat
    draft_zone = facilities.zone(secretariat, publish=False, name="草稿承接区ABC")
    services.project_link_facilities(
        viewer=viewer_of(secretariat), pk=project.pk, booking_id=None, zone_id=draft_zone.pk
    )
    client.force_login(world.roles.owner_member)
    assert "草稿承接区ABC" not in client.get(f"/pipeline/{project.pk}/").content.decode()
    assert client.get(f"/api/v1/pipeline/projects/{project.pk}").json()["zone"] is None
    project.refresh_from_db()
    assert project.zone_id == draft_zone.pk  # linked, only not shown to those who may not see it


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "²", "-1"])
def test_the_stage_editor_survives_odd_organisation_values(client, world, project, value):
    client.force_login(world.agent)
    key = project.stages.order_by("position").first().key
    response = client.post(
        f"/pipeline/{project.pk}/stages/{key}/edit/", {"owner_organisation": value}
    )
    assert response.status_code in (200, 400)


def test_the_stage_editor_does_not_list_the_people_of_any_organisation(client, world, project):
    secret = OrganisationFactory(name="秘密公司", membership_status="applicant")
    member_of(secret, username="secretperson")
    client.force_login(world.researcher)
    key = project.stages.order_by("position").first().key
    response = client.post(
        f"/pipeline/{project.pk}/stages/{key}/edit/", {"owner_organisation": secret.pk}
    )
    assert b"secretperson" not in response.content


@pytest.mark.parametrize("value", ["²", "99999999999999999999999"])
def test_opening_from_a_match_with_an_odd_achievement_value_is_a_clear_refusal(
    client, world, value
):
    client.force_login(world.roles.owner_admin)
    response = client.post(
        f"/pipeline/open/match/{world.demand.pk}/",
        {"title": "项目", "achievement": value, "enterprise": world.roles.owner_org.pk},
    )
    assert response.status_code in (400, 404)


def test_the_portfolio_filters_by_region_code_and_refuses_an_unknown_one(client, world, project):
    """Fuzzing: ``?region=00000000000`` was a 500 (a prefix lookup on a foreign key)."""
    client.force_login(world.roles.secretariat)
    assert client.get("/api/v1/pipeline/projects?region=00000000000").status_code == 422
    region = world.roles.owner_org.region_id
    if region:
        found = client.get(f"/api/v1/pipeline/projects?region={region[:2]}").json()
        assert project.pk in [p["id"] for p in found["results"]]
