from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from jieli.core.api import (
    MAX_PAGE,
    OPTIONAL_AUTH,
    REQUIRED_AUTH,
    Id,
    InputSchema,
    TopK,
    error_responses,
    viewer_of,
)
from jieli.core.security import ExpensiveThrottle, cached_for_viewer
from jieli.core.viewer import Viewer
from jieli.matching import selectors, services
from jieli.matching.selectors import Match

router = Router(tags=["matching"])
ERRORS = error_responses(400, 401, 403, 404, 422, 429)
# Ranking is the costly part of the platform: rate-limited per address / per user.
EXPENSIVE = ExpensiveThrottle()
Kind = Literal["achievement", "demand", "expert"]


class MatchOut(Schema):
    kind: str
    id: int
    title: str
    score: float = Field(
        ..., description="Calibrated probability (0–1) that the result is relevant to the text."
    )
    fit: float | None = Field(
        None, description="Structured fit (0–1) for matches; null for plain search."
    )
    contributions: dict[str, float] = Field(
        ..., description="Share (0–1) of the text evidence each component contributes."
    )
    fit_checks: dict[str, float | None] = Field(
        default_factory=dict, description="How well each structured check is met (0–1)."
    )
    components: dict[str, float | None] = Field(
        ..., description="The engine's raw numbers: secretariat and platform admins only."
    )
    reasons: list[str]
    matched_terms: list[str]
    highlighted_title: str
    highlighted_snippet: str

    @staticmethod
    def of(match: Match, viewer: Viewer) -> MatchOut:
        obj = match.obj
        return MatchOut(
            kind=match.kind,
            id=match.pk,
            title=obj.name if match.kind == "expert" else obj.title,
            score=match.score,
            fit=match.fit,
            contributions=match.contributions,
            fit_checks=match.fit_checks,
            components=match.components if viewer.is_staff_role else {},
            reasons=match.reasons,
            matched_terms=match.matched_terms,
            highlighted_title=str(match.highlighted_title),
            highlighted_snippet=str(match.highlighted_snippet),
        )


class OrganisationMatchOut(Schema):
    id: int
    name: str
    score: float
    reasons: list[str]
    via: list[MatchOut]


class SearchQuery(Schema):
    # Up to 10,000 characters are accepted and cut to the first 2,000 (a pasted text is
    # about what it starts with); a query without meaningful terms answers 422
    # ``no_meaningful_terms``.
    q: str = Field("", max_length=10000)
    kind: Kind = "achievement"
    k: TopK = 20


class KQuery(Schema):
    k: TopK = 10


class TopicExpertQuery(Schema):
    text: str = Field(..., max_length=10000)
    k: TopK = 10
    exclude_organisation: list[Id] = Field(default_factory=list, max_length=50)
    willing_to_evaluate: bool | None = None


class FeedbackIn(InputSchema):
    source_kind: Literal["achievement", "demand", "expert", "organisation"]
    source_id: Id
    target_kind: Literal["achievement", "demand", "expert", "organisation"]
    target_id: Id
    useful: bool
    score: float | None = None
    rank: Annotated[int, Field(ge=1, le=MAX_PAGE)] | None = None
    comment: str = Field("", max_length=500)


class FeedbackOut(Schema):
    id: int
    useful: bool


class ClassifyIn(InputSchema):
    text: str = Field(..., min_length=1, max_length=20000)


class SuggestionOut(Schema):
    code: str
    label: str
    probability: float


class ClassifyOut(Schema):
    section: list[SuggestionOut]
    division: list[SuggestionOut]
    discipline: list[SuggestionOut]


class StatusOut(Schema):
    kind: str
    encoder: str
    listings: int
    done: int
    pending: int
    percent: int


@router.get(
    "/search", response={200: list[MatchOut], **ERRORS}, auth=OPTIONAL_AUTH, throttle=EXPENSIVE
)
def search(request: HttpRequest, params: Query[SearchQuery]):
    """Ranked search with component scores, reasons and highlighted matched terms."""
    viewer = viewer_of(request)

    def run() -> list[dict]:
        found = selectors.search(viewer, kind=params.kind, q=params.q, k=params.k)
        return [MatchOut.of(m, viewer).dict() for m in found]

    rows = cached_for_viewer(viewer, ("api.search", params.kind, params.q, params.k), run)
    # A cached ranking may be up to a minute old: drop anything no longer visible.
    visible = set(
        selectors.visible_queryset(viewer, params.kind)
        .filter(pk__in=[r["id"] for r in rows])
        .values_list("pk", flat=True)
    )
    return [r for r in rows if r["id"] in visible]


@router.get(
    "/demands/{demand_id}/achievements",
    response={200: list[MatchOut], **ERRORS},
    auth=OPTIONAL_AUTH,
    throttle=EXPENSIVE,
)
def achievements_for_demand(request: HttpRequest, demand_id: int, params: Query[KQuery]):
    viewer = viewer_of(request)
    found = selectors.matches_for_demand(viewer, demand_id=demand_id, k=params.k)
    return [MatchOut.of(m, viewer) for m in found]


@router.get(
    "/demands/{demand_id}/experts",
    response={200: list[MatchOut], **ERRORS},
    auth=OPTIONAL_AUTH,
    throttle=EXPENSIVE,
)
def experts_for_demand(request: HttpRequest, demand_id: int, params: Query[KQuery]):
    viewer = viewer_of(request)
    found = selectors.matches_for_demand(viewer, demand_id=demand_id, kind="expert", k=params.k)
    return [MatchOut.of(m, viewer) for m in found]


@router.get(
    "/demands/{demand_id}/organisations",
    response={200: list[OrganisationMatchOut], **ERRORS},
    auth=OPTIONAL_AUTH,
    throttle=EXPENSIVE,
)
def organisations_for_demand(request: HttpRequest, demand_id: int, params: Query[KQuery]):
    viewer = viewer_of(request)
    found = selectors.organisations_for_demand(viewer, demand_id=demand_id, k=params.k)
    return [
        OrganisationMatchOut(
            id=o.organisation.pk,
            name=o.organisation.name,
            score=o.score,
            reasons=o.reasons,
            via=[MatchOut.of(m, viewer) for m in o.via],
        )
        for o in found
    ]


@router.get(
    "/achievements/{achievement_id}/demands",
    response={200: list[MatchOut], **ERRORS},
    auth=OPTIONAL_AUTH,
    throttle=EXPENSIVE,
)
def demands_for_achievement(request: HttpRequest, achievement_id: int, params: Query[KQuery]):
    viewer = viewer_of(request)
    found = selectors.demands_for_achievement(viewer, achievement_id=achievement_id, k=params.k)
    return [MatchOut.of(m, viewer) for m in found]


@router.get(
    "/achievements/{achievement_id}/similar",
    response={200: list[MatchOut], **ERRORS},
    auth=OPTIONAL_AUTH,
    throttle=EXPENSIVE,
)
def similar(request: HttpRequest, achievement_id: int, params: Query[KQuery]):
    viewer = viewer_of(request)
    found = selectors.similar_achievements(viewer, achievement_id=achievement_id, k=params.k)
    return [MatchOut.of(m, viewer) for m in found]


@router.get(
    "/experts", response={200: list[MatchOut], **ERRORS}, auth=OPTIONAL_AUTH, throttle=EXPENSIVE
)
def experts_for_topic(request: HttpRequest, params: Query[TopicExpertQuery]):
    """Experts for a topic; ``exclude_organisation`` leaves out experts tied to them."""
    viewer = viewer_of(request)
    found = selectors.experts_for_topic(
        viewer,
        text=params.text,
        k=params.k,
        exclude_organisation_ids=params.exclude_organisation,
        willing_to_evaluate=params.willing_to_evaluate,
    )
    return [MatchOut.of(m, viewer) for m in found]


@router.post("/feedback", response={200: FeedbackOut, **ERRORS}, auth=REQUIRED_AUTH)
def feedback(request: HttpRequest, payload: FeedbackIn):
    record = services.match_feedback_record(viewer=viewer_of(request), **payload.dict())
    return FeedbackOut(id=record.pk, useful=record.useful)


@router.get("/status", response={200: list[StatusOut], **ERRORS}, auth=OPTIONAL_AUTH)
def status(request: HttpRequest):
    """Progress of the background sentence-vector jobs."""
    return [
        StatusOut(
            kind=s.kind,
            encoder=s.encoder,
            listings=s.listings,
            done=s.done,
            pending=s.pending,
            percent=s.percent,
        )
        for s in selectors.vector_status()
    ]


@router.post(
    "/classify", response={200: ClassifyOut, **ERRORS}, auth=OPTIONAL_AUTH, throttle=EXPENSIVE
)
def classify(request: HttpRequest, payload: ClassifyIn):
    """Suggested industry section, division and discipline for a listing's text."""
    from jieli.matching.classification import suggest_codes

    found = suggest_codes(payload.text)
    return ClassifyOut(
        **{
            target: [
                SuggestionOut(code=s.code, label=s.label, probability=s.probability) for s in items
            ]
            for target, items in found.items()
        }
    )
