"""What the engine reads from each kind of listing: public text and structured facts.

Only text that anyone allowed to see the listing in a result list may read is indexed (title,
keywords, public summary …). Members-only detail and contact fields are never indexed, so
matched terms and snippets cannot leak them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Model, QuerySet

from jieli.core import registry
from jieli.matching.models import ListingKind
from jieli.matching.ranking import Facts


@dataclass(frozen=True)
class KindSpec:
    kind: str
    fields: tuple[str, ...]


def _join(parts: Iterable[Any]) -> str:
    return "\n".join(str(p) for p in parts if p)


def _keywords(value: Any) -> str:
    return " ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value or "")


def achievement_text(row: Any) -> str:
    # The title goes in twice: it is the densest statement of what a result is.
    return _join(
        [row.title, row.title, _keywords(row.keywords), row.summary, row.application_fields]
    )


def demand_text(row: Any) -> str:
    return _join(
        [row.title, row.title, _keywords(row.keywords), row.problem, row.target_indicators]
    )


def expert_text(row: Any) -> str:
    return _join([row.name, row.title, _keywords(row.keywords), _keywords(row.keywords), row.bio])


def text_for(kind: str, row: Any) -> str:
    return {
        ListingKind.ACHIEVEMENT: achievement_text,
        ListingKind.DEMAND: demand_text,
        ListingKind.EXPERT: expert_text,
    }[ListingKind(kind)](row)


def text_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def model_for(kind: str) -> type[Model]:
    return registry.get_kind(ListingKind(kind)).model


def indexable(kind: str) -> QuerySet[Any]:
    """Rows that belong in the index; visibility is applied per viewer at query time."""
    model = model_for(kind)
    if kind == ListingKind.EXPERT:
        return model._default_manager.filter(is_active=True)
    return model._default_manager.exclude(status="archived")


def facts_for(kind: str, obj: Any) -> Facts:
    from jieli.regions.selectors import industry_label, region_label

    industry = getattr(obj, "industry_id", "") or ""
    region = getattr(obj, "region_id", "") or ""
    common = Facts(
        industry=industry,
        industry_label=industry_label(industry) if industry else "",
        region=region,
        region_label=region_label(region) if region else "",
        confirmed_at=getattr(obj, "confirmed_at", None),
    )
    if kind == ListingKind.ACHIEVEMENT:
        return replace(
            common,
            trl=obj.trl,
            maturity=obj.maturity or "",
            transfer_modes=tuple(obj.transfer_modes or ()),
            price_wan=obj.price_wan,
            price_negotiable=obj.price_negotiable,
        )
    if kind == ListingKind.DEMAND:
        return replace(
            common,
            cooperation_modes=tuple(obj.cooperation_modes or ()),
            budget_min_wan=obj.budget_min_wan,
            budget_max_wan=obj.budget_max_wan,
            budget_negotiable=obj.budget_negotiable,
        )
    return common
