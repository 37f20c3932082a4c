"""One rule each, in the selectors: who is offered "Open a turnkey project" on a record's page
(``opening_origin``, behind the listing action) and who may change a stage's plan and how much
of it (``may_edit_stage``, ``stage_plan_changes``, ``stage_people_choices``), which the stage
editor page and the plan service both follow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.errors import NotFound, PermissionDenied
from jieli.organisations.tests.factories import viewer_of
from jieli.pipeline import selectors, services
from jieli.pipeline.tests.test_permissions import ROLES as WORLD_ROLES
from jieli.pipeline.views import open_action

pytestmark = pytest.mark.django_db

WITH_ORGANISATION = set(WORLD_ROLES) - {"anonymous", "registered"}
DEMAND_OWNERS = {"owner_member", "owner_admin", "secretariat"}


@pytest.mark.parametrize("role", WORLD_ROLES)
def test_who_is_offered_to_open_a_project(world, role):
    viewer = viewer_of(world.by_role()[role])
    draft = AchievementFactory(owner=world.institute, draft=True)
    cases = [
        ("achievement", world.achievement, "achievement" if role in WITH_ORGANISATION else None),
        ("achievement", draft, None),
        ("demand", world.demand, "match" if role in DEMAND_OWNERS else None),
        ("organisation", world.institute, None),
    ]
    for kind, record, expected in cases:
        assert selectors.opening_origin(viewer, kind, record) == expected, (kind, record)
        links = open_action(viewer, kind, record)
        if expected is None:
            assert links == []
        else:
            assert [url for _label, url in links] == [
                reverse("pipeline:open", args=[expected, record.pk])
            ]


# The pilot stage is owned by the research institute; the agency runs the project.
EDITORS = {"secretariat", "agency_member", "institute_member"}
RUNNERS = {"secretariat", "agency_member"}


@pytest.mark.parametrize("role", WORLD_ROLES)
def test_who_may_plan_a_stage_and_how_much(world, project, role):
    user = world.by_role()[role]
    viewer = viewer_of(user)
    stage = project.stages.get(key="pilot")
    assert selectors.may_edit_stage(viewer, project, stage) is (role in EDITORS)
    asked = {"owner_user_id": world.researcher.pk, "handoff_days": 5}
    allowed = selectors.stage_plan_changes(viewer, project, asked)
    assert allowed == (asked if role in RUNNERS else {"owner_user_id": world.researcher.pk})
    if user is None:
        return
    try:
        services.stage_update(viewer=viewer, project_id=project.pk, key="pilot", **allowed)
    except (PermissionDenied, NotFound):
        saved = False
    else:
        saved = True
    assert saved is (role in EDITORS)
    stage.refresh_from_db()
    if role in RUNNERS:
        assert stage.handoff_days == 5


def test_people_are_named_to_the_runner_and_to_the_organisation_itself(world, project):
    def names(user, org):
        return [n for _pk, n in selectors.stage_people_choices(viewer_of(user), project, org.pk)]

    assert "researcher" in names(world.agent, world.institute)
    assert "researcher" in names(world.researcher, world.institute)
    assert names(world.researcher, world.agency) == []
    assert names(world.roles.owner_member, world.institute) == []
    assert selectors.stage_people_choices(viewer_of(world.agent), project, None) == []


def test_the_stage_editor_shows_a_refusal_in_place_with_its_status(world, project):
    """The form pages share one parse / call / render helper: a finished stage's plan is a
    conflict (409) shown on the form, a bad value a 400, a saved plan back to the board."""
    from jieli.core.tests.matrix import client_for
    from jieli.pipeline.models import StageStatus

    client = client_for(world.agent)
    url = reverse("pipeline:stage_edit", args=[project.pk, "pilot"])
    data = {"owner_organisation": world.institute.pk, "handoff_days": 5}
    assert client.post(url, {**data, "handoff_days": 0}).status_code == 400
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/pipeline/{project.pk}/#stage-pilot")
    project.stages.filter(key="pilot").update(status=StageStatus.DONE)
    response = client.post(url, data)
    assert response.status_code == 409
    assert "该阶段已结束，计划不能再修改。" in response.content.decode()
