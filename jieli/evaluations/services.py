"""Writes for evaluations: request one, move its stage, accredit an agency, assign it, save an
index system, issue the report. Panels and scores are in ``panel_services``; valuation and the
market survey in ``valuation_services``. Each write is one transaction with its history."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.achievements.models import Achievement
from jieli.core import registry
from jieli.core.errors import InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from jieli.core.history import change_record
from jieli.core.viewer import Viewer
from jieli.evaluations import indexes, notify
from jieli.evaluations.models import (
    Accreditation,
    Confidentiality,
    Evaluation,
    EvaluationReport,
    IndexSystem,
    Purpose,
    Route,
    SeatStatus,
    Stage,
)
from jieli.evaluations.selectors import (
    evaluation_get,
    may_request_evaluation,
    panel_results,
    sides_of,
)
from jieli.evaluations.stages import MOVES

MAX_REASON = 2000
MIN_PANEL = 3
MAX_PANEL = 7


def text(value: Any, field: str, *, limit: int, required: bool = True) -> str:
    result = str(value or "").strip()
    if required and not result:
        raise InvalidInput(fields={field: [_("This field is required.")]})
    if len(result) > limit:
        raise InvalidInput(fields={field: [_("At most {n} characters.").format(n=limit)]})
    return result


def require_user(viewer: Viewer) -> int:
    if viewer.user_id is None:
        raise NotAuthenticated()
    return viewer.user_id


def locked(viewer: Viewer, evaluation_id: int) -> Evaluation:
    """The evaluation under a row lock, after the visibility rule (404 when hidden)."""
    evaluation_get(viewer, evaluation_id)
    # of=self: lock the evaluation only, not the index system every evaluation shares.
    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("index_system")
        .get(pk=evaluation_id)
    )


def require_side(viewer: Viewer, evaluation: Evaluation, *sides: str) -> frozenset[str]:
    have = sides_of(viewer, evaluation)
    if not have & set(sides):
        raise PermissionDenied()
    return have


def _choice(value: Any, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(fields={field: [_("Choose one of the options.")]})
    return str(value)


def _fee(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        fee = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(fields={"fee_wan": [_("Enter a number.")]}) from None
    if not fee.is_finite() or fee < 0 or fee >= Decimal("1e8"):
        raise InvalidInput(fields={"fee_wan": [_("Enter an amount of at least 0.")]})
    return fee.quantize(Decimal("0.01"))


def current_index(key: str) -> IndexSystem:
    system = IndexSystem.objects.filter(key=key, is_current=True).order_by("-version").first()
    if system is None:
        raise InvalidInput(fields={"index_system": [_("Choose one of the options.")]})
    return system


@transaction.atomic
def evaluation_request(
    *,
    viewer: Viewer,
    achievement_id: int,
    purpose: str,
    deadline: date,
    confidentiality: str,
    index_key: str = "technology",
    fee_wan: Any = None,
    fee_note: str = "",
    requester_organisation_id: int | None = None,
) -> Evaluation:
    """Ask for an evaluation: the owner's own, the secretariat's commission, or a member's (the
    owner then consents or declines)."""
    user_id = require_user(viewer)
    achievement = registry.visible(viewer, "achievement").filter(pk=achievement_id).first()
    if achievement is None:
        raise NotFound()
    purpose = _choice(purpose, Purpose, "purpose")
    confidentiality = _choice(confidentiality, Confidentiality, "confidentiality")
    if not isinstance(deadline, date) or deadline <= timezone.localdate():
        raise InvalidInput(fields={"deadline": [_("The deadline must be a future date.")]})
    system = current_index(index_key)
    if not may_request_evaluation(viewer, achievement):
        if viewer.is_alliance_member:
            raise InvalidInput(
                _("Only published achievements can be evaluated at a member's request.")
            )
        raise PermissionDenied(
            _("Only the owner, alliance members and the secretariat may request an evaluation.")
        )
    if viewer.belongs_to(achievement.owner_id):
        route, stage, org = Route.OWNER, Stage.STAFFING, achievement.owner_id
    elif viewer.is_staff_role:
        route, stage, org = Route.SECRETARIAT, Stage.STAFFING, None
    else:  # an alliance member (``may_request_evaluation``)
        route, stage = Route.MEMBER, Stage.AWAITING_CONSENT
        org = requester_organisation_id or min(viewer.organisation_ids)
        if not viewer.belongs_to(org):
            raise InvalidInput(
                fields={"requester_organisation": [_("Choose one of your organisations.")]}
            )
    evaluation = Evaluation.objects.create(
        achievement=achievement,
        title=achievement.title[:200],
        route=route,
        requested_by_id=user_id,
        requester_organisation_id=org,
        owner_id=achievement.owner_id,
        purpose=purpose,
        deadline=deadline,
        fee_wan=_fee(fee_wan),
        fee_note=text(fee_note, "fee_note", limit=300, required=False),
        confidentiality=confidentiality,
        index_system=system,
        stage=stage,
    )
    change_record(
        target=evaluation,
        actor_id=user_id,
        action="evaluation_request",
        changes={"stage": [None, stage], "purpose": [None, purpose]},
    )
    if stage == Stage.AWAITING_CONSENT:
        notify.consent_requested(evaluation)
    return evaluation


@transaction.atomic
def evaluation_move(
    *, viewer: Viewer, evaluation_id: int, action: str, reason: str = ""
) -> Evaluation:
    """Move the evaluation (consent, decline, start/close scoring, re-evaluate, cancel)."""
    user_id = require_user(viewer)
    move = MOVES.get(action)
    if move is None or action == "issue":
        raise InvalidInput(fields={"action": [_("Choose one of the options.")]})
    evaluation = locked(viewer, evaluation_id)
    require_side(viewer, evaluation, *move.who)
    if evaluation.stage not in move.sources:
        raise InvalidInput(_("This cannot be done at the evaluation's current stage."))
    reason = text(reason, "reason", limit=MAX_REASON, required=move.needs_reason)
    accepted = evaluation.seats.filter(status=SeatStatus.ACCEPTED)
    if action == "start_scoring" and not MIN_PANEL <= accepted.count() <= MAX_PANEL:
        raise InvalidInput(
            _("A panel needs {a} to {b} experts who accepted.").format(a=MIN_PANEL, b=MAX_PANEL)
        )
    if action == "close_scoring" and panel_results(evaluation).raters < MIN_PANEL:
        raise InvalidInput(
            _("At least {n} experts must submit their scores first.").format(n=MIN_PANEL)
        )
    before = evaluation.stage
    evaluation.stage = move.target
    fields = ["stage", "updated_at"]
    if action == "decline":
        evaluation.decline_reason = reason
        fields.append("decline_reason")
    if action == "close_scoring":
        evaluation.scoring_closed_at = timezone.now()
        fields.append("scoring_closed_at")
    if action == "reevaluate":
        evaluation.scoring_closed_at = None
        evaluation.reconsider_asked = False
        fields += ["scoring_closed_at", "reconsider_asked"]
        accepted.update(submitted_at=None, asked_to_reconsider=False)
    evaluation.save(update_fields=fields)
    change_record(
        target=evaluation,
        actor_id=user_id,
        action=action,
        changes={"stage": [before, evaluation.stage]},
        reason=reason,
    )
    notify.stage_moved(evaluation, user_id)
    return evaluation


@transaction.atomic
def accreditation_grant(
    *, viewer: Viewer, organisation_id: int, active: bool = True
) -> Accreditation:
    """The secretariat accredits (or withdraws) an evaluation agency."""
    user_id = require_user(viewer)
    if not viewer.is_staff_role:
        raise PermissionDenied(_("Only the secretariat accredits evaluation agencies."))
    from jieli.organisations.models import Organisation

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound()
    accreditation, created = Accreditation.objects.get_or_create(
        organisation=organisation, defaults={"granted_by_id": user_id, "is_active": active}
    )
    before = None if created else accreditation.is_active
    if not created and accreditation.is_active != active:
        accreditation.is_active = active
        accreditation.save(update_fields=["is_active", "updated_at"])
    change_record(
        target=accreditation,
        actor_id=user_id,
        action="accredit" if active else "accreditation_withdraw",
        changes={"is_active": [before, active]},
    )
    return accreditation


@transaction.atomic
def evaluation_assign_agency(
    *, viewer: Viewer, evaluation_id: int, agency_id: int | None
) -> Evaluation:
    """The secretariat hands the staffing and management to an accredited agency (or back)."""
    user_id = require_user(viewer)
    if not viewer.is_staff_role:
        raise PermissionDenied(_("Only the secretariat assigns an evaluation agency."))
    evaluation = locked(viewer, evaluation_id)
    if (
        agency_id is not None
        and not Accreditation.objects.filter(organisation_id=agency_id, is_active=True).exists()
    ):
        raise InvalidInput(
            fields={"agency": [_("This organisation is not an accredited evaluation agency.")]}
        )
    if evaluation.stage in (Stage.ISSUED, Stage.DECLINED, Stage.CANCELLED):
        raise InvalidInput(_("This cannot be done at the evaluation's current stage."))
    before = evaluation.agency_id  # type: ignore[attr-defined]
    evaluation.agency_id = agency_id  # type: ignore[attr-defined]
    evaluation.save(update_fields=["agency", "updated_at"])
    change_record(
        target=evaluation,
        actor_id=user_id,
        action="agency_assign",
        changes={"agency": [before, agency_id]},
    )
    return evaluation


@transaction.atomic
def index_system_save(
    *, viewer: Viewer, key: str, name_zh: str, name_en: str, tree: Any, weight_sets: Any
) -> IndexSystem:
    """Save an index tree: in place while no evaluation uses it, else as a new version."""
    user_id = require_user(viewer)
    if not viewer.is_staff_role:
        raise PermissionDenied()
    indexes.validate(tree, weight_sets)
    name_zh = text(name_zh, "name_zh", limit=100)
    name_en = text(name_en, "name_en", limit=100, required=False)
    current = IndexSystem.objects.select_for_update().filter(key=key, is_current=True).first()
    if current is not None and not current.evaluations.exists():
        before = {"tree": current.tree, "weight_sets": current.weight_sets}
        current.tree, current.weight_sets = tree, weight_sets or {}
        current.name_zh, current.name_en = name_zh, name_en
        current.save()
        change_record(
            target=current,
            actor_id=user_id,
            action="update",
            changes={"tree": [before["tree"], tree]},
        )
        return current
    version = (IndexSystem.objects.filter(key=key).aggregate(v=Max("version"))["v"] or 0) + 1
    IndexSystem.objects.filter(key=key).update(is_current=False)
    system = IndexSystem.objects.create(
        key=key,
        version=version,
        name_zh=name_zh,
        name_en=name_en,
        tree=tree,
        weight_sets=weight_sets or {},
        is_current=True,
    )
    change_record(
        target=system,
        actor_id=user_id,
        action="index_version",
        changes={"version": [version - 1 or None, version]},
    )
    return system


@transaction.atomic
def evaluation_issue(*, viewer: Viewer, evaluation_id: int) -> EvaluationReport:
    """Freeze the report (a new version for the achievement) and move the stage to issued."""
    from jieli.evaluations.report import build_snapshot

    user_id = require_user(viewer)
    evaluation = locked(viewer, evaluation_id)
    require_side(viewer, evaluation, *MOVES["issue"].who)
    if evaluation.stage not in MOVES["issue"].sources:
        raise InvalidInput(_("This cannot be done at the evaluation's current stage."))
    if not evaluation.valuations.exists():
        raise InvalidInput(_("Record at least one valuation before issuing the report."))
    if not hasattr(evaluation, "survey"):
        raise InvalidInput(_("Record the market survey before issuing the report."))
    # Versions are numbered per achievement: two issues at once on the same achievement wait
    # for each other on its row instead of both taking the same number.
    Achievement.objects.select_for_update().filter(pk=evaluation.achievement_id).first()  # type: ignore[attr-defined]
    latest = EvaluationReport.objects.filter(achievement_id=evaluation.achievement_id)  # type: ignore[attr-defined]
    version = (latest.aggregate(v=Max("version"))["v"] or 0) + 1
    report = EvaluationReport.objects.create(
        evaluation=evaluation,
        achievement_id=evaluation.achievement_id,  # type: ignore[attr-defined]
        version=version,
        issued_by_id=user_id,
        confidentiality=evaluation.confidentiality,
        snapshot=build_snapshot(evaluation, version=version, issued_on=timezone.localdate()),
    )
    evaluation.stage = Stage.ISSUED
    evaluation.save(update_fields=["stage", "updated_at"])
    change_record(
        target=evaluation,
        actor_id=user_id,
        action="issue",
        changes={"stage": [Stage.VALUING, Stage.ISSUED], "report_version": [None, version]},
    )
    notify.stage_moved(evaluation, user_id)
    return report


DEADLINE_NOTICE_DAYS = 3


def evaluations_remind_deadlines(*, now: datetime | None = None) -> int:
    """Once per evaluation, three days before its deadline: remind the experts still to score
    (while scoring) or the managers (staffing, valuing) — the secretariat or the agency's people.
    Each evaluation in its own short transaction, under its row lock; returns how many."""
    now = now or timezone.now()
    due = timezone.localdate(now) + timedelta(days=DEADLINE_NOTICE_DAYS)
    open_stages = (Stage.STAFFING, Stage.SCORING, Stage.VALUING)
    pending = Evaluation.objects.filter(
        stage__in=open_stages, deadline__lte=due, deadline_reminded_at__isnull=True
    )
    reminded = 0
    for pk in list(pending.values_list("pk", flat=True)):
        with transaction.atomic():
            evaluation = pending.select_for_update(of=("self",)).filter(pk=pk).first()
            if evaluation is None:
                continue
            if evaluation.stage == Stage.SCORING:
                recipients = set(
                    evaluation.seats.filter(
                        status=SeatStatus.ACCEPTED, submitted_at__isnull=True
                    ).values_list("expert__user_id", flat=True)
                ) - {None}
            elif evaluation.agency_id is not None:  # type: ignore[attr-defined]
                recipients = notify.organisation_people(evaluation.agency_id)  # type: ignore[attr-defined]
            else:
                recipients = notify.secretariat()
            evaluation.deadline_reminded_at = now
            evaluation.save(update_fields=["deadline_reminded_at", "updated_at"])
            change_record(target=evaluation, actor_id=None, action="remind_deadline")
            notify.deadline_near(evaluation, recipients)
            reminded += 1
    return reminded
