"""Writes that open a turnkey project in one step: from an enquiry at "intention signed" (or
"contract"), a demand's match, an achievement, or a fair's meeting (the ``project_opener``
hook). The project, its seven planned stages with their owners and the history are written in
one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core import registry
from jieli.core.errors import InvalidInput, NotFound, PermissionDenied
from jieli.core.history import change_record
from jieli.core.viewer import Viewer
from jieli.enquiries.selectors import sides_of as enquiry_sides
from jieli.enquiries.selectors import visible_enquiries
from jieli.matching.selectors import demand_match_page
from jieli.organisations.models import MembershipStatus, Organisation, OrganisationType
from jieli.pipeline import notify
from jieli.pipeline.models import (
    STAGE_ORDER,
    Origin,
    Project,
    ProjectStage,
    StageKey,
    StageStatus,
)
from jieli.pipeline.selectors import may_open_from_enquiry
from jieli.pipeline.services import (
    MAX_TEXT,
    MAX_TITLE,
    _organisation,
    _require_user,
    _text,
    handoff_days,
)

# Default length of each stage in days, for the first plan (the runner adjusts the due dates).
DEFAULT_DAYS = {
    StageKey.NEEDS: 14,
    StageKey.SELECTION: 14,
    StageKey.MATURATION: 60,
    StageKey.INTEGRATION: 45,
    StageKey.PILOT: 60,
    StageKey.INDUSTRIALISATION: 90,
    StageKey.ACCEPTANCE: 30,
}


def _agency_for(viewer: Viewer, agency_id: int | None, fallback: int | None) -> Organisation:
    """The service agency running the project: as chosen; else the enquiry broker's agency;
    else the viewer's own service agency."""
    if agency_id is None:
        agency_id = fallback
    if agency_id is None:
        agency_id = (
            Organisation.objects.filter(
                pk__in=viewer.organisation_ids,
                org_type=OrganisationType.SERVICE_AGENCY,
                membership_status=MembershipStatus.MEMBER,
            )
            .values_list("pk", flat=True)
            .first()
        )
    if agency_id is None:
        raise InvalidInput(
            fields={"agency": [_("Choose the service agency that will run the project.")]}
        )
    return _organisation(agency_id, "agency", types=(OrganisationType.SERVICE_AGENCY,))


def achievements_for(viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    if len(ids) > 20:
        raise InvalidInput(fields={"achievements": [_("At most {n}.").format(n=20)]})
    found = list(registry.visible(viewer, "achievement").filter(pk__in=list(ids)))
    if len(found) != len(set(ids)):
        raise NotFound()
    return found


def demand_for(viewer: Viewer, pk: int | None) -> Any:
    if pk is None:
        return None
    demand = registry.visible(viewer, "demand").filter(pk=pk).first()
    if demand is None:
        raise NotFound()
    return demand


def _check_matched(viewer: Viewer, demand_id: int, achievement_ids: Sequence[int]) -> None:
    """Each achievement must be one of the demand's matches as the viewer sees them on the
    demand's matches page (a demand the viewer may not see: NotFound)."""
    page = demand_match_page(viewer, demand_id=demand_id)
    matched = {m.pk for m in page.achievements}
    if any(pk not in matched for pk in achievement_ids):
        raise InvalidInput(
            fields={"achievements": [_("Choose achievements among the demand's matches.")]}
        )


def project_open_from(
    *,
    viewer: Viewer,
    origin: str,
    origin_id: int | None,
    title: str,
    achievement_ids: list[int],
    demand_id: int | None,
    enterprise_id: int | None,
    agency_id: int | None = None,
    institute_id: int | None = None,
    summary: str = "",
    budget: Decimal | None = None,
) -> Project:
    """Open a project in one step from an enquiry at "intention signed" (or "contract"), a
    demand's match (the demand and a matched achievement), an achievement, or a fair's meeting
    (``core.registry.register_project_opener``). Refused: an origin the viewer may not see
    (404), a viewer who is not a party to it, missing parties."""
    _require_user(viewer)
    fallback_agency: int | None = None
    if origin == Origin.ENQUIRY:
        enquiry = visible_enquiries(viewer).filter(pk=origin_id).first() if origin_id else None
        if enquiry is None:
            raise NotFound()
        if not enquiry_sides(viewer, enquiry):
            raise NotFound()
        if not may_open_from_enquiry(viewer, enquiry):
            raise InvalidInput(
                _("A project opens from an enquiry once an intention has been signed.")
            )
        if enquiry.target_kind == "achievement":
            achievement_ids = [enquiry.target_id]
            enterprise_id = enterprise_id or enquiry.sender_organisation_id  # type: ignore[attr-defined]
            if enquiry.link_kind == "demand":
                demand_id = enquiry.link_id
        elif enquiry.target_kind == "demand":
            demand_id = enquiry.target_id
            enterprise_id = enterprise_id or enquiry.owner_organisation_id  # type: ignore[attr-defined]
            if enquiry.link_kind == "achievement" and enquiry.link_id:
                achievement_ids = [enquiry.link_id]
        if enquiry.broker is not None:
            fallback_agency = enquiry.broker.organisation_id  # type: ignore[attr-defined]
        title = title or enquiry.target_title
    elif origin == Origin.MATCH:
        if demand_id is None or not achievement_ids:
            raise InvalidInput(fields={"demand": [_("Choose a demand and a matched achievement.")]})
    elif origin in (Origin.ACHIEVEMENT, Origin.MEETING):
        if not achievement_ids:
            raise InvalidInput(fields={"achievements": [_("Choose at least one achievement.")]})
    else:
        raise InvalidInput(
            fields={"origin": [_("Choose one of: {options}.").format(options=", ".join(Origin))]}
        )
    achievements = achievements_for(viewer, achievement_ids)
    demand = demand_for(viewer, demand_id)
    if origin == Origin.MATCH:
        _check_matched(viewer, demand.pk, achievement_ids)
    if enterprise_id is None and demand is not None:
        enterprise_id = demand.owner_id
    enterprise = _organisation(enterprise_id, "enterprise")
    sides = {enterprise.pk, *(a.owner_id for a in achievements)}
    if demand is not None:
        sides.add(demand.owner_id)
    agency = _agency_for(viewer, agency_id, fallback_agency)
    # The enquiry's parties were checked above; otherwise a party (the enterprise, an
    # achievement's or the demand's owner, the agency that will run it) or the secretariat.
    if origin != Origin.ENQUIRY and not (
        viewer.is_staff_role or any(viewer.belongs_to(pk) for pk in {*sides, agency.pk})
    ):
        raise PermissionDenied(_("Only a party to it or the secretariat may open this project."))
    if institute_id is None and achievements:
        institute_id = achievements[0].owner_id
    institute = _organisation(institute_id, "institute") if institute_id else None
    return _create(
        viewer=viewer,
        origin=origin,
        origin_id=origin_id,
        title=_text(title, "title", limit=MAX_TITLE),
        summary=_text(summary, "summary", limit=MAX_TEXT, required=False),
        achievements=achievements,
        demand=demand,
        enterprise=enterprise,
        agency=agency,
        institute=institute,
        budget=budget,
    )


def _default_owner(
    key: str, *, enterprise: Organisation, agency: Organisation, institute: Organisation | None
) -> Organisation:
    if key in (StageKey.MATURATION, StageKey.INTEGRATION, StageKey.PILOT):
        return institute or agency
    if key == StageKey.INDUSTRIALISATION:
        return enterprise
    return agency


def _create(
    *,
    viewer: Viewer,
    origin: str,
    origin_id: int | None,
    title: str,
    summary: str,
    achievements: list[Any],
    demand: Any,
    enterprise: Organisation,
    agency: Organisation,
    institute: Organisation | None,
    budget: Decimal | None,
) -> Project:
    if budget is not None and budget < 0:
        raise InvalidInput(fields={"budget": [_("The amount cannot be negative.")]})
    now = timezone.now()
    due = timezone.localdate()
    with transaction.atomic():
        project = Project.objects.create(
            title=title,
            summary=summary,
            origin=origin,
            origin_id=origin_id,
            demand=demand,
            enterprise=enterprise,
            agency=agency,
            institute=institute,
            budget=budget,
            created_by_id=viewer.user_id,
        )
        project.achievements.set(achievements)
        for position, key in enumerate(STAGE_ORDER):
            owner = _default_owner(key, enterprise=enterprise, agency=agency, institute=institute)
            due = due + timedelta(days=DEFAULT_DAYS[StageKey(key)])
            ProjectStage.objects.create(
                project=project,
                key=key,
                position=position,
                status=StageStatus.ACTIVE if position == 0 else StageStatus.PLANNED,
                started_at=now if position == 0 else None,
                is_next=position == 1,
                next_since=now if position == 1 else None,
                owner_organisation=owner,
                owner_user_id=viewer.user_id if viewer.belongs_to(owner.pk) else None,
                due_date=due,
                handoff_days=handoff_days(key),
            )
        change_record(
            target=project,
            actor_id=viewer.user_id,
            action="project_open",
            changes={
                "origin": [None, origin],
                "enterprise": [None, str(enterprise.pk)],
                "agency": [None, str(agency.pk)],
                "achievements": [None, sorted(str(a.pk) for a in achievements)],
            },
        )
        notify.project_opened(project, viewer.user_id)
    return project
