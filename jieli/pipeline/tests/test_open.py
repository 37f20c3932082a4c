"""Opening a project in one step: from a demand's match, an enquiry with a signed intention,
an achievement, and through the registry hook a fair's meeting uses."""

from __future__ import annotations

import pytest

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core import registry
from jieli.core.errors import InvalidInput, NotFound, PermissionDenied
from jieli.core.history import history_for
from jieli.enquiries import services as enquiry_services
from jieli.notifications.models import Notification
from jieli.organisations.tests.factories import viewer_of
from jieli.pipeline.models import Origin, ProjectStage, StageStatus
from jieli.pipeline.tests.factories import open_project

pytestmark = pytest.mark.django_db


def test_open_from_a_match(world):
    project = open_project(world)
    assert project.origin == Origin.MATCH
    assert project.enterprise_id == world.roles.owner_org.pk  # the demand's owner takes it
    assert project.institute_id == world.institute.pk  # the achievement's owner
    assert list(project.achievements.all()) == [world.achievement]
    stages = list(project.stages.order_by("position"))
    assert [s.key for s in stages] == [
        "needs",
        "selection",
        "maturation",
        "integration",
        "pilot",
        "industrialisation",
        "acceptance",
    ]
    assert stages[0].status == StageStatus.ACTIVE and stages[1].is_next
    assert all(s.owner_organisation_id for s in stages)
    assert stages[0].owner_user_id == world.agent.pk  # the opener owns the agency's stages
    assert stages[5].owner_organisation_id == world.roles.owner_org.pk
    assert history_for(project).first().action == "project_open"
    assert Notification.objects.filter(kind="pipeline.opened", recipient=world.researcher).exists()


def test_the_registry_hook_is_the_service(world):
    opener = registry.project_opener()
    assert opener is not None
    # The enterprise has no service agency of its own and none was named: refused.
    with pytest.raises(InvalidInput) as exc:
        opener(
            viewer=viewer_of(world.roles.owner_member),
            origin="meeting",
            origin_id=7,
            title="展会洽谈成果",
            achievement_ids=[world.achievement.pk],
            demand_id=None,
            enterprise_id=world.roles.owner_org.pk,
        )
    assert "agency" in exc.value.fields
    project = opener(
        viewer=viewer_of(world.agent),
        origin="meeting",
        origin_id=7,
        title="展会洽谈成果",
        achievement_ids=[world.achievement.pk],
        demand_id=None,
        enterprise_id=world.roles.owner_org.pk,
    )
    assert project.origin == "meeting" and project.get_absolute_url().endswith(f"/{project.pk}/")


def test_hidden_achievement_is_404_and_nothing_is_written(world):
    hidden = AchievementFactory(owner=world.institute, draft=True)
    with pytest.raises(NotFound):
        open_project(world, achievement_ids=[hidden.pk])
    assert not ProjectStage.objects.exists()


def test_outsider_may_not_open(world):
    from jieli.pipeline import opening_services

    with pytest.raises(PermissionDenied):
        opening_services.project_open_from(
            viewer=viewer_of(world.roles.other_member),
            origin="achievement",
            origin_id=None,
            title="x",
            achievement_ids=[world.achievement.pk],
            demand_id=None,
            enterprise_id=world.roles.owner_org.pk,
            agency_id=world.agency.pk,
        )


def _enquiry_at(world, stage_moves):
    enquiry = enquiry_services.enquiry_create(
        viewer=viewer_of(world.roles.owner_member),
        kind="achievement",
        target_id=world.achievement.pk,
        purpose="licence",
        message="希望许可",
        sender_organisation=world.roles.owner_org.pk,
    )
    enquiry_services.enquiry_reply(viewer=viewer_of(world.researcher), pk=enquiry.pk, body="欢迎")
    for action in stage_moves:
        enquiry_services.enquiry_move(
            viewer=viewer_of(world.roles.owner_member), pk=enquiry.pk, action=action
        )
    return enquiry


def test_open_from_an_enquiry_only_with_a_signed_intention(world):
    from jieli.pipeline import opening_services

    early = _enquiry_at(world, ["discuss"])
    with pytest.raises(InvalidInput):
        opening_services.project_open_from(
            viewer=viewer_of(world.roles.owner_member),
            origin="enquiry",
            origin_id=early.pk,
            title="",
            achievement_ids=[],
            demand_id=None,
            enterprise_id=None,
            agency_id=world.agency.pk,
        )
    enquiry_services.enquiry_move(
        viewer=viewer_of(world.roles.owner_member), pk=early.pk, action="sign_intention"
    )
    project = opening_services.project_open_from(
        viewer=viewer_of(world.roles.owner_member),
        origin="enquiry",
        origin_id=early.pk,
        title="",
        achievement_ids=[],
        demand_id=None,
        enterprise_id=None,
        agency_id=world.agency.pk,
    )
    assert project.title == world.achievement.title
    assert project.enterprise_id == world.roles.owner_org.pk
    assert list(project.achievements.all()) == [world.achievement]
    # someone outside the enquiry: 404
    with pytest.raises(NotFound):
        opening_services.project_open_from(
            viewer=viewer_of(world.roles.other_member),
            origin="enquiry",
            origin_id=early.pk,
            title="",
            achievement_ids=[],
            demand_id=None,
            enterprise_id=None,
            agency_id=world.agency.pk,
        )


def test_open_from_a_match_checks_the_achievement_is_one_of_the_demands_matches(world):
    from jieli.core.listing import Visibility
    from jieli.demands.tests.factories import PublishedDemandFactory

    # Visible, but about something else: not among the demand's matches — refused (422).
    unrelated = AchievementFactory(
        owner=world.institute, title="水稻抗倒伏育种方法", summary="水稻育种。", keywords=["水稻"]
    )
    with pytest.raises(InvalidInput) as exc:
        open_project(world, achievement_ids=[unrelated.pk])
    assert "achievements" in exc.value.fields
    # A demand the opener may not see: 404, as everywhere.
    hidden = PublishedDemandFactory(
        owner=world.roles.other_org, visibility=Visibility.PRIVATE, keywords=["固态电池"]
    )
    with pytest.raises(NotFound):
        open_project(world, demand_id=hidden.pk, origin_id=hidden.pk)
    assert not ProjectStage.objects.exists()
    assert open_project(world).origin == Origin.MATCH  # the real match opens


def test_open_page_from_a_match_refuses_an_achievement_that_is_not_a_match(client, world):
    unrelated = AchievementFactory(owner=world.institute, title="水稻抗倒伏育种方法")
    client.force_login(world.agent)
    url = f"/pipeline/open/match/{world.demand.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and world.achievement.title in page.content.decode()
    refused = client.post(
        url,
        {"title": "x", "achievement": str(unrelated.pk), "agency": str(world.agency.pk)},
    )
    assert refused.status_code == 400
    assert not ProjectStage.objects.exists()


def test_the_enquiry_page_offers_open_a_project_once_an_intention_is_signed(client, world):
    """The pipeline registers the action for kind "enquiry" (``core.registry``); the enquiry's
    page shows it to the thread's sides at "intention signed", to nobody before."""
    from django.urls import reverse

    enquiry = _enquiry_at(world, ["discuss"])
    page_url = reverse("enquiries:detail", args=[enquiry.pk])
    open_url = reverse("pipeline:open", args=["enquiry", enquiry.pk])
    client.force_login(world.roles.owner_member)
    assert open_url not in client.get(page_url).content.decode()
    enquiry_services.enquiry_move(
        viewer=viewer_of(world.roles.owner_member), pk=enquiry.pk, action="sign_intention"
    )
    for user in (world.roles.owner_member, world.researcher, world.roles.secretariat):
        client.force_login(user)
        body = client.get(page_url).content.decode()
        assert open_url in body and 'data-testid="listing-actions"' in body, user
    # Someone off the thread gets no action (the page itself is hidden: 404).
    client.force_login(world.roles.other_member)
    assert client.get(page_url).status_code == 404
    assert registry.listing_actions(viewer_of(world.roles.other_member), "enquiry", enquiry) == []
    # Following the action opens the project.
    client.force_login(world.roles.owner_member)
    opened = client.post(open_url, {"title": "许可项目", "agency": str(world.agency.pk)})
    assert opened.status_code == 302
    assert ProjectStage.objects.filter(project__origin="enquiry").exists()
