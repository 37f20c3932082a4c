"""Dropped batons over time with a controllable clock, and their reminders: once per interval,
escalating to the secretariat, never twice for a repeated run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jieli.notifications.models import Notification
from jieli.organisations.tests.factories import viewer_of
from jieli.pipeline import selectors, services
from jieli.pipeline.models import ProjectStage, StageStatus
from jieli.pipeline.reminders import batons_remind, outcomes_followup, reminder_level
from jieli.pipeline.tests.factories import hand_over, pdf

pytestmark = pytest.mark.django_db


def kinds(stage, now):
    stage.refresh_from_db()
    return [k for k, _since in selectors.baton_kinds(stage, now)]


def test_reminder_levels_escalate_then_repeat():
    offsets = [0, 3, 7, 14]
    days = [-1, 0, 2.9, 3, 6, 7, 13, 14, 20, 21, 28]
    assert [reminder_level(timedelta(days=d), offsets) for d in days] == [
        None,
        0,
        0,
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        5,
    ]


def test_stage_past_due_is_a_dropped_baton_from_the_next_day(world, project):
    needs = project.stages.get(key="needs")
    due = needs.due_date
    day_after = timezone.make_aware(
        timezone.datetime.combine(due + timedelta(days=1), timezone.datetime.min.time())
    )
    assert "overdue" not in kinds(needs, day_after - timedelta(hours=1))
    assert "overdue" in kinds(needs, day_after + timedelta(hours=1))
    staff = viewer_of(world.roles.secretariat)
    assert needs not in selectors.dropped_batons(staff, now=day_after - timedelta(hours=1))
    assert needs in selectors.dropped_batons(staff, now=day_after + timedelta(hours=1))


def test_hand_off_past_its_service_level(world, project, settings):
    services.stage_move(
        viewer=viewer_of(world.agent),
        project_id=project.pk,
        key="needs",
        action="mark_ready",
        files=[pdf()],
    )
    needs = project.stages.get(key="needs")
    assert needs.handoff_days == 5
    now = timezone.now()
    assert "handoff" not in kinds(needs, now + timedelta(days=4))
    assert "handoff" in kinds(needs, now + timedelta(days=5, hours=1))
    # answered: the baton is picked up
    services.stage_move(
        viewer=viewer_of(world.agent), project_id=project.pk, key="needs", action="accept"
    )
    assert "handoff" not in kinds(needs, now + timedelta(days=6))


def test_next_step_with_no_owner(world, project):
    hand_over(world, project, "needs", world.agent, world.agent)
    hand_over(world, project, "selection", world.agent, world.researcher)
    maturation = project.stages.get(key="maturation")
    # the institute's stage has no owner person: a baton (in progress, no one named)
    assert "no_owner" in kinds(maturation, timezone.now())
    integration = project.stages.get(key="integration")
    assert integration.is_next and "no_owner" in kinds(integration, timezone.now())
    services.stage_update(
        viewer=viewer_of(world.agent),
        project_id=project.pk,
        key="integration",
        owner_user_id=world.researcher.pk,
    )
    assert "no_owner" not in kinds(integration, timezone.now())
    # the owners see it on their dashboard and the API; an outsider does not
    rows = selectors.dropped_batons(viewer_of(world.researcher))
    assert maturation in rows
    assert not selectors.dropped_batons(viewer_of(world.roles.other_member)).exists()


def test_a_stage_always_has_an_owner_organisation(world, project):
    from django.db import IntegrityError, transaction

    stage = project.stages.get(key="needs")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectStage.objects.filter(pk=stage.pk).update(owner_organisation=None)


def test_reminders_once_per_interval_then_escalated(world, project):
    needs = project.stages.get(key="needs")
    start = timezone.make_aware(
        timezone.datetime.combine(needs.due_date + timedelta(days=1), timezone.datetime.min.time())
    )
    agent_notes = lambda: Notification.objects.filter(  # noqa: E731
        recipient=world.agent, kind="pipeline.baton"
    ).count()
    secretariat_notes = lambda: Notification.objects.filter(  # noqa: E731
        recipient=world.roles.secretariat, kind="pipeline.baton"
    ).count()
    assert batons_remind(now=start + timedelta(hours=1)) >= 1
    assert agent_notes() == 1
    assert batons_remind(now=start + timedelta(hours=2)) == 0  # same interval: nothing new
    assert agent_notes() == 1
    batons_remind(now=start + timedelta(days=3, hours=1))  # second interval
    assert agent_notes() == 2 and secretariat_notes() == 0
    batons_remind(now=start + timedelta(days=7, hours=1))  # third: the secretariat too
    assert agent_notes() == 3 and secretariat_notes() == 1
    batons_remind(now=start + timedelta(days=7, hours=5))
    assert agent_notes() == 3 and secretariat_notes() == 1
    assert needs.status == StageStatus.ACTIVE


def test_one_year_follow_up_is_asked_once(world, project):
    project.accepted_at = timezone.now() - timedelta(days=366)
    project.save()
    assert outcomes_followup() == 1
    assert outcomes_followup() == 0
    assert (
        Notification.objects.filter(kind="pipeline.followup", recipient=world.agency_admin).count()
        == 1
    )


def test_every_notice_renders_in_both_languages(world, project):
    from django.utils import translation

    from jieli.notifications.kinds import get_kind

    hand_over(world, project, "needs", world.agent, world.agent)
    services.stage_move(
        viewer=viewer_of(world.agent),
        project_id=project.pk,
        key="selection",
        action="mark_ready",
        files=[pdf()],
    )
    services.stage_move(
        viewer=viewer_of(world.researcher),
        project_id=project.pk,
        key="selection",
        action="refuse",
        reason="数据不足",
    )
    batons_remind(now=timezone.now() + timedelta(days=400))
    project.accepted_at = timezone.now() - timedelta(days=400)
    project.save()
    outcomes_followup()
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {
        "pipeline.opened",
        "pipeline.handoff",
        "pipeline.decided",
        "pipeline.baton",
        "pipeline.followup",
    } <= kinds
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for n in Notification.objects.filter(kind__startswith="pipeline."):
                rendered = get_kind(n.kind).render(n)
                assert rendered.title and rendered.url == f"/pipeline/{project.pk}/"
