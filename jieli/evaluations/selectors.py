"""Reads for evaluations: the one visibility rule, the viewer's sides, panel results, reports.

An evaluation is seen by the secretariat, the people of its accredited agency, the achievement
owner's people, the requester (and the requesting organisation's people) and the experts invited
to or sitting on its panel — an evaluator sees only the evaluations they sit on. Everyone else
gets a 404. An issued report is also seen by whom its confidentiality allows (members, public).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet

from jieli.core import registry
from jieli.core.errors import NotFound
from jieli.core.viewer import Viewer
from jieli.evaluations import indexes, stats
from jieli.evaluations.models import (
    Accreditation,
    Confidentiality,
    Evaluation,
    EvaluationReport,
    PanelSeat,
    SeatStatus,
    Stage,
)

LIVE_SEATS = (SeatStatus.INVITED, SeatStatus.ACCEPTED)


def visible_evaluations(viewer: Viewer) -> QuerySet[Evaluation]:
    """The one rule: which evaluations ``viewer`` may see at all."""
    qs = Evaluation.objects.select_related("achievement", "owner", "index_system", "agency")
    if viewer.is_staff_role:
        return qs
    if viewer.user_id is None:
        return qs.none()
    q = Q(requested_by_id=viewer.user_id) | Q(
        pk__in=PanelSeat.objects.filter(
            expert__user_id=viewer.user_id, status__in=LIVE_SEATS
        ).values("evaluation_id")
    )
    orgs = viewer.organisation_ids
    if orgs:
        q |= Q(owner_id__in=orgs) | Q(requester_organisation_id__in=orgs) | Q(agency_id__in=orgs)
    return qs.filter(q)


def evaluation_get(viewer: Viewer, pk: int) -> Evaluation:
    evaluation = visible_evaluations(viewer).filter(pk=pk).first()
    if evaluation is None:
        raise NotFound()
    return evaluation


def may_request_evaluation(viewer: Viewer, achievement: Any) -> bool:
    """Who may ask for an evaluation of ``achievement`` (one they may see): its owner's people
    and the secretariat always, an alliance member once it is published."""
    if viewer.user_id is None:
        return False
    return (
        viewer.belongs_to(achievement.owner_id)
        or viewer.is_staff_role
        or (viewer.is_alliance_member and achievement.status == "published")
    )


def accredited_agency_ids(viewer: Viewer) -> set[int]:
    """The viewer's organisations that are accredited evaluation agencies."""
    if not viewer.organisation_ids:
        return set()
    return set(
        Accreditation.objects.filter(
            organisation_id__in=viewer.organisation_ids, is_active=True
        ).values_list("organisation_id", flat=True)
    )


def viewer_seat(viewer: Viewer, evaluation: Evaluation) -> PanelSeat | None:
    if viewer.user_id is None:
        return None
    return (
        evaluation.seats.filter(expert__user_id=viewer.user_id, status__in=LIVE_SEATS)
        .select_related("expert")
        .first()
    )


def results_visible(sides: frozenset[str], evaluation: Evaluation) -> bool:
    """Interim panel scores are for the panel and the managers until scoring is over: shown to
    the owner or requester while experts still score, they invite pressure and bias."""
    return bool(sides & {"manager", "panel"}) or evaluation.stage in (Stage.VALUING, Stage.ISSUED)


def sides_of(viewer: Viewer, evaluation: Evaluation) -> frozenset[str]:
    sides: set[str] = set()
    if viewer.is_staff_role or (
        evaluation.agency_id is not None  # type: ignore[attr-defined]
        and evaluation.agency_id in accredited_agency_ids(viewer)  # type: ignore[attr-defined]
    ):
        sides.add("manager")
    if viewer.belongs_to(evaluation.owner_id):  # type: ignore[attr-defined]
        sides.add("owner")
    if viewer.user_id == evaluation.requested_by_id or viewer.belongs_to(  # type: ignore[attr-defined]
        evaluation.requester_organisation_id  # type: ignore[attr-defined]
    ):
        sides.add("requester")
    seat = viewer_seat(viewer, evaluation)
    if seat is not None and seat.status == SeatStatus.ACCEPTED:
        sides.add("panel")
        if seat.is_chair:
            sides.add("chair")
    return frozenset(sides)


def seats_of(evaluation: Evaluation) -> list[PanelSeat]:
    return list(evaluation.seats.select_related("expert", "replaces__expert").order_by("id"))


# --- panel results -----------------------------------------------------------------------------


@dataclass
class NodeResult:
    key: str
    name: str
    depth: int
    weight: float
    is_leaf: bool
    mean: float | None = None
    median: float | None = None
    std: float | None = None
    low: float | None = None
    high: float | None = None
    # per rater: (seat id, expert name, normalised score, robust z, is outlier)
    raters: list[tuple[int, str, float, float, bool]] = field(default_factory=list)


@dataclass
class PanelResults:
    nodes: list[NodeResult]
    raters: int
    total: float | None
    kendall_w: float | None
    icc: float | None
    outlier_seat_ids: set[int]

    @property
    def disagrees(self) -> bool:
        return self.icc is not None and self.icc < 0.5


def panel_results(evaluation: Evaluation) -> PanelResults:
    """Aggregates over the seats that submitted every leaf (scores normalised to 0–100)."""
    system = evaluation.index_system
    tree = system.tree
    weights = indexes.weights_for(tree, system.weight_sets, evaluation.purpose)
    leaves = indexes.leaves(tree)
    keys = [leaf["key"] for leaf in leaves]
    seats = list(
        evaluation.seats.filter(status=SeatStatus.ACCEPTED, submitted_at__isnull=False)
        .select_related("expert")
        .prefetch_related("scores")
    )
    rows, names, seat_ids = [], [], []
    for seat in seats:
        by_key = {s.indicator: s.value for s in seat.scores.all()}
        if all(k in by_key for k in keys):
            rows.append([indexes.normalise(leaf, by_key[leaf["key"]]) for leaf in leaves])
            names.append(str(seat.expert))
            seat_ids.append(seat.pk)
    matrix = np.array(rows, dtype=float).reshape(len(rows), len(keys))
    column = {k: i for i, k in enumerate(keys)}
    nodes: list[NodeResult] = []
    flagged: set[int] = set()

    def rater_values(node: Any) -> np.ndarray:
        children = node.get("children") or []
        if not children:
            return matrix[:, column[node["key"]]]
        return np.sum([weights[c["key"]] * rater_values(c) for c in children], axis=0)

    for node, depth in indexes.walk(tree):
        result = NodeResult(
            key=node["key"],
            name=indexes.name(node),
            depth=depth,
            weight=weights[node["key"]],
            is_leaf=not node.get("children"),
        )
        if len(rows):
            values = rater_values(node)
            st = stats.item_stats(values)
            result.mean, result.median, result.std = st.mean, st.median, st.std
            result.low, result.high = st.low, st.high
            if result.is_leaf:
                z = stats.robust_z(values)
                mask = np.abs(z) > stats.OUTLIER_Z
                result.raters = [
                    (seat_ids[i], names[i], float(values[i]), float(z[i]), bool(mask[i]))
                    for i in range(len(rows))
                ]
                flagged |= {seat_ids[i] for i in range(len(rows)) if mask[i]}
        nodes.append(result)
    return PanelResults(
        nodes=nodes,
        raters=len(rows),
        total=nodes[0].mean if nodes else None,
        kendall_w=stats.kendalls_w(matrix) if len(rows) else None,
        icc=stats.icc2k(matrix) if len(rows) else None,
        outlier_seat_ids=flagged,
    )


# --- reports -----------------------------------------------------------------------------------


def visible_reports(viewer: Viewer) -> QuerySet[EvaluationReport]:
    """Issued reports: to the evaluation's participants, and by their confidentiality."""
    qs = EvaluationReport.objects.select_related("evaluation", "achievement")
    if viewer.is_staff_role:
        return qs
    # Readers by confidentiality see a report only while they may see its achievement: a report
    # names it, its owner and its value, and must not outlive the listing's being hidden.
    achievement_visible = Q(achievement__in=registry.visible(viewer, "achievement").values("pk"))
    q = Q(confidentiality=Confidentiality.PUBLIC) & achievement_visible
    if viewer.sees_member_content:
        q |= Q(confidentiality=Confidentiality.MEMBERS) & achievement_visible
    if viewer.user_id is not None:
        q |= Q(evaluation__in=visible_evaluations(viewer).values("pk"))
    return qs.filter(q)


def report_get(viewer: Viewer, pk: int) -> EvaluationReport:
    report = visible_reports(viewer).filter(pk=pk).first()
    if report is None:
        raise NotFound()
    return report


def latest_report_for(viewer: Viewer, achievement_id: int) -> EvaluationReport | None:
    """The latest issued report on an achievement that ``viewer`` may see (its summary is shown
    on the achievement's page and in its API)."""
    latest = EvaluationReport.objects.filter(achievement_id=achievement_id).order_by("-version")
    report = latest.first()
    if report is None or not visible_reports(viewer).filter(pk=report.pk).exists():
        return None
    return report
