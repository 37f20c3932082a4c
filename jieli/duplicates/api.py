"""/api/v1/duplicates: check a would-be record, list cases, decide a case."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from jieli.core.api import (
    ERRORS,
    REQUIRED_AUTH,
    Id,
    InputSchema,
    Page,
    PageNo,
    PageSize,
    paginate,
    viewer_of,
)
from jieli.core.errors import PermissionDenied
from jieli.duplicates import selectors, services
from jieli.duplicates.detect import Suspect
from jieli.duplicates.models import DuplicateCase

router = Router(tags=["duplicates"])


class CheckIn(InputSchema):
    kind: str = Field(max_length=20)
    data: dict[str, Any]
    exclude_id: Id | None = None


class SuspectOut(Schema):
    kind: str
    target_id: int | None
    score: float
    certainty: str
    reasons: list[str]

    @staticmethod
    def of(s: Suspect) -> SuspectOut:
        return SuspectOut(
            kind=s.kind,
            target_id=s.target_id,
            score=round(s.score, 3),
            certainty=s.certainty,
            reasons=s.reasons,
        )


class CheckOut(Schema):
    suspects: list[SuspectOut]


class CaseOut(Schema):
    id: int
    kind: str
    record_a_id: int
    record_b_id: int
    score: float
    certainty: str
    reasons: list[str]
    status: str
    kept_id: int | None
    decided_by: str | None
    decided_at: datetime | None
    note: str
    created_at: datetime

    @staticmethod
    def of(case: DuplicateCase) -> CaseOut:
        return CaseOut(
            id=case.pk,
            kind=case.kind,
            record_a_id=case.record_a_id,
            record_b_id=case.record_b_id,
            score=round(case.score, 3),
            certainty=case.certainty,
            reasons=selectors.case_reasons(case),
            status=case.status,
            kept_id=case.kept_id,
            decided_by=case.decided_by.get_username() if case.decided_by else None,
            decided_at=case.decided_at,
            note=case.note,
            created_at=case.created_at,
        )


class CasePage(Page):
    results: list[CaseOut]


class CaseQuery(Schema):
    status: str = Field("pending", max_length=12)
    kind: str = Field("", max_length=20)
    page: PageNo = 1
    page_size: PageSize = 20


class CaseDecisionIn(InputSchema):
    decision: Literal["merge", "link", "keep"]
    keep_id: Id | None = None
    note: str = Field("", max_length=2000)


@router.post("/check", response={200: CheckOut, **ERRORS}, auth=REQUIRED_AUTH)
def check(request: HttpRequest, payload: CheckIn):
    """Suspected duplicates of a would-be record (what is hidden from you is only hinted at)."""
    suspects = selectors.duplicate_suspects_for(
        kind=payload.kind,
        data=payload.data,
        exclude_id=payload.exclude_id,
        viewer=viewer_of(request),
    )
    return CheckOut(suspects=[SuspectOut.of(s) for s in suspects])


@router.get("/cases", response={200: CasePage, **ERRORS}, auth=REQUIRED_AUTH)
def list_cases(request: HttpRequest, params: Query[CaseQuery]):
    viewer = viewer_of(request)
    if not selectors.may_use_duplicate_queue(viewer):
        raise PermissionDenied()
    qs = selectors.duplicate_case_list(viewer, status=params.status, kind=params.kind)
    page, items = paginate(qs, page=params.page, page_size=params.page_size)
    return CasePage(**page.dict(), results=[CaseOut.of(c) for c in items])


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS}, auth=REQUIRED_AUTH)
def get_case(request: HttpRequest, case_id: int):
    return CaseOut.of(selectors.duplicate_case_get(viewer_of(request), case_id))


@router.post("/cases/{case_id}/decision", response={200: CaseOut, **ERRORS}, auth=REQUIRED_AUTH)
def decide_case(request: HttpRequest, case_id: int, payload: CaseDecisionIn):
    case = services.duplicate_decide(
        viewer=viewer_of(request),
        case_id=case_id,
        decision=payload.decision,
        keep_id=payload.keep_id,
        note=payload.note,
    )
    return CaseOut.of(case)
