"""The pages around the board: the workspace's "what to do next", the portfolio's filters and
export, the open page refusing bad input in place, a stage plan form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jieli.core.tests.matrix import client_for
from jieli.organisations.tests.factories import viewer_of
from jieli.pipeline import services
from jieli.pipeline.models import Project
from jieli.pipeline.tests.factories import pdf

pytestmark = pytest.mark.django_db


def test_workspace_shows_what_to_do_next(world, project):
    page = client_for(world.agent).get("/workspace/").content.decode()
    assert 'data-testid="next-steps"' in page and project.title in page
    services.stage_move(
        viewer=viewer_of(world.agent),
        project_id=project.pk,
        key="needs",
        action="mark_ready",
        files=[pdf()],
    )
    # the hand-off waits for the agency itself (it owns the next stage too)
    assert "needs" in client_for(world.agent).get("/workspace/").content.decode()
    outsider = client_for(world.roles.other_member).get("/workspace/").content.decode()
    assert project.title not in outsider


def test_portfolio_filters_and_export(world, project):
    client = client_for(world.roles.secretariat)
    assert project.title in client.get("/pipeline/?stage=needs").content.decode()
    assert project.title not in client.get("/pipeline/?stage=pilot").content.decode()
    assert client.get("/pipeline/?stage=nonsense").status_code == 400
    assert client.get("/pipeline/?region=abc").status_code == 400
    csv = b"".join(client.get("/pipeline/export/?format=csv").streaming_content).decode()
    assert project.title in csv
    assert client.get("/pipeline/export/?format=pdf").status_code == 400
    hidden = b"".join(
        client_for(world.roles.other_member).get("/pipeline/export/?format=csv").streaming_content
    ).decode()
    assert project.title not in hidden


def test_open_page_from_an_achievement(world):
    client = client_for(world.agent)
    url = reverse("pipeline:open", args=["achievement", world.achievement.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "", "enterprise": world.roles.owner_org.pk})
    assert response.status_code == 400 and not Project.objects.exists()
    response = client.post(
        url, {"title": "新工程", "enterprise": world.roles.owner_org.pk, "agency": world.agency.pk}
    )
    assert response.status_code == 302
    assert Project.objects.get().title == "新工程"
    assert (
        client_for(world.roles.other_member)
        .get(reverse("pipeline:open", args=["nonsense", 1]))
        .status_code
        == 404
    )


def test_stage_plan_page(world, project):
    client = client_for(world.agent)
    url = reverse("pipeline:stage_edit", args=[project.pk, "pilot"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "owner_organisation": world.institute.pk,
            "owner_user": world.researcher.pk,
            "due_date": "2031-02-01",
            "handoff_days": 7,
            "acceptance_criteria": "连续运行 72 小时无故障",
        },
    )
    assert response.status_code == 302
    stage = project.stages.get(key="pilot")
    assert (stage.owner_user_id, stage.handoff_days) == (world.researcher.pk, 7)
    assert (
        client.post(url, {"owner_organisation": world.institute.pk, "handoff_days": 0}).status_code
        == 400
    )
