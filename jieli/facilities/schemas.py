"""The facilities API's request and response shapes (``api.py`` holds the operations)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from jieli.core.api import ApiDate, Id, InputSchema, Money, Page, PageNo, PageSize
from jieli.facilities import selectors
from jieli.facilities.models import Booking, Cluster, PilotPlatform, Zone

# --- output -----------------------------------------------------------------------------------


class OfferingOut(Schema):
    name: str
    name_en: str
    price_wan: Decimal | None
    price_basis: str
    price_basis_en: str


class WindowOut(Schema):
    start_date: date
    end_date: date
    note: str


class PlatformOut(Schema):
    id: int
    name: str
    name_en: str
    status: str
    operator: int
    operator_name: str
    region: str
    industries: list[str]
    description: str
    capabilities: str
    equipment: str
    qualifications: str
    capacity_unit: str
    capacity_unit_en: str
    capacity_per_day: int
    contact_name: str
    contact_phone: str
    contact_email: str
    offerings: list[OfferingOut]
    windows: list[WindowOut]
    url: str

    @staticmethod
    def build(p: PilotPlatform) -> PlatformOut:
        from django.urls import reverse

        return PlatformOut(
            id=p.pk,
            name=p.name,
            name_en=p.name_en,
            status=p.status,
            operator=p.operator_id,  # type: ignore[attr-defined]
            operator_name=p.operator.name,
            region=p.region_id,  # type: ignore[attr-defined]
            industries=[i.code for i in p.industries.all()],
            description=p.description,
            capabilities=p.capabilities,
            equipment=p.equipment,
            qualifications=p.qualifications,
            capacity_unit=p.capacity_unit,
            capacity_unit_en=p.capacity_unit_en,
            capacity_per_day=p.capacity_per_day,
            contact_name=p.contact_name,
            contact_phone=p.contact_phone,
            contact_email=p.contact_email,
            offerings=[
                OfferingOut(
                    name=s.name,
                    name_en=s.name_en,
                    price_wan=s.price_wan,
                    price_basis=s.price_basis,
                    price_basis_en=s.price_basis_en,
                )
                for s in p.services.all()  # type: ignore[attr-defined]
            ],
            windows=[
                WindowOut(start_date=w.start_date, end_date=w.end_date, note=w.note)
                for w in p.windows.all()  # type: ignore[attr-defined]
            ],
            url=reverse("facilities:platform", args=[p.pk]),
        )


class PlatformPage(Page):
    results: list[PlatformOut]


class ZoneOut(Schema):
    id: int
    name: str
    name_en: str
    status: str
    region: str
    industries: list[str]
    description: str
    agreement_date: date | None
    parties: list[int]
    party_names: list[str]
    policies: str
    incentives: str
    space_m2: int | None
    contact_name: str
    contact_phone: str
    contact_email: str
    url: str

    @staticmethod
    def build(z: Zone) -> ZoneOut:
        from django.urls import reverse

        return ZoneOut(
            id=z.pk,
            name=z.name,
            name_en=z.name_en,
            status=z.status,
            region=z.region_id,  # type: ignore[attr-defined]
            industries=[i.code for i in z.industries.all()],
            description=z.description,
            agreement_date=z.agreement_date,
            parties=[o.pk for o in z.parties.all()],
            party_names=list(z.party_names or []),
            policies=z.policies,
            incentives=z.incentives,
            space_m2=z.space_m2,
            contact_name=z.contact_name,
            contact_phone=z.contact_phone,
            contact_email=z.contact_email,
            url=reverse("facilities:zone", args=[z.pk]),
        )


class ZonePage(Page):
    results: list[ZoneOut]


class ClusterOut(Schema):
    id: int
    name: str
    name_en: str
    status: str
    region: str
    industries: list[str]
    description: str
    leading_enterprises: list[int]
    leading_enterprise_names: list[str]
    output_value_wan: Decimal | None
    enterprise_count: int | None
    employee_count: int | None
    url: str

    @staticmethod
    def build(c: Cluster) -> ClusterOut:
        from django.urls import reverse

        return ClusterOut(
            id=c.pk,
            name=c.name,
            name_en=c.name_en,
            status=c.status,
            region=c.region_id,  # type: ignore[attr-defined]
            industries=[i.code for i in c.industries.all()],
            description=c.description,
            leading_enterprises=[o.pk for o in c.leading_enterprises.all()],
            leading_enterprise_names=list(c.leading_enterprise_names or []),
            output_value_wan=c.output_value_wan,
            enterprise_count=c.enterprise_count,
            employee_count=c.employee_count,
            url=reverse("facilities:cluster", args=[c.pk]),
        )


class ClusterPage(Page):
    results: list[ClusterOut]


class BookingOut(Schema):
    id: int
    platform: int
    platform_name: str
    requester: str
    requester_organisation: int
    units: int
    start_date: date
    end_date: date
    purpose: str
    status: str
    proposed_start: date | None
    proposed_end: date | None
    proposal_note: str
    decline_reason: str
    created_at: datetime
    sides: list[str]
    moves: list[str]

    @staticmethod
    def build(viewer: Any, b: Booking) -> BookingOut:
        sides, moves = selectors.booking_actions(viewer, b)
        return BookingOut(
            id=b.pk,
            platform=b.platform_id,  # type: ignore[attr-defined]
            platform_name=b.platform.name,
            requester=b.requester.get_username(),
            requester_organisation=b.requester_organisation_id,  # type: ignore[attr-defined]
            units=b.units,
            start_date=b.start_date,
            end_date=b.end_date,
            purpose=b.purpose,
            status=b.status,
            proposed_start=b.proposed_start,
            proposed_end=b.proposed_end,
            proposal_note=b.proposal_note,
            decline_reason=b.decline_reason,
            created_at=b.created_at,
            sides=sorted(sides),
            moves=moves,
        )


class BookingPage(Page):
    results: list[BookingOut]


class FreeDayOut(Schema):
    day: date
    available: bool
    free_units: int


# --- input ------------------------------------------------------------------------------------


class OfferingIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    price_wan: Money | None = None
    price_basis: str = Field("", max_length=60)
    price_basis_en: str = Field("", max_length=60)


class WindowIn(InputSchema):
    start_date: ApiDate
    end_date: ApiDate
    note: str = Field("", max_length=200)


class PlatformPatch(InputSchema):
    name: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    operator: Id | None = None
    region: str | None = Field(None, max_length=12)
    industries: list[str] | None = Field(None, max_length=20)
    description: str | None = Field(None, max_length=5000)
    capabilities: str | None = Field(None, max_length=5000)
    equipment: str | None = Field(None, max_length=5000)
    qualifications: str | None = Field(None, max_length=3000)
    capacity_unit: str | None = Field(None, max_length=60)
    capacity_unit_en: str | None = Field(None, max_length=60)
    capacity_per_day: int | None = Field(None, ge=1, le=1_000_000)
    contact_name: str | None = Field(None, max_length=100)
    contact_phone: str | None = Field(None, max_length=40)
    contact_email: str | None = Field(None, max_length=254)
    offerings: list[OfferingIn] | None = Field(None, max_length=30)
    windows: list[WindowIn] | None = Field(None, max_length=100)


class PlatformIn(PlatformPatch):
    name: str = Field(min_length=1, max_length=200)  # type: ignore[assignment]
    operator: Id  # type: ignore[assignment]
    region: str = Field(min_length=1, max_length=12)  # type: ignore[assignment]
    capabilities: str = Field(min_length=1, max_length=5000)  # type: ignore[assignment]
    capacity_unit: str = Field(min_length=1, max_length=60)  # type: ignore[assignment]
    capacity_per_day: int = Field(ge=1, le=1_000_000)  # type: ignore[assignment]


class ZonePatch(InputSchema):
    name: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    region: str | None = Field(None, max_length=12)
    industries: list[str] | None = Field(None, max_length=20)
    description: str | None = Field(None, max_length=5000)
    agreement_date: ApiDate | None = None
    parties: list[Id] | None = Field(None, max_length=30)
    party_names: list[str] | None = Field(None, max_length=30)
    policies: str | None = Field(None, max_length=5000)
    incentives: str | None = Field(None, max_length=5000)
    space_m2: int | None = Field(None, ge=0, le=2_000_000_000)
    contact_name: str | None = Field(None, max_length=100)
    contact_phone: str | None = Field(None, max_length=40)
    contact_email: str | None = Field(None, max_length=254)


class ZoneIn(ZonePatch):
    name: str = Field(min_length=1, max_length=200)  # type: ignore[assignment]
    region: str = Field(min_length=1, max_length=12)  # type: ignore[assignment]


class ClusterPatch(InputSchema):
    name: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    region: str | None = Field(None, max_length=12)
    industries: list[str] | None = Field(None, max_length=20)
    description: str | None = Field(None, max_length=5000)
    leading_enterprises: list[Id] | None = Field(None, max_length=30)
    leading_enterprise_names: list[str] | None = Field(None, max_length=30)
    output_value_wan: Money | None = None
    enterprise_count: int | None = Field(None, ge=0, le=2_000_000_000)
    employee_count: int | None = Field(None, ge=0, le=2_000_000_000)


class ClusterIn(ClusterPatch):
    name: str = Field(min_length=1, max_length=200)  # type: ignore[assignment]
    region: str = Field(min_length=1, max_length=12)  # type: ignore[assignment]


class StatusIn(InputSchema):
    reason: str = Field("", max_length=2000)


class BookingIn(InputSchema):
    platform: Id
    units: int = Field(ge=-1_000_000, le=1_000_000)
    start_date: ApiDate
    end_date: ApiDate
    purpose: str = Field(min_length=1, max_length=3000)
    organisation: Id | None = None


class BookingMoveIn(InputSchema):
    reason: str = Field("", max_length=2000)
    proposed_start: ApiDate | None = None
    proposed_end: ApiDate | None = None


class DirectoryQuery(Schema):
    q: str = Field("", max_length=200)
    region: str = Field("", max_length=12)
    industry: str = Field("", max_length=16)
    page: PageNo = 1
    page_size: PageSize = 20


class BookingQuery(Schema):
    role: Literal["", "requester", "operator"] = ""
    page: PageNo = 1
    page_size: PageSize = 20


class FreeQuery(Schema):
    start_date: ApiDate
    end_date: ApiDate
