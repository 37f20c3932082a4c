"""Reads for facilities: the visibility rule of each model, directories with filters, and the
region look-ups a regional dashboard calls (``zones_in_region``, ``clusters_in_region``).

Platforms, zones and clusters share one rule (``_managed_q``): published records are seen by
everyone; drafts by their managing organisation (a platform's operator; for zones and clusters,
which the secretariat manages, nobody else) and the secretariat; hidden records only by the
secretariat. A booking is seen by its requester side (the requester and the people of the
requesting organisation), the operator's people and the secretariat. Everyone else gets a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from jieli.core.errors import NotFound
from jieli.core.viewer import Viewer
from jieli.facilities.models import (
    Booking,
    Cluster,
    FacilityStatus,
    PilotPlatform,
    Zone,
)


def _managed_q(viewer: Viewer, *, manager_field: str | None) -> Q:
    if viewer.is_staff_role:
        return Q()
    q = Q(status=FacilityStatus.PUBLISHED)
    if manager_field and viewer.organisation_ids:
        q |= Q(status=FacilityStatus.DRAFT, **{f"{manager_field}__in": viewer.organisation_ids})
    return q


def visible_platforms(viewer: Viewer) -> QuerySet[PilotPlatform]:
    return PilotPlatform.objects.filter(
        _managed_q(viewer, manager_field="operator_id")
    ).select_related("operator", "region")


def visible_zones(viewer: Viewer) -> QuerySet[Zone]:
    return Zone.objects.filter(_managed_q(viewer, manager_field=None)).select_related("region")


def visible_clusters(viewer: Viewer) -> QuerySet[Cluster]:
    return Cluster.objects.filter(_managed_q(viewer, manager_field=None)).select_related("region")


def visible_bookings(viewer: Viewer) -> QuerySet[Booking]:
    qs = Booking.objects.select_related(
        "platform", "platform__operator", "requester", "requester_organisation"
    )
    if viewer.is_staff_role:
        return qs
    if viewer.user_id is None:
        return qs.none()
    q = Q(requester_id=viewer.user_id)
    if viewer.organisation_ids:
        q |= Q(requester_organisation_id__in=viewer.organisation_ids)
        q |= Q(platform__operator_id__in=viewer.organisation_ids)
    return qs.filter(q)


def may_manage_platform(viewer: Viewer, platform: PilotPlatform) -> bool:
    """The operator's administrators and the secretariat manage a platform."""
    return viewer.is_staff_role or viewer.administers(platform.operator_id)  # type: ignore[attr-defined]


def may_add_platform(viewer: Viewer) -> bool:
    """An organisation's administrator (for an organisation they administer) and the
    secretariat add platforms."""
    return viewer.is_staff_role or bool(viewer.admin_organisation_ids)


def may_manage_zones(viewer: Viewer) -> bool:
    """Zones and clusters are managed by the secretariat."""
    return viewer.is_staff_role


def _get(qs: QuerySet[Any], pk: int) -> Any:
    record = qs.filter(pk=pk).first()
    if record is None:
        raise NotFound()
    return record


def platform_get(viewer: Viewer, pk: int) -> PilotPlatform:
    return _get(visible_platforms(viewer).prefetch_related("industries"), pk)  # type: ignore[no-any-return]


def zone_get(viewer: Viewer, pk: int) -> Zone:
    return _get(visible_zones(viewer).prefetch_related("industries", "parties"), pk)  # type: ignore[no-any-return]


def cluster_get(viewer: Viewer, pk: int) -> Cluster:
    return _get(  # type: ignore[no-any-return]
        visible_clusters(viewer).prefetch_related("industries", "leading_enterprises"), pk
    )


def booking_get(viewer: Viewer, pk: int) -> Booking:
    return _get(visible_bookings(viewer), pk)  # type: ignore[no-any-return]


# --- directories --------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    q: str = ""
    region: str = ""
    industry: str = ""


def _region_q(code: str) -> Q:
    """A region code matches itself and everything below it (unknown code: 422)."""
    from jieli.regions import selectors as codes

    return codes.region_descendant_q("region_id", code) if code else Q()


def _industry_q(code: str) -> Q:
    """An industry code matches itself and its sub-codes (a section letter: its divisions)."""
    from jieli.core.errors import InvalidInput
    from jieli.regions import selectors as codes

    try:
        return codes.industry_descendant_q("industries", code)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, fields={"industry": [exc.message]}) from exc


def _filtered(qs: QuerySet[Any], filters: Filters, text_fields: tuple[str, ...]) -> QuerySet[Any]:
    if filters.region:
        qs = qs.filter(_region_q(filters.region))
    if filters.industry:
        qs = qs.filter(_industry_q(filters.industry)).distinct()
    for word in filters.q.split()[:8]:
        q = Q()
        for name in text_fields:
            q |= Q(**{f"{name}__icontains": word})
        qs = qs.filter(q)
    return qs


def platform_directory(viewer: Viewer, filters: Filters) -> QuerySet[PilotPlatform]:
    return _filtered(
        visible_platforms(viewer),
        filters,
        ("name", "name_en", "capabilities", "equipment", "qualifications", "operator__name"),
    ).order_by("name", "id")


def zone_directory(viewer: Viewer, filters: Filters) -> QuerySet[Zone]:
    return _filtered(
        visible_zones(viewer), filters, ("name", "name_en", "description", "policies", "incentives")
    ).order_by("name", "id")


def cluster_directory(viewer: Viewer, filters: Filters) -> QuerySet[Cluster]:
    return _filtered(
        visible_clusters(viewer), filters, ("name", "name_en", "description")
    ).order_by("name", "id")


def zones_in_region(viewer: Viewer, region_code: str) -> QuerySet[Zone]:
    """Zones the viewer may see in ``region_code`` or below it (for a regional dashboard)."""
    return visible_zones(viewer).filter(_region_q(region_code)).order_by("name", "id")


def clusters_in_region(viewer: Viewer, region_code: str) -> QuerySet[Cluster]:
    """Clusters the viewer may see in ``region_code`` or below it (for a regional dashboard)."""
    return visible_clusters(viewer).filter(_region_q(region_code)).order_by("name", "id")


def platforms_in_region(viewer: Viewer, region_code: str) -> QuerySet[PilotPlatform]:
    return visible_platforms(viewer).filter(_region_q(region_code)).order_by("name", "id")


def bookings_for_viewer(viewer: Viewer, *, role: str = "") -> QuerySet[Booking]:
    """The viewer's bookings: ``role="requester"`` those they asked for, ``"operator"`` those on
    platforms their organisations run; "" both (the secretariat: every booking)."""
    qs = visible_bookings(viewer)
    if role == "requester":
        q = Q(requester_id=viewer.user_id)
        if viewer.organisation_ids:
            q |= Q(requester_organisation_id__in=viewer.organisation_ids)
        qs = qs.filter(q)
    elif role == "operator":
        qs = qs.filter(platform__operator_id__in=viewer.organisation_ids)
    return qs.order_by("-created_at", "-id")


def upcoming_windows(platform: PilotPlatform, *, today: date) -> QuerySet[Any]:
    return platform.windows.filter(end_date__gte=today).order_by("start_date")  # type: ignore[attr-defined,no-any-return]


def booking_sides(viewer: Viewer, booking: Booking) -> frozenset[str]:
    """Which sides of a booking the viewer is on: ``requester`` (the requester and the people of
    the requesting organisation), ``operator`` (the operator's administrators, the secretariat);
    empty for an outsider (operator members who are not administrators see, but do not act)."""
    sides = set()
    if viewer.user_id is None:
        return frozenset()
    if booking.requester_id == viewer.user_id or viewer.belongs_to(  # type: ignore[attr-defined]
        booking.requester_organisation_id  # type: ignore[attr-defined]
    ):
        sides.add("requester")
    if viewer.is_staff_role or viewer.administers(booking.platform.operator_id):  # type: ignore[attr-defined]
        sides.add("operator")
    return frozenset(sides)


def booking_actions(viewer: Viewer, booking: Booking) -> tuple[frozenset[str], list[str]]:
    """The viewer's sides and the moves they may make now."""
    from jieli.facilities.booking_stages import allowed_moves

    sides = booking_sides(viewer, booking)
    return sides, allowed_moves(booking.status, sides)


def free_by_day(platform: PilotPlatform, start: date, end: date) -> list[tuple[date, bool, int]]:
    """(day, open on that day, free units) for each day of ``start``…``end``."""
    from jieli.facilities.capacity import days, load_by_day

    windows = list(
        platform.windows.filter(start_date__lte=end, end_date__gte=start).values_list(  # type: ignore[attr-defined]
            "start_date", "end_date"
        )
    )
    load = load_by_day(platform, start, end)
    out = []
    for day in days(start, end):
        is_open = any(a <= day <= b for a, b in windows)
        out.append((day, is_open, max(platform.capacity_per_day - load[day], 0) if is_open else 0))
    return out
