"""The pipeline API: /api/v1/pipeline. Strict bodies (decision 0006): 400 outside the schema,
422 refused by a rule (a hand-off out of order, a reason missing, a bad registration number or
upload), 404 for a project the caller may not see, 403 for a party acting outside its role."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from pydantic import Field

from jieli.core.api import (
    ERRORS,
    REQUIRED_AUTH,
    ApiDate,
    Id,
    InputSchema,
    Money,
    Page,
    PageNo,
    PageQuery,
    PageSize,
    paginate,
    viewer_of,
)
from jieli.pipeline import contract_services, opening_services, selectors, services
from jieli.pipeline.models import Contract, Project
from jieli.pipeline.services import MAX_REASON, MAX_TEXT, MAX_TITLE

router = Router(tags=["pipeline"])

StageName = Literal[
    "needs", "selection", "maturation", "integration", "pilot", "industrialisation", "acceptance"
]
Action = Literal["mark_ready", "accept", "refuse", "skip", "reinstate"]


class BatonOut(Schema):
    kind: str
    label: str
    since: datetime


class StageOut(Schema):
    key: str
    label: str
    status: str
    owner_organisation: int
    owner_user: int | None
    due_date: date | None
    acceptance_criteria: str
    handoff_days: int
    skip_reason: str
    refuse_reason: str
    answer_due_at: datetime | None
    deliverables: list[str]
    moves: list[str]
    batons: list[BatonOut]


class ProjectOut(Schema):
    id: int
    title: str
    summary: str
    origin: str
    origin_id: int | None
    status: str
    enterprise: int
    agency: int
    institute: int | None
    demand: int | None
    achievements: list[int]
    booking: int | None
    zone: int | None
    budget: Decimal | None
    accepted_at: datetime | None
    closed_at: datetime | None
    stages: list[StageOut]

    @staticmethod
    def build(request: HttpRequest, project: Project) -> ProjectOut:
        board = selectors.board_for(viewer_of(request), project)
        links = board.links
        assert links is not None
        return ProjectOut(
            id=project.pk,
            title=project.title,
            summary=project.summary,
            origin=project.origin,
            origin_id=project.origin_id,
            status=project.status,
            enterprise=project.enterprise_id,  # type: ignore[attr-defined]
            agency=project.agency_id,  # type: ignore[attr-defined]
            institute=project.institute_id,  # type: ignore[attr-defined]
            # Only what this viewer may see of the links (selectors.links_for).
            demand=links.demand.pk if links.demand else None,
            achievements=sorted(a.pk for a in links.achievements),
            booking=links.booking.pk if links.booking else None,
            zone=links.zone.pk if links.zone else None,
            budget=project.budget,
            accepted_at=project.accepted_at,
            closed_at=project.closed_at,
            stages=[
                StageOut(
                    key=c.stage.key,
                    label=c.stage.get_key_display(),
                    status=c.stage.status,
                    owner_organisation=c.stage.owner_organisation_id,  # type: ignore[attr-defined]
                    owner_user=c.stage.owner_user_id,  # type: ignore[attr-defined]
                    due_date=c.stage.due_date,
                    acceptance_criteria=c.stage.acceptance_criteria,
                    handoff_days=c.stage.handoff_days,
                    skip_reason=c.stage.skip_reason,
                    refuse_reason=c.stage.refuse_reason,
                    answer_due_at=c.stage.answer_due_at,
                    deliverables=[d.name for d in c.stage.deliverables.all()],
                    moves=c.moves,
                    batons=[
                        BatonOut(kind=k, label=str(label), since=s) for k, label, s in c.batons
                    ],
                )
                for c in board.cards
            ],
        )


class ProjectSummaryOut(Schema):
    id: int
    title: str
    status: str
    enterprise: int
    agency: int
    current_stage: str | None


class ProjectPage(Page):
    results: list[ProjectSummaryOut]


class BatonStageOut(Schema):
    project: int
    project_title: str
    stage: str
    owner_organisation: int
    owner_user: int | None
    batons: list[BatonOut]


class BatonPage(Page):
    results: list[BatonStageOut]


class PortfolioQuery(Schema):
    region: str = Field("", max_length=12, pattern=r"^\d{0,12}$")
    stage: StageName | Literal[""] = ""
    status: Literal["", "open", "closed"] = ""
    zone: Id | None = None
    dropped: bool = False
    page: PageNo = 1
    page_size: PageSize = 20


class OpenIn(InputSchema):
    origin: Literal["enquiry", "match", "achievement"]
    origin_id: Id | None = None
    title: str = Field("", max_length=MAX_TITLE)
    summary: str = Field("", max_length=MAX_TEXT)
    achievement_ids: list[Id] = Field(default_factory=list, max_length=20)
    demand_id: Id | None = None
    enterprise_id: Id | None = None
    agency_id: Id | None = None
    budget: Money | None = None


class StagePlanIn(InputSchema):
    owner_organisation: Id | None = None
    owner_user: Id | None = None
    due_date: ApiDate | None = None
    acceptance_criteria: str | None = Field(None, max_length=3000)
    handoff_days: int | None = Field(None, ge=1, le=90)


class FacilitiesIn(InputSchema):
    booking: Id | None = None
    zone: Id | None = None


class HandoffReasonIn(InputSchema):
    reason: str = Field("", max_length=MAX_REASON)


class ContractIn(InputSchema):
    kind: Literal["development", "transfer", "licence", "consulting", "service"]
    title: str = Field(min_length=1, max_length=200)
    party_a: Id
    party_b: Id
    amount: Money
    signed_on: ApiDate
    starts_on: ApiDate | None = None
    ends_on: ApiDate | None = None
    registration_number: str = Field("", max_length=20)


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: date
    amount: Decimal | None
    done_on: date | None


class PaymentOut(Schema):
    amount: Decimal
    received_on: date
    note: str


class ContractOut(Schema):
    id: int
    kind: str
    title: str
    party_a: int
    party_b: int
    amount: Decimal
    signed_on: date
    starts_on: date | None
    ends_on: date | None
    registration_number: str
    status: str = Field(description="active (in force) or void (out of every total)")
    void_reason: str
    milestones: list[MilestoneOut]
    payments: list[PaymentOut]

    @staticmethod
    def build(c: Contract) -> ContractOut:
        return ContractOut(
            id=c.pk,
            kind=c.kind,
            title=c.title,
            party_a=c.party_a_id,  # type: ignore[attr-defined]
            party_b=c.party_b_id,  # type: ignore[attr-defined]
            amount=c.amount,
            signed_on=c.signed_on,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            registration_number=c.registration_number,
            status=c.status,
            void_reason=c.void_reason,
            milestones=[
                MilestoneOut(
                    id=m.pk, title=m.title, due_on=m.due_on, amount=m.amount, done_on=m.done_on
                )
                for m in c.milestones.all()
            ],
            payments=[
                PaymentOut(amount=p.amount, received_on=p.received_on, note=p.note)
                for p in c.payments.all()
            ],
        )


class ContractPage(Page):
    results: list[ContractOut]


class VoidIn(InputSchema):
    reason: str = Field(min_length=1, max_length=MAX_REASON)


class DoneIn(InputSchema):
    done_on: ApiDate


class ContractTotalsOut(Schema):
    amount: Decimal = Field(description="Sum of the contracts in force (void ones excluded)")
    received: Decimal = Field(description="Payments received on the contracts in force")


class MilestoneIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    due_on: ApiDate
    amount: Money | None = None


class PaymentIn(InputSchema):
    amount: Money
    received_on: ApiDate
    note: str = Field("", max_length=200)


class FundingIn(InputSchema):
    kind: Literal["government", "enterprise", "alliance", "loan", "investment", "other"]
    amount: Money
    note: str = Field("", max_length=200)


class OutcomeIn(InputSchema):
    moment: Literal["acceptance", "one_year"]
    new_product: str = Field("", max_length=200)
    revenue: Money | None = None
    jobs: int | None = Field(None, ge=0, le=10_000_000)
    new_company: str = Field("", max_length=200)


def _detail(request: HttpRequest, pk: int) -> ProjectOut:
    return ProjectOut.build(request, selectors.project_get(viewer_of(request), pk))


def _baton_page(qs: object, page: int, page_size: int) -> BatonPage:
    meta, items = paginate(qs, page=page, page_size=page_size)
    return BatonPage(
        **meta.dict(),
        results=[
            BatonStageOut(
                project=row.stage.project_id,  # type: ignore[attr-defined]
                project_title=row.stage.project.title,
                stage=row.stage.key,
                owner_organisation=row.stage.owner_organisation_id,  # type: ignore[attr-defined]
                owner_user=row.stage.owner_user_id,  # type: ignore[attr-defined]
                batons=[BatonOut(kind=k, label=str(label), since=s) for k, label, s in row.kinds],
            )
            for row in selectors.baton_rows(items)
        ],
    )


@router.get("/projects", response={200: ProjectPage, **ERRORS}, auth=REQUIRED_AUTH)
def list_projects(request: HttpRequest, params: Query[PortfolioQuery]):
    """The portfolio: projects the caller is a party to (all, for the secretariat), filtered."""
    qs = selectors.portfolio(
        viewer_of(request),
        region=params.region,
        stage=params.stage,
        status=params.status,
        dropped=params.dropped,
        zone=params.zone,
    )
    page, items = paginate(qs, page=params.page, page_size=params.page_size)
    results = []
    for p in items:
        current = selectors.current_stage(p)
        results.append(
            ProjectSummaryOut(
                id=p.pk,
                title=p.title,
                status=p.status,
                enterprise=p.enterprise_id,  # type: ignore[attr-defined]
                agency=p.agency_id,  # type: ignore[attr-defined]
                current_stage=current.key if current else None,
            )
        )
    return ProjectPage(**page.dict(), results=results)


@router.post("/projects", response={201: ProjectOut, **ERRORS}, auth=REQUIRED_AUTH)
def open_project(request: HttpRequest, payload: OpenIn):
    """Open a project in one step from an enquiry with a signed intention (``origin_id``), a
    demand's match (``demand_id`` and the matched ``achievement_ids``) or an achievement."""
    project = opening_services.project_open_from(
        viewer=viewer_of(request),
        origin=payload.origin,
        origin_id=payload.origin_id,
        title=payload.title,
        summary=payload.summary,
        achievement_ids=list(payload.achievement_ids),
        demand_id=payload.demand_id,
        enterprise_id=payload.enterprise_id,
        agency_id=payload.agency_id,
        budget=payload.budget,
    )
    return 201, _detail(request, project.pk)


@router.get("/dropped", response={200: BatonPage, **ERRORS}, auth=REQUIRED_AUTH)
def list_dropped(request: HttpRequest, params: Query[PageQuery]):
    """Dropped batons: all for the secretariat; the caller's stages and projects otherwise."""
    qs = selectors.dropped_batons(viewer_of(request))
    return _baton_page(qs, params.page, params.page_size)


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS}, auth=REQUIRED_AUTH)
def get_project(request: HttpRequest, project_id: Id):
    return _detail(request, project_id)


@router.post(
    "/projects/{project_id}/stages/{stage}",
    response={200: ProjectOut, **ERRORS},
    auth=REQUIRED_AUTH,
)
def plan_stage(request: HttpRequest, project_id: Id, stage: StageName, payload: StagePlanIn):
    """Plan a stage (the service agency or the secretariat; its owner side names the person)."""
    services.stage_update(
        viewer=viewer_of(request),
        project_id=project_id,
        key=stage,
        owner_organisation_id=payload.owner_organisation,
        owner_user_id=payload.owner_user,
        due_date=payload.due_date,
        acceptance_criteria=payload.acceptance_criteria,
        handoff_days=payload.handoff_days,
    )
    return _detail(request, project_id)


@router.post(
    "/projects/{project_id}/stages/{stage}/actions/{action}",
    response={200: ProjectOut, **ERRORS},
    auth=REQUIRED_AUTH,
)
def move_stage(
    request: HttpRequest,
    project_id: Id,
    stage: StageName,
    action: Action,
    payload: HandoffReasonIn | None = None,
):
    """A hand-off move: mark_ready (the giver, with deliverables uploaded), accept or refuse
    with a reason (the receiver), skip with a reason or reinstate (the agency, the
    secretariat)."""
    services.stage_move(
        viewer=viewer_of(request),
        project_id=project_id,
        key=stage,
        action=action,
        reason=payload.reason if payload else "",
    )
    return _detail(request, project_id)


@router.post(
    "/projects/{project_id}/stages/{stage}/deliverables",
    response={201: ProjectOut, **ERRORS},
    auth=REQUIRED_AUTH,
)
def upload_deliverables(
    request: HttpRequest,
    project_id: Id,
    stage: StageName,
    files: list[UploadedFile] = File(...),  # noqa: B008
):
    """Upload deliverables (multipart, at most 5 files of the accepted types and size)."""
    if [v for v in request.POST.getlist("files") if v != "null"]:
        error = {"loc": ("body", "files"), "msg": _("Attach files, not text."), "type": "files"}
        raise NinjaValidationError([error])
    services.stage_upload(viewer=viewer_of(request), project_id=project_id, key=stage, files=files)
    return 201, _detail(request, project_id)


@router.post(
    "/projects/{project_id}/close", response={200: ProjectOut, **ERRORS}, auth=REQUIRED_AUTH
)
def close_project(request: HttpRequest, project_id: Id):
    """Close a project whose stages are all done or skipped (the agency, the secretariat)."""
    services.project_close(viewer=viewer_of(request), pk=project_id)
    return _detail(request, project_id)


@router.get(
    "/projects/{project_id}/contracts", response={200: ContractPage, **ERRORS}, auth=REQUIRED_AUTH
)
def list_contracts(request: HttpRequest, project_id: Id, params: Query[PageQuery]):
    qs = selectors.contracts_of(viewer_of(request), project_id)
    page, items = paginate(qs, page=params.page, page_size=params.page_size)
    return ContractPage(**page.dict(), results=[ContractOut.build(c) for c in items])


@router.post(
    "/projects/{project_id}/contracts", response={201: ContractOut, **ERRORS}, auth=REQUIRED_AUTH
)
def create_contract(request: HttpRequest, project_id: Id, payload: ContractIn):
    contract = contract_services.contract_create(
        viewer=viewer_of(request), project_id=project_id, **payload.dict()
    )
    return 201, ContractOut.build(contract)


@router.get(
    "/projects/{project_id}/contract-totals",
    response={200: ContractTotalsOut, **ERRORS},
    auth=REQUIRED_AUTH,
)
def contract_totals(request: HttpRequest, project_id: Id):
    return ContractTotalsOut(**selectors.contract_totals(viewer_of(request), project_id))


@router.put("/contracts/{contract_id}", response={200: ContractOut, **ERRORS}, auth=REQUIRED_AUTH)
def update_contract(request: HttpRequest, contract_id: Id, payload: ContractIn):
    """Correct a contract (every field, as when recording it); the changes go to its history.
    A contract is never deleted: void it instead."""
    contract = contract_services.contract_update(
        viewer=viewer_of(request), contract_id=contract_id, **payload.dict()
    )
    return ContractOut.build(contract)


@router.post(
    "/contracts/{contract_id}/void", response={200: ContractOut, **ERRORS}, auth=REQUIRED_AUTH
)
def void_contract(request: HttpRequest, contract_id: Id, payload: VoidIn):
    contract = contract_services.contract_void(
        viewer=viewer_of(request), contract_id=contract_id, reason=payload.reason
    )
    return ContractOut.build(contract)


@router.post(
    "/milestones/{milestone_id}/done", response={200: ContractOut, **ERRORS}, auth=REQUIRED_AUTH
)
def milestone_done(request: HttpRequest, milestone_id: Id, payload: DoneIn):
    m = contract_services.milestone_done(
        viewer=viewer_of(request), milestone_id=milestone_id, done_on=payload.done_on
    )
    return ContractOut.build(m.contract)


@router.post(
    "/contracts/{contract_id}/milestones", response={201: ContractOut, **ERRORS}, auth=REQUIRED_AUTH
)
def add_milestone(request: HttpRequest, contract_id: Id, payload: MilestoneIn):
    m = contract_services.milestone_add(
        viewer=viewer_of(request), contract_id=contract_id, **payload.dict()
    )
    return 201, ContractOut.build(m.contract)


@router.post(
    "/contracts/{contract_id}/payments", response={201: ContractOut, **ERRORS}, auth=REQUIRED_AUTH
)
def add_payment(request: HttpRequest, contract_id: Id, payload: PaymentIn):
    p = contract_services.payment_add(
        viewer=viewer_of(request), contract_id=contract_id, **payload.dict()
    )
    return 201, ContractOut.build(p.contract)


@router.post(
    "/projects/{project_id}/funding", response={201: ProjectOut, **ERRORS}, auth=REQUIRED_AUTH
)
def add_funding(request: HttpRequest, project_id: Id, payload: FundingIn):
    contract_services.funding_add(
        viewer=viewer_of(request), project_id=project_id, **payload.dict()
    )
    return 201, _detail(request, project_id)


@router.post(
    "/projects/{project_id}/outcomes", response={201: ProjectOut, **ERRORS}, auth=REQUIRED_AUTH
)
def record_outcomes(request: HttpRequest, project_id: Id, payload: OutcomeIn):
    """Outcomes at acceptance (after the delivery is accepted) or one year later."""
    contract_services.outcome_record(
        viewer=viewer_of(request), project_id=project_id, **payload.dict()
    )
    return 201, _detail(request, project_id)


@router.post(
    "/projects/{project_id}/facilities", response={200: ProjectOut, **ERRORS}, auth=REQUIRED_AUTH
)
def link_facilities(request: HttpRequest, project_id: Id, payload: FacilitiesIn):
    """Link a pilot-test platform booking and an undertaking zone (null unlinks)."""
    services.project_link_facilities(
        viewer=viewer_of(request), pk=project_id, booking_id=payload.booking, zone_id=payload.zone
    )
    return _detail(request, project_id)
