"""What the pipeline tells people, through the notifications app (in-app, and e-mail as each
recipient prefers, in the recipient's language). This module picks the recipients and declares
the kinds; it sends no e-mail itself.

- a project opened → the people of its parties;
- a hand-off → the receiving side; its acceptance or refusal → the giving side;
- a dropped baton → its owners, at escalating intervals (the secretariat too from the third);
- the one-year outcome follow-up → the agency's and the enterprise's administrators.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieli.notifications.kinds import NotificationKind, Rendered, register_kind
from jieli.notifications.models import Notification
from jieli.notifications.services import notification_send
from jieli.organisations.models import SECRETARIAT_GROUP, Membership
from jieli.organisations.selectors import organisation_admin_ids
from jieli.pipeline.models import Project, ProjectStage, StageKey

OPENED = "pipeline.opened"
HANDOFF = "pipeline.handoff"
DECIDED = "pipeline.decided"
BATON = "pipeline.baton"
FOLLOWUP = "pipeline.followup"


def organisation_people(organisation_id: int | None) -> set[int]:
    if organisation_id is None:
        return set()
    return set(
        Membership.objects.filter(
            organisation_id=organisation_id, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def secretariat() -> set[int]:
    return set(
        get_user_model()
        ._default_manager.filter(groups__name=SECRETARIAT_GROUP, is_active=True)
        .values_list("pk", flat=True)
    )


def stage_owners(stage: ProjectStage) -> set[int]:
    """The stage's owner person, or (none named) its organisation's administrators, or (none)
    its people: someone is always told."""
    if stage.owner_user_id:  # type: ignore[attr-defined]
        return {stage.owner_user_id}  # type: ignore[attr-defined]
    org = stage.owner_organisation_id  # type: ignore[attr-defined]
    return set(organisation_admin_ids(org)) or organisation_people(org)


def parties(project: Project) -> set[int]:
    ids: set[int] = set()
    for org in (project.enterprise_id, project.agency_id, project.institute_id):  # type: ignore[attr-defined]
        ids |= organisation_people(org)
    return ids


def project_opened(project: Project, actor_id: int | None) -> int:
    return notification_send(
        kind=OPENED,
        recipient_ids=parties(project),
        target=project,
        actor_id=actor_id,
        dedupe_key=f"opened:{project.pk}",
    )


def handed_over(stage: ProjectStage, receivers: set[int], actor_id: int | None) -> int:
    return notification_send(
        kind=HANDOFF,
        recipient_ids=receivers,
        target=stage.project,
        params={"stage": stage.key},
        actor_id=actor_id,
    )


def decided(stage: ProjectStage, action: str, reason: str, actor_id: int | None) -> int:
    return notification_send(
        kind=DECIDED,
        recipient_ids=stage_owners(stage) | organisation_people(stage.owner_organisation_id),  # type: ignore[attr-defined]
        target=stage.project,
        params={"stage": stage.key, "action": action, "reason": reason[:500]},
        actor_id=actor_id,
    )


def baton_reminder(
    stage: ProjectStage, recipients: set[int], kind: str, level: int, dedupe_key: str
) -> int:
    return notification_send(
        kind=BATON,
        recipient_ids=recipients,
        target=stage.project,
        params={"stage": stage.key, "baton": kind, "level": level},
        dedupe_key=dedupe_key,
    )


def followup(project: Project) -> int:
    ids = set(organisation_admin_ids(project.agency_id)) | set(  # type: ignore[attr-defined]
        organisation_admin_ids(project.enterprise_id)  # type: ignore[attr-defined]
    )
    return notification_send(
        kind=FOLLOWUP, recipient_ids=ids, target=project, dedupe_key=f"followup:{project.pk}"
    )


# --- rendering (in the recipient's language) ----------------------------------------------------


def _project(n: Notification) -> tuple[str, str]:
    project = n.target
    if isinstance(project, Project):
        return project.title, reverse("pipeline:board", args=[project.pk])
    return "", ""


def _stage_label(key: str) -> str:
    return str(StageKey(key).label) if key in StageKey.values else key


def _opened(n: Notification) -> Rendered:
    title, url = _project(n)
    return Rendered(
        title=_("Turnkey project opened: “{title}”").format(title=title),
        body=_("Your organisation is a party to this project. See its board for who does what."),
        url=url,
    )


def _handoff(n: Notification) -> Rendered:
    title, url = _project(n)
    return Rendered(
        title=_("“{title}”: a hand-off awaits you").format(title=title),
        body=_("The stage “{stage}” was handed over. Please accept or refuse it.").format(
            stage=_stage_label(n.params.get("stage", ""))
        ),
        url=url,
    )


def _decided(n: Notification) -> Rendered:
    title, url = _project(n)
    stage = _stage_label(n.params.get("stage", ""))
    if n.params.get("action") == "refuse":
        body = _("The hand-off of “{stage}” was refused. Reason: {reason}").format(
            stage=stage, reason=n.params.get("reason", "")
        )
    else:
        body = _("The hand-off of “{stage}” was accepted.").format(stage=stage)
    return Rendered(title=_("“{title}”: hand-off answered").format(title=title), body=body, url=url)


def _baton(n: Notification) -> Rendered:
    from jieli.pipeline.selectors import BATON_KINDS

    title, url = _project(n)
    kind = n.params.get("baton", "")
    return Rendered(
        title=_("Dropped baton in “{title}”").format(title=title),
        body=_("Stage “{stage}”: {problem}. Reminder {n}.").format(
            stage=_stage_label(n.params.get("stage", "")),
            problem=str(BATON_KINDS.get(kind, kind)),
            n=int(n.params.get("level", 0)) + 1,
        ),
        url=url,
    )


def _followup(n: Notification) -> Rendered:
    title, url = _project(n)
    return Rendered(
        title=_("One year on: how did “{title}” turn out?").format(title=title),
        body=_(
            "Please record the project's outcomes a year after acceptance: new products, "
            "revenue, jobs, new companies."
        ),
        url=url,
    )


def register_notices() -> None:
    for key, label, render, email in (
        (OPENED, gettext_lazy("Turnkey projects my organisation joins"), _opened, "immediate"),
        (HANDOFF, gettext_lazy("Hand-offs awaiting my organisation"), _handoff, "immediate"),
        (DECIDED, gettext_lazy("Answers to my hand-offs"), _decided, "immediate"),
        (BATON, gettext_lazy("Dropped-baton reminders"), _baton, "immediate"),
        (FOLLOWUP, gettext_lazy("One-year outcome follow-ups"), _followup, "immediate"),
    ):
        register_kind(NotificationKind(key=key, label=label, render=render, default_email=email))
