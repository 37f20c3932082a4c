"""The facilities API: /api/v1/facilities/platforms, /zones, /clusters and /bookings.

Strict bodies (decision 0006): 400 outside the schema, 422 refused by a rule (over capacity,
outside the calendar, an unknown code), 409 a move the booking's status does not allow, 404 for
a record the caller may not see (never a 403 that would confirm a hidden one exists).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
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
    paginate,
    viewer_of,
)
from jieli.core.errors import InvalidInput
from jieli.facilities import booking_services, selectors, services
from jieli.facilities.models import Booking, Cluster, PilotPlatform, Zone

router = Router(tags=["facilities"])


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


class MoveIn(InputSchema):
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


def _data(payload: InputSchema) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    for name in ("offerings", "windows"):
        if data.get(name) is not None:
            data[name] = [
                {k: (v.isoformat() if isinstance(v, date) else v) for k, v in item.items()}
                for item in data[name]
            ]
    return data


def _filters(params: DirectoryQuery) -> selectors.Filters:
    return selectors.Filters(q=params.q, region=params.region, industry=params.industry)


# --- platforms ----------------------------------------------------------------------------


@router.get("/platforms", response={200: PlatformPage, **ERRORS}, auth=OPTIONAL_AUTH)
def list_platforms(request: HttpRequest, params: Query[DirectoryQuery]):
    """The directory of pilot-test platforms: filter by region (and below), industry code and
    words in the name, capabilities, equipment or operator."""
    qs = selectors.platform_directory(viewer_of(request), _filters(params)).prefetch_related(
        "industries", "services", "windows"
    )
    page, items = paginate(qs, page=params.page, page_size=params.page_size)
    return PlatformPage(**page.dict(), results=[PlatformOut.build(p) for p in items])


@router.post("/platforms", response={201: PlatformOut, **ERRORS}, auth=REQUIRED_AUTH)
def create_platform(request: HttpRequest, payload: PlatformIn):
    """An operator's administrator (or the secretariat) adds a platform as a draft."""
    platform = services.platform_create(viewer=viewer_of(request), data=_data(payload))
    return 201, PlatformOut.build(selectors.platform_get(viewer_of(request), platform.pk))


@router.get("/platforms/{platform_id}", response={200: PlatformOut, **ERRORS}, auth=OPTIONAL_AUTH)
def get_platform(request: HttpRequest, platform_id: Id):
    return PlatformOut.build(selectors.platform_get(viewer_of(request), platform_id))


@router.patch("/platforms/{platform_id}", response={200: PlatformOut, **ERRORS}, auth=REQUIRED_AUTH)
def update_platform(request: HttpRequest, platform_id: Id, payload: PlatformPatch):
    """Edit a platform; ``offerings`` and ``windows`` replace the old lists when given."""
    services.platform_update(viewer=viewer_of(request), pk=platform_id, data=_data(payload))
    return PlatformOut.build(selectors.platform_get(viewer_of(request), platform_id))


@router.get(
    "/platforms/{platform_id}/free",
    response={200: list[FreeDayOut], **ERRORS},
    auth=OPTIONAL_AUTH,
)
def platform_free(request: HttpRequest, platform_id: Id, params: Query[FreeQuery]):
    """Free units per day between two dates (at most 92 days)."""
    if params.end_date < params.start_date:
        raise InvalidInput(fields={"end_date": [_("The end date is before the start date.")]})
    if params.end_date - params.start_date > timedelta(days=91):
        raise InvalidInput(fields={"end_date": [_("At most {n} days.").format(n=92)]})
    platform = selectors.platform_get(viewer_of(request), platform_id)
    return [
        FreeDayOut(day=d, available=ok, free_units=free)
        for d, ok, free in selectors.free_by_day(platform, params.start_date, params.end_date)
    ]


# --- zones and clusters -------------------------------------------------------------------


@router.get("/zones", response={200: ZonePage, **ERRORS}, auth=OPTIONAL_AUTH)
def list_zones(request: HttpRequest, params: Query[DirectoryQuery]):
    """Undertaking zones (中试承接区): filter by region (and below), industry code and words."""
    qs = selectors.zone_directory(viewer_of(request), _filters(params)).prefetch_related(
        "industries", "parties"
    )
    page, items = paginate(qs, page=params.page, page_size=params.page_size)
    return ZonePage(**page.dict(), results=[ZoneOut.build(z) for z in items])


@router.post("/zones", response={201: ZoneOut, **ERRORS}, auth=REQUIRED_AUTH)
def create_zone(request: HttpRequest, payload: ZoneIn):
    zone = services.zone_create(viewer=viewer_of(request), data=_data(payload))
    return 201, ZoneOut.build(selectors.zone_get(viewer_of(request), zone.pk))


@router.get("/zones/{zone_id}", response={200: ZoneOut, **ERRORS}, auth=OPTIONAL_AUTH)
def get_zone(request: HttpRequest, zone_id: Id):
    return ZoneOut.build(selectors.zone_get(viewer_of(request), zone_id))


@router.patch("/zones/{zone_id}", response={200: ZoneOut, **ERRORS}, auth=REQUIRED_AUTH)
def update_zone(request: HttpRequest, zone_id: Id, payload: ZonePatch):
    services.zone_update(viewer=viewer_of(request), pk=zone_id, data=_data(payload))
    return ZoneOut.build(selectors.zone_get(viewer_of(request), zone_id))


@router.get("/clusters", response={200: ClusterPage, **ERRORS}, auth=OPTIONAL_AUTH)
def list_clusters(request: HttpRequest, params: Query[DirectoryQuery]):
    """Industrial clusters: filter by region (and below), industry code and words."""
    qs = selectors.cluster_directory(viewer_of(request), _filters(params)).prefetch_related(
        "industries", "leading_enterprises"
    )
    page, items = paginate(qs, page=params.page, page_size=params.page_size)
    return ClusterPage(**page.dict(), results=[ClusterOut.build(c) for c in items])


@router.post("/clusters", response={201: ClusterOut, **ERRORS}, auth=REQUIRED_AUTH)
def create_cluster(request: HttpRequest, payload: ClusterIn):
    cluster = services.cluster_create(viewer=viewer_of(request), data=_data(payload))
    return 201, ClusterOut.build(selectors.cluster_get(viewer_of(request), cluster.pk))


@router.get("/clusters/{cluster_id}", response={200: ClusterOut, **ERRORS}, auth=OPTIONAL_AUTH)
def get_cluster(request: HttpRequest, cluster_id: Id):
    return ClusterOut.build(selectors.cluster_get(viewer_of(request), cluster_id))


@router.patch("/clusters/{cluster_id}", response={200: ClusterOut, **ERRORS}, auth=REQUIRED_AUTH)
def update_cluster(request: HttpRequest, cluster_id: Id, payload: ClusterPatch):
    services.cluster_update(viewer=viewer_of(request), pk=cluster_id, data=_data(payload))
    return ClusterOut.build(selectors.cluster_get(viewer_of(request), cluster_id))


@router.post(
    "/{kind}/{record_id}/status/{action}",
    response={200: dict[str, str], **ERRORS},
    auth=REQUIRED_AUTH,
)
def set_status(
    request: HttpRequest,
    kind: Literal["platforms", "zones", "clusters"],
    record_id: Id,
    action: Literal["publish", "unpublish", "hide"],
    payload: StatusIn | None = None,
):
    """Publish, unpublish (back to draft) or hide (the secretariat, with a reason)."""
    record = services.facility_set_status(
        viewer=viewer_of(request),
        kind=kind[:-1],
        pk=record_id,
        action=action,
        reason=payload.reason if payload else "",
    )
    return {"status": record.status}


# --- bookings -----------------------------------------------------------------------------


@router.get("/bookings", response={200: BookingPage, **ERRORS}, auth=REQUIRED_AUTH)
def list_bookings(request: HttpRequest, params: Query[BookingQuery]):
    """The caller's bookings: asked for (``requester``), on their platforms (``operator``)."""
    viewer = viewer_of(request)
    qs = selectors.bookings_for_viewer(viewer, role=params.role)
    page, items = paginate(qs, page=params.page, page_size=params.page_size)
    return BookingPage(**page.dict(), results=[BookingOut.build(viewer, b) for b in items])


@router.post("/bookings", response={201: BookingOut, **ERRORS}, auth=REQUIRED_AUTH)
def request_booking(request: HttpRequest, payload: BookingIn):
    """Ask for ``units`` a day on every day of the window (422 over capacity or outside the
    platform's calendar)."""
    viewer = viewer_of(request)
    booking = booking_services.booking_request(
        viewer=viewer,
        platform_id=payload.platform,
        units=payload.units,
        start_date=payload.start_date,
        end_date=payload.end_date,
        purpose=payload.purpose,
        organisation_id=payload.organisation,
    )
    return 201, BookingOut.build(viewer, selectors.booking_get(viewer, booking.pk))


@router.get("/bookings/{booking_id}", response={200: BookingOut, **ERRORS}, auth=REQUIRED_AUTH)
def get_booking(request: HttpRequest, booking_id: Id):
    viewer = viewer_of(request)
    return BookingOut.build(viewer, selectors.booking_get(viewer, booking_id))


@router.post(
    "/bookings/{booking_id}/actions/{action}",
    response={200: BookingOut, **ERRORS},
    auth=REQUIRED_AUTH,
)
def move_booking(
    request: HttpRequest,
    booking_id: Id,
    action: Literal[
        "accept", "decline", "propose", "accept_proposal", "decline_proposal", "cancel"
    ],
    payload: MoveIn | None = None,
):
    """The operator accepts, declines (``reason``) or proposes another window
    (``proposed_start``, ``proposed_end``); the requester accepts or declines a proposal, or
    cancels."""
    viewer = viewer_of(request)
    booking_services.booking_move(
        viewer=viewer,
        pk=booking_id,
        action=action,
        reason=payload.reason if payload else "",
        proposed_start=payload.proposed_start if payload else None,
        proposed_end=payload.proposed_end if payload else None,
    )
    return BookingOut.build(viewer, selectors.booking_get(viewer, booking_id))
