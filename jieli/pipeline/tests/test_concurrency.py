"""Two receivers answer the same hand-off at once: the project row lock serialises them, so
exactly one succeeds and the other is told the hand-off was already answered (409)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from jieli.core.errors import Conflict, ServiceError
from jieli.organisations.tests.factories import member_of, role_users, viewer_of
from jieli.pipeline import services
from jieli.pipeline.models import ProjectStage, StageStatus
from jieli.pipeline.tests.factories import make_world, open_project, pdf


def _ready_project():
    world = make_world(role_users())
    project = open_project(world)
    services.stage_move(
        viewer=viewer_of(world.agent),
        project_id=project.pk,
        key="needs",
        action="mark_ready",
        files=[pdf()],
    )
    second_agent = member_of(world.agency, username="agent2")
    return world, project, second_agent


@pytest.mark.django_db
def test_second_answer_to_a_hand_off_is_a_conflict():
    world, project, other = _ready_project()
    services.stage_move(
        viewer=viewer_of(world.agent), project_id=project.pk, key="needs", action="accept"
    )
    with pytest.raises(Conflict):
        services.stage_move(
            viewer=viewer_of(other),
            project_id=project.pk,
            key="needs",
            action="refuse",
            reason="晚了",
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("code_lists")
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers (PostgreSQL); SQLite runs one writer at a time",
)
def test_two_answers_at_once_exactly_one_wins(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world, project, other = _ready_project()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(user, action):
        try:
            barrier.wait(5)
            services.stage_move(
                viewer=viewer_of(user),
                project_id=project.pk,
                key="needs",
                action=action,
                reason="需求不清",
            )
            outcomes.append("ok")
        except ServiceError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=answer, args=(world.agent, "accept")),
        threading.Thread(target=answer, args=(other, "refuse")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert sorted(outcomes) == ["conflict", "ok"]
    assert ProjectStage.objects.get(project=project, key="needs").status in (
        StageStatus.DONE,
        StageStatus.ACTIVE,
    )
