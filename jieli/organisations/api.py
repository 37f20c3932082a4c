from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from jieli.core.api import (
    ERRORS,
    OPTIONAL_AUTH,
    REQUIRED_AUTH,
    InputSchema,
    Page,
    PageNo,
    PageSize,
    paginate,
    viewer_of,
)
from jieli.organisations import selectors, services
from jieli.organisations.models import MembershipTier, Organisation, OrganisationType

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    name: str
    name_en: str
    org_type: str
    org_type_label: str
    credit_code: str
    region: str | None
    address: str
    website: str
    description: str
    membership_status: str
    tier: str
    member_since: date | None
    created_at: datetime

    @staticmethod
    def from_model(org: Organisation) -> OrganisationOut:
        return OrganisationOut(
            id=org.pk,
            name=org.name,
            name_en=org.name_en,
            org_type=org.org_type,
            org_type_label=str(org.get_org_type_display()),
            credit_code=org.credit_code,
            region=org.region_id,
            address=org.address,  # type: ignore[attr-defined]
            website=org.website,
            description=org.description,
            membership_status=org.membership_status,
            tier=org.tier,
            member_since=org.member_since,
            created_at=org.created_at,
        )


class OrganisationPage(Page):
    results: list[OrganisationOut]


# Enumerations take their JSON string values (strict mode alone wants enum instances).
OrgTypeIn = Annotated[OrganisationType, Field(strict=False)]
TierIn = Annotated[MembershipTier, Field(strict=False)]


class OrganisationIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    org_type: OrgTypeIn
    credit_code: str = Field("", max_length=18)
    region: str = Field("", max_length=12)
    address: str = Field("", max_length=300)
    website: str = Field("", max_length=300)
    description: str = Field("", max_length=5000)


class OrganisationPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    org_type: OrgTypeIn | None = None
    credit_code: str | None = Field(None, max_length=18)
    region: str | None = Field(None, max_length=12)
    address: str | None = Field(None, max_length=300)
    website: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=5000)
    tier: TierIn | None = None


class OrganisationDecisionIn(InputSchema):
    action: Literal["admit", "suspend", "remove"]
    reason: str = Field(min_length=1, max_length=2000)
    tier: TierIn | None = None


class OrganisationQuery(Schema):
    q: str = Field("", max_length=200)
    org_type: OrganisationType | None = None
    region: str = Field("", max_length=12)
    membership_status: str = Field("", max_length=12)
    tier: str = Field("", max_length=12)
    page: PageNo = 1
    page_size: PageSize = 20


@router.get("", response={200: OrganisationPage, **ERRORS}, auth=OPTIONAL_AUTH)
def list_organisations(request: HttpRequest, params: Query[OrganisationQuery]):
    filters = selectors.OrganisationFilters(
        q=params.q,
        org_type=params.org_type or "",
        region=params.region,
        membership_status=params.membership_status,
        tier=params.tier,
    )
    qs = selectors.organisation_list(viewer_of(request), filters)
    page, items = paginate(qs, page=params.page, page_size=params.page_size)
    return OrganisationPage(**page.dict(), results=[OrganisationOut.from_model(o) for o in items])


@router.get("/{org_id}", response={200: OrganisationOut, **ERRORS}, auth=OPTIONAL_AUTH)
def get_organisation(request: HttpRequest, org_id: int):
    return OrganisationOut.from_model(selectors.organisation_get(viewer_of(request), org_id))


@router.post("", response={201: OrganisationOut, **ERRORS}, auth=REQUIRED_AUTH)
def apply_organisation(request: HttpRequest, payload: OrganisationIn):
    """Apply for membership; the applicant becomes the organisation's administrator."""
    org = services.organisation_apply(viewer=viewer_of(request), data=payload.dict())
    return 201, OrganisationOut.from_model(org)


@router.patch("/{org_id}", response={200: OrganisationOut, **ERRORS}, auth=REQUIRED_AUTH)
def update_organisation(request: HttpRequest, org_id: int, payload: OrganisationPatch):
    data = payload.dict(exclude_unset=True)
    org = services.organisation_update(viewer=viewer_of(request), organisation_id=org_id, data=data)
    return OrganisationOut.from_model(org)


@router.post("/{org_id}/decision", response={200: OrganisationOut, **ERRORS}, auth=REQUIRED_AUTH)
def decide_organisation(request: HttpRequest, org_id: int, payload: OrganisationDecisionIn):
    """Secretariat: admit, suspend or remove an organisation, with a reason."""
    org = services.organisation_decide(
        viewer=viewer_of(request),
        organisation_id=org_id,
        action=payload.action,
        reason=payload.reason,
        tier=payload.tier or "",
    )
    return OrganisationOut.from_model(org)
