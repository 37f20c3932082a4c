"""The enquiries API: /api/v1/enquiries. Strict bodies (decision 0006): 400 outside the schema,
422 refused by a rule (own organisation, daily limit, blocked sender, bad attachment), 404 for a
listing or thread the caller may not see."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from pydantic import Field

from jieli.core.api import (
    ERRORS,
    REQUIRED_AUTH,
    Id,
    InputSchema,
    Page,
    PageNo,
    PageQuery,
    PageSize,
    paginate,
    viewer_of,
)
from jieli.enquiries import broker_services, selectors, services
from jieli.enquiries.models import Enquiry, EnquiryMessage, Introduction, Purpose
from jieli.enquiries.services import MAX_MESSAGE, MAX_REASON

router = Router(tags=["enquiries"])

PurposeIn = Annotated[Purpose, Field(strict=False)]
TargetKind = Literal["achievement", "demand", "expert"]
LinkKind = Literal["achievement", "demand"]


class ContactOut(Schema):
    name: str
    organisation: str
    phone: str
    emails: list[str]


class EnquiryOut(Schema):
    id: int
    target_kind: str
    target_id: int
    target_title: str
    owner_organisation: int | None
    sender: str
    sender_organisation: int | None
    purpose: str
    message: str
    link_kind: str
    link_id: int | None
    stage: str
    decline_reason: str
    broker: int | None
    introduction: int | None
    created_at: datetime
    answered_at: datetime | None
    sides: list[str]
    moves: list[str]
    # The other party's contact details: only once the enquiry is accepted (answered or later).
    contact: ContactOut | None

    @staticmethod
    def build(detail: selectors.EnquiryDetail) -> EnquiryOut:
        e = detail.enquiry
        c = detail.contact
        return EnquiryOut(
            id=e.pk,
            target_kind=e.target_kind,
            target_id=e.target_id,
            target_title=e.target_title,
            owner_organisation=e.owner_organisation_id,  # type: ignore[attr-defined]
            sender=e.sender.get_username(),
            sender_organisation=e.sender_organisation_id,  # type: ignore[attr-defined]
            purpose=e.purpose,
            message=e.message,
            link_kind=e.link_kind,
            link_id=e.link_id,
            stage=e.stage,
            decline_reason=e.decline_reason,
            broker=e.broker_id,  # type: ignore[attr-defined]
            introduction=e.introduction_id,  # type: ignore[attr-defined]
            created_at=e.created_at,
            answered_at=e.answered_at,
            sides=sorted(detail.sides),
            moves=detail.moves,
            contact=ContactOut(**c.__dict__) if c is not None else None,
        )


class EnquiryPage(Page):
    results: list[EnquiryOut]


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    url: str


class MessageOut(Schema):
    id: int
    author: str
    side: str
    body: str
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def build(m: EnquiryMessage) -> MessageOut:
        from django.urls import reverse

        return MessageOut(
            id=m.pk,
            author=m.author.get_username(),
            side=m.side,
            body=m.body,
            created_at=m.created_at,
            attachments=[
                AttachmentOut(
                    id=a.pk,
                    name=a.name,
                    size=a.size,
                    url=reverse("enquiries:file", args=[m.enquiry_id, a.pk]),  # type: ignore[attr-defined]
                )
                for a in m.attachments.all()
            ],
        )


class MessagePage(Page):
    results: list[MessageOut]


class EnquiryIn(InputSchema):
    target_kind: TargetKind
    target_id: Id
    purpose: PurposeIn
    message: str = Field(min_length=1, max_length=MAX_MESSAGE)
    link_kind: LinkKind | None = None
    link_id: Id | None = None
    sender_organisation: Id | None = None


class MessageIn(InputSchema):
    body: str = Field(min_length=1, max_length=MAX_MESSAGE)


class ReasonIn(InputSchema):
    reason: str = Field("", max_length=MAX_REASON)


class ReportIn(InputSchema):
    reason: str = Field(min_length=1, max_length=MAX_REASON)


class BrokerIn(InputSchema):
    broker: Id | None = None


class EnquiryQuery(Schema):
    role: Literal["", "sent", "received"] = ""
    stage: Literal[
        "", "new", "answered", "discussion", "intention", "contract", "declined", "closed"
    ] = ""
    page: PageNo = 1
    page_size: PageSize = 20


class IntroductionIn(InputSchema):
    party_a: Id
    target_kind: LinkKind
    target_id: Id
    purpose: PurposeIn
    note: str = Field(min_length=1, max_length=2000)
    link_kind: LinkKind | None = None
    link_id: Id | None = None


class ConsentIn(InputSchema):
    consent: bool


class IntroductionOut(Schema):
    id: int
    broker: int
    party_a: int
    party_b: int
    target_kind: str
    target_id: int
    link_kind: str
    link_id: int | None
    purpose: str
    note: str
    status: str
    a_consented: bool
    b_consented: bool
    enquiry: int | None

    @staticmethod
    def build(i: Introduction) -> IntroductionOut:
        enquiry = Enquiry.objects.filter(introduction=i).values_list("pk", flat=True).first()
        return IntroductionOut(
            id=i.pk,
            broker=i.broker_id,  # type: ignore[attr-defined]
            party_a=i.party_a_id,  # type: ignore[attr-defined]
            party_b=i.party_b_id,  # type: ignore[attr-defined]
            target_kind=i.target_kind,
            target_id=i.target_id,
            link_kind=i.link_kind,
            link_id=i.link_id,
            purpose=i.purpose,
            note=i.note,
            status=i.status,
            a_consented=i.a_consent_by_id is not None,  # type: ignore[attr-defined]
            b_consented=i.b_consent_by_id is not None,  # type: ignore[attr-defined]
            enquiry=enquiry,
        )


class IntroductionPage(Page):
    results: list[IntroductionOut]


class BrokerRegisterIn(InputSchema):
    user: Id
    organisation: Id | None = None


class BrokerOut(Schema):
    id: int
    user: str
    organisation: int | None
    is_active: bool


def _out(request: HttpRequest, pk: int) -> EnquiryOut:
    viewer = viewer_of(request)
    return EnquiryOut.build(selectors.enquiry_detail_for(viewer, selectors.enquiry_get(viewer, pk)))


@router.get("", response={200: EnquiryPage, **ERRORS}, auth=REQUIRED_AUTH)
def list_enquiries(request: HttpRequest, params: Query[EnquiryQuery]):
    """The caller's threads: sent, received, or (as a broker) assigned."""
    viewer = viewer_of(request)
    qs = selectors.enquiry_list(viewer, stage=params.stage, role=params.role)
    page, items = paginate(qs, page=params.page, page_size=params.page_size)
    return EnquiryPage(
        **page.dict(),
        results=[EnquiryOut.build(selectors.enquiry_detail_for(viewer, e)) for e in items],
    )


@router.post("", response={201: EnquiryOut, **ERRORS}, auth=REQUIRED_AUTH)
def create_enquiry(request: HttpRequest, payload: EnquiryIn):
    """Enquire about an achievement, demand or expert you may see (at most
    ``JIELI_ENQUIRIES_PER_DAY`` a day; never to your own organisation)."""
    enquiry = services.enquiry_create(
        viewer=viewer_of(request),
        kind=payload.target_kind,
        target_id=payload.target_id,
        purpose=str(payload.purpose.value),
        message=payload.message,
        link_kind=payload.link_kind or "",
        link_id=payload.link_id,
        sender_organisation=payload.sender_organisation,
    )
    return 201, _out(request, enquiry.pk)


@router.get("/dropped", response={200: EnquiryPage, **ERRORS}, auth=REQUIRED_AUTH)
def list_dropped(request: HttpRequest, params: Query[PageQuery]):
    """The secretariat's dropped batons: enquiries unanswered past the service level."""
    viewer = viewer_of(request)
    page, items = paginate(
        selectors.dropped_batons(viewer), page=params.page, page_size=params.page_size
    )
    return EnquiryPage(
        **page.dict(),
        results=[EnquiryOut.build(selectors.enquiry_detail_for(viewer, e)) for e in items],
    )


@router.get("/workspace", response={200: EnquiryPage, **ERRORS}, auth=REQUIRED_AUTH)
def broker_workspace(request: HttpRequest, params: Query[PageQuery]):
    """A broker's leads: the enquiries assigned to it."""
    viewer = viewer_of(request)
    leads, _intros = selectors.broker_leads(viewer)
    page, items = paginate(leads, page=params.page, page_size=params.page_size)
    return EnquiryPage(
        **page.dict(),
        results=[EnquiryOut.build(selectors.enquiry_detail_for(viewer, e)) for e in items],
    )


# Fixed paths before /{enquiry_id}, which would otherwise take them as an id.
@router.post("/brokers", response={201: BrokerOut, **ERRORS}, auth=REQUIRED_AUTH)
def register_broker(request: HttpRequest, payload: BrokerRegisterIn):
    """The secretariat registers a person of an admitted service agency or of the secretariat."""
    broker = broker_services.broker_register(
        viewer=viewer_of(request), user_id=payload.user, organisation_id=payload.organisation
    )
    return 201, BrokerOut(
        id=broker.pk,
        user=broker.user.get_username(),
        organisation=broker.organisation_id,  # type: ignore[attr-defined]
        is_active=broker.is_active,
    )


@router.post("/introductions", response={201: IntroductionOut, **ERRORS}, auth=REQUIRED_AUTH)
def propose_introduction(request: HttpRequest, payload: IntroductionIn):
    """A broker proposes to connect organisation ``party_a`` with a listing."""
    intro = broker_services.introduction_propose(
        viewer=viewer_of(request),
        party_a=payload.party_a,
        target_kind=payload.target_kind,
        target_id=payload.target_id,
        purpose=str(payload.purpose.value),
        note=payload.note,
        link_kind=payload.link_kind or "",
        link_id=payload.link_id,
    )
    return 201, IntroductionOut.build(intro)


@router.get("/introductions", response={200: IntroductionPage, **ERRORS}, auth=REQUIRED_AUTH)
def list_introductions(request: HttpRequest, params: Query[PageQuery]):
    qs = selectors.broker_introductions(viewer_of(request)).order_by("-created_at", "-id")
    page, items = paginate(qs, page=params.page, page_size=params.page_size)
    return IntroductionPage(**page.dict(), results=[IntroductionOut.build(i) for i in items])


@router.get(
    "/introductions/{introduction_id}",
    response={200: IntroductionOut, **ERRORS},
    auth=REQUIRED_AUTH,
)
def get_introduction(request: HttpRequest, introduction_id: Id):
    return IntroductionOut.build(selectors.introduction_get(viewer_of(request), introduction_id))


@router.post(
    "/introductions/{introduction_id}/consent",
    response={200: IntroductionOut, **ERRORS},
    auth=REQUIRED_AUTH,
)
def answer_introduction(request: HttpRequest, introduction_id: Id, payload: ConsentIn):
    """One side consents (or refuses); the second consent opens the enquiry."""
    intro = broker_services.introduction_respond(
        viewer=viewer_of(request), pk=introduction_id, consent=payload.consent
    )
    return IntroductionOut.build(intro)


@router.get("/{enquiry_id}", response={200: EnquiryOut, **ERRORS}, auth=REQUIRED_AUTH)
def get_enquiry(request: HttpRequest, enquiry_id: Id):
    return _out(request, enquiry_id)


@router.get("/{enquiry_id}/messages", response={200: MessagePage, **ERRORS}, auth=REQUIRED_AUTH)
def list_messages(request: HttpRequest, enquiry_id: Id, params: Query[PageQuery]):
    viewer = viewer_of(request)
    enquiry = selectors.enquiry_get(viewer, enquiry_id)
    page, items = paginate(
        selectors.enquiry_messages(viewer, enquiry), page=params.page, page_size=params.page_size
    )
    return MessagePage(**page.dict(), results=[MessageOut.build(m) for m in items])


@router.post("/{enquiry_id}/messages", response={201: MessageOut, **ERRORS}, auth=REQUIRED_AUTH)
def post_message(request: HttpRequest, enquiry_id: Id, payload: MessageIn):
    """Reply in the thread; the owner side's first reply moves a new enquiry to answered."""
    message = services.enquiry_reply(viewer=viewer_of(request), pk=enquiry_id, body=payload.body)
    return 201, MessageOut.build(message)


@router.post(
    "/{enquiry_id}/messages/upload", response={201: MessageOut, **ERRORS}, auth=REQUIRED_AUTH
)
def post_message_with_files(
    request: HttpRequest,
    enquiry_id: Id,
    body: str = Form(..., min_length=1, max_length=MAX_MESSAGE),
    files: list[UploadedFile] | None = File(None),  # noqa: B008
):
    """Reply with attachments (multipart): at most 5 files of the accepted types and size
    (none is a plain reply)."""
    # Text where files belong is outside the schema (files are optional: null is no files).
    if [v for v in request.POST.getlist("files") if v != "null"]:
        error = {"loc": ("body", "files"), "msg": _("Attach files, not text."), "type": "files"}
        raise NinjaValidationError([error])
    message = services.enquiry_reply(
        viewer=viewer_of(request), pk=enquiry_id, body=body, files=files or []
    )
    return 201, MessageOut.build(message)


@router.post(
    "/{enquiry_id}/actions/{action}", response={200: EnquiryOut, **ERRORS}, auth=REQUIRED_AUTH
)
def move_enquiry(
    request: HttpRequest,
    enquiry_id: Id,
    action: Literal["discuss", "sign_intention", "sign_contract", "decline", "close"],
    payload: ReasonIn | None = None,
):
    """Move the stage: discuss, sign_intention, sign_contract (either side), decline with a
    reason (owner side), close (either side, the broker or the secretariat)."""
    services.enquiry_move(
        viewer=viewer_of(request),
        pk=enquiry_id,
        action=action,
        reason=payload.reason if payload else "",
    )
    return _out(request, enquiry_id)


@router.post("/{enquiry_id}/block", response={200: EnquiryOut, **ERRORS}, auth=REQUIRED_AUTH)
def block_sender(request: HttpRequest, enquiry_id: Id):
    """The owner side refuses further enquiries from this sender."""
    services.enquiry_block_sender(viewer=viewer_of(request), pk=enquiry_id)
    return _out(request, enquiry_id)


@router.post("/{enquiry_id}/report", response={201: EnquiryOut, **ERRORS}, auth=REQUIRED_AUTH)
def report_enquiry(request: HttpRequest, enquiry_id: Id, payload: ReportIn):
    services.enquiry_report(viewer=viewer_of(request), pk=enquiry_id, reason=payload.reason)
    return 201, _out(request, enquiry_id)


@router.post("/{enquiry_id}/broker", response={200: EnquiryOut, **ERRORS}, auth=REQUIRED_AUTH)
def assign_broker(request: HttpRequest, enquiry_id: Id, payload: BrokerIn):
    services.enquiry_assign_broker(
        viewer=viewer_of(request), pk=enquiry_id, broker_id=payload.broker
    )
    return _out(request, enquiry_id)
