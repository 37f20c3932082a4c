"""Reads for enquiries: the one visibility rule for threads, and what a viewer sees in one.

A thread is seen by its sender side (the sender and the people of the sender organisation), the
owner side (the listing owner organisation's people, or the expert), the assigned broker and the
secretariat. Everyone else gets a 404, as for a listing they may not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from jieli.core import registry
from jieli.core.errors import NotFound
from jieli.core.viewer import Viewer
from jieli.enquiries.models import (
    Broker,
    Enquiry,
    EnquiryMessage,
    EnquiryReport,
    Introduction,
    Stage,
)
from jieli.enquiries.stages import ACCEPTED, allowed_moves
from jieli.organisations.selectors import organisation_admin_ids


def broker_for(viewer: Viewer) -> Broker | None:
    """The viewer's active broker profile, if any."""
    if viewer.user_id is None:
        return None
    return Broker.objects.filter(user_id=viewer.user_id, is_active=True).first()


def visible_enquiries(viewer: Viewer) -> QuerySet[Enquiry]:
    """The one rule: which enquiry threads ``viewer`` may see at all."""
    qs = Enquiry.objects.select_related(
        "sender", "sender_organisation", "owner_organisation", "owner_user", "broker__user"
    )
    if viewer.is_staff_role:
        return qs
    if viewer.user_id is None:
        return qs.none()
    orgs = viewer.organisation_ids
    q = Q(sender_id=viewer.user_id) | Q(owner_user_id=viewer.user_id)
    q |= Q(broker__user_id=viewer.user_id, broker__is_active=True)
    if orgs:
        q |= Q(sender_organisation_id__in=orgs) | Q(owner_organisation_id__in=orgs)
    return qs.filter(q)


def enquiry_get(viewer: Viewer, pk: int) -> Enquiry:
    enquiry = visible_enquiries(viewer).filter(pk=pk).first()
    if enquiry is None:
        raise NotFound()
    return enquiry


def sides_of(viewer: Viewer, enquiry: Enquiry) -> frozenset[str]:
    """Which sides of the thread the viewer is on (empty: an outsider)."""
    sides = set()
    uid = viewer.user_id
    if uid is None:
        return frozenset()
    if enquiry.sender_id == uid or viewer.belongs_to(enquiry.sender_organisation_id):  # type: ignore[attr-defined]
        sides.add("sender")
    if enquiry.owner_user_id == uid or viewer.belongs_to(enquiry.owner_organisation_id):  # type: ignore[attr-defined]
        sides.add("owner")
    broker = enquiry.broker
    if broker is not None and broker.is_active and broker.user_id == uid:  # type: ignore[attr-defined]
        sides.add("broker")
    if viewer.is_staff_role:
        sides.add("secretariat")
    return frozenset(sides)


def target_url(kind: str, pk: int | None) -> str:
    spec = registry.find_kind(kind)
    if spec is None or pk is None:
        return ""
    try:
        return reverse(spec.detail_url, args=[pk])
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class Contact:
    name: str
    organisation: str
    phone: str
    emails: list[str] = field(default_factory=list)


def _owner_contact(enquiry: Enquiry) -> Contact:
    spec = registry.find_kind(enquiry.target_kind)
    target: Any = None
    if spec is not None:
        target = spec.model._default_manager.filter(pk=enquiry.target_id).first()
    org = enquiry.owner_organisation
    name = str(getattr(target, "contact_name", "") or getattr(target, "name", "") or "")
    phone = str(getattr(target, "contact_phone", "") or getattr(target, "phone", "") or "")
    email = str(getattr(target, "contact_email", "") or getattr(target, "email", "") or "")
    emails = [email] if email else []
    if not emails and org is not None:
        from django.contrib.auth import get_user_model

        emails = list(
            get_user_model()
            ._default_manager.filter(pk__in=organisation_admin_ids(org.pk))
            .exclude(email="")
            .order_by("pk")
            .values_list("email", flat=True)
        )
    if not emails and enquiry.owner_user is not None and enquiry.owner_user.email:
        emails = [enquiry.owner_user.email]
    return Contact(name, org.display_name if org else "", phone, emails)


def _sender_contact(enquiry: Enquiry) -> Contact:
    user = enquiry.sender
    org = enquiry.sender_organisation
    return Contact(
        user.get_full_name() or user.get_username(),
        org.display_name if org else "",
        "",
        [user.email] if user.email else [],
    )


@dataclass(frozen=True)
class EnquiryDetail:
    enquiry: Enquiry
    sides: frozenset[str]
    moves: list[str]
    may_post: bool
    # The other party's contact details: only inside an accepted enquiry, else None.
    contact: Contact | None
    target_url: str
    link_url: str
    may_block: bool
    may_assign_broker: bool


def enquiry_detail_for(viewer: Viewer, enquiry: Enquiry) -> EnquiryDetail:
    sides = sides_of(viewer, enquiry)
    contact = None
    if enquiry.stage in ACCEPTED:
        if "sender" in sides and "owner" not in sides:
            contact = _owner_contact(enquiry)
        elif "owner" in sides and "sender" not in sides:
            contact = _sender_contact(enquiry)
    return EnquiryDetail(
        enquiry=enquiry,
        sides=sides,
        moves=allowed_moves(enquiry.stage, sides),
        may_post=bool(sides - {"secretariat"}) or viewer.is_staff_role,
        contact=contact,
        target_url=target_url(enquiry.target_kind, enquiry.target_id),
        link_url=target_url(enquiry.link_kind, enquiry.link_id),
        may_block="owner" in sides,
        may_assign_broker=bool(sides & {"owner", "secretariat"}),
    )


def enquiry_messages(viewer: Viewer, enquiry: Enquiry) -> QuerySet[EnquiryMessage]:
    enquiry_get(viewer, enquiry.pk)
    return (
        EnquiryMessage.objects.filter(enquiry=enquiry)
        .select_related("author")
        .prefetch_related("attachments")
    )


def enquiry_list(viewer: Viewer, *, stage: str = "", role: str = "") -> QuerySet[Enquiry]:
    """The viewer's threads (sent, received or brokered), newest first."""
    qs = visible_enquiries(viewer)
    if viewer.is_staff_role:  # the secretariat's own list: the threads it is part of
        qs = qs.filter(
            Q(sender_id=viewer.user_id)
            | Q(sender_organisation_id__in=viewer.organisation_ids)
            | Q(owner_organisation_id__in=viewer.organisation_ids)
            | Q(owner_user_id=viewer.user_id)
            | Q(broker__user_id=viewer.user_id)
        )
    if role == "sent":
        qs = qs.filter(
            Q(sender_id=viewer.user_id) | Q(sender_organisation_id__in=viewer.organisation_ids)
        )
    elif role == "received":
        qs = qs.filter(
            Q(owner_user_id=viewer.user_id) | Q(owner_organisation_id__in=viewer.organisation_ids)
        )
    if stage in Stage.values:
        qs = qs.filter(stage=stage)
    return qs.order_by("-updated_at", "-id")


def dropped_batons(viewer: Viewer) -> QuerySet[Enquiry]:
    """Enquiries escalated for want of an answer and still unanswered (secretariat only)."""
    if not viewer.is_staff_role:
        raise NotFound()
    return (
        visible_enquiries(viewer)
        .filter(escalated_at__isnull=False, stage=Stage.NEW)
        .order_by("created_at", "id")
    )


def enquiry_reports(viewer: Viewer) -> QuerySet[EnquiryReport]:
    if not viewer.is_staff_role:
        raise NotFound()
    return EnquiryReport.objects.select_related("enquiry", "reporter").order_by("-created_at")


def brokers_active() -> QuerySet[Broker]:
    return Broker.objects.filter(is_active=True).select_related("user", "organisation")


def broker_introductions(viewer: Viewer) -> QuerySet[Introduction]:
    """Introductions the viewer may see: its own as broker, either party's, the secretariat."""
    qs = Introduction.objects.select_related("broker__user", "party_a", "party_b")
    if viewer.is_staff_role:
        return qs
    if viewer.user_id is None:
        return qs.none()
    q = Q(broker__user_id=viewer.user_id)
    if viewer.organisation_ids:
        q |= Q(party_a_id__in=viewer.organisation_ids) | Q(party_b_id__in=viewer.organisation_ids)
    return qs.filter(q)


def introduction_get(viewer: Viewer, pk: int) -> Introduction:
    found = broker_introductions(viewer).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def broker_leads(viewer: Viewer) -> tuple[QuerySet[Enquiry], QuerySet[Introduction]]:
    """A broker's workspace: the enquiries assigned to it and its introductions."""
    broker = broker_for(viewer)
    if broker is None:
        raise NotFound()
    return (
        visible_enquiries(viewer).filter(broker=broker).order_by("-updated_at", "-id"),
        Introduction.objects.filter(broker=broker)
        .select_related("party_a", "party_b")
        .order_by("-created_at", "-id"),
    )


# --- choices for forms --------------------------------------------------------------------------


def own_link_choices(
    viewer: Viewer, *, organisation_id: int | None = None
) -> list[tuple[str, str]]:
    """("kind:id", "label") of the demands and achievements of the viewer's organisations (or of
    ``organisation_id``, for a broker's introduction) that one may link to an enquiry."""
    orgs = [organisation_id] if organisation_id else sorted(viewer.organisation_ids)
    if not orgs:
        return []
    out = []
    for kind in ("demand", "achievement"):
        spec = registry.find_kind(kind)
        if spec is None:
            continue
        rows = (
            spec.visible(viewer)
            .filter(owner_id__in=orgs)
            .order_by("-updated_at")
            .values_list("pk", spec.title_field)[:200]
        )
        out += [(f"{kind}:{pk}", f"{spec.label} · {title}") for pk, title in rows]
    return out


def broker_choices() -> list[tuple[int, str]]:
    return [(b.pk, str(b)) for b in brokers_active().order_by("user__username")[:500]]


def broker_candidates(viewer: Viewer) -> list[tuple[int, str]]:
    """People the secretariat may register as brokers: of admitted service agencies, or of the
    secretariat; not already active brokers."""
    from django.contrib.auth import get_user_model

    from jieli.organisations.models import (
        SECRETARIAT_GROUP,
        MembershipStatus,
        OrganisationType,
    )

    if not viewer.is_staff_role:
        raise NotFound()
    users = (
        get_user_model()
        ._default_manager.filter(is_active=True)
        .filter(
            Q(
                memberships__organisation__org_type=OrganisationType.SERVICE_AGENCY,
                memberships__organisation__membership_status=MembershipStatus.MEMBER,
            )
            | Q(groups__name=SECRETARIAT_GROUP)
        )
        .exclude(broker_profile__is_active=True)
        .distinct()
        .order_by("username")[:500]
    )
    return [(u.pk, u.get_full_name() or u.get_username()) for u in users]
