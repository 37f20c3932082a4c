"""Reads for the pipeline: the one visibility rule for projects, the board, dropped batons,
the portfolio and each organisation's next steps.

A project is seen by its parties — the people of the taking enterprise, the service agency, the
research institute and every stage's owner organisation, and every stage's owner person — and by
the secretariat. Everyone else gets a 404 for the project, its stages, files and contracts.

A **dropped baton** is a stage of an open project that (a) was handed over and not answered
within its service level (``handoff_days``), (b) is in progress past its due date, or (c) is in
progress, handed over or next to take the baton with no owner person. Detection takes ``now``
(a controllable clock); nothing is stored about it, so it is never stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jieli.core.errors import InvalidInput, NotFound
from jieli.core.history import history_for
from jieli.core.models import ChangeRecord
from jieli.core.viewer import Viewer
from jieli.enquiries.selectors import sides_of as enquiry_sides
from jieli.pipeline.models import (
    ContractStatus,
    Origin,
    Payment,
    Project,
    ProjectStage,
    ProjectStatus,
    StageStatus,
)
from jieli.pipeline.stages import FINISHED, allowed_moves

BATON_KINDS = {
    "handoff": _("Hand-off not answered in time"),
    "overdue": _("Stage past its due date"),
    "no_owner": _("No owner person"),
}


def _today(now: datetime) -> date:
    return timezone.localtime(now).date() if timezone.is_aware(now) else now.date()


def visible_projects(viewer: Viewer) -> QuerySet[Project]:
    """The one rule: which projects ``viewer`` may see at all."""
    qs = Project.objects.select_related("enterprise", "agency", "institute", "zone")
    if viewer.is_staff_role:
        return qs
    if viewer.user_id is None:
        return qs.none()
    orgs = viewer.organisation_ids
    owned = ProjectStage.objects.filter(project=OuterRef("pk")).filter(
        Q(owner_user_id=viewer.user_id) | Q(owner_organisation_id__in=orgs)
    )
    q: Q | Exists = Exists(owned)
    if orgs:
        q |= Q(enterprise_id__in=orgs) | Q(agency_id__in=orgs) | Q(institute_id__in=orgs)
    return qs.filter(q)


def project_get(viewer: Viewer, pk: int) -> Project:
    project = visible_projects(viewer).filter(pk=pk).first()
    if project is None:
        raise NotFound()
    return project


def party_ids(project: Project) -> set[int]:
    """The project's party organisations: the taking enterprise, the service agency, the
    research institute and every stage's owner organisation."""
    ids = {project.enterprise_id, project.agency_id, project.institute_id}  # type: ignore[attr-defined]
    ids.update(project.stages.values_list("owner_organisation_id", flat=True))
    return {pk for pk in ids if pk is not None}


def stages_of(project: Project) -> list[ProjectStage]:
    return list(
        project.stages.select_related("owner_organisation", "owner_user")
        .prefetch_related("deliverables")
        .order_by("position")
    )


def receiver_of(stages: list[ProjectStage], stage: ProjectStage) -> ProjectStage | None:
    """The stage that takes the baton from ``stage``: the next one not skipped (None: the last;
    the taking enterprise receives the delivery)."""
    for later in stages:
        if later.position > stage.position and later.status != StageStatus.SKIPPED:
            return later
    return None


def _owner_side(viewer: Viewer, org_id: int | None, user_id: int | None) -> bool:
    return viewer.belongs_to(org_id) or (user_id is not None and user_id == viewer.user_id)


def sides_of(
    viewer: Viewer, project: Project, stage: ProjectStage, stages: list[ProjectStage]
) -> frozenset[str]:
    """Which sides of one stage's hand-off the viewer is on (empty: none)."""
    if viewer.user_id is None:
        return frozenset()
    sides = set()
    if _owner_side(viewer, stage.owner_organisation_id, stage.owner_user_id):  # type: ignore[attr-defined]
        sides.add("giver")
    receiver = receiver_of(stages, stage)
    if receiver is None:
        if viewer.belongs_to(project.enterprise_id):  # type: ignore[attr-defined]
            sides.add("receiver")
    elif _owner_side(viewer, receiver.owner_organisation_id, receiver.owner_user_id):  # type: ignore[attr-defined]
        sides.add("receiver")
    if viewer.belongs_to(project.agency_id):  # type: ignore[attr-defined]
        sides.add("runner")
    if viewer.is_staff_role:
        sides.add("secretariat")
    return frozenset(sides)


def may_run(viewer: Viewer, project: Project) -> bool:
    """The service agency's people and the secretariat plan and close the project."""
    return viewer.is_staff_role or viewer.belongs_to(project.agency_id)  # type: ignore[attr-defined]


def may_record(viewer: Viewer, project: Project) -> bool:
    """Contracts, payments and outcomes: the agency, the enterprise, the institute, the
    secretariat."""
    return may_run(viewer, project) or any(
        viewer.belongs_to(pk)
        for pk in (project.enterprise_id, project.institute_id)  # type: ignore[attr-defined]
    )


def may_edit_stage(viewer: Viewer, project: Project, stage: ProjectStage) -> bool:
    """Who may change a stage's plan: whoever runs the project (all of it) and the people of the
    stage's owner organisation (only its owner person; ``may_run`` tells the two apart)."""
    return may_run(viewer, project) or viewer.belongs_to(stage.owner_organisation_id)  # type: ignore[attr-defined]


def stage_plan_changes(viewer: Viewer, project: Project, changes: dict[str, Any]) -> dict[str, Any]:
    """Of the plan ``changes`` a stage editor asks for (``stage_update``'s arguments), those the
    viewer may make: all of them for whoever runs the project, only the owner person for the
    people of the stage's owner organisation (``may_edit_stage``)."""
    if may_run(viewer, project):
        return changes
    return {k: v for k, v in changes.items() if k == "owner_user_id"}


def stage_people_choices(viewer: Viewer, project: Project, org_id: int | None) -> list[Any]:
    """(user id, name) of ``org_id``'s people to offer as a stage's owner person: named only to
    whoever runs the project or belongs to that organisation (never any organisation's member
    list by id)."""
    from jieli.organisations.models import Membership

    if org_id is None or not (may_run(viewer, project) or viewer.belongs_to(org_id)):
        return []
    return [
        (m.user_id, m.user.get_full_name() or m.user.get_username())
        for m in Membership.objects.filter(organisation_id=org_id).select_related("user")[:200]
    ]


def opening_origin(viewer: Viewer, kind: str, record: Any) -> str | None:
    """The origin from which ``viewer`` is offered "Open a turnkey project" on a record's page
    (``Origin``: an enquiry once an intention has been signed, a published achievement, a
    published demand's matches), or None: no offer. The opening service checks the parties."""
    if viewer.user_id is None:
        return None
    if kind == "enquiry":
        return Origin.ENQUIRY if may_open_from_enquiry(viewer, record) else None
    if getattr(record, "status", "") != "published":
        return None
    if not (viewer.organisation_ids or viewer.is_staff_role):
        return None
    if kind == "achievement":
        return Origin.ACHIEVEMENT
    if kind == "demand" and (viewer.is_staff_role or viewer.belongs_to(record.owner_id)):
        return Origin.MATCH
    return None


# Enquiry stages a project opens from: an intention has been signed (or a contract).
OPENING_STAGES = ("intention", "contract")


def may_open_from_enquiry(viewer: Viewer, enquiry: Any) -> bool:
    """Whether ``viewer`` may open a project from ``enquiry`` (one it may see): a side of the
    thread (sender, owner, broker, secretariat) once an intention has been signed."""
    return enquiry.stage in OPENING_STAGES and bool(enquiry_sides(viewer, enquiry))


# --- dropped batons ----------------------------------------------------------------------------


def baton_q(now: datetime) -> Q:
    """Stages holding a dropped baton at ``now`` (of open projects; see the module text)."""
    handoff = Q(status=StageStatus.READY, answer_due_at__lt=now)
    overdue = Q(status=StageStatus.ACTIVE, due_date__lt=_today(now))
    no_owner = Q(owner_user__isnull=True) & (
        Q(status__in=[StageStatus.ACTIVE, StageStatus.READY]) | Q(is_next=True)
    )
    return Q(project__status=ProjectStatus.OPEN) & (handoff | overdue | no_owner)


def baton_kinds(stage: ProjectStage, now: datetime) -> list[tuple[str, datetime]]:
    """The batons ``stage`` holds at ``now``: (kind, since when)."""
    out: list[tuple[str, datetime]] = []
    if stage.project.status != ProjectStatus.OPEN:
        return out
    if stage.status == StageStatus.READY and stage.answer_due_at and stage.answer_due_at < now:
        out.append(("handoff", stage.answer_due_at))
    if stage.status == StageStatus.ACTIVE and stage.due_date and stage.due_date < _today(now):
        since = datetime.combine(stage.due_date + timedelta(days=1), time.min)
        out.append(("overdue", timezone.make_aware(since) if timezone.is_aware(now) else since))
    if stage.owner_user_id is None and (  # type: ignore[attr-defined]
        stage.status in (StageStatus.ACTIVE, StageStatus.READY) or stage.is_next
    ):
        out.append(("no_owner", stage.next_since or stage.started_at or stage.created_at))
    return out


def dropped_batons(viewer: Viewer, *, now: datetime | None = None) -> QuerySet[ProjectStage]:
    """Stages with a dropped baton: every one for the secretariat; for others, those of the
    projects they may see where they own the stage or run the project."""
    now = now or timezone.now()
    qs = ProjectStage.objects.filter(baton_q(now)).select_related(
        "project", "owner_organisation", "owner_user"
    )
    if viewer.is_staff_role:
        return qs.order_by("due_date", "project_id", "position")
    if viewer.user_id is None:
        return qs.none()
    orgs = viewer.organisation_ids
    mine = Q(owner_organisation_id__in=orgs) | Q(owner_user_id=viewer.user_id)
    mine |= Q(project__agency_id__in=orgs)
    return qs.filter(mine).order_by("due_date", "project_id", "position")


@dataclass
class BatonRow:
    stage: ProjectStage
    kinds: list[tuple[str, Any, datetime]]  # (key, label, since)


def baton_rows(stages: Any, now: datetime | None = None) -> list[BatonRow]:
    now = now or timezone.now()
    return [
        BatonRow(s, [(k, BATON_KINDS[k], since) for k, since in baton_kinds(s, now)])
        for s in stages
    ]


# --- the board, the timeline ---------------------------------------------------------------


@dataclass
class StageCard:
    stage: ProjectStage
    moves: list[str]
    batons: list[tuple[str, Any, datetime]]
    receiver: ProjectStage | None
    sides: frozenset[str]
    may_upload: bool


@dataclass
class Board:
    project: Project
    cards: list[StageCard]
    may_run: bool
    may_record: bool
    may_close: bool
    open_stages: int = 0
    history: list[Any] = field(default_factory=list)
    # What the project links to, as far as this viewer may see it: a party must not learn a
    # listing's title, another organisation's booking or a draft zone through the project
    # after the listing was hidden, or because someone who could see more linked it.
    links: ProjectLinks | None = None


@dataclass
class ProjectLinks:
    achievements: list[Any]
    hidden_achievements: int
    demand: Any
    demand_hidden: bool
    booking: Any
    zone: Any


def links_for(viewer: Viewer, project: Project) -> ProjectLinks:
    """The project's achievements, demand, booking and zone through their owners' visibility
    rules (``core.registry`` for the listings, the facilities selectors for the rest)."""
    from jieli.core import registry
    from jieli.facilities.selectors import visible_bookings, visible_zones

    linked = list(project.achievements.all())
    seen = set(
        registry.visible(viewer, "achievement")
        .filter(pk__in=[a.pk for a in linked])
        .values_list("pk", flat=True)
    )
    demand = None
    demand_id = project.demand_id  # type: ignore[attr-defined]
    if demand_id is not None:
        demand = registry.visible(viewer, "demand").filter(pk=demand_id).first()
    booking_id = project.booking_id  # type: ignore[attr-defined]
    zone_id = project.zone_id  # type: ignore[attr-defined]
    return ProjectLinks(
        achievements=[a for a in linked if a.pk in seen],
        hidden_achievements=sum(1 for a in linked if a.pk not in seen),
        demand=demand,
        demand_hidden=demand_id is not None and demand is None,
        booking=visible_bookings(viewer).filter(pk=booking_id).first() if booking_id else None,
        zone=visible_zones(viewer).filter(pk=zone_id).first() if zone_id else None,
    )


def board_for(viewer: Viewer, project: Project, *, now: datetime | None = None) -> Board:
    now = now or timezone.now()
    stages = stages_of(project)
    cards = []
    for s in stages:
        s.project = project
        sides = sides_of(viewer, project, s, stages)
        moves = allowed_moves(s.key, s.status, sides) if project.status == "open" else []
        cards.append(
            StageCard(
                stage=s,
                moves=moves,
                batons=[(k, BATON_KINDS[k], since) for k, since in baton_kinds(s, now)],
                receiver=receiver_of(stages, s),
                sides=sides,
                may_upload=s.status == StageStatus.ACTIVE
                and bool(sides & {"giver", "runner", "secretariat"}),
            )
        )
    open_count = sum(1 for s in stages if s.status not in FINISHED)
    running = may_run(viewer, project)
    return Board(
        project=project,
        cards=cards,
        may_run=running and project.status == ProjectStatus.OPEN,
        may_record=may_record(viewer, project),
        may_close=running and project.status == ProjectStatus.OPEN,
        open_stages=open_count,
        links=links_for(viewer, project),
    )


def timeline(project: Project) -> list[ChangeRecord]:
    """The project's history, its stages' and its contracts', newest first."""
    entries = list(history_for(project))
    for stage in project.stages.all():
        for entry in history_for(stage):
            entry.stage_label = stage.get_key_display()  # type: ignore[attr-defined]
            entries.append(entry)
    for contract in project.contracts.all():
        for entry in history_for(contract):
            entry.stage_label = contract.title  # type: ignore[attr-defined]
            entries.append(entry)
    return sorted(entries, key=lambda e: (e.created_at, e.pk), reverse=True)


# --- the portfolio, the workspace ------------------------------------------------------------


PORTFOLIO_ORDER = ("-created_at", "-id")


def portfolio(
    viewer: Viewer,
    *,
    region: str = "",
    stage: str = "",
    status: str = "",
    dropped: bool = False,
    zone: int | None = None,
    now: datetime | None = None,
) -> QuerySet[Project]:
    """Visible projects, filtered: the taking enterprise's region (a code and its subdivisions),
    the stage in progress or handed over, the status, only those holding a dropped baton."""
    qs = visible_projects(viewer)
    if region:
        from jieli.regions.queries import region_descendant_q

        try:  # a code and its subdivisions; an unknown code is the caller's error (422)
            qs = qs.filter(region_descendant_q("enterprise__region_id", region))
        except InvalidInput:
            raise InvalidInput(
                _("Unknown code: {code}.").format(code=region),
                fields={"region": [str(_("Unknown code."))]},
            ) from None
    if zone:
        qs = qs.filter(zone_id=zone)
    if stage:
        current = ProjectStage.objects.filter(
            project=OuterRef("pk"), key=stage, status__in=[StageStatus.ACTIVE, StageStatus.READY]
        )
        qs = qs.filter(Exists(current))
    if status:
        qs = qs.filter(status=status)
    if dropped:
        batons = ProjectStage.objects.filter(baton_q(now or timezone.now()), project=OuterRef("pk"))
        qs = qs.filter(Exists(batons))
    # The parties are joined (``visible_projects``) and each project's stage in progress comes
    # in one more query a batch: a page, the API and the export do not grow a query per row.
    return qs.prefetch_related(
        Prefetch(
            "stages",
            queryset=ProjectStage.objects.filter(status__in=CURRENT).order_by("position"),
            to_attr="current_stages",
        )
    ).order_by(*PORTFOLIO_ORDER)


CURRENT = (StageStatus.ACTIVE, StageStatus.READY)


def current_stage(project: Project) -> ProjectStage | None:
    """The stage in progress or handed over (the first by position), from the portfolio's
    prefetch when the project came from it."""
    if hasattr(project, "current_stages"):
        return project.current_stages[0] if project.current_stages else None
    return project.stages.filter(status__in=CURRENT).order_by("position").first()


@dataclass
class NextStep:
    stage: ProjectStage
    what: Any  # translated: what the viewer's organisation must do


def next_steps(viewer: Viewer, *, limit: int = 20) -> list[NextStep]:
    """What the viewer's organisations must do next: stages in progress they own (hand over),
    hand-offs waiting for them (accept or refuse), and stages of projects they run that have
    no owner person."""
    if viewer.user_id is None or not (viewer.organisation_ids or viewer.is_staff_role):
        return []
    orgs = viewer.organisation_ids
    mine = Q(owner_organisation_id__in=orgs) | Q(owner_user_id=viewer.user_id)
    base = ProjectStage.objects.filter(project__status=ProjectStatus.OPEN).select_related(
        "project", "owner_organisation", "owner_user"
    )
    out: list[NextStep] = []
    for s in base.filter(mine, status=StageStatus.ACTIVE).order_by("due_date", "pk")[:limit]:
        out.append(NextStep(s, _("Finish the stage and hand it over with its deliverables")))
    # Hand-offs the viewer may receive: the receiver is a later stage's owner or, after the
    # last stage, the enterprise — so only projects where the viewer is one of those (in SQL:
    # a platform-wide first page could leave the viewer's own hand-off out).
    receiving = Q(project__enterprise_id__in=orgs) | Exists(
        ProjectStage.objects.filter(project_id=OuterRef("project_id")).filter(mine)
    )
    ready = base.filter(receiving, status=StageStatus.READY)
    for s in ready.order_by("answer_due_at", "pk")[: limit * 5]:
        stages = stages_of(s.project)
        receiver = receiver_of(stages, s)
        takes = (
            viewer.belongs_to(s.project.enterprise_id)  # type: ignore[attr-defined]
            if receiver is None
            else _owner_side(viewer, receiver.owner_organisation_id, receiver.owner_user_id)  # type: ignore[attr-defined]
        )
        if takes:
            out.append(NextStep(s, _("Accept or refuse the hand-off")))
    unowned = base.filter(
        Q(project__agency_id__in=orgs) | Q(owner_organisation_id__in=orgs),
        owner_user__isnull=True,
    ).filter(Q(status__in=[StageStatus.ACTIVE, StageStatus.READY]) | Q(is_next=True))
    for s in unowned.order_by("project_id", "position")[:limit]:
        out.append(NextStep(s, _("Name the person who owns this stage")))
    return out[:limit]


def contract_totals(viewer: Viewer, project_id: int) -> dict[str, Decimal]:
    """The amounts of the project's contracts in force and the payments received on them (a
    void contract counts in neither)."""
    project = project_get(viewer, project_id)
    active = project.contracts.filter(status=ContractStatus.ACTIVE)
    amount = active.aggregate(total=Sum("amount"))["total"]
    received = Payment.objects.filter(contract__in=active).aggregate(total=Sum("amount"))["total"]
    return {"amount": amount or Decimal(0), "received": received or Decimal(0)}


def contracts_of(viewer: Viewer, project_id: int) -> QuerySet[Any]:
    """The project's contracts with their milestones and payments (404 when hidden)."""
    project = project_get(viewer, project_id)
    return project.contracts.select_related("party_a", "party_b").prefetch_related(
        "milestones", "payments"
    )
