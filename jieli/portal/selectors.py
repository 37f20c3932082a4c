"""Reads for the site search page: every kind ranked by the one search, narrowed by the
facets, with counts per kind and the facets of the kind on show.

Each kind's ranking comes from ``matching.selectors.search`` over that kind's visible
queryset (the owning app's one visibility rule), so the page, the lists' ``q`` and the API
rank alike and never show what the viewer may not see.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from jieli.core.errors import ServiceError
from jieli.core.security import cached_for_viewer
from jieli.core.viewer import Viewer
from jieli.matching import selectors as matching
from jieli.regions.selectors import industry_label, region_label

SEARCH_KINDS = ("achievement", "demand", "expert")
# Results ranked per kind. The search page pages through them; a kind with this many shows
# its count as "at least", since the ranking stops there.
SEARCH_DEPTH = 100
FACETS_SHOWN = 8


@dataclass(frozen=True)
class KindTab:
    kind: str
    count: int

    @property
    def at_depth(self) -> bool:
        return self.count >= SEARCH_DEPTH


@dataclass
class SiteSearch:
    """``kind`` is the kind on show: the one asked for, else the first with results."""

    kind: str
    tabs: list[KindTab]
    matches: list[Any]  # matching.selectors.Match of ``kind``, best first
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    industry: str = ""
    region: str = ""
    dropped_filter: str = ""  # why a facet code from the URL was ignored


def site_search(
    viewer: Viewer, *, q: str, kind: str = "", industry: str = "", region: str = ""
) -> SiteSearch:
    """Raises NoMeaningfulTerms when ``q`` has nothing to search for."""
    matching.require_terms(q)
    dropped = ""
    try:
        bases = {
            k: matching.narrow_by_codes(_base(viewer, k), k, industry=industry, region=region)
            for k in SEARCH_KINDS
        }
    except ServiceError as exc:
        # A hand-edited URL with an unknown code: search without the facets, and say so.
        dropped, industry, region = str(exc.message), "", ""
        bases = {k: _base(viewer, k) for k in SEARCH_KINDS}
    found = {k: _ranked(viewer, k, bases[k], q=q, industry=industry, region=region) for k in bases}
    if kind not in SEARCH_KINDS:
        kind = next((k for k in SEARCH_KINDS if found[k]), SEARCH_KINDS[0])
    return SiteSearch(
        kind=kind,
        tabs=[KindTab(k, len(found[k])) for k in SEARCH_KINDS],
        matches=found[kind],
        facets=_facets(found[kind]) if kind != "expert" else {},
        industry=industry,
        region=region,
        dropped_filter=dropped,
    )


def _base(viewer: Viewer, kind: str) -> QuerySet[Any]:
    qs = matching.visible_queryset(viewer, kind)
    # Cards show the owner; facets count by industry section.
    return qs if kind == "expert" else qs.select_related("owner", "industry")


def _ranked(
    viewer: Viewer, kind: str, base: QuerySet[Any], *, q: str, industry: str, region: str
) -> list[Any]:
    def run() -> list[Any]:
        return matching.search(viewer, kind=kind, q=q, k=SEARCH_DEPTH, base=base)

    found = cached_for_viewer(viewer, ("page.search", kind, q, industry, region), run)
    return matching.still_visible(found, base)


def _facets(matches: list[Any]) -> dict[str, list[tuple[str, str, int]]]:
    """Counts by industry section and province over the visible results only."""
    sections: Counter[str] = Counter()
    provinces: Counter[str] = Counter()
    for match in matches:
        obj = match.obj
        if getattr(obj, "industry_id", None):
            sections[obj.industry.section] += 1
        if getattr(obj, "region_id", None):
            provinces[obj.region_id[:2]] += 1
    return {
        "industry": [(c, industry_label(c), n) for c, n in sections.most_common(FACETS_SHOWN)],
        "region": [(c, region_label(c), n) for c, n in provinces.most_common(FACETS_SHOWN)],
    }
