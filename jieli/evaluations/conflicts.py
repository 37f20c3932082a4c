"""Who may not sit on a panel and why, and the ranked suggestions (reads).

Conflicts: an expert of the owner organisation or who declared an affiliation with it, or with
the requesting organisation (``matching.selectors.experts_with_conflict``); an expert who sat,
in the last 12 months, on an evaluation the same requester asked for about a competing listing
(another achievement in the same industry). Suggestions come from
``matching.selectors.experts_for_topic`` (willing evaluators ranked by field fit, with reasons),
with the conflicted left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core.search import NoMeaningfulTerms
from jieli.core.viewer import Viewer
from jieli.evaluations.models import Evaluation, PanelSeat, SeatStatus
from jieli.matching.selectors import experts_for_topic, experts_with_conflict

COMPETING_WINDOW = timedelta(days=365)


@dataclass
class Suggestion:
    expert: object
    percent: int
    reasons: list[str]


def conflicts_for(evaluation: Evaluation) -> dict[int, list[str]]:
    """Expert id → the reasons they may not sit on this panel."""
    reasons: dict[int, list[str]] = {}
    owner = experts_with_conflict(organisation_ids=[evaluation.owner_id])  # type: ignore[attr-defined]
    for expert_id in owner:
        reasons.setdefault(expert_id, []).append(
            _("Works for or declared an affiliation with the owner organisation.")
        )
    requester_org = evaluation.requester_organisation_id  # type: ignore[attr-defined]
    if requester_org and requester_org != evaluation.owner_id:  # type: ignore[attr-defined]
        for expert_id in experts_with_conflict(organisation_ids=[requester_org]):
            reasons.setdefault(expert_id, []).append(
                _("Works for or declared an affiliation with the requesting organisation.")
            )
    industry = evaluation.achievement.industry_id  # type: ignore[attr-defined]
    if industry is not None:
        same_requester = Q(evaluation__requested_by_id=evaluation.requested_by_id)  # type: ignore[attr-defined]
        if requester_org:
            same_requester |= Q(evaluation__requester_organisation_id=requester_org)
        recent = PanelSeat.objects.filter(
            same_requester,
            status=SeatStatus.ACCEPTED,
            evaluation__achievement__industry_id=industry,
            evaluation__created_at__gte=timezone.now() - COMPETING_WINDOW,
        ).exclude(evaluation__achievement_id=evaluation.achievement_id)  # type: ignore[attr-defined]
        for expert_id in recent.values_list("expert_id", flat=True):
            reasons.setdefault(expert_id, []).append(
                _("Evaluated a competing listing for the same requester in the last 12 months.")
            )
    return reasons


def suggestions(viewer: Viewer, evaluation: Evaluation, *, k: int = 10) -> list[Suggestion]:
    """Willing evaluators ranked by field fit, without the conflicted or those already seated."""
    achievement = evaluation.achievement
    text = " ".join(
        part
        for part in (achievement.title, achievement.summary, " ".join(achievement.keywords or []))
        if part
    )
    excluded = set(conflicts_for(evaluation)) | set(
        evaluation.seats.exclude(status=SeatStatus.DECLINED).values_list("expert_id", flat=True)
    )
    try:
        matches = experts_for_topic(
            viewer,
            text=text,
            k=k + len(excluded),
            willing_to_evaluate=True,
            exclude_organisation_ids=[evaluation.owner_id],  # type: ignore[attr-defined]
        )
    except NoMeaningfulTerms:
        return []
    return [
        Suggestion(expert=m.obj, percent=m.percent, reasons=list(m.reasons))
        for m in matches
        if m.pk not in excluded
    ][:k]
