"""Reads of the matching app: search, matches with reasons, suggestions.

Every result passes through the listing apps' visibility selectors before anything about it
(count, title, snippet, score) is returned, so a listing the viewer may not see never shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Model, QuerySet
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from jieli.core import registry
from jieli.core.errors import InvalidInput, NotFound
from jieli.core.search import NoMeaningfulTerms
from jieli.core.security import cached_for_viewer
from jieli.core.viewer import Viewer
from jieli.matching.documents import facts_for, text_for
from jieli.matching.engine.calibration import active_components
from jieli.matching.engine.terms import meaningful_terms, readable_terms
from jieli.matching.index import index_for
from jieli.matching.models import ListingKind, ListingVector
from jieli.matching.ranking import (
    COMPONENT_LABELS,
    Facts,
    combine,
    highlight,
    structured_fit,
    terms_reason,
)

MAX_QUERY_CHARS = 2000
CANDIDATES = 200


def visible_queryset(viewer: Viewer, kind: str) -> QuerySet[Any]:
    """Published listings of ``kind`` the viewer may see, through the owning app's selector."""
    if kind not in (ListingKind.ACHIEVEMENT, ListingKind.DEMAND, ListingKind.EXPERT):
        raise InvalidInput(fields={"kind": [_("Unknown kind.")]})
    qs = registry.visible(viewer, kind)
    return qs if kind == ListingKind.EXPERT else qs.filter(status="published")


def narrow_by_codes(qs: QuerySet[Any], kind: str, *, industry: str, region: str) -> QuerySet[Any]:
    """``qs`` narrowed to an industry and a region code (each with everything under it): the
    search page's facets, and a saved search's filters. ServiceError for an unknown code."""
    from jieli.regions.selectors import industry_descendant_q, region_descendant_q

    if kind == ListingKind.EXPERT:
        if industry:
            qs = qs.filter(industry_descendant_q("industries", industry)).distinct()
        if region:
            qs = qs.filter(region_descendant_q("region_id", region))
        return qs
    if industry:
        qs = qs.filter(industry_descendant_q("industry_id", industry))
    if region:
        qs = qs.filter(region_descendant_q("region_id", region))
    return qs


def may_enter_results(kind: str, query: str, ids: Iterable[int], *, synced: bool = False) -> bool:
    """False when none of ``ids`` can be among the results of ``query`` for any viewer.

    Never shown to anyone: a cheap test for the alert job, before it runs a saved search as
    each of its subscribers. Exact in one direction only: while the index ranks by words alone,
    a listing sharing no indexed word or character pair with the query scores 0 in every
    component and is never a candidate, whoever searches; with sentence vectors any listing
    may be one, so the answer is True. ``synced``: the caller has just brought the index up to
    date (``index_sync``), for a batch of checks.
    """
    query = clean_query(query)
    wanted = [str(pk) for pk in ids]
    if not wanted or not meaningful_terms(query):
        return False
    return index_for(kind).shares_terms(query, wanted, sync=not synced) is not False


def index_sync(kind: str) -> None:
    """Bring this process's index of ``kind`` up to date with the database now."""
    index_for(kind).sync()


def listing_visible(viewer: Viewer, kind: str, pk: int) -> bool:
    return registry.visible(viewer, ListingKind(kind)).filter(pk=pk).exists()


@dataclass
class Match:
    """One result. ``score`` is the calibrated probability that the text is relevant (0–1),
    the number people see; for matches ``fit`` is the structured fit (0–1) and ``order`` the
    value the list is sorted by (see ``combine_for_order``)."""

    kind: str
    obj: Any
    score: float
    components: dict[str, float | None] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    matched_terms: list[str] = field(default_factory=list)
    highlighted_title: SafeString = field(default_factory=SafeString)
    highlighted_snippet: SafeString = field(default_factory=SafeString)
    contributions: dict[str, float] = field(default_factory=dict)
    fit: float | None = None
    fit_checks: dict[str, float | None] = field(default_factory=dict)
    order: float = 0.0

    @property
    def pk(self) -> int:
        return int(self.obj.pk)

    @property
    def percent(self) -> int:
        return round(100 * self.score)

    @property
    def fit_percent(self) -> int | None:
        return None if self.fit is None else round(100 * self.fit)

    @property
    def contribution_rows(self) -> list[tuple[str, int]]:
        """(label in the user's language, share of the text evidence in %), largest first."""
        rows = [
            (str(COMPONENT_LABELS.get(k, k)), round(100 * v)) for k, v in self.contributions.items()
        ]
        return sorted(rows, key=lambda r: -r[1])

    @property
    def fit_rows(self) -> list[tuple[str, int | None]]:
        """(label, how well the check is met in %, or None when a side lacks the field)."""
        return [
            (str(COMPONENT_LABELS.get(k, k)), None if v is None else round(100 * v))
            for k, v in self.fit_checks.items()
        ]

    @property
    def component_rows(self) -> list[tuple[str, float | None]]:
        """(label, raw value): the engine's own numbers, for the secretariat only."""
        return [(str(COMPONENT_LABELS.get(k, k)), v) for k, v in self.components.items()]


def clean_query(text: str) -> str:
    """Cut long pastes to their first part (what they are about) instead of refusing them."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
    return text


def require_terms(query: str) -> list[str]:
    """The query's content words; raises NoMeaningfulTerms (400) when there are none."""
    terms = meaningful_terms(query)
    if not terms:
        raise NoMeaningfulTerms()
    return terms


def _snippet_field(kind: str) -> str:
    return {"achievement": "summary", "demand": "problem", "expert": "bio"}[kind]


def _title(kind: str, obj: Any) -> str:
    return obj.name if kind == ListingKind.EXPERT else obj.title


def _contributions(results: Sequence[Any], weights: dict[str, float]) -> list[dict[str, float]]:
    """Each result's text evidence split by component, as shares that sum to 1.

    Mirrors z-score fusion: a component's contribution is its weight times how far the result
    stands above that component's average over the candidate list; only positive parts count
    (a reader asks "what made this come up?").
    """
    if not results:
        return []
    active = [c for c, w in weights.items() if w and c in results[0].components]
    parts = np.zeros((len(results), len(active)))
    for j, comp in enumerate(active):
        values = np.array([r.components.get(comp, 0.0) for r in results], dtype=np.float64)
        std = values.std()
        if std > 1e-12:
            parts[:, j] = np.clip(weights[comp] * (values - values.mean()) / std, 0.0, None)
        else:
            # One candidate (or all alike): nothing to stand above; a component counts by
            # its weight where it found anything at all.
            parts[:, j] = weights[comp] * (values > 0)
    out = []
    for row in parts:
        total = row.sum()
        out.append(
            {c: float(v / total) for c, v in zip(active, row, strict=True) if v > 0}
            if total > 0
            else {}
        )
    return out


@dataclass
class _Hit:
    obj: Any
    result: Any
    probability: float
    contributions: dict[str, float]


def _hits(
    kind: str,
    query: str,
    *,
    base: QuerySet[Any],
    exclude: Iterable[int] = (),
    source: tuple[str, int] | None = None,
    anonymous: bool = False,
) -> list[_Hit]:
    """Visible results at or above the relevance floor, in engine order.

    This is the one ranking behind every search: lists' ``q``, the search page, the API and
    matches. ``base`` is already narrowed to what the viewer may see; ``anonymous`` says the
    viewer is an anonymous visitor (who sees no restricted listing: no query needed).
    """
    index = index_for(kind)
    excluded = {str(pk) for pk in exclude}
    results = index.search(
        query, k=CANDIDATES, source=source, visible=base, anonymous=anonymous, also=excluded
    )
    if not results:
        return []
    visible = {
        str(pk)
        for pk in base.filter(pk__in=[int(r.doc_id) for r in results]).values_list("pk", flat=True)
    }
    kept_ids = visible - excluded
    if len(kept_ids) < len(results):
        # Leave out what the viewer may not see, the source listing itself (similar listings)
        # and conflicted experts before the probabilities are computed: a hidden listing must
        # not even shift the number shown for a visible one, and no one is judged against a
        # self-match.
        results = [r for r in results if r.doc_id in kept_ids]
        if index.engine.calibrator is not None:
            index.engine.calibrator.annotate(
                results,
                query_words=len(set(index.engine.tokeniser.words(query))),
                config=index._ready_config(),
            )
    floor = relevance_floor(index)
    shares = _contributions(results, index.engine.config.weights)
    kept = [
        (r, share)
        for r, share in zip(results, shares, strict=True)
        if (r.probability if r.probability is not None else 1.0) >= floor
    ]
    objects = {o.pk: o for o in base.filter(pk__in=[int(r.doc_id) for r, _s in kept])}
    return [
        _Hit(objects[int(r.doc_id)], r, float(r.probability or 0.0), share)
        for r, share in kept
        if int(r.doc_id) in objects
    ]


def relevance_floor(index: Any) -> float:
    calibrator = index.engine.calibrator
    if calibrator is None:
        return 0.0
    return float(calibrator.floor(active_components(index.engine.config)))


def text_ranking(kind: str, queryset: QuerySet[Any], q: str) -> list[int]:
    """The backend of ``core.search.rank_by_text``: relevant ids in ``queryset``, best first."""
    query = clean_query(q)
    require_terms(query)
    return [hit.obj.pk for hit in _hits(ListingKind(kind), query, base=queryset)]


def _build_match(kind: str, hit: _Hit, need: Facts | None, *, offer_side: bool = False) -> Match:
    """``need`` is the other side's facts; ``offer_side`` when the result is the demand."""
    obj, result = hit.obj, hit.result
    terms = readable_terms(result.matched_terms, text_for(kind, obj))
    components: dict[str, float | None] = {
        name: round(value, 4) for name, value in result.components.items()
    }
    components["probability"] = round(hit.probability, 4)
    match = Match(
        kind=kind,
        obj=obj,
        score=round(hit.probability, 4),
        components=components,
        reasons=[terms_reason(terms)] if terms else [],
        matched_terms=terms,
        highlighted_title=mark_safe(highlight(_title(kind, obj), terms)),  # noqa: S308 - escaped
        highlighted_snippet=mark_safe(  # noqa: S308 - highlight() escapes
            highlight(getattr(obj, _snippet_field(kind)) or "", terms, limit=220)
        ),
        contributions={k: round(v, 4) for k, v in hit.contributions.items()},
        order=hit.probability,
    )
    if need is not None:
        fit = (
            structured_fit(facts_for(kind, obj), need)
            if offer_side
            else structured_fit(need, facts_for(kind, obj))
        )
        match.fit = round(fit.score, 4)
        match.fit_checks = {
            k: (None if v is None else round(v, 4)) for k, v in fit.components.items()
        }
        components.update(match.fit_checks)
        components["fit"] = match.fit
        match.reasons += [r for r in fit.reasons if r]
        match.order = combine_for_order(hit.probability, fit)
    return match


def combine_for_order(probability: float, fit: Any) -> float:
    """Order of a match list: the calibrated text probability weighted with the structured fit.

    The number shown stays the probability (it means the same on every page); the fit is shown
    beside it, and both decide the order. Results below the relevance floor never appear,
    however good their fit: a same-region listing about something else is not a match.
    """
    return combine(probability, fit)


def _matches(
    viewer: Viewer,
    kind: str,
    query: str,
    *,
    need: Facts | None,
    k: int,
    exclude: Iterable[int] = (),
    base: QuerySet[Any] | None = None,
    offer_side: bool = False,
    source: tuple[str, int] | None = None,
) -> list[Match]:
    """``source`` (kind, id): the query is that listing's text (see ``KindIndex.search``)."""
    qs = base if base is not None else visible_queryset(viewer, kind)
    anonymous = not viewer.is_authenticated
    hits = _hits(kind, query, base=qs, exclude=exclude, source=source, anonymous=anonymous)
    matches = [_build_match(kind, hit, need, offer_side=offer_side) for hit in hits]
    if need is not None:
        matches.sort(key=lambda m: (-m.order, m.pk))
    return matches[:k]


def _check_k(k: int) -> None:
    if not 1 <= k <= 100:
        raise InvalidInput(fields={"k": [_("Must be between {a} and {b}.").format(a=1, b=100)]})


def search(
    viewer: Viewer, *, kind: str, q: str, k: int = 20, base: QuerySet[Any] | None = None
) -> list[Match]:
    """Ranked search of one kind; ``base`` narrows to a filtered visible queryset (facets).

    Raises NoMeaningfulTerms when the query has nothing to search for (also when empty).
    """
    _check_k(k)
    query = clean_query(q)
    require_terms(query)
    if base is None:
        base = visible_queryset(viewer, kind)
    return _matches(viewer, kind, query, need=None, k=k, base=base)


def _source(viewer: Viewer, kind: str, pk: int) -> Model:
    from jieli.matching.documents import model_for

    if not listing_visible(viewer, kind, pk):
        raise NotFound()
    return model_for(kind)._default_manager.get(pk=pk)


def matches_for_demand(
    viewer: Viewer, *, demand_id: int, kind: str = ListingKind.ACHIEVEMENT, k: int = 10
) -> list[Match]:
    """Achievements (or experts) that may answer a demand, best first, with reasons."""
    _check_k(k)
    demand = _source(viewer, ListingKind.DEMAND, demand_id)
    need = facts_for(ListingKind.DEMAND, demand)
    return _matches(
        viewer,
        kind,
        text_for(ListingKind.DEMAND, demand),
        need=need,
        k=k,
        exclude=_conflicted_experts(demand) if kind == ListingKind.EXPERT else (),
        source=(ListingKind.DEMAND, demand.pk),
    )


def demands_for_achievement(viewer: Viewer, *, achievement_id: int, k: int = 10) -> list[Match]:
    """Demands that this achievement may answer; the demand's needs drive the fit."""
    _check_k(k)
    achievement = _source(viewer, ListingKind.ACHIEVEMENT, achievement_id)
    return _matches(
        viewer,
        ListingKind.DEMAND,
        text_for(ListingKind.ACHIEVEMENT, achievement),
        need=facts_for(ListingKind.ACHIEVEMENT, achievement),
        k=k,
        offer_side=True,
        source=(ListingKind.ACHIEVEMENT, achievement.pk),
    )


def similar_achievements(viewer: Viewer, *, achievement_id: int, k: int = 6) -> list[Match]:
    _check_k(k)
    achievement = _source(viewer, ListingKind.ACHIEVEMENT, achievement_id)
    return _matches(
        viewer,
        ListingKind.ACHIEVEMENT,
        text_for(ListingKind.ACHIEVEMENT, achievement),
        need=None,
        k=k,
        exclude=[achievement_id],
        source=(ListingKind.ACHIEVEMENT, achievement.pk),
    )


@dataclass
class OrganisationMatch:
    organisation: Any
    score: float  # the best matching achievement's calibrated probability
    reasons: list[str]
    via: list[Match]
    order: float = 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.score)


def organisations_for_demand(
    viewer: Viewer, *, demand_id: int, k: int = 10
) -> list[OrganisationMatch]:
    """Organisations whose achievements answer the demand, scored by their best match."""
    return _organisations_from(viewer, matches_for_demand(viewer, demand_id=demand_id, k=50), k)


def _organisations_from(viewer: Viewer, matches: list[Match], k: int) -> list[OrganisationMatch]:
    """Group achievement matches (best first) by owner organisation, as the viewer sees it."""
    from jieli.organisations.selectors import visible_organisations

    grouped: dict[int, list[Match]] = {}
    for match in matches:
        grouped.setdefault(match.obj.owner_id, []).append(match)
    visible = {o.pk: o for o in visible_organisations(viewer).filter(pk__in=grouped)}
    out = []
    for org_id, items in grouped.items():
        if org_id not in visible:
            continue
        # Matches arrive best first, so items[0] is the organisation's best answer.
        reason = _("{n} matching achievements, best: {title}").format(
            n=len(items), title=items[0].obj.title
        )
        best = OrganisationMatch(visible[org_id], items[0].score, [reason], items[:3])
        best.order = items[0].order
        out.append(best)
    out.sort(key=lambda o: (-o.order, o.organisation.pk))
    return out[:k]


@dataclass
class DemandMatchPage:
    demand: Any
    achievements: list[Match]
    experts: list[Match]
    organisations: list[OrganisationMatch]


def still_visible(found: list[Match], visible: QuerySet[Any]) -> list[Match]:
    """A cached ranking may be up to a minute old: keep only what ``visible`` still holds."""
    if not found:
        return found
    still = set(visible.filter(pk__in=[m.pk for m in found]).values_list("pk", flat=True))
    return [m for m in found if m.pk in still]


def _still_visible(viewer: Viewer, kind: str, found: list[Match]) -> list[Match]:
    return still_visible(found, visible_queryset(viewer, kind))


def demand_match_page(
    viewer: Viewer,
    *,
    demand_id: int,
    achievements: int = 10,
    experts: int = 6,
    organisations: int = 6,
) -> DemandMatchPage:
    """Everything a demand's matches page shows. The achievement search runs once: the
    organisations are grouped from its top 50, as ``organisations_for_demand`` does.

    The same page for every anonymous visitor is computed once a minute (the demand itself is
    checked each time; an edit of it is a new key; what has been hidden since is dropped)."""
    demand = _source(viewer, ListingKind.DEMAND, demand_id)

    def run() -> tuple[list[Match], list[Match]]:
        found = matches_for_demand(viewer, demand_id=demand_id, k=50)
        kind = ListingKind.EXPERT
        return found, matches_for_demand(viewer, demand_id=demand_id, kind=kind, k=experts)

    key = ("page.demand_matches", demand_id, getattr(demand, "updated_at", None), experts)
    found, expert_matches = cached_for_viewer(viewer, key, run)
    found = _still_visible(viewer, ListingKind.ACHIEVEMENT, found)
    return DemandMatchPage(
        demand=demand,
        achievements=found[:achievements],
        experts=_still_visible(viewer, ListingKind.EXPERT, expert_matches),
        organisations=_organisations_from(viewer, found, organisations),
    )


@dataclass
class AchievementMatchPage:
    achievement: Any
    demands: list[Match]
    similar: list[Match]


def achievement_match_page(
    viewer: Viewer, *, achievement_id: int, demands: int = 10, similar: int = 6
) -> AchievementMatchPage:
    """Everything an achievement's matches page shows (cached as ``demand_match_page``)."""
    achievement = _source(viewer, ListingKind.ACHIEVEMENT, achievement_id)

    def run() -> tuple[list[Match], list[Match]]:
        return (
            demands_for_achievement(viewer, achievement_id=achievement_id, k=demands),
            similar_achievements(viewer, achievement_id=achievement_id, k=similar),
        )

    stamp = getattr(achievement, "updated_at", None)
    key = ("page.achievement_matches", achievement_id, stamp, demands, similar)
    found, alike = cached_for_viewer(viewer, key, run)
    return AchievementMatchPage(
        achievement=achievement,
        demands=_still_visible(viewer, ListingKind.DEMAND, found),
        similar=_still_visible(viewer, ListingKind.ACHIEVEMENT, alike),
    )


def _conflicted_experts(listing: Any) -> list[int]:
    """Experts with a declared tie to the listing's owner: the conflict-of-interest hook."""
    owner_id = getattr(listing, "owner_id", None)
    return experts_with_conflict(organisation_ids=[owner_id] if owner_id else [])


def experts_with_conflict(*, organisation_ids: Sequence[int]) -> list[int]:
    from jieli.experts.models import Expert, ExpertAffiliation

    if not organisation_ids:
        return []
    direct = Expert.objects.filter(organisation_id__in=organisation_ids).values_list(
        "pk", flat=True
    )
    declared = ExpertAffiliation.objects.filter(organisation_id__in=organisation_ids).values_list(
        "expert_id", flat=True
    )
    return sorted(set(direct) | set(declared))


def experts_for_topic(
    viewer: Viewer,
    *,
    text: str,
    k: int = 10,
    exclude_organisation_ids: Sequence[int] = (),
    willing_to_evaluate: bool | None = None,
) -> list[Match]:
    """Experts for a topic, leaving out those tied to the given organisations."""
    _check_k(k)
    query = clean_query(text)
    require_terms(query)
    base = visible_queryset(viewer, ListingKind.EXPERT)
    if willing_to_evaluate is not None:
        base = base.filter(willing_to_evaluate=willing_to_evaluate)
    return _matches(
        viewer,
        ListingKind.EXPERT,
        query,
        need=None,
        k=k,
        base=base,
        exclude=experts_with_conflict(organisation_ids=exclude_organisation_ids),
    )


@dataclass
class VectorStatus:
    kind: str
    encoder: str
    listings: int
    done: int

    @property
    def pending(self) -> int:
        return max(0, self.listings - self.done)

    @property
    def percent(self) -> int:
        return 100 if not self.listings else int(100 * self.done / self.listings)


def vector_status() -> list[VectorStatus]:
    from jieli.matching.documents import indexable
    from jieli.matching.index import dense_components

    out = []
    for component in dense_components():
        encoder = component.removeprefix("dense_")
        for kind in (ListingKind.ACHIEVEMENT, ListingKind.DEMAND, ListingKind.EXPERT):
            ids = indexable(kind).values("pk")
            done = ListingVector.objects.filter(
                kind=kind, encoder=encoder, object_id__in=ids
            ).count()
            out.append(VectorStatus(kind, encoder, indexable(kind).count(), done))
    return out
