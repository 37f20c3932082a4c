from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from jieli.core.api import (
    ERRORS,
    OPTIONAL_AUTH,
    REQUIRED_AUTH,
    Id,
    InputSchema,
    Page,
    PageNo,
    PageSize,
    paginate,
    viewer_of,
)
from jieli.experts import selectors, services
from jieli.experts.models import Expert

router = Router(tags=["experts"])


class AffiliationOut(Schema):
    id: int
    organisation: int | None
    organisation_name: str
    relation: str
    start_date: date | None
    end_date: date | None


class ExpertOut(Schema):
    id: int
    name: str
    name_en: str
    title: str
    organisation: int | None
    organisation_name: str
    industries: list[str]
    disciplines: list[str]
    keywords: list[str]
    region: str | None
    bio: str
    willing_to_consult: bool
    willing_to_evaluate: bool
    is_public: bool
    is_active: bool
    created_at: datetime
    # Members only: null for viewers who may not see them.
    email: str | None
    phone: str | None
    # The expert themself and the secretariat only: null for everyone else.
    affiliations: list[AffiliationOut] | None

    @staticmethod
    def build(detail: selectors.ExpertDetail) -> ExpertOut:
        e = detail.expert
        return ExpertOut(
            id=e.pk,
            name=e.name,
            name_en=e.name_en,
            title=e.title,
            organisation=e.organisation_id,  # type: ignore[attr-defined]
            organisation_name=e.affiliation_display,
            industries=[i.code for i in detail.industries],
            disciplines=[d.code for d in detail.disciplines],
            keywords=list(e.keywords or []),
            region=e.region_id,  # type: ignore[attr-defined]
            bio=e.bio,
            willing_to_consult=e.willing_to_consult,
            willing_to_evaluate=e.willing_to_evaluate,
            is_public=e.is_public,
            is_active=e.is_active,
            created_at=e.created_at,
            email=detail.email,
            phone=detail.phone,
            affiliations=[
                AffiliationOut(
                    id=a.pk,
                    organisation=a.organisation_id,  # type: ignore[attr-defined]
                    organisation_name=a.organisation.display_name
                    if a.organisation
                    else a.organisation_name,
                    relation=a.relation,
                    start_date=a.start_date,
                    end_date=a.end_date,
                )
                for a in detail.affiliations
            ]
            if detail.sees_affiliations
            else None,
        )


class ExpertPage(Page):
    results: list[ExpertOut]


class ExpertIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    title: str = Field("", max_length=100)
    organisation: Id | None = None
    organisation_name: str = Field("", max_length=200)
    industries: list[str] = Field(default_factory=list, max_length=20)
    disciplines: list[str] = Field(default_factory=list, max_length=20)
    keywords: list[str] = Field(default_factory=list, max_length=50)
    region: str | None = Field(None, max_length=12)
    bio: str = Field("", max_length=5000)
    willing_to_consult: bool = False
    willing_to_evaluate: bool = False
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    is_public: bool = True
    user: Id | None = None


class ExpertPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=100)
    name_en: str | None = Field(None, max_length=100)
    title: str | None = Field(None, max_length=100)
    organisation: Id | None = None
    organisation_name: str | None = Field(None, max_length=200)
    industries: list[str] | None = Field(None, max_length=20)
    disciplines: list[str] | None = Field(None, max_length=20)
    keywords: list[str] | None = Field(None, max_length=50)
    region: str | None = Field(None, max_length=12)
    bio: str | None = Field(None, max_length=5000)
    willing_to_consult: bool | None = None
    willing_to_evaluate: bool | None = None
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    is_public: bool | None = None
    # Secretariat only.
    user: Id | None = None
    is_active: bool | None = None


class ExpertQuery(Schema):
    q: str = Field("", max_length=200)
    industry: str = Field("", max_length=16)
    discipline: str = Field("", max_length=16)
    region: str = Field("", max_length=12)
    willing_to_consult: bool | None = None
    willing_to_evaluate: bool | None = None
    page: PageNo = 1
    page_size: PageSize = 20


def _out(request: HttpRequest, expert: Expert) -> ExpertOut:
    viewer = viewer_of(request)
    return ExpertOut.build(selectors.expert_detail_for(viewer, expert))


@router.get("", response={200: ExpertPage, **ERRORS}, auth=OPTIONAL_AUTH)
def list_experts(request: HttpRequest, params: Query[ExpertQuery]):
    viewer = viewer_of(request)
    filters = selectors.ExpertFilters(
        q=params.q,
        industry=params.industry,
        discipline=params.discipline,
        region=params.region,
        willing_to_consult=params.willing_to_consult,
        willing_to_evaluate=params.willing_to_evaluate,
    )
    qs = selectors.expert_list(viewer, filters)
    page, items = paginate(qs, page=params.page, page_size=params.page_size)
    return ExpertPage(
        **page.dict(),
        results=[ExpertOut.build(selectors.expert_detail_for(viewer, e)) for e in items],
    )


@router.get("/{expert_id}", response={200: ExpertOut, **ERRORS}, auth=OPTIONAL_AUTH)
def get_expert(request: HttpRequest, expert_id: int):
    return _out(request, selectors.expert_get(viewer_of(request), expert_id))


@router.post("", response={201: ExpertOut, **ERRORS}, auth=REQUIRED_AUTH)
def create_expert(request: HttpRequest, payload: ExpertIn):
    """Secretariat: register an expert, optionally linked to a user account."""
    expert = services.expert_create(viewer=viewer_of(request), data=payload.dict())
    return 201, _out(request, expert)


@router.patch("/{expert_id}", response={200: ExpertOut, **ERRORS}, auth=REQUIRED_AUTH)
def update_expert(request: HttpRequest, expert_id: int, payload: ExpertPatch):
    """The expert themself or the secretariat."""
    expert = services.expert_update(
        viewer=viewer_of(request), pk=expert_id, data=payload.dict(exclude_unset=True)
    )
    return _out(request, expert)
