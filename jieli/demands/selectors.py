"""Reads for technology demands; the one place their visibility is decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput, NotFound, PermissionDenied
from jieli.core.history import history_for
from jieli.core.listing import (
    ListingStatus,
    viewer_may_edit,
    viewer_sees_detail,
    visible_listing_q,
)
from jieli.core.models import ChangeRecord
from jieli.core.search import rank_by_text
from jieli.core.viewer import Viewer
from jieli.demands.models import CooperationMode, Demand


def visible_demands(viewer: Viewer) -> QuerySet[Demand]:
    """Fresh published demands at the viewer's level, plus everything of the viewer's own
    organisations; the secretariat sees all."""
    return Demand.objects.filter(visible_listing_q(viewer)).select_related(
        "owner", "industry", "region"
    )


@dataclass(frozen=True)
class DemandFilters:
    q: str = ""
    industry: str = ""
    region: str = ""
    cooperation_mode: str = ""
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    negotiable: bool | None = None
    deadline_after: date | None = None
    open_only: bool = False
    published_since: date | None = None
    owner: int | None = None
    status: str = ""


def _check_filters(filters: DemandFilters) -> None:
    from jieli.regions.selectors import validate_industry_code, validate_region_code

    errors: dict[str, list[str]] = {}
    if filters.cooperation_mode and filters.cooperation_mode not in CooperationMode.values:
        errors["cooperation_mode"] = [
            _("Choose one of: {options}.").format(options=", ".join(CooperationMode.values))
        ]
    if filters.status and filters.status not in ListingStatus.values:
        errors["status"] = [
            _("Choose one of: {options}.").format(options=", ".join(ListingStatus.values))
        ]
    for name, value in (("budget_min", filters.budget_min), ("budget_max", filters.budget_max)):
        if value is not None and (not value.is_finite() or value < 0):
            errors[name] = [_("Must be at least {n}.").format(n=0)]
    for name, check in (("industry", validate_industry_code), ("region", validate_region_code)):
        code = getattr(filters, name)
        if code:
            try:
                check(code, min_level=1, allow_retired=True)
            except InvalidInput as exc:
                errors[name] = exc.fields.get(name) or [exc.message]
    if errors:
        raise InvalidInput(fields=errors)


def demand_list(viewer: Viewer, filters: DemandFilters) -> QuerySet[Demand]:
    """Visible demands matching ``filters``: open ones first, newest first.

    Raises InvalidInput for unknown codes or choices, so the API can answer 400.
    """
    from jieli.regions.selectors import industry_descendant_q, region_descendant_q

    _check_filters(filters)
    qs = visible_demands(viewer)
    if filters.industry:
        qs = qs.filter(industry_descendant_q("industry_id", filters.industry))
    if filters.region:
        qs = qs.filter(region_descendant_q("region_id", filters.region))
    if filters.cooperation_mode:
        # Modes are plain ASCII words stored as a JSON list; matching the quoted word works on
        # SQLite and PostgreSQL alike.
        qs = qs.filter(cooperation_modes__icontains=f'"{filters.cooperation_mode}"')
    if filters.budget_min is not None or filters.budget_max is not None:
        has_budget = Q(budget_min_wan__isnull=False) | Q(budget_max_wan__isnull=False)
        qs = qs.filter(has_budget | Q(budget_negotiable=True))
        if filters.budget_min is not None:
            qs = qs.filter(
                Q(budget_max_wan__isnull=True) | Q(budget_max_wan__gte=filters.budget_min)
            )
        if filters.budget_max is not None:
            qs = qs.filter(
                Q(budget_min_wan__isnull=True) | Q(budget_min_wan__lte=filters.budget_max)
            )
    if filters.negotiable is not None:
        qs = qs.filter(budget_negotiable=filters.negotiable)
    if filters.deadline_after is not None:
        qs = qs.filter(deadline__gte=filters.deadline_after)
    today = timezone.localdate()
    if filters.open_only:
        qs = qs.filter(Q(deadline__isnull=True) | Q(deadline__gte=today))
    if filters.published_since is not None:
        qs = qs.filter(published_at__date__gte=filters.published_since)
    if filters.owner is not None:
        qs = qs.filter(owner_id=filters.owner)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q.strip():
        # The one search (core.search): same engine, floor and order as the search page.
        return rank_by_text("demand", qs, filters.q)
    return qs.annotate(
        expired_rank=Case(
            When(deadline__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    ).order_by("expired_rank", F("published_at").desc(nulls_last=True), "-created_at", "-id")


def demand_get(viewer: Viewer, pk: int) -> Demand:
    demand = visible_demands(viewer).filter(pk=pk).first()
    if demand is None:
        raise NotFound()
    return demand


@dataclass(frozen=True)
class DemandDetail:
    demand: Demand
    sees_contact: bool
    # The owner's people and the secretariat: history, return reason, status.
    owner_side: bool
    may_edit: bool
    may_review: bool
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    actions: tuple[str, ...]


def demand_actions(viewer: Viewer, demand: Demand) -> tuple[str, ...]:
    """Life-cycle actions this viewer may take on the demand now (for buttons)."""
    from jieli.core.listing import OWNER_ACTIONS, REVIEW_ACTIONS, TRANSITIONS

    if not viewer_may_edit(viewer, demand.owner_id):  # type: ignore[attr-defined]
        return ()
    names = list(OWNER_ACTIONS) + (list(REVIEW_ACTIONS) if viewer.is_staff_role else [])
    order = list(TRANSITIONS)
    return tuple(sorted((a for a in names if demand.status in TRANSITIONS[a][0]), key=order.index))


def demand_detail_for(viewer: Viewer, demand: Demand) -> DemandDetail:
    """What of a visible demand this viewer sees: contact details are for members only."""
    owner_id = demand.owner_id  # type: ignore[attr-defined]
    sees = viewer_sees_detail(viewer, demand, owner_id)
    return DemandDetail(
        demand=demand,
        sees_contact=sees,
        owner_side=viewer_may_edit(viewer, owner_id),
        may_edit=viewer_may_edit(viewer, owner_id) and demand.status != ListingStatus.ARCHIVED,
        may_review=viewer.is_staff_role and demand.status == ListingStatus.SUBMITTED,
        contact_name=demand.contact_name if sees else None,
        contact_phone=demand.contact_phone if sees else None,
        contact_email=demand.contact_email if sees else None,
        actions=demand_actions(viewer, demand),
    )


def demands_of_viewer_orgs(viewer: Viewer) -> QuerySet[Demand]:
    """Every demand of the viewer's organisations, whatever its status (the workspace)."""
    return Demand.objects.filter(owner_id__in=viewer.organisation_ids).order_by(
        "-updated_at", "-id"
    )


def demand_review_queue(viewer: Viewer) -> QuerySet[Demand]:
    if not viewer.is_staff_role:
        return Demand.objects.none()
    return Demand.objects.filter(status=ListingStatus.SUBMITTED).order_by("submitted_at", "id")


def demand_history(viewer: Viewer, demand: Demand) -> QuerySet[ChangeRecord]:
    """History is for the owner's people and the secretariat."""
    if not viewer_may_edit(viewer, demand.owner_id):  # type: ignore[attr-defined]
        raise PermissionDenied()
    return history_for(demand)
