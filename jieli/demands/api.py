from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from jieli.core.api import (
    ERRORS,
    OPTIONAL_AUTH,
    REQUIRED_AUTH,
    ApiDate,
    Id,
    InputSchema,
    Money,
    Page,
    PageNo,
    PageSize,
    QueryMoney,
    paginate,
    viewer_of,
)
from jieli.core.listing import Visibility
from jieli.demands import selectors, services
from jieli.demands.models import CooperationMode, Demand

router = Router(tags=["demands"])


class DemandOut(Schema):
    id: int
    title: str
    problem: str
    target_indicators: str
    existing_base: str
    owner: Id
    owner_name: str
    industry: str | None
    region: str | None
    cooperation_modes: list[str]
    budget_min_wan: Decimal | None
    budget_max_wan: Decimal | None
    budget_negotiable: bool
    deadline: date | None
    is_expired: bool
    keywords: list[str]
    status: str
    visibility: str
    return_reason: str
    published_at: datetime | None
    confirmed_at: datetime | None
    is_stale: bool
    created_at: datetime
    updated_at: datetime
    # Members only: null for viewers who may not see them.
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    actions: list[str]

    @staticmethod
    def build(detail: selectors.DemandDetail) -> DemandOut:
        d = detail.demand
        return DemandOut(
            id=d.pk,
            title=d.title,
            problem=d.problem,
            target_indicators=d.target_indicators,
            existing_base=d.existing_base,
            owner=d.owner_id,  # type: ignore[attr-defined]
            owner_name=d.owner.name,
            industry=d.industry_id,  # type: ignore[attr-defined]
            region=d.region_id,  # type: ignore[attr-defined]
            cooperation_modes=list(d.cooperation_modes or []),
            budget_min_wan=d.budget_min_wan,
            budget_max_wan=d.budget_max_wan,
            budget_negotiable=d.budget_negotiable,
            deadline=d.deadline,
            is_expired=d.is_expired,
            keywords=list(d.keywords or []),
            status=d.status,
            visibility=d.visibility,
            return_reason=d.return_reason if detail.owner_side else "",
            published_at=d.published_at,
            confirmed_at=d.confirmed_at,
            is_stale=d.is_stale,
            created_at=d.created_at,
            updated_at=d.updated_at,
            contact_name=detail.contact_name,
            contact_phone=detail.contact_phone,
            contact_email=detail.contact_email,
            actions=list(detail.actions),
        )


class DemandPage(Page):
    results: list[DemandOut]


# Enumerations take their JSON string values (strict mode alone wants enum instances).
ModeIn = Annotated[CooperationMode, Field(strict=False)]
VisibilityIn = Annotated[Visibility, Field(strict=False)]


class DemandIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    problem: str = Field(min_length=1, max_length=5000)
    target_indicators: str = Field("", max_length=3000)
    existing_base: str = Field("", max_length=3000)
    owner: Id
    industry: str | None = Field(None, max_length=16)
    region: str | None = Field(None, max_length=12)
    cooperation_modes: list[ModeIn] = Field(default_factory=list, max_length=20)
    budget_min_wan: Money | None = None
    budget_max_wan: Money | None = None
    budget_negotiable: bool = False
    deadline: ApiDate | None = None
    keywords: list[str] = Field(default_factory=list, max_length=50)
    contact_name: str = Field("", max_length=100)
    contact_phone: str = Field("", max_length=40)
    contact_email: str = Field("", max_length=254)
    visibility: VisibilityIn = Visibility.PUBLIC


class DemandPatch(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    problem: str | None = Field(None, min_length=1, max_length=5000)
    target_indicators: str | None = Field(None, max_length=3000)
    existing_base: str | None = Field(None, max_length=3000)
    industry: str | None = Field(None, max_length=16)
    region: str | None = Field(None, max_length=12)
    cooperation_modes: list[ModeIn] | None = Field(None, max_length=20)
    budget_min_wan: Money | None = None
    budget_max_wan: Money | None = None
    budget_negotiable: bool | None = None
    deadline: ApiDate | None = None
    keywords: list[str] | None = Field(None, max_length=50)
    contact_name: str | None = Field(None, max_length=100)
    contact_phone: str | None = Field(None, max_length=40)
    contact_email: str | None = Field(None, max_length=254)
    visibility: VisibilityIn | None = None


class DemandActionIn(InputSchema):
    reason: str = Field("", max_length=2000)


class DemandQuery(Schema):
    q: str = Field("", max_length=200)
    industry: str = Field("", max_length=16)
    region: str = Field("", max_length=12)
    cooperation_mode: str = Field("", max_length=30)
    budget_min: QueryMoney | None = None
    budget_max: QueryMoney | None = None
    negotiable: bool | None = None
    deadline_after: ApiDate | None = None
    open_only: bool = False
    published_since: ApiDate | None = None
    owner: Id | None = None
    status: str = Field("", max_length=12)
    page: PageNo = 1
    page_size: PageSize = 20


class HistoryOut(Schema):
    at: datetime
    actor: str | None
    action: str
    changes: dict
    reason: str


def _out(request: HttpRequest, demand: Demand) -> DemandOut:
    return DemandOut.build(selectors.demand_detail_for(viewer_of(request), demand))


@router.get("", response={200: DemandPage, **ERRORS}, auth=OPTIONAL_AUTH)
def list_demands(request: HttpRequest, params: Query[DemandQuery]):
    viewer = viewer_of(request)
    filters = selectors.DemandFilters(
        q=params.q,
        industry=params.industry,
        region=params.region,
        cooperation_mode=params.cooperation_mode,
        budget_min=params.budget_min,
        budget_max=params.budget_max,
        negotiable=params.negotiable,
        deadline_after=params.deadline_after,
        open_only=params.open_only,
        published_since=params.published_since,
        owner=params.owner,
        status=params.status,
    )
    qs = selectors.demand_list(viewer, filters)
    page, items = paginate(qs, page=params.page, page_size=params.page_size)
    return DemandPage(
        **page.dict(),
        results=[DemandOut.build(selectors.demand_detail_for(viewer, d)) for d in items],
    )


@router.get("/{demand_id}", response={200: DemandOut, **ERRORS}, auth=OPTIONAL_AUTH)
def get_demand(request: HttpRequest, demand_id: int):
    return _out(request, selectors.demand_get(viewer_of(request), demand_id))


@router.post("", response={201: DemandOut, **ERRORS}, auth=REQUIRED_AUTH)
def create_demand(request: HttpRequest, payload: DemandIn):
    """Draft a demand for one of your organisations; submit it for review with an action."""
    demand = services.demand_create(viewer=viewer_of(request), data=payload.dict())
    return 201, _out(request, selectors.demand_get(viewer_of(request), demand.pk))


@router.patch("/{demand_id}", response={200: DemandOut, **ERRORS}, auth=REQUIRED_AUTH)
def update_demand(request: HttpRequest, demand_id: int, payload: DemandPatch):
    data = payload.dict(exclude_unset=True)
    demand = services.demand_update(viewer=viewer_of(request), pk=demand_id, data=data)
    return _out(request, selectors.demand_get(viewer_of(request), demand.pk))


@router.post(
    "/{demand_id}/actions/{action}", response={200: DemandOut, **ERRORS}, auth=REQUIRED_AUTH
)
def act_on_demand(
    request: HttpRequest,
    demand_id: int,
    action: Literal["submit", "publish", "return", "reconfirm", "archive"],
    payload: DemandActionIn | None = None,
):
    """submit, reconfirm, archive (owner); publish, return with a reason (secretariat)."""
    demand = services.demand_transition(
        viewer=viewer_of(request),
        pk=demand_id,
        action=action,
        reason=payload.reason if payload else "",
    )
    return _out(request, selectors.demand_get(viewer_of(request), demand.pk))


@router.get("/{demand_id}/history", response={200: list[HistoryOut], **ERRORS}, auth=OPTIONAL_AUTH)
def demand_history(request: HttpRequest, demand_id: int):
    viewer = viewer_of(request)
    demand = selectors.demand_get(viewer, demand_id)
    return [
        HistoryOut(
            at=r.created_at,
            actor=r.actor.get_username() if r.actor else None,
            action=r.action,
            changes=r.changes,
            reason=r.reason,
        )
        for r in selectors.demand_history(viewer, demand)[:200]
    ]
