"""Reads of the matching app: search, matches with reasons, suggestions.

Every result passes through the listing apps' visibility selectors before anything about it
(count, title, snippet, score) is returned, so a listing the viewer may not see never shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from jieli.core import registry
from jieli.core.errors import InvalidInput, NotFound
from jieli.core.viewer import Viewer
from jieli.matching.documents import facts_for, text_for
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


def listing_visible(viewer: Viewer, kind: str, pk: int) -> bool:
    return registry.visible(viewer, ListingKind(kind)).filter(pk=pk).exists()


@dataclass
class Match:
    kind: str
    obj: Any
    score: float
    components: dict[str, float | None] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    matched_terms: list[str] = field(default_factory=list)
    highlighted_title: SafeString = field(default_factory=SafeString)
    highlighted_snippet: SafeString = field(default_factory=SafeString)

    @property
    def pk(self) -> int:
        return int(self.obj.pk)

    @property
    def component_rows(self) -> list[tuple[str, float | None]]:
        """(label in the user's language, value) for showing the score's parts."""
        return [(str(COMPONENT_LABELS.get(k, k)), v) for k, v in self.components.items()]


def clean_query(text: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        # Long pastes are cut rather than refused: the first part says what it is about.
        text = text[:MAX_QUERY_CHARS]
    return text


def _snippet_field(kind: str) -> str:
    return {"achievement": "summary", "demand": "problem", "expert": "bio"}[kind]


def _title(kind: str, obj: Any) -> str:
    return obj.name if kind == ListingKind.EXPERT else obj.title


def _ranked(
    viewer: Viewer,
    kind: str,
    query: str,
    *,
    exclude: Iterable[int] = (),
    base: QuerySet[Any] | None = None,
) -> list[tuple[Any, Any]]:
    """(object, engine result) for visible candidates, in engine order."""
    results = index_for(kind).search(query, k=CANDIDATES)
    if not results:
        return []
    excluded = set(exclude)
    ids = [int(r.doc_id) for r in results if int(r.doc_id) not in excluded]
    qs = base if base is not None else visible_queryset(viewer, kind)
    objects = {o.pk: o for o in qs.filter(pk__in=ids)}
    return [(objects[int(r.doc_id)], r) for r in results if int(r.doc_id) in objects]


def _text_scores(pairs: Sequence[tuple[Any, Any]]) -> list[float]:
    """Fused engine scores rescaled to [0, 1] within this candidate list."""
    if not pairs:
        return []
    values = [r.score for _o, r in pairs]
    low, high = min(values), max(values)
    if high - low < 1e-9:
        return [1.0 for _ in values]
    return [(v - low) / (high - low) for v in values]


def _build_match(kind: str, obj: Any, result: Any, text_score: float, need: Facts | None) -> Match:
    terms = list(result.matched_terms)
    components: dict[str, float | None] = {
        name: round(value, 4) for name, value in result.components.items()
    }
    components["text"] = round(text_score, 4)
    reasons = [terms_reason(terms)] if terms else []
    score = text_score
    if need is not None:
        fit = structured_fit(need, facts_for(kind, obj))
        components.update(
            {k: (None if v is None else round(v, 4)) for k, v in fit.components.items()}
        )
        components["fit"] = round(fit.score, 4)
        reasons += fit.reasons
        score = combine(text_score, fit)
    return Match(
        kind=kind,
        obj=obj,
        score=round(score, 4),
        components=components,
        reasons=[r for r in reasons if r],
        matched_terms=terms,
        highlighted_title=mark_safe(highlight(_title(kind, obj), terms)),  # noqa: S308 - escaped
        highlighted_snippet=mark_safe(  # noqa: S308 - highlight() escapes
            highlight(getattr(obj, _snippet_field(kind)) or "", terms, limit=220)
        ),
    )


def _matches(
    viewer: Viewer,
    kind: str,
    query: str,
    *,
    need: Facts | None,
    k: int,
    exclude: Iterable[int] = (),
    base: QuerySet[Any] | None = None,
) -> list[Match]:
    pairs = _ranked(viewer, kind, query, exclude=exclude, base=base)
    scores = _text_scores(pairs)
    matches = [_build_match(kind, o, r, s, need) for (o, r), s in zip(pairs, scores, strict=True)]
    if need is not None:
        matches.sort(key=lambda m: (-m.score, m.pk))
    return matches[:k]


def _check_k(k: int) -> None:
    if not 1 <= k <= 100:
        raise InvalidInput(fields={"k": [_("Must be between {a} and {b}.").format(a=1, b=100)]})


def search(
    viewer: Viewer, *, kind: str, q: str, k: int = 20, base: QuerySet[Any] | None = None
) -> list[Match]:
    """Ranked search of one kind; ``base`` narrows to a filtered visible queryset (facets)."""
    _check_k(k)
    query = clean_query(q)
    if not query:
        return []
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
    )


def demands_for_achievement(viewer: Viewer, *, achievement_id: int, k: int = 10) -> list[Match]:
    """Demands that this achievement may answer; the demand's needs drive the fit."""
    _check_k(k)
    achievement = _source(viewer, ListingKind.ACHIEVEMENT, achievement_id)
    offer = facts_for(ListingKind.ACHIEVEMENT, achievement)
    pairs = _ranked(viewer, ListingKind.DEMAND, text_for(ListingKind.ACHIEVEMENT, achievement))
    scores = _text_scores(pairs)
    matches = []
    for (demand, result), text_score in zip(pairs, scores, strict=True):
        match = _build_match(ListingKind.DEMAND, demand, result, text_score, None)
        fit = structured_fit(facts_for(ListingKind.DEMAND, demand), offer)
        match.components.update(
            {k_: (None if v is None else round(v, 4)) for k_, v in fit.components.items()}
        )
        match.reasons += fit.reasons
        match.score = round(combine(text_score, fit), 4)
        matches.append(match)
    matches.sort(key=lambda m: (-m.score, m.pk))
    return matches[:k]


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
    )


@dataclass
class OrganisationMatch:
    organisation: Any
    score: float
    reasons: list[str]
    via: list[Match]


def organisations_for_demand(
    viewer: Viewer, *, demand_id: int, k: int = 10
) -> list[OrganisationMatch]:
    """Organisations whose achievements answer the demand, scored by their best match."""
    from jieli.organisations.selectors import visible_organisations

    matches = matches_for_demand(viewer, demand_id=demand_id, k=50)
    grouped: dict[int, list[Match]] = {}
    for match in matches:
        grouped.setdefault(match.obj.owner_id, []).append(match)
    visible = {o.pk: o for o in visible_organisations(viewer).filter(pk__in=grouped)}
    out = []
    for org_id, items in grouped.items():
        if org_id not in visible:
            continue
        best = max(m.score for m in items)
        reason = _("{n} matching achievements, best: {title}").format(
            n=len(items), title=items[0].obj.title
        )
        out.append(OrganisationMatch(visible[org_id], round(best, 4), [reason], items[:3]))
    out.sort(key=lambda o: (-o.score, o.organisation.pk))
    return out[:k]


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
    if not query:
        return []
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
