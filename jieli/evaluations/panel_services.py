"""Writes for the panel: invite (with conflict check and override), answer an invitation,
submit scores, ask outliers to reconsider. Each write is one transaction with its history."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jieli.core.history import change_record
from jieli.core.viewer import Viewer
from jieli.evaluations import indexes, notify
from jieli.evaluations.conflicts import conflicts_for
from jieli.evaluations.models import Evaluation, PanelSeat, Score, SeatStatus, Stage
from jieli.evaluations.selectors import LIVE_SEATS, panel_results, viewer_seat
from jieli.evaluations.services import (
    MAX_PANEL,
    MAX_REASON,
    locked,
    require_side,
    require_user,
    text,
)
from jieli.experts.models import Expert

STAFFABLE = (Stage.STAFFING, Stage.SCORING)


@transaction.atomic
def seat_invite(
    *,
    viewer: Viewer,
    evaluation_id: int,
    expert_id: int,
    is_chair: bool = False,
    override_reason: str = "",
    replaces_id: int | None = None,
    reasons: list[str] | None = None,
) -> PanelSeat:
    """Invite an expert (re-offering a declined seat when ``replaces_id`` is given)."""
    user_id = require_user(viewer)
    evaluation = locked(viewer, evaluation_id)
    require_side(viewer, evaluation, "manager")
    if evaluation.stage not in STAFFABLE:
        raise InvalidInput(_("This cannot be done at the evaluation's current stage."))
    expert = Expert.objects.filter(pk=expert_id, is_active=True, user__isnull=False).first()
    if expert is None:
        raise InvalidInput(fields={"expert": [_("Choose an active expert with an account.")]})
    live = evaluation.seats.filter(status__in=LIVE_SEATS)
    if live.filter(expert=expert).exists():
        raise InvalidInput(fields={"expert": [_("This expert already has a seat.")]})
    if live.count() >= MAX_PANEL:
        raise InvalidInput(_("A panel has at most {n} experts.").format(n=MAX_PANEL))
    replaced = None
    if replaces_id is not None:
        replaced = evaluation.seats.filter(pk=replaces_id, status=SeatStatus.DECLINED).first()
        if replaced is None:
            raise InvalidInput(fields={"replaces": [_("Only a declined seat is re-offered.")]})
    conflicts = conflicts_for(evaluation).get(expert.pk, [])
    override = text(override_reason, "override_reason", limit=MAX_REASON, required=False)
    if conflicts and not override:
        raise InvalidInput(
            fields={
                "override_reason": [
                    _(
                        "Conflict of interest: {reasons} Give a written reason to override it."
                    ).format(reasons=" ".join(conflicts))
                ]
            }
        )
    if is_chair or (replaced is not None and replaced.is_chair):
        is_chair = True
        live.filter(is_chair=True).update(is_chair=False)
    seat = PanelSeat.objects.create(
        evaluation=evaluation,
        expert=expert,
        status=SeatStatus.INVITED,
        is_chair=is_chair,
        reasons=[str(r)[:200] for r in (reasons or [])][:5],
        conflict_override=override if conflicts else "",
        replaces=replaced,
    )
    change_record(
        target=evaluation,
        actor_id=user_id,
        action="seat_invite",
        changes={
            "panel": [None, str(expert)],
            **({"conflict": [None, conflicts]} if conflicts else {}),
        },
        reason=override if conflicts else "",
    )
    notify.seat_invited(seat, user_id)
    return seat


@transaction.atomic
def seat_respond(
    *, viewer: Viewer, evaluation_id: int, accept: bool, reason: str = ""
) -> PanelSeat:
    """The invited expert accepts or declines (with a reason) their seat."""
    user_id = require_user(viewer)
    evaluation = locked(viewer, evaluation_id)
    seat = viewer_seat(viewer, evaluation)
    if seat is None:
        raise NotFound()
    if seat.status != SeatStatus.INVITED:
        raise InvalidInput(_("This invitation has already been answered."))
    if evaluation.stage not in STAFFABLE:
        raise InvalidInput(_("This cannot be done at the evaluation's current stage."))
    reason = text(reason, "reason", limit=MAX_REASON, required=not accept)
    seat.status = SeatStatus.ACCEPTED if accept else SeatStatus.DECLINED
    seat.decline_reason = "" if accept else reason
    seat.save(update_fields=["status", "decline_reason", "updated_at"])
    change_record(
        target=evaluation,
        actor_id=user_id,
        action="seat_accept" if accept else "seat_decline",
        changes={"panel": [SeatStatus.INVITED, seat.status]},
        reason=reason,
    )
    return seat


def _score_value(leaf: Mapping[str, Any], raw: Any) -> float:
    key = leaf["key"]
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise InvalidInput(fields={f"score_{key}": [_("Enter a number.")]})
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(fields={f"score_{key}": [_("Enter a number.")]}) from None
    low, high = leaf["scale"]
    if not math.isfinite(value) or not low <= value <= high:
        raise InvalidInput(
            fields={
                f"score_{key}": [
                    _("Enter a score from {low} to {high}.").format(low=low, high=high)
                ]
            }
        )
    return value


@transaction.atomic
def scores_submit(
    *, viewer: Viewer, evaluation_id: int, scores: Mapping[str, Mapping[str, Any]]
) -> PanelSeat:
    """An evaluator's scores for every leaf, each with a justification (all or nothing)."""
    user_id = require_user(viewer)
    evaluation = locked(viewer, evaluation_id)
    seat = viewer_seat(viewer, evaluation)
    if seat is None or seat.status != SeatStatus.ACCEPTED:
        raise PermissionDenied(_("Only the experts on this panel may score it."))
    if evaluation.stage != Stage.SCORING:
        raise InvalidInput(_("Scoring is closed for this evaluation."))
    if seat.submitted_at is not None and not seat.asked_to_reconsider:
        raise Conflict(
            _(
                "Your scores are submitted; you may change them only when the chair "
                "asks you to reconsider."
            )
        )
    leaves = indexes.leaves(evaluation.index_system.tree)
    unknown = set(scores) - {leaf["key"] for leaf in leaves}
    if unknown:
        raise InvalidInput(
            fields={
                "scores": [_("Unknown indicator: {key}.").format(key=", ".join(sorted(unknown)))]
            }
        )
    rows = []
    for leaf in leaves:
        entry = scores.get(leaf["key"])
        if not isinstance(entry, Mapping):
            raise InvalidInput(fields={f"score_{leaf['key']}": [_("This field is required.")]})
        value = _score_value(leaf, entry.get("value"))
        justification = text(entry.get("justification"), f"justification_{leaf['key']}", limit=2000)
        rows.append((leaf["key"], value, justification))
    before = {s.indicator: s.value for s in seat.scores.all()}
    seat.scores.all().delete()
    Score.objects.bulk_create(
        [Score(seat=seat, indicator=k, value=v, justification=j) for k, v, j in rows]
    )
    was_reconsidering = seat.asked_to_reconsider
    seat.submitted_at = timezone.now()
    seat.asked_to_reconsider = False
    seat.save(update_fields=["submitted_at", "asked_to_reconsider", "updated_at"])
    after = {k: v for k, v, _j in rows}
    change_record(
        target=evaluation,
        actor_id=user_id,
        action="scores_reconsidered" if was_reconsidering else "scores_submit",
        changes={k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]},
    )
    return seat


@transaction.atomic
def reconsider_ask(*, viewer: Viewer, evaluation_id: int) -> list[PanelSeat]:
    """The chair (or the manager) asks the outliers to reconsider, once per evaluation."""
    user_id = require_user(viewer)
    evaluation: Evaluation = locked(viewer, evaluation_id)
    require_side(viewer, evaluation, "chair", "manager")
    if evaluation.stage != Stage.SCORING:
        raise InvalidInput(_("Scoring is closed for this evaluation."))
    if evaluation.reconsider_asked:
        raise InvalidInput(_("The outliers have already been asked to reconsider once."))
    outliers = panel_results(evaluation).outlier_seat_ids
    if not outliers:
        raise InvalidInput(_("No score is an outlier."))
    seats = list(evaluation.seats.filter(pk__in=outliers))
    evaluation.seats.filter(pk__in=outliers).update(asked_to_reconsider=True)
    evaluation.reconsider_asked = True
    evaluation.save(update_fields=["reconsider_asked", "updated_at"])
    change_record(
        target=evaluation,
        actor_id=user_id,
        action="reconsider_ask",
        changes={"panel": [None, [str(s.expert) for s in seats]]},
    )
    return seats
