"""Reads of the reference code lists: look-ups by code, children, paths, labels, search.

The other purposes live in their own modules and are re-exported here, so other apps keep one
read interface: ``tables`` (normal forms, per-process lookup tables and their invalidation),
``queries`` (hierarchy filters), ``resolution`` (free text → code), ``validation`` (codes in
other apps' records).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jieli.core.errors import NotFound
from jieli.regions.models import Discipline, Industry, Region
from jieli.regions.queries import (
    _descendant_q,
    discipline_descendant_q,
    industry_descendant_q,
    region_descendant_q,
)
from jieli.regions.resolution import (
    code_resolve,
    discipline_resolve,
    industry_resolve,
    region_resolve,
)
from jieli.regions.tables import (
    _MODELS,
    _NORMALISERS,
    KINDS,
    MAX_CANDIDATES,
    MAX_RESOLVE_LENGTH,
    REGION_PLACEHOLDER_NAMES,
    Candidate,
    Kind,
    ResolveResult,
    _table,
    invalidate_lookup_tables,
    normalise_discipline_code,
    normalise_industry_code,
    normalise_region_code,
)
from jieli.regions.validation import (
    validate_discipline_code,
    validate_industry_code,
    validate_region_code,
)

# The app's one read interface; the other modules' public names are re-exported.
__all__ = [
    "KINDS",
    "MAX_CANDIDATES",
    "MAX_RESOLVE_LENGTH",
    "REGION_PLACEHOLDER_NAMES",
    "Candidate",
    "Kind",
    "ResolveResult",
    "code_label",
    "code_list_search",
    "code_model",
    "code_resolve",
    "discipline_children",
    "discipline_descendant_q",
    "discipline_get",
    "discipline_label",
    "discipline_path",
    "discipline_resolve",
    "industry_children",
    "industry_descendant_q",
    "industry_get",
    "industry_label",
    "industry_path",
    "industry_resolve",
    "invalidate_lookup_tables",
    "normalise_discipline_code",
    "normalise_industry_code",
    "normalise_region_code",
    "region_children",
    "region_descendant_q",
    "region_get",
    "region_label",
    "region_path",
    "region_resolve",
    "validate_discipline_code",
    "validate_industry_code",
    "validate_region_code",
]


def _get(kind: str, code: str) -> Any:
    model = _MODELS[kind]
    obj = model.objects.filter(pk=_NORMALISERS[kind](code)).first()
    if obj is None:
        raise NotFound(_("Unknown code: {code}.").format(code=code))
    return obj


def region_get(code: str) -> Region:
    result: Region = _get("region", code)
    return result


def industry_get(code: str) -> Industry:
    result: Industry = _get("industry", code)
    return result


def discipline_get(code: str) -> Discipline:
    result: Discipline = _get("discipline", code)
    return result


def _children(kind: str, parent_code: str | None, include_retired: bool) -> QuerySet[Any]:
    model = _MODELS[kind]
    qs: QuerySet[Any] = model.objects.all()
    if parent_code:
        code = _NORMALISERS[kind](parent_code)
        if code not in _table(kind).entries:
            raise NotFound(_("Unknown code: {code}.").format(code=parent_code))
        qs = qs.filter(parent_id=code)
    else:
        qs = qs.filter(parent__isnull=True)
    if not include_retired:
        qs = qs.filter(retired_in="")
    return qs.order_by("code")


def region_children(parent_code: str | None, *, include_retired: bool = False) -> QuerySet[Region]:
    """Provinces when ``parent_code`` is empty, else the direct children of that region."""
    return _children("region", parent_code, include_retired)


def industry_children(
    parent_code: str | None, *, include_retired: bool = False
) -> QuerySet[Industry]:
    return _children("industry", parent_code, include_retired)


def discipline_children(
    parent_code: str | None, *, include_retired: bool = False
) -> QuerySet[Discipline]:
    return _children("discipline", parent_code, include_retired)


def _path(kind: str, code: str) -> list[Any]:
    table = _table(kind)
    normalised = _NORMALISERS[kind](code)
    if normalised not in table.entries:
        raise NotFound(_("Unknown code: {code}.").format(code=code))
    codes = [e.code for e in table.path(normalised)]
    objs = _MODELS[kind].objects.in_bulk(codes)
    return [objs[c] for c in codes if c in objs]


def region_path(code: str) -> list[Region]:
    """Province, prefecture, county down to ``code``, skipping the 市辖区/县 placeholders."""
    return _path("region", code)


def industry_path(code: str) -> list[Industry]:
    return _path("industry", code)


def discipline_path(code: str) -> list[Discipline]:
    return _path("discipline", code)


def code_label(kind: Kind, code: str | None) -> str:
    """Display path such as "北京市 东城区" or "制造业 电气机械和器材制造业"; "" if unknown."""
    if not code:
        return ""
    table = _table(kind)
    normalised = _NORMALISERS[kind](code)
    return table.label(normalised) if normalised in table.entries else ""


def region_label(code: str | None) -> str:
    return code_label("region", code)


def industry_label(code: str | None) -> str:
    return code_label("industry", code)


def discipline_label(code: str | None) -> str:
    return code_label("discipline", code)


def code_list_search(
    kind: Kind, *, parent: str = "", q: str = "", include_retired: bool = False
) -> QuerySet[Any]:
    """Direct children of ``parent`` (top level when empty); with ``q``, any code under
    ``parent`` whose code starts with ``q`` or whose name contains it."""
    model = _MODELS[kind]
    q = q.strip()
    if not q:
        return _children(kind, parent or None, include_retired)
    qs: QuerySet[Any] = model.objects.all()
    if parent:
        if _NORMALISERS[kind](parent) not in _table(kind).entries:
            raise NotFound(_("Unknown code: {code}.").format(code=parent))
        qs = qs.filter(_descendant_q(kind, "code", parent))
    code = _NORMALISERS[kind](q)
    qs = qs.filter(Q(code__startswith=code) | Q(name__icontains=q) | Q(name_en__icontains=q))
    if not include_retired:
        qs = qs.filter(retired_in="")
    return qs.order_by("level", "code")


def code_model(kind: Kind) -> Any:
    """The model class of a code list (typed loosely: the three share their fields)."""
    return _MODELS[kind]
