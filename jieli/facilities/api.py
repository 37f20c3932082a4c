"""The facilities API: /api/v1/facilities/platforms, /zones, /clusters and /bookings.

Strict bodies (decision 0006): 400 outside the schema, 422 refused by a rule (over capacity,
outside the calendar, an unknown code), 409 a move the booking's status does not allow, 404 for
a record the caller may not see (never a 403 that would confirm a hidden one exists).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from jieli.core.api import (
    ERRORS,
    OPTIONAL_AUTH,
    REQUIRED_AUTH,
    Id,
    InputSchema,
    paginate,
    viewer_of,
)
from jieli.core.errors import InvalidInput
from jieli.facilities import booking_services, selectors, services
from jieli.facilities.schemas import (
    BookingIn,
    BookingMoveIn,
    BookingOut,
    BookingPage,
    BookingQuery,
    ClusterIn,
    ClusterOut,
    ClusterPage,
    ClusterPatch,
    DirectoryQuery,
    FreeDayOut,
    FreeQuery,
    PlatformIn,
    PlatformOut,
    PlatformPage,
    PlatformPatch,
    StatusIn,
    ZoneIn,
    ZoneOut,
    ZonePage,
    ZonePatch,
)

router = Router(tags=["facilities"])


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


StatusAction = Literal["publish", "unpublish", "hide"]


def _set_status(request: HttpRequest, kind: str, pk: int, action: str, payload: Any) -> Any:
    record = services.facility_set_status(
        viewer=viewer_of(request),
        kind=kind,
        pk=pk,
        action=action,
        reason=payload.reason if payload else "",
    )
    return {"status": record.status}


@router.post(
    "/platforms/{platform_id}/status/{action}",
    response={200: dict[str, str], **ERRORS},
    auth=REQUIRED_AUTH,
)
def set_platform_status(
    request: HttpRequest, platform_id: Id, action: StatusAction, payload: StatusIn | None = None
):
    """Publish or unpublish (back to draft): the operator's administrators or the secretariat;
    hide (with a reason): the secretariat."""
    return _set_status(request, "platform", platform_id, action, payload)


@router.post(
    "/zones/{zone_id}/status/{action}", response={200: dict[str, str], **ERRORS}, auth=REQUIRED_AUTH
)
def set_zone_status(
    request: HttpRequest, zone_id: Id, action: StatusAction, payload: StatusIn | None = None
):
    """Publish, unpublish or hide (with a reason) a zone: the secretariat."""
    return _set_status(request, "zone", zone_id, action, payload)


@router.post(
    "/clusters/{cluster_id}/status/{action}",
    response={200: dict[str, str], **ERRORS},
    auth=REQUIRED_AUTH,
)
def set_cluster_status(
    request: HttpRequest, cluster_id: Id, action: StatusAction, payload: StatusIn | None = None
):
    """Publish, unpublish or hide (with a reason) a cluster: the secretariat."""
    return _set_status(request, "cluster", cluster_id, action, payload)


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
        "accept",
        "decline",
        "propose",
        "accept_proposal",
        "decline_proposal",
        "cancel",
        "withdraw",
    ],
    payload: BookingMoveIn | None = None,
):
    """The operator accepts, declines (``reason``) or proposes another window
    (``proposed_start``, ``proposed_end``), or withdraws a booking it accepted (``reason``; the
    units are free again); the requester accepts or declines a proposal, or cancels."""
    viewer = viewer_of(request)
    booking_services.booking_move(
        viewer=viewer,
        pk=booking_id,
        move=action,
        reason=payload.reason if payload else "",
        proposed_start=payload.proposed_start if payload else None,
        proposed_end=payload.proposed_end if payload else None,
    )
    return BookingOut.build(viewer, selectors.booking_get(viewer, booking_id))
