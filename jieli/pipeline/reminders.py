"""The pipeline's scheduled reminders: dropped batons at escalating intervals, and the
one-year outcome follow-up.

A baton dropped at ``since`` is reminded at ``since`` + each offset of
``JIELI_PIPELINE_REMINDER_DAYS`` (e.g. 0, 3, 7, 14 days), then every (last − previous) days;
the interval a run falls in is the reminder's *level*. Each (stage, baton, since, level) is
sent once: the notification's dedupe key carries them, and the notifications app's unique
constraint keeps a repeated or overlapping run from telling anyone twice. From the third level
on the secretariat is told too. A history entry records each level reached.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jieli.core.history import change_record
from jieli.organisations.selectors import organisation_admin_ids
from jieli.pipeline import notify
from jieli.pipeline.models import OutcomeMoment, Project, ProjectStage
from jieli.pipeline.selectors import baton_kinds, baton_q, receiver_of, stages_of

ESCALATE_AT_LEVEL = 2


def reminder_level(elapsed: timedelta, offsets: list[int]) -> int | None:
    """Which reminder interval ``elapsed`` (since the baton dropped) falls in; None: not yet."""
    days = elapsed.total_seconds() / 86400
    passed = [i for i, offset in enumerate(offsets) if days >= offset]
    if not passed:
        return None
    level = passed[-1]
    if level == len(offsets) - 1 and len(offsets) > 1:
        gap = max(1, offsets[-1] - offsets[-2])
        level += int((days - offsets[-1]) // gap)
    return level


def _recipients(stage: ProjectStage, kind: str, level: int) -> set[int]:
    project = stage.project
    if kind == "handoff":
        receiver = receiver_of(stages_of(project), stage)
        ids = (
            notify.stage_owners(receiver)
            if receiver is not None
            else notify.organisation_people(project.enterprise_id)  # type: ignore[attr-defined]
        )
    elif kind == "no_owner":
        ids = notify.stage_owners(stage) | set(
            organisation_admin_ids(project.agency_id)  # type: ignore[attr-defined]
        )
    else:
        ids = notify.stage_owners(stage)
    if level >= ESCALATE_AT_LEVEL:
        ids |= notify.secretariat()
    return ids


def batons_remind(*, now: datetime | None = None) -> int:
    """Remind the owners of every dropped baton whose next interval has come; returns how many
    reminders were newly sent (notifications created)."""
    now = now or timezone.now()
    offsets = list(settings.JIELI_PIPELINE_REMINDER_DAYS)
    sent = 0
    for pk in list(ProjectStage.objects.filter(baton_q(now)).values_list("pk", flat=True)):
        with transaction.atomic():
            stage = (
                ProjectStage.objects.select_for_update()
                .select_related("project")
                .filter(pk=pk)
                .first()
            )
            if stage is None:
                continue
            for kind, since in baton_kinds(stage, now):
                level = reminder_level(now - since, offsets)
                if level is None:
                    continue
                key = f"baton:{stage.pk}:{kind}:{since.isoformat()}:{level}"
                n = notify.baton_reminder(stage, _recipients(stage, kind, level), kind, level, key)
                if n:
                    sent += n
                    change_record(
                        target=stage,
                        actor_id=None,
                        action="remind_baton",
                        changes={"reminder": [None, f"{kind} {level + 1}"]},
                    )
    return sent


def outcomes_followup(*, now: datetime | None = None) -> int:
    """Ask the parties of each project accepted a year ago for its one-year outcomes (once)."""
    now = now or timezone.now()
    due = Project.objects.filter(
        accepted_at__lte=now - timedelta(days=365), followup_asked_at__isnull=True
    ).exclude(outcomes__moment=OutcomeMoment.ONE_YEAR)
    asked = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            project = due.select_for_update().filter(pk=pk).first()
            if project is None:
                continue
            project.followup_asked_at = now
            project.save(update_fields=["followup_asked_at", "updated_at"])
            change_record(
                target=project,
                actor_id=None,
                action="ask_outcomes",
                changes={"followup_asked_at": [None, now.isoformat()]},
            )
            notify.followup(project)
        asked += 1
    return asked
