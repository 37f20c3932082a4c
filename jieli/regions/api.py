"""Public, read-only JSON API for the reference code lists (mounted at /api/v1/regions)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from jieli.core.api import (
    OPTIONAL_AUTH,
    Page,
    PageNo,
    PageSize,
    error_responses,
    paginate,
)
from jieli.regions import selectors
from jieli.regions.selectors import MAX_RESOLVE_LENGTH, Kind, ResolveResult

router = Router(tags=["regions"])
ERRORS = error_responses(400, 404, 422)


class CodeOut(Schema):
    code: str
    name: str
    name_en: str
    display_name: str
    label: str
    level: int
    parent: str | None
    edition: str
    retired_in: str
    successor: str | None
    section: str | None = None

    @staticmethod
    def from_model(kind: Kind, obj: Any) -> CodeOut:
        return CodeOut(
            code=obj.code,
            name=obj.name,
            name_en=obj.name_en,
            display_name=obj.display_name,
            label=selectors.code_label(kind, obj.code),
            level=obj.level,
            parent=obj.parent_id,
            edition=obj.edition,
            retired_in=obj.retired_in,
            successor=obj.successor_id,
            section=getattr(obj, "section", None),
        )


class CodePage(Page):
    results: list[CodeOut]


class CodeQuery(Schema):
    parent: str = Field("", max_length=16)
    q: str = Field("", max_length=100)
    include_retired: bool = False
    page: PageNo = 1
    page_size: PageSize = 50


class CandidateOut(Schema):
    code: str
    name: str
    label: str
    level: int


class ResolveOut(Schema):
    kind: str
    text: str
    found: bool
    exact: bool
    code: str | None
    name: str
    label: str
    level: int | None
    ambiguous: bool
    candidates: list[CandidateOut]
    unmatched: str

    @staticmethod
    def from_result(kind: str, text: str, result: ResolveResult | None) -> ResolveOut:
        if result is None:
            return ResolveOut(
                kind=kind,
                text=text,
                found=False,
                exact=False,
                code=None,
                name="",
                label="",
                level=None,
                ambiguous=False,
                candidates=[],
                unmatched=text,
            )
        return ResolveOut(
            kind=kind,
            text=text,
            found=result.code is not None or bool(result.candidates),
            exact=result.exact,
            code=result.code,
            name=result.name,
            label=result.label,
            level=result.level,
            ambiguous=result.ambiguous,
            candidates=[CandidateOut(**c.__dict__) for c in result.candidates],
            unmatched=result.unmatched,
        )


class ResolveQuery(Schema):
    kind: str = Field("region", max_length=20)
    text: str = Field(min_length=1, max_length=MAX_RESOLVE_LENGTH)


def _list(kind: Kind, params: CodeQuery) -> CodePage:
    qs = selectors.code_list_search(
        kind, parent=params.parent, q=params.q, include_retired=params.include_retired
    )
    page, items = paginate(qs, page=params.page, page_size=params.page_size)
    return CodePage(**page.dict(), results=[CodeOut.from_model(kind, o) for o in items])


@router.get("/regions", response={200: CodePage, **ERRORS}, auth=OPTIONAL_AUTH)
def list_regions(request: HttpRequest, params: Query[CodeQuery]):
    """Provinces, or the children of ``parent``; ``q`` searches codes and names under it."""
    return _list("region", params)


@router.get("/industries", response={200: CodePage, **ERRORS}, auth=OPTIONAL_AUTH)
def list_industries(request: HttpRequest, params: Query[CodeQuery]):
    """GB/T 4754-2017 sections, or the children of ``parent`` (a section letter or a code)."""
    return _list("industry", params)


@router.get("/disciplines", response={200: CodePage, **ERRORS}, auth=OPTIONAL_AUTH)
def list_disciplines(request: HttpRequest, params: Query[CodeQuery]):
    """NSFC discipline codes, or the children of ``parent``."""
    return _list("discipline", params)


@router.get("/resolve", response={200: ResolveOut, **ERRORS}, auth=OPTIONAL_AUTH)
def resolve(request: HttpRequest, params: Query[ResolveQuery]):
    """Turn free text (山东威海文登区, 电气机械, C38, 数论) into a code; ``found`` is false when
    nothing matched and ``ambiguous`` lists ``candidates``."""
    result = selectors.code_resolve(params.kind, params.text)
    return ResolveOut.from_result(params.kind, params.text, result)
