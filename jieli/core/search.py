"""One text search for every list: a ranking backend that a higher layer registers.

Lists of achievements, demands and experts (pages, API, exports) filter by ``q`` through
``rank_by_text``, so they rank exactly as the search page and the API search do. The engine
lives in the matching app, which sits above the listing apps: it registers itself here in its
``AppConfig.ready()``, and the listing apps only import this module, so the dependency points
down the layers.

The backend receives a queryset that is already narrowed to what the viewer may see (the
listing app's one visibility rule plus its filters) and returns the primary keys of the rows it
finds relevant, best first. Rows below the engine's relevance floor are not returned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from jieli.core.errors import InvalidInput

__all__ = [
    "NoMeaningfulTerms",
    "TextRanker",
    "rank_by_text",
    "ranked_ids",
    "register_text_ranker",
]

# (kind, visible queryset, query) -> primary keys of relevant rows, best first.
TextRanker = Callable[[str, QuerySet[Any], str], list[int]]

_ranker: TextRanker | None = None


class NoMeaningfulTerms(InvalidInput):
    """The query has nothing to search for: punctuation, symbols, only stop words …"""

    code = "no_meaningful_terms"
    default_message = _(
        "The search has no meaningful terms. Use words that name a technology, product, "
        "material or field."
    )

    def __init__(self, message: object = None, *, field: str = "q") -> None:
        text = message if message is not None else self.default_message
        super().__init__(text, fields={field: [str(text)]})


def register_text_ranker(ranker: TextRanker) -> None:
    global _ranker
    _ranker = ranker


def ranked_ids(kind: str, queryset: QuerySet[Any], q: str) -> list[int]:
    if _ranker is None:  # pragma: no cover - the matching app is always installed
        raise RuntimeError("No text ranking backend registered (is jieli.matching installed?)")
    return _ranker(kind, queryset, q)


def rank_by_text(kind: str, queryset: QuerySet[Any], q: str) -> QuerySet[Any]:
    """``queryset`` narrowed to the rows relevant to ``q``, most relevant first.

    Raises ``NoMeaningfulTerms`` (an InvalidInput: 400 in the API, a form error on pages)
    when ``q`` has nothing to search for.
    """
    ids = ranked_ids(kind, queryset, q)
    if not ids:
        return queryset.none()
    return queryset.filter(pk__in=ids).order_by(rank_position(ids), "pk")


def rank_position(ids: list[int]) -> Case:
    """An expression giving each row its place in ``ids`` (rows not in it come after)."""
    return Case(
        *[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)],
        default=Value(len(ids)),
        output_field=IntegerField(),
    )
