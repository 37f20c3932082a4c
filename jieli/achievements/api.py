"""JSON API for achievements at /api/v1/achievements."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Body, Query, Router, Schema
from pydantic import Field, StringConstraints

from jieli.achievements import selectors, services
from jieli.achievements.models import (
    MAX_IP_RECORDS,
    MAX_KEYWORD_LENGTH,
    MAX_KEYWORDS,
    Achievement,
)
from jieli.core import registry
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
    QueryMoney,
    paginate,
    viewer_of,
)

router = Router(tags=["achievements"])

# Written out so type checkers see them; test_api checks they match the model choices.
MaturityT = Literal["", "research", "lab", "pilot", "mass"]  # "" = not stated
TransferModeT = Literal["assignment", "licence", "equity", "joint", "service", "other"]
IPTypeT = Literal["invention", "utility", "design", "software", "plant", "secret"]
LegalStatusT = Literal["pending", "in_force", "lapsed", "transferred"]
VisibilityT = Literal["public", "members", "private"]
StatusT = Literal["draft", "submitted", "published", "returned", "archived"]
ActionT = Literal["submit", "publish", "return", "reconfirm", "archive"]
Keyword = Annotated[str, StringConstraints(max_length=MAX_KEYWORD_LENGTH)]
Code = Annotated[str, StringConstraints(max_length=16)]
TRL = Annotated[int, Field(ge=1, le=9)]


# --- output --------------------------------------------------------------------------------


class CodeNameOut(Schema):
    code: str
    name: str


class OwnerOut(Schema):
    id: int
    name: str


class IPOut(Schema):
    number: str | None  # members-only: null unless the viewer sees the detail
    ip_type: str
    ip_type_label: str
    legal_status: str
    legal_status_label: str
    filing_date: date | None
    grant_date: date | None
    expiry_date: date | None


def _code(obj: Any) -> CodeNameOut | None:
    return CodeNameOut(code=obj.pk, name=obj.display_name) if obj is not None else None


class AchievementSummaryOut(Schema):
    id: int
    title: str
    summary: str
    owner: OwnerOut
    industry: CodeNameOut | None
    discipline: CodeNameOut | None
    region: CodeNameOut | None
    keywords: list[str]
    trl: int | None
    trl_name_zh: str | None
    trl_name_en: str | None
    maturity: str
    maturity_label: str
    transfer_modes: list[str]
    price_wan: Decimal | None
    price_negotiable: bool
    dual_use: bool
    status: str
    visibility: str
    published_at: datetime | None
    confirmed_at: datetime | None

    @classmethod
    def fields_of(cls, a: Achievement) -> dict[str, Any]:
        trl = a.trl_level
        return {
            "id": a.pk,
            "title": a.title,
            "summary": a.summary,
            "owner": OwnerOut(id=a.owner.pk, name=a.owner.name),
            "industry": _code(a.industry),
            "discipline": _code(a.discipline),
            "region": _code(a.region),
            "keywords": list(a.keywords or []),
            "trl": a.trl,
            "trl_name_zh": trl.name_zh if trl else None,
            # The English name whatever the request's language (the source string).
            "trl_name_en": _english(trl.name_en) if trl else None,
            "maturity": a.maturity,
            "maturity_label": str(a.get_maturity_display()),
            "transfer_modes": list(a.transfer_modes or []),
            "price_wan": a.price_wan,
            "price_negotiable": a.price_negotiable,
            "dual_use": a.dual_use,
            "status": a.status,
            "visibility": a.visibility,
            "published_at": a.published_at,
            "confirmed_at": a.confirmed_at,
        }

    @classmethod
    def from_model(cls, a: Achievement) -> AchievementSummaryOut:
        return cls(**cls.fields_of(a))


class AchievementOut(AchievementSummaryOut):
    sees_detail: bool
    detail: str | None  # members-only
    team: str | None  # members-only
    application_fields: str
    ip_records: list[IPOut]
    return_reason: str | None  # the owner and the secretariat only
    reconfirm_due_at: datetime | None
    actions: list[str]
    # What other apps add for this viewer (core.registry.listing_summaries): e.g. the latest
    # issued market evaluation {"kind": "evaluation", "version", "issued_on", "total", "values"}.
    summaries: list[dict[str, Any]] = []

    @classmethod
    def build(cls, view: selectors.AchievementDetail) -> AchievementOut:
        a = view.achievement
        return cls(
            **cls.fields_of(a),
            sees_detail=view.sees_detail,
            detail=view.detail,
            team=view.team,
            application_fields=a.application_fields,
            ip_records=[IPOut(**row) for row in view.ip_rows()],
            return_reason=a.return_reason if view.shows_workflow else None,
            reconfirm_due_at=a.reconfirm_due_at if view.shows_workflow else None,
            actions=view.actions,
        )


class AchievementPage(Page):
    results: list[AchievementSummaryOut]


class ChangeOut(Schema):
    created_at: datetime
    actor: str | None
    action: str
    changes: dict[str, Any]
    reason: str


# --- input ---------------------------------------------------------------------------------


class IPIn(InputSchema):
    number: str = Field("", max_length=50)
    ip_type: IPTypeT
    legal_status: LegalStatusT = "pending"
    filing_date: ApiDate | None = None
    grant_date: ApiDate | None = None
    expiry_date: ApiDate | None = None


class AchievementIn(InputSchema):
    owner_id: Id
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field("", max_length=2000)
    detail: str = Field("", max_length=20000)
    team: str = Field("", max_length=1000)
    industry: Code | None = None
    discipline: Code | None = None
    region: Code | None = None
    keywords: list[Keyword] = Field(default_factory=list, max_length=MAX_KEYWORDS)
    trl: TRL | None = None
    maturity: MaturityT = ""
    transfer_modes: list[TransferModeT] = Field(default_factory=list, max_length=6)
    price_wan: Money | None = None
    price_negotiable: bool = False
    application_fields: str = Field("", max_length=1000)
    dual_use: bool = False
    visibility: VisibilityT = "public"
    ip_records: list[IPIn] = Field(default_factory=list, max_length=MAX_IP_RECORDS)


class AchievementPatch(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    summary: str | None = Field(None, max_length=2000)
    detail: str | None = Field(None, max_length=20000)
    team: str | None = Field(None, max_length=1000)
    industry: Code | None = None
    discipline: Code | None = None
    region: Code | None = None
    keywords: list[Keyword] | None = Field(None, max_length=MAX_KEYWORDS)
    trl: TRL | None = None
    maturity: MaturityT | None = None
    transfer_modes: list[TransferModeT] | None = Field(None, max_length=6)
    price_wan: Money | None = None
    price_negotiable: bool | None = None
    application_fields: str | None = Field(None, max_length=1000)
    dual_use: bool | None = None
    visibility: VisibilityT | None = None
    ip_records: list[IPIn] | None = Field(None, max_length=MAX_IP_RECORDS)


class AchievementActionIn(InputSchema):
    reason: str = Field("", max_length=2000)


class AchievementQuery(Schema):
    q: str = Field("", max_length=200)
    industry: str = Field("", max_length=16)
    discipline: str = Field("", max_length=16)
    region: str = Field("", max_length=16)
    trl: TRL | None = None
    trl_min: TRL | None = None
    trl_max: TRL | None = None
    maturity: MaturityT | None = None
    transfer_mode: TransferModeT | None = None
    price_min: QueryMoney | None = None
    price_max: QueryMoney | None = None
    negotiable: bool | None = None
    dual_use: bool | None = None
    published_since: ApiDate | None = None
    owner: Id | None = None
    status: StatusT | None = None
    page: PageNo = 1
    page_size: PageSize = 20


OPTIONAL_BODY = Body(None)  # the reason is optional, so is the whole body


# --- handlers ------------------------------------------------------------------------------


def _data(payload: Schema, *, exclude: set[str], unset: bool) -> dict[str, Any]:
    data = payload.dict(exclude=exclude, exclude_unset=unset)
    # Whole numbers of 万元 arrive as Decimal already; the services take them as they are.
    return data


@router.get("", response={200: AchievementPage, **ERRORS}, auth=OPTIONAL_AUTH)
def list_achievements(request: HttpRequest, params: Query[AchievementQuery]):
    """Published achievements the caller may see, filtered; newest first."""
    filters = selectors.AchievementFilters(
        q=params.q,
        industry=params.industry,
        discipline=params.discipline,
        region=params.region,
        trl_min=params.trl if params.trl is not None else params.trl_min,
        trl_max=params.trl if params.trl is not None else params.trl_max,
        maturity=params.maturity or "",
        transfer_mode=params.transfer_mode or "",
        price_min=params.price_min,
        price_max=params.price_max,
        negotiable=params.negotiable,
        dual_use=params.dual_use,
        published_since=params.published_since,
        owner=params.owner,
        status=params.status or "",
    )
    qs = selectors.achievement_list(viewer_of(request), filters)
    page, items = paginate(qs, page=params.page, page_size=params.page_size)
    return AchievementPage(
        **page.dict(), results=[AchievementSummaryOut.from_model(a) for a in items]
    )


@router.get("/{achievement_id}", response={200: AchievementOut, **ERRORS}, auth=OPTIONAL_AUTH)
def get_achievement(request: HttpRequest, achievement_id: int):
    viewer = viewer_of(request)
    achievement = selectors.achievement_get(viewer, achievement_id)
    out = AchievementOut.build(selectors.achievement_detail_for(viewer, achievement))
    out.summaries = [
        item["data"]
        for item in registry.listing_summaries(viewer, "achievement", achievement)
        if "data" in item
    ]
    return out


@router.post("", response={201: AchievementOut, **ERRORS}, auth=REQUIRED_AUTH)
def create_achievement(request: HttpRequest, payload: AchievementIn):
    """Add a draft for an organisation the caller belongs to."""
    viewer = viewer_of(request)
    achievement = services.achievement_create(
        viewer=viewer,
        owner_id=payload.owner_id,
        data=_data(payload, exclude={"owner_id", "ip_records"}, unset=False),
        ip_records=[r.dict() for r in payload.ip_records],
    )
    return 201, AchievementOut.build(selectors.achievement_detail_for(viewer, achievement))


@router.patch("/{achievement_id}", response={200: AchievementOut, **ERRORS}, auth=REQUIRED_AUTH)
def update_achievement(request: HttpRequest, achievement_id: int, payload: AchievementPatch):
    viewer = viewer_of(request)
    data = _data(payload, exclude={"ip_records"}, unset=True)
    for name in (
        "title",
        "maturity",
        "visibility",
        "keywords",
        "transfer_modes",
        "price_negotiable",
        "dual_use",
    ):
        if name in data and data[name] is None:  # explicit null for a non-nullable field
            data.pop(name)
    ip_records = payload.ip_records
    achievement = services.achievement_update(
        viewer=viewer,
        pk=achievement_id,
        data=data,
        ip_records=[r.dict() for r in ip_records] if ip_records is not None else None,
    )
    return AchievementOut.build(selectors.achievement_detail_for(viewer, achievement))


@router.post(
    "/{achievement_id}/actions/{action}",
    response={200: AchievementOut, **ERRORS},
    auth=REQUIRED_AUTH,
)
def act_on_achievement(
    request: HttpRequest,
    achievement_id: int,
    action: ActionT,
    payload: AchievementActionIn = OPTIONAL_BODY,
):
    """submit, publish, return (reason required), reconfirm or archive."""
    viewer = viewer_of(request)
    achievement = services.achievement_transition(
        viewer=viewer,
        pk=achievement_id,
        action=action,
        reason=payload.reason if payload is not None else "",
    )
    fresh = selectors.visible_achievements(viewer).get(pk=achievement.pk)
    return AchievementOut.build(selectors.achievement_detail_for(viewer, fresh))


@router.get(
    "/{achievement_id}/history", response={200: list[ChangeOut], **ERRORS}, auth=OPTIONAL_AUTH
)
def achievement_history(request: HttpRequest, achievement_id: int):
    """The change history: for the owner organisation's people and the secretariat."""
    viewer = viewer_of(request)
    achievement = selectors.achievement_get(viewer, achievement_id)
    return [
        ChangeOut(
            created_at=r.created_at,
            actor=r.actor.get_username() if r.actor else None,
            action=r.action,
            changes=r.changes,
            reason=r.reason,
        )
        for r in selectors.achievement_history(viewer, achievement)[:200]
    ]


def _english(text: object) -> str:
    from django.utils import translation

    with translation.override("en"):
        return str(text)
