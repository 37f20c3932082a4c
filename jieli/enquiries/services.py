"""Writes for enquiries: send one, reply in its thread, move its stage, block, report, assign a
broker, and the service-level job (remind the owner, then escalate a dropped baton)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core import registry
from jieli.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from jieli.core.history import change_record
from jieli.core.uploads import check_documents
from jieli.core.viewer import Viewer
from jieli.enquiries import notify
from jieli.enquiries.models import (
    Broker,
    Enquiry,
    EnquiryAttachment,
    EnquiryMessage,
    EnquiryReport,
    Introduction,
    ListingBroker,
    Purpose,
    SenderBlock,
    Stage,
)
from jieli.enquiries.selectors import sides_of, visible_enquiries
from jieli.enquiries.stages import MOVES, OPEN

# The kinds one may enquire about, and the kinds one may link as one's own.
TARGET_KINDS = ("achievement", "demand", "expert")
LINK_KINDS = ("achievement", "demand")
MAX_MESSAGE = 5000
MAX_REASON = 2000


def _text(value: Any, field: str, *, limit: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(fields={field: [_("This field is required.")]})
    if len(text) > limit:
        raise InvalidInput(fields={field: [_("At most {n} characters.").format(n=limit)]})
    return text


def _require_user(viewer: Viewer) -> int:
    if viewer.user_id is None:
        raise NotAuthenticated()
    return viewer.user_id


# --- the target and the owner side ------------------------------------------------------------


def target_for(viewer: Viewer, kind: str, pk: int) -> tuple[Any, int | None, int | None]:
    """The record ``viewer`` wants to enquire about, by its app's own selector, and its owner
    side (organisation id, user id). Hidden or missing: 404."""
    if kind not in TARGET_KINDS:
        raise NotFound()
    spec = registry.get_kind(kind)
    target = spec.visible(viewer).filter(pk=pk).first()
    if target is None:
        raise NotFound()
    if spec.is_listing:
        if getattr(target, "status", "published") != "published":
            raise InvalidInput(_("Only published listings take enquiries."))
        return target, target.owner_id, None
    user_id = getattr(target, "user_id", None)
    if user_id is None or not getattr(target, "is_active", True):
        raise InvalidInput(_("This expert cannot receive enquiries on the platform."))
    return target, None, user_id


def may_enquire(viewer: Viewer, kind: str, target: Any) -> bool:
    """Whether the "Enquire" button is offered (the service decides again when it is used)."""
    if viewer.user_id is None or kind not in TARGET_KINDS:
        return False
    spec = registry.get_kind(kind)
    if spec.is_listing:
        return getattr(target, "status", "") == "published" and not viewer.belongs_to(
            target.owner_id
        )
    return getattr(target, "user_id", None) not in (None, viewer.user_id)


def _own_link(viewer: Viewer, kind: str, pk: int | None) -> Any:
    if not kind and pk is None:
        return None
    if kind not in LINK_KINDS or pk is None:
        raise InvalidInput(fields={"link_id": [_("Choose one of your demands or achievements.")]})
    record = registry.get_kind(kind).visible(viewer).filter(pk=pk).first()
    if record is None or not viewer.belongs_to(record.owner_id):
        raise InvalidInput(fields={"link_id": [_("Choose one of your demands or achievements.")]})
    return record


def _blocked(owner_org: int | None, owner_user: int | None, sender: int) -> bool:
    q = Q(owner_organisation_id=owner_org) if owner_org else Q(owner_user_id=owner_user)
    return SenderBlock.objects.filter(q, sender_id=sender).exists()


def enquiries_sent_today(user_id: int, *, now: datetime | None = None) -> int:
    since = (now or timezone.now()) - timedelta(days=1)
    return Enquiry.objects.filter(
        sender_id=user_id, created_at__gte=since, introduction__isnull=True
    ).count()


def enquiry_create(
    *,
    viewer: Viewer,
    kind: str,
    target_id: int,
    purpose: str,
    message: str,
    link_kind: str = "",
    link_id: int | None = None,
    sender_organisation: int | None = None,
    introduction: Introduction | None = None,
) -> Enquiry:
    """Send an enquiry about a record ``viewer`` may see. Refused (nothing saved): a hidden
    record (404), one's own organisation's record, a blocked sender, more than
    ``JIELI_ENQUIRIES_PER_DAY`` enquiries in a day, an empty or oversized message."""
    uid = _require_user(viewer)
    target, owner_org, owner_user = target_for(viewer, kind, target_id)
    if viewer.belongs_to(owner_org) or owner_user == uid:
        raise InvalidInput(_("You cannot send an enquiry to your own organisation."))
    if purpose not in Purpose.values:
        raise InvalidInput(
            fields={
                "purpose": [
                    _("Choose one of: {options}.").format(options=", ".join(Purpose.values))
                ]
            }
        )
    text = _text(message, "message", limit=MAX_MESSAGE)
    link = _own_link(viewer, link_kind, link_id)
    if sender_organisation is not None and not viewer.belongs_to(sender_organisation):
        raise InvalidInput(fields={"sender_organisation": [_("Choose one of your organisations.")]})
    sender_org = sender_organisation or (link.owner_id if link is not None else None)
    if _blocked(owner_org, owner_user, uid):
        raise InvalidInput(_("The owner of this listing does not accept enquiries from you."))
    spec = registry.get_kind(kind)
    listing_broker = (
        ListingBroker.objects.filter(kind=kind, listing_id=target_id, broker__is_active=True)
        .select_related("broker")
        .first()
    )
    broker: Broker | None = listing_broker.broker if listing_broker is not None else None
    if introduction is not None:
        broker = introduction.broker
    with transaction.atomic():
        # One sender's enquiries are counted one at a time (the user row is the lock).
        get_user_model()._default_manager.select_for_update().filter(pk=uid).first()
        if introduction is None:
            limit = settings.JIELI_ENQUIRIES_PER_DAY
            if enquiries_sent_today(uid) >= limit:
                raise InvalidInput(
                    _(
                        "You have sent {n} enquiries in the last 24 hours, the most allowed; "
                        "please try again later."
                    ).format(n=limit),
                    fields={"message": [_("Daily enquiry limit reached.")]},
                )
        enquiry = Enquiry.objects.create(
            target_kind=kind,
            target_id=target_id,
            target_title=str(getattr(target, spec.title_field, ""))[:300],
            owner_organisation_id=owner_org,
            owner_user_id=owner_user,
            sender_id=uid,
            sender_organisation_id=sender_org,
            purpose=purpose,
            message=text,
            link_kind=link_kind if link is not None else "",
            link_id=link.pk if link is not None else None,
            stage=Stage.NEW,
            stage_changed_at=timezone.now(),
            broker=broker,
            introduction=introduction,
        )
        change_record(
            target=enquiry,
            actor_id=uid,
            action="enquire",
            changes={"stage": [None, Stage.NEW], "purpose": [None, purpose]},
        )
        notify.enquiry_new(enquiry)
    return enquiry


# --- the thread -----------------------------------------------------------------------------


def _locked(viewer: Viewer, pk: int) -> tuple[Enquiry, frozenset[str]]:
    """The enquiry locked for update, and the viewer's sides; 404 for an outsider."""
    enquiry = Enquiry.objects.select_for_update().filter(pk=pk).first()
    if enquiry is None or not visible_enquiries(viewer).filter(pk=pk).exists():
        raise NotFound()
    sides = sides_of(viewer, enquiry)
    if not sides:
        raise NotFound()
    return enquiry, sides


def _apply(enquiry: Enquiry, action: str, *, actor_id: int | None, reason: str = "") -> None:
    move = MOVES[action]
    before = enquiry.stage
    enquiry.stage = move.target
    now = timezone.now()
    enquiry.stage_changed_at = now
    changes: dict[str, list[Any]] = {"stage": [before, move.target]}
    if action == "answer":
        enquiry.answered_at = now
    if action == "decline":
        changes["decline_reason"] = [enquiry.decline_reason, reason]
        enquiry.decline_reason = reason
    enquiry.save()
    change_record(target=enquiry, actor_id=actor_id, action=action, changes=changes, reason=reason)


def _side(sides: frozenset[str]) -> str:
    for name in ("owner", "sender", "broker", "secretariat"):
        if name in sides:
            return name
    return ""


def _save_files(message: EnquiryMessage, checked: list[tuple[str, UploadedFile]]) -> None:
    """Store the checked files; if storing one fails, the ones already written are removed
    (the transaction rolls the rows back)."""
    saved: list[EnquiryAttachment] = []
    try:
        for name, upload in checked:
            attachment = EnquiryAttachment(message=message, name=name, size=upload.size or 0)
            attachment.file.save(name, upload, save=False)
            saved.append(attachment)
            attachment.save()
    except Exception:
        for attachment in saved:
            attachment.file.delete(save=False)
        raise


def enquiry_reply(
    *, viewer: Viewer, pk: int, body: str, files: Sequence[UploadedFile] = ()
) -> EnquiryMessage:
    """Post a message (with attachments) in a thread. The owner side's first reply moves a new
    enquiry to "answered"."""
    uid = _require_user(viewer)
    text = _text(body, "body", limit=MAX_MESSAGE)
    with transaction.atomic():
        enquiry, sides = _locked(viewer, pk)
        if enquiry.stage not in OPEN and enquiry.stage != Stage.CONTRACT:
            raise Conflict(_("This enquiry is closed; no more messages can be posted."))
        checked = check_documents(list(files))
        message = EnquiryMessage.objects.create(
            enquiry=enquiry, author_id=uid, side=_side(sides), body=text
        )
        _save_files(message, checked)
        answered = "owner" in sides and enquiry.stage == Stage.NEW
        if answered:
            _apply(enquiry, "answer", actor_id=uid)
        else:
            enquiry.save(update_fields=["updated_at"])
        notify.enquiry_message(message)
    return message


def enquiry_move(*, viewer: Viewer, pk: int, action: str, reason: str = "") -> Enquiry:
    """One stage move by someone in the thread, under a row lock, with history."""
    _require_user(viewer)
    if action not in MOVES or action == "answer":
        raise InvalidInput(
            fields={
                "action": [
                    _("Choose one of: {options}.").format(
                        options=", ".join(a for a in MOVES if a != "answer")
                    )
                ]
            }
        )
    reason = _text(reason, "reason", limit=MAX_REASON, required=False)
    move = MOVES[action]
    with transaction.atomic():
        enquiry, sides = _locked(viewer, pk)
        if not move.who & sides:
            raise PermissionDenied(_("You may not make this move in this enquiry."))
        if enquiry.stage not in move.sources:
            raise Conflict(
                _("Cannot {action} an enquiry whose stage is “{stage}”.").format(
                    action=move.label, stage=enquiry.get_stage_display()
                )
            )
        if move.needs_reason and not reason:
            raise InvalidInput(fields={"reason": [_("Please give a reason for declining.")]})
        _apply(enquiry, action, actor_id=viewer.user_id, reason=reason)
        notify.enquiry_moved(enquiry, viewer.user_id)
    return enquiry


def enquiry_block_sender(*, viewer: Viewer, pk: int) -> SenderBlock:
    """The owner side refuses further enquiries from this enquiry's sender."""
    uid = _require_user(viewer)
    with transaction.atomic():
        enquiry, sides = _locked(viewer, pk)
        if "owner" not in sides:
            raise PermissionDenied(_("Only the owner side may block a sender."))
        block, created = SenderBlock.objects.get_or_create(
            owner_organisation_id=enquiry.owner_organisation_id,  # type: ignore[attr-defined]
            owner_user_id=None if enquiry.owner_organisation_id else enquiry.owner_user_id,  # type: ignore[attr-defined]
            sender_id=enquiry.sender_id,  # type: ignore[attr-defined]
            defaults={"created_by_id": uid},
        )
        if not created:
            raise Conflict(_("This sender is already blocked."))
        change_record(
            target=enquiry,
            actor_id=uid,
            action="block_sender",
            changes={"blocked_sender": [None, str(enquiry.sender_id)]},  # type: ignore[attr-defined]
        )
    return block


def enquiry_report(*, viewer: Viewer, pk: int, reason: str) -> EnquiryReport:
    """Anyone in a thread reports it to the secretariat."""
    uid = _require_user(viewer)
    text = _text(reason, "reason", limit=MAX_REASON)
    with transaction.atomic():
        enquiry, _sides = _locked(viewer, pk)
        report = EnquiryReport.objects.create(enquiry=enquiry, reporter_id=uid, reason=text)
        change_record(target=enquiry, actor_id=uid, action="report", changes={}, reason=text)
        notify.enquiry_reported(report)
    return report


def enquiry_assign_broker(*, viewer: Viewer, pk: int, broker_id: int | None) -> Enquiry:
    """The owner side or the secretariat assigns (or, with None, removes) the broker."""
    uid = _require_user(viewer)
    with transaction.atomic():
        enquiry, sides = _locked(viewer, pk)
        if not sides & {"owner", "secretariat"}:
            raise PermissionDenied(_("Only the owner side or the secretariat assigns a broker."))
        broker = None
        if broker_id is not None:
            broker = Broker.objects.filter(pk=broker_id, is_active=True).first()
            if broker is None:
                raise InvalidInput(fields={"broker": [_("Choose an active broker.")]})
        before = enquiry.broker_id  # type: ignore[attr-defined]
        enquiry.broker = broker
        enquiry.save()
        change_record(
            target=enquiry,
            actor_id=uid,
            action="broker_assign",
            changes={"broker": [before, broker.pk if broker else None]},
        )
    return enquiry


# --- service level --------------------------------------------------------------------------


def enquiries_check_service_level(*, now: datetime | None = None) -> tuple[int, int]:
    """Remind the owner of each enquiry unanswered for ``JIELI_ENQUIRY_ANSWER_HOURS`` (once),
    and escalate those still unanswered one more period after the reminder to the secretariat's
    dropped batons (once).
    Each enquiry is marked in its own short transaction under a row lock, so runs that overlap
    or repeat never remind or escalate twice. Returns (reminded, escalated)."""
    now = now or timezone.now()
    period = timedelta(hours=settings.JIELI_ENQUIRY_ANSWER_HOURS)
    reminded = escalated = 0
    due_remind = Enquiry.objects.filter(
        stage=Stage.NEW, reminded_at__isnull=True, created_at__lt=now - period
    )
    for pk in list(due_remind.values_list("pk", flat=True)):
        with transaction.atomic():
            enquiry = due_remind.select_for_update().filter(pk=pk).first()
            if enquiry is None:
                continue
            enquiry.reminded_at = now
            enquiry.save(update_fields=["reminded_at"])
            change_record(
                target=enquiry,
                actor_id=None,
                action="remind_answer",
                changes={"reminded_at": [None, now.isoformat()]},
            )
            notify.enquiry_reminder(enquiry)
        reminded += 1
    due_escalate = Enquiry.objects.filter(
        stage=Stage.NEW,
        reminded_at__lte=now - period,
        escalated_at__isnull=True,
    )
    for pk in list(due_escalate.values_list("pk", flat=True)):
        with transaction.atomic():
            enquiry = due_escalate.select_for_update().filter(pk=pk).first()
            if enquiry is None:
                continue
            enquiry.escalated_at = now
            enquiry.save(update_fields=["escalated_at"])
            change_record(
                target=enquiry,
                actor_id=None,
                action="dropped_baton",
                changes={"escalated_at": [None, now.isoformat()]},
            )
            notify.enquiry_dropped(enquiry)
        escalated += 1
    return reminded, escalated
