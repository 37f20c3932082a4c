"""What evaluations tell people, through the notifications app: a consent request to the owner,
a panel invitation to the expert, and each stage change to the requester and the owner."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieli.evaluations.models import Evaluation, PanelSeat, Stage
from jieli.notifications.kinds import NotificationKind, Rendered, register_kind
from jieli.notifications.models import Notification
from jieli.notifications.services import notification_send
from jieli.organisations.models import SECRETARIAT_GROUP, Membership

CONSENT = "evaluations.consent"
INVITED = "evaluations.invited"
STAGE = "evaluations.stage"
DEADLINE = "evaluations.deadline"


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


def consent_requested(evaluation: Evaluation) -> int:
    return notification_send(
        kind=CONSENT,
        recipient_ids=organisation_people(evaluation.owner_id),  # type: ignore[attr-defined]
        target=evaluation,
        actor_id=evaluation.requested_by_id,  # type: ignore[attr-defined]
        dedupe_key=f"evaluation-consent:{evaluation.pk}",
    )


def seat_invited(seat: PanelSeat, actor_id: int | None) -> int:
    user_id = seat.expert.user_id  # type: ignore[attr-defined]
    return notification_send(
        kind=INVITED,
        recipient_ids={user_id} if user_id else set(),
        target=seat.evaluation,
        actor_id=actor_id,
        dedupe_key=f"evaluation-seat:{seat.pk}",
    )


def stage_moved(evaluation: Evaluation, actor_id: int | None) -> int:
    recipients = (
        organisation_people(evaluation.owner_id)  # type: ignore[attr-defined]
        | organisation_people(evaluation.requester_organisation_id)  # type: ignore[attr-defined]
        | {evaluation.requested_by_id}  # type: ignore[attr-defined]
    )
    return notification_send(
        kind=STAGE,
        recipient_ids=recipients,
        target=evaluation,
        params={"stage": evaluation.stage},
        actor_id=actor_id,
    )


def deadline_near(evaluation: Evaluation, recipient_ids: set[int]) -> int:
    return notification_send(
        kind=DEADLINE,
        recipient_ids=recipient_ids,
        target=evaluation,
        params={"deadline": evaluation.deadline.isoformat()},
        dedupe_key=f"evaluation-deadline:{evaluation.pk}",
    )


def _about(n: Notification) -> tuple[str, str]:
    evaluation = n.target
    if isinstance(evaluation, Evaluation):
        return evaluation.title, evaluation.get_absolute_url()
    return "", ""


def _consent(n: Notification) -> Rendered:
    title, url = _about(n)
    return Rendered(
        title=_("A member asks to evaluate “{title}”").format(title=title),
        body=_("Please consent or decline on Jieli."),
        url=url,
    )


def _invited(n: Notification) -> Rendered:
    title, url = _about(n)
    return Rendered(
        title=_("You are invited to the evaluation panel of “{title}”").format(title=title),
        body=_("Please accept or decline the invitation on Jieli."),
        url=url,
    )


def _stage(n: Notification) -> Rendered:
    title, url = _about(n)
    stage = n.params.get("stage", "")
    label = Stage(stage).label if stage in Stage.values else stage
    return Rendered(
        title=_("Evaluation “{title}”: stage changed").format(title=title),
        body=_("The evaluation is now “{stage}”.").format(stage=label),
        url=url,
    )


def _deadline(n: Notification) -> Rendered:
    title, url = _about(n)
    return Rendered(
        title=_("The evaluation of “{title}” is due on {date}").format(
            title=title, date=n.params.get("deadline", "")
        ),
        body=_("Please submit your scores, or finish the valuation and issue the report."),
        url=url,
    )


def register_notices() -> None:
    for key, label, render in (
        (CONSENT, gettext_lazy("Requests to evaluate my achievements"), _consent),
        (INVITED, gettext_lazy("Invitations to evaluation panels"), _invited),
        (STAGE, gettext_lazy("Stage changes of my evaluations"), _stage),
        (DEADLINE, gettext_lazy("Evaluation deadlines"), _deadline),
    ):
        register_kind(NotificationKind(key=key, label=label, render=render))
