"""The evaluations API: /api/v1/evaluations. Strict bodies (decision 0006): 400 outside the
schema, 422 refused by a rule (weights, scales, rates, stage), 404 for an evaluation the caller
may not see. Rates are fractions (0.12 is 12 %), money in 10,000 yuan."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from django.http import HttpRequest
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
    PageQuery,
    paginate,
    viewer_of,
)
from jieli.core.errors import NotFound
from jieli.evaluations import panel_services, selectors, services, valuation_services
from jieli.evaluations.models import Evaluation, EvaluationReport, IndexSystem

router = Router(tags=["evaluations"])

Reason = Annotated[str, Field(max_length=2000)]
Number = Annotated[float, Field(allow_inf_nan=False)]


class SeatOut(Schema):
    id: int
    expert_id: int
    expert: str
    status: str
    is_chair: bool
    conflict_override: str
    decline_reason: str
    submitted: bool


class EvaluationOut(Schema):
    id: int
    achievement_id: int
    title: str
    route: str
    purpose: str
    deadline: date
    fee_wan: str | None
    fee_note: str
    confidentiality: str
    stage: str
    index_system: str
    index_version: int
    agency_id: int | None
    sides: list[str]
    seats: list[SeatOut]

    @classmethod
    def build(cls, e: Evaluation, sides: frozenset[str]) -> EvaluationOut:
        return cls(
            id=e.pk,
            achievement_id=e.achievement_id,
            title=e.title,
            route=e.route,  # type: ignore[attr-defined]
            purpose=e.purpose,
            deadline=e.deadline,
            fee_wan=None if e.fee_wan is None else str(e.fee_wan),
            fee_note=e.fee_note,
            confidentiality=e.confidentiality,
            stage=e.stage,
            index_system=e.index_system.key,
            index_version=e.index_system.version,
            agency_id=e.agency_id,  # type: ignore[attr-defined]
            sides=sorted(sides),
            seats=[
                SeatOut(
                    id=s.pk,
                    expert_id=s.expert_id,
                    expert=str(s.expert),
                    status=s.status,  # type: ignore[attr-defined]
                    is_chair=s.is_chair,
                    conflict_override=s.conflict_override,
                    decline_reason=s.decline_reason,
                    submitted=s.submitted_at is not None,
                )
                for s in selectors.seats_of(e)
            ]
            if sides & {"manager", "owner", "requester", "panel"}
            else [],
        )


class EvaluationPage(Page):
    results: list[EvaluationOut]


class EvaluationRequestIn(InputSchema):
    achievement_id: Id
    purpose: Literal["licensing", "investment", "pledge", "portfolio"]
    deadline: ApiDate
    confidentiality: Literal["owner", "members", "public"]
    index_key: Literal["technology", "patent"] = "technology"
    fee_wan: Money | None = None
    fee_note: Annotated[str, Field(max_length=300)] = ""
    requester_organisation_id: Id | None = None


class EvaluationMoveIn(InputSchema):
    action: Literal["consent", "decline", "start_scoring", "close_scoring", "reevaluate", "cancel"]
    reason: Reason = ""


class SeatIn(InputSchema):
    expert_id: Id
    is_chair: bool = False
    override_reason: Reason = ""
    replaces_id: Id | None = None


class RespondIn(InputSchema):
    accept: bool
    reason: Reason = ""


class ScoreIn(InputSchema):
    value: Number
    justification: Reason


class ScoresIn(InputSchema):
    scores: dict[Annotated[str, Field(max_length=40)], ScoreIn]


class ValuationIn(InputSchema):
    method: Literal["income", "cost", "market"]
    inputs: dict[str, Any]


class ValuationOut(Schema):
    method: str
    inputs: dict[str, Any]
    result: dict[str, Any]


class SurveyIn(InputSchema):
    customers: Annotated[str, Field(max_length=2000)]
    market_size_wan: Number
    market_size_source: Annotated[str, Field(max_length=300)]
    market_size_year: Annotated[int, Field(ge=1990, le=2100)]
    competitors: Annotated[str, Field(max_length=2000)]
    price_points: Annotated[str, Field(max_length=1000)] = ""
    channels: Annotated[str, Field(max_length=1000)] = ""


class NodeOut(Schema):
    key: str
    name: str
    depth: int
    weight: float
    mean: float | None
    median: float | None
    std: float | None
    outlier_seat_ids: list[int]


class ResultsOut(Schema):
    raters: int
    total: float | None
    kendall_w: float | None
    icc: float | None
    nodes: list[NodeOut]


class ReportOut(Schema):
    id: int
    evaluation_id: int
    achievement_id: int
    version: int
    confidentiality: str
    snapshot: dict[str, Any]

    @classmethod
    def build(cls, r: EvaluationReport) -> ReportOut:
        return cls(
            id=r.pk,
            evaluation_id=r.evaluation_id,
            achievement_id=r.achievement_id,  # type: ignore[attr-defined]
            version=r.version,
            confidentiality=r.confidentiality,
            snapshot=r.snapshot,
        )


class AccreditationIn(InputSchema):
    organisation_id: Id
    active: bool = True


class AccreditationOut(Schema):
    organisation_id: int
    active: bool


def _out(request: HttpRequest, evaluation_id: int) -> EvaluationOut:
    viewer = viewer_of(request)
    evaluation = selectors.evaluation_get(viewer, evaluation_id)
    return EvaluationOut.build(evaluation, selectors.sides_of(viewer, evaluation))


@router.get("", response={200: EvaluationPage, **ERRORS}, auth=REQUIRED_AUTH)
def list_evaluations(request: HttpRequest, params: Query[PageQuery]):
    """The evaluations the caller takes part in (an evaluator: only those they sit on)."""
    viewer = viewer_of(request)
    page, items = paginate(
        selectors.visible_evaluations(viewer), page=params.page, page_size=params.page_size
    )
    return EvaluationPage(
        **page.dict(),
        results=[EvaluationOut.build(e, selectors.sides_of(viewer, e)) for e in items],
    )


@router.post("", response={201: EvaluationOut, **ERRORS}, auth=REQUIRED_AUTH)
def request_evaluation(request: HttpRequest, payload: EvaluationRequestIn):
    """Request an evaluation: as the owner, as a member (the owner consents), or as the
    secretariat."""
    evaluation = services.evaluation_request(viewer=viewer_of(request), **payload.dict())
    return 201, _out(request, evaluation.pk)


@router.post("/accreditations", response={200: AccreditationOut, **ERRORS}, auth=REQUIRED_AUTH)
def accredit(request: HttpRequest, payload: AccreditationIn):
    """The secretariat accredits (or withdraws) an evaluation agency."""
    accreditation = services.accreditation_grant(
        viewer=viewer_of(request), organisation_id=payload.organisation_id, active=payload.active
    )
    return AccreditationOut(
        organisation_id=accreditation.organisation_id,  # type: ignore[attr-defined]
        active=accreditation.is_active,
    )


class IndexSystemIn(InputSchema):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{1,39}$")]
    name_zh: Annotated[str, Field(max_length=100)]
    name_en: Annotated[str, Field(max_length=100)] = ""
    tree: dict[str, Any]
    weight_sets: dict[str, dict[str, Number]] = {}


class IndexSystemOut(Schema):
    key: str
    version: int
    name_zh: str
    name_en: str
    is_current: bool
    tree: dict[str, Any]
    weight_sets: dict[str, Any]


class IndexSystemPage(Page):
    results: list[IndexSystemOut]


def _index_out(system: IndexSystem) -> IndexSystemOut:
    return IndexSystemOut(
        key=system.key,
        version=system.version,
        name_zh=system.name_zh,
        name_en=system.name_en,
        is_current=system.is_current,
        tree=system.tree,
        weight_sets=system.weight_sets,
    )


class AgencyIn(InputSchema):
    agency_id: Id | None


@router.get("/index-systems", response={200: IndexSystemPage, **ERRORS}, auth=REQUIRED_AUTH)
def list_index_systems(request: HttpRequest, params: Query[PageQuery]):
    """Every version of every index tree (the current ones first)."""
    qs = IndexSystem.objects.order_by("-is_current", "key", "-version")
    page, items = paginate(qs, page=params.page, page_size=params.page_size)
    return IndexSystemPage(**page.dict(), results=[_index_out(s) for s in items])


@router.post("/index-systems", response={200: IndexSystemOut, **ERRORS}, auth=REQUIRED_AUTH)
def save_index_system(request: HttpRequest, payload: IndexSystemIn):
    """The secretariat saves a tree (weights of siblings sum to 1): in place while unused, as a
    new version once an evaluation uses it."""
    return _index_out(services.index_system_save(viewer=viewer_of(request), **payload.dict()))


@router.get("/reports/{report_id}", response={200: ReportOut, **ERRORS}, auth=OPTIONAL_AUTH)
def get_report(request: HttpRequest, report_id: Id):
    """An issued report (immutable), to whom its confidentiality allows."""
    return ReportOut.build(selectors.report_get(viewer_of(request), report_id))


@router.get("/{evaluation_id}", response={200: EvaluationOut, **ERRORS}, auth=REQUIRED_AUTH)
def get_evaluation(request: HttpRequest, evaluation_id: Id):
    return _out(request, evaluation_id)


@router.post("/{evaluation_id}/move", response={200: EvaluationOut, **ERRORS}, auth=REQUIRED_AUTH)
def move_evaluation(request: HttpRequest, evaluation_id: Id, payload: EvaluationMoveIn):
    services.evaluation_move(
        viewer=viewer_of(request),
        evaluation_id=evaluation_id,
        action=payload.action,
        reason=payload.reason,
    )
    return _out(request, evaluation_id)


@router.post("/{evaluation_id}/agency", response={200: EvaluationOut, **ERRORS}, auth=REQUIRED_AUTH)
def assign_agency(request: HttpRequest, evaluation_id: Id, payload: AgencyIn):
    """The secretariat hands the evaluation to an accredited agency (null: back to itself)."""
    services.evaluation_assign_agency(
        viewer=viewer_of(request), evaluation_id=evaluation_id, agency_id=payload.agency_id
    )
    return _out(request, evaluation_id)


@router.post("/{evaluation_id}/seats", response={201: EvaluationOut, **ERRORS}, auth=REQUIRED_AUTH)
def invite_expert(request: HttpRequest, evaluation_id: Id, payload: SeatIn):
    """Invite an expert; a conflict of interest needs ``override_reason``."""
    panel_services.seat_invite(
        viewer=viewer_of(request), evaluation_id=evaluation_id, **payload.dict()
    )
    return 201, _out(request, evaluation_id)


@router.post(
    "/{evaluation_id}/respond", response={200: EvaluationOut, **ERRORS}, auth=REQUIRED_AUTH
)
def respond(request: HttpRequest, evaluation_id: Id, payload: RespondIn):
    """The invited expert accepts, or declines with a reason."""
    panel_services.seat_respond(
        viewer=viewer_of(request),
        evaluation_id=evaluation_id,
        accept=payload.accept,
        reason=payload.reason,
    )
    return _out(request, evaluation_id)


@router.post("/{evaluation_id}/scores", response={200: EvaluationOut, **ERRORS}, auth=REQUIRED_AUTH)
def submit_scores(request: HttpRequest, evaluation_id: Id, payload: ScoresIn):
    """Every leaf of the index tree: ``{key: {value, justification}}`` on the leaf's scale."""
    panel_services.scores_submit(
        viewer=viewer_of(request),
        evaluation_id=evaluation_id,
        scores={k: v.dict() for k, v in payload.scores.items()},
    )
    return _out(request, evaluation_id)


@router.post(
    "/{evaluation_id}/reconsider", response={200: EvaluationOut, **ERRORS}, auth=REQUIRED_AUTH
)
def ask_reconsider(request: HttpRequest, evaluation_id: Id):
    """The chair asks the outliers to reconsider (once)."""
    panel_services.reconsider_ask(viewer=viewer_of(request), evaluation_id=evaluation_id)
    return _out(request, evaluation_id)


@router.get("/{evaluation_id}/results", response={200: ResultsOut, **ERRORS}, auth=REQUIRED_AUTH)
def results(request: HttpRequest, evaluation_id: Id):
    """Weighted mean, median and spread per node; outliers; Kendall's W and ICC(2,k)."""
    viewer = viewer_of(request)
    evaluation = selectors.evaluation_get(viewer, evaluation_id)
    if not selectors.results_visible(selectors.sides_of(viewer, evaluation), evaluation):
        raise NotFound()  # as on the page: no interim scores outside the panel while it scores
    r = selectors.panel_results(evaluation)
    return ResultsOut(
        raters=r.raters,
        total=r.total,
        kendall_w=r.kendall_w,
        icc=r.icc,
        nodes=[
            NodeOut(
                key=n.key,
                name=n.name,
                depth=n.depth,
                weight=n.weight,
                mean=n.mean,
                median=n.median,
                std=n.std,
                outlier_seat_ids=[row[0] for row in n.raters if row[4]],
            )
            for n in r.nodes
        ],
    )


@router.post(
    "/{evaluation_id}/valuations", response={200: ValuationOut, **ERRORS}, auth=REQUIRED_AUTH
)
def save_valuation(request: HttpRequest, evaluation_id: Id, payload: ValuationIn):
    """Compute and save one approach. income: basis, revenue, growth, years, margin,
    share_rate, royalty_rate, discount_rate, risk_premium, tax_rate, ranges {name: [P10, P50,
    P90]}, draws; cost: base, base_cost, profit_rate, physical, functional, economic; market:
    comparables [{name, price, year, technology, time, scale, other}]."""
    v = valuation_services.valuation_save(
        viewer=viewer_of(request),
        evaluation_id=evaluation_id,
        method=payload.method,
        inputs=payload.inputs,
    )
    return ValuationOut(method=v.method, inputs=v.inputs, result=v.result)


@router.put("/{evaluation_id}/survey", response={200: EvaluationOut, **ERRORS}, auth=REQUIRED_AUTH)
def save_survey(request: HttpRequest, evaluation_id: Id, payload: SurveyIn):
    valuation_services.survey_save(
        viewer=viewer_of(request), evaluation_id=evaluation_id, data=payload.dict()
    )
    return _out(request, evaluation_id)


@router.post("/{evaluation_id}/issue", response={201: ReportOut, **ERRORS}, auth=REQUIRED_AUTH)
def issue(request: HttpRequest, evaluation_id: Id):
    """Issue the report: an immutable new version for the achievement."""
    return 201, ReportOut.build(
        services.evaluation_issue(viewer=viewer_of(request), evaluation_id=evaluation_id)
    )
