"""The stage and hand-off life cycle, table-driven: every action from every status (allowed
exactly when the table says so), every side for every action, and a whole relay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jieli.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jieli.core.history import history_for
from jieli.organisations.tests.factories import viewer_of
from jieli.pipeline import services
from jieli.pipeline.models import Deliverable, ProjectStatus, StageKey, StageStatus
from jieli.pipeline.stages import MOVES, allowed_moves
from jieli.pipeline.tests.factories import hand_over, pdf

pytestmark = pytest.mark.django_db

# The stage under test: the pilot test, owned by the institute; the receiver of its hand-off
# is industrialisation, owned by the taking enterprise; the agency runs the project.
KEY = StageKey.PILOT
ACTOR = {
    "mark_ready": "giver",
    "accept": "receiver",
    "refuse": "receiver",
    "skip": "runner",
    "reinstate": "runner",
}


# The life cycle written out independently of ``stages.MOVES``: action → (from, to, who).
EXPECTED = {
    "mark_ready": ({"active"}, "ready", {"giver"}),
    "accept": ({"ready"}, "done", {"receiver"}),
    "refuse": ({"ready"}, "active", {"receiver"}),
    "skip": ({"planned"}, "skipped", {"runner", "secretariat"}),
    "reinstate": ({"skipped"}, "planned", {"runner", "secretariat"}),
}


def test_the_table_is_the_documented_life_cycle():
    assert {name: (set(m.sources), m.target, set(m.who)) for name, m in MOVES.items()} == EXPECTED


def _people(world):
    return {
        "giver": world.researcher,
        "receiver": world.roles.owner_member,
        "runner": world.agent,
        "secretariat": world.roles.secretariat,
    }


def _put(project, status):
    stage = project.stages.get(key=KEY)
    stage.status = status
    if status == StageStatus.READY:
        stage.answer_due_at = timezone.now() + timedelta(days=5)
    stage.save()
    Deliverable.objects.create(stage=stage, name="a.pdf", size=3, file="pipeline/a.pdf")
    return stage


@pytest.mark.parametrize("status", StageStatus.values)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_every_action_from_every_status(world, project, action, status):
    _put(project, status)
    actor = _people(world)[ACTOR[action]]
    call = lambda: services.stage_move(  # noqa: E731
        viewer=viewer_of(actor), project_id=project.pk, key=KEY, action=action, reason="理由"
    )
    before = project.stages.get(key=KEY).status
    sources, target, _who = EXPECTED[action]
    if status in sources:
        stage = call()
        assert stage.status == target
        entry = history_for(stage).first()
        assert entry.action == action
        assert entry.changes["status"] == [before, target]
    else:
        with pytest.raises(Conflict):
            call()
        assert project.stages.get(key=KEY).status == before


@pytest.mark.parametrize("side", ["giver", "receiver", "runner", "secretariat"])
@pytest.mark.parametrize("action", list(EXPECTED))
def test_every_side_for_every_action(world, project, action, side):
    sources, target, who = EXPECTED[action]
    source = sorted(sources)[0]
    _put(project, source)
    actor = _people(world)[side]
    call = lambda: services.stage_move(  # noqa: E731
        viewer=viewer_of(actor), project_id=project.pk, key=KEY, action=action, reason="理由"
    )
    if side in who:
        assert call().status == target
    else:
        with pytest.raises(PermissionDenied):
            call()
        assert project.stages.get(key=KEY).status == source


def test_outsider_gets_404_and_nothing_changes(world, project):
    _put(project, StageStatus.READY)
    with pytest.raises(NotFound):
        services.stage_move(
            viewer=viewer_of(world.roles.other_member),
            project_id=project.pk,
            key=KEY,
            action="accept",
        )
    assert project.stages.get(key=KEY).status == StageStatus.READY


def test_allowed_moves_follow_the_table():
    assert allowed_moves(KEY, StageStatus.ACTIVE, frozenset({"giver"})) == ["mark_ready"]
    assert allowed_moves(KEY, StageStatus.READY, frozenset({"receiver"})) == ["accept", "refuse"]
    assert allowed_moves(KEY, StageStatus.PLANNED, frozenset({"runner"})) == ["skip"]
    assert allowed_moves(StageKey.ACCEPTANCE, StageStatus.PLANNED, frozenset({"runner"})) == []


def test_hand_off_needs_a_deliverable_and_refusal_a_reason(world, project):
    agent = viewer_of(world.agent)
    with pytest.raises(InvalidInput) as exc:
        services.stage_move(viewer=agent, project_id=project.pk, key="needs", action="mark_ready")
    assert "files" in exc.value.fields
    services.stage_move(
        viewer=agent, project_id=project.pk, key="needs", action="mark_ready", files=[pdf()]
    )
    with pytest.raises(InvalidInput) as exc:
        services.stage_move(viewer=agent, project_id=project.pk, key="needs", action="refuse")
    assert "reason" in exc.value.fields
    refused = services.stage_move(
        viewer=agent, project_id=project.pk, key="needs", action="refuse", reason="需求不清"
    )
    assert refused.status == StageStatus.ACTIVE and refused.refuse_reason == "需求不清"


def test_out_of_order_hand_off_is_refused(world, project):
    with pytest.raises(Conflict):
        services.stage_move(
            viewer=viewer_of(world.roles.owner_member),
            project_id=project.pk,
            key="industrialisation",
            action="mark_ready",
            files=[pdf()],
        )
    assert not Deliverable.objects.exists()


def test_bad_upload_is_refused_before_anything_is_written(world, project):
    from django.core.files.uploadedfile import SimpleUploadedFile

    exe = SimpleUploadedFile("tool.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    with pytest.raises(InvalidInput):
        services.stage_upload(
            viewer=viewer_of(world.agent), project_id=project.pk, key="needs", files=[exe]
        )
    assert not Deliverable.objects.exists()


def test_a_whole_relay_with_a_skip_then_close(world, project):
    roles = world.roles
    agent, researcher, company = world.agent, world.researcher, roles.owner_member
    with pytest.raises(Conflict):
        services.project_close(viewer=viewer_of(agent), pk=project.pk)
    hand_over(world, project, "needs", agent, agent)
    services.stage_move(
        viewer=viewer_of(agent),
        project_id=project.pk,
        key="integration",
        action="skip",
        reason="成果已集成",
    )
    hand_over(world, project, "selection", agent, researcher)
    hand_over(world, project, "maturation", researcher, researcher)
    # integration skipped: the pilot test takes the baton from maturation
    assert project.stages.get(key="pilot").status == StageStatus.ACTIVE
    hand_over(world, project, "pilot", researcher, company)
    hand_over(world, project, "industrialisation", company, agent)
    hand_over(world, project, "acceptance", agent, company)
    project.refresh_from_db()
    assert project.accepted_at is not None
    closed = services.project_close(viewer=viewer_of(agent), pk=project.pk)
    assert closed.status == ProjectStatus.CLOSED
    assert history_for(closed).first().action == "close"
