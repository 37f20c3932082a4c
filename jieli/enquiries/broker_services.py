"""Writes for technology brokers: register one, assign one to a listing, and introductions.

An introduction connects party A (an organisation, optionally with one of its demands or
achievements) with a listing of party B. Each side consents through one of its people; on the
second consent an enquiry is created on party A's behalf (stage new, linked to the
introduction, the broker assigned). The daily enquiry limit does not apply to it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from jieli.core import registry
from jieli.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from jieli.core.history import change_record
from jieli.core.viewer import Viewer
from jieli.enquiries import notify
from jieli.enquiries.models import Broker, Enquiry, Introduction, ListingBroker, Purpose
from jieli.enquiries.selectors import broker_for, introduction_get
from jieli.enquiries.services import LINK_KINDS, enquiry_create
from jieli.organisations.models import (
    SECRETARIAT_GROUP,
    MembershipStatus,
    Organisation,
    OrganisationType,
)

MAX_NOTE = 2000
INTRODUCTION_KINDS = ("achievement", "demand")


def broker_register(*, viewer: Viewer, user_id: int, organisation_id: int | None = None) -> Broker:
    """The secretariat registers a person of an admitted service agency (``organisation_id``)
    or of the secretariat (no organisation) as a technology broker."""
    if not viewer.is_staff_role:
        raise NotFound()
    from django.contrib.auth import get_user_model

    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise InvalidInput(fields={"user": [_("Choose an active user.")]})
    agencies = Organisation.objects.filter(
        org_type=OrganisationType.SERVICE_AGENCY,
        membership_status=MembershipStatus.MEMBER,
        memberships__user=user,
    )
    if organisation_id is not None:
        agency = agencies.filter(pk=organisation_id).first()
        if agency is None:
            raise InvalidInput(
                fields={"organisation": [_("Choose an admitted technology service agency.")]}
            )
    else:
        agency = agencies.order_by("pk").first()
        if agency is None and not user.groups.filter(name=SECRETARIAT_GROUP).exists():
            raise InvalidInput(
                fields={
                    "user": [
                        _(
                            "A broker must belong to an admitted technology service agency "
                            "or to the secretariat."
                        )
                    ]
                }
            )
    organisation_id = agency.pk if agency is not None else None
    with transaction.atomic():
        broker, created = Broker.objects.select_for_update().get_or_create(
            user=user, defaults={"organisation_id": organisation_id}
        )
        if not created and broker.is_active:
            raise Conflict(_("This person is already a broker."))
        before = [broker.is_active, broker.organisation_id]  # type: ignore[attr-defined]
        broker.is_active = True
        broker.organisation_id = organisation_id  # type: ignore[attr-defined]
        broker.save()
        change_record(
            target=broker,
            actor_id=viewer.user_id,
            action="create" if created else "broker_reactivate",
            changes={
                "is_active": [None if created else before[0], True],
                "organisation": [None if created else before[1], organisation_id],
            },
        )
    return broker


def broker_deactivate(*, viewer: Viewer, pk: int) -> Broker:
    if not viewer.is_staff_role:
        raise NotFound()
    with transaction.atomic():
        broker = Broker.objects.select_for_update().filter(pk=pk).first()
        if broker is None:
            raise NotFound()
        if not broker.is_active:
            raise Conflict(_("This broker is already inactive."))
        broker.is_active = False
        broker.save()
        change_record(
            target=broker,
            actor_id=viewer.user_id,
            action="deactivate",
            changes={"is_active": [True, False]},
        )
    return broker


def listing_broker_assign(
    *, viewer: Viewer, kind: str, listing_id: int, broker_id: int | None
) -> ListingBroker | None:
    """The listing's owner side or the secretariat assigns (None: removes) its broker."""
    if viewer.user_id is None:
        raise NotAuthenticated()
    if kind not in INTRODUCTION_KINDS:
        raise NotFound()
    listing = registry.get_kind(kind).visible(viewer).filter(pk=listing_id).first()
    if listing is None:
        raise NotFound()
    if not (viewer.is_staff_role or viewer.belongs_to(listing.owner_id)):
        raise PermissionDenied(_("Only the owner side or the secretariat assigns a broker."))
    broker = None
    if broker_id is not None:
        broker = Broker.objects.filter(pk=broker_id, is_active=True).first()
        if broker is None:
            raise InvalidInput(fields={"broker": [_("Choose an active broker.")]})
    with transaction.atomic():
        current = (
            ListingBroker.objects.select_for_update()
            .filter(kind=kind, listing_id=listing_id)
            .first()
        )
        before = current.broker_id if current else None  # type: ignore[attr-defined]
        if broker is None:
            if current is not None:
                current.delete()
            result = None
        elif current is None:
            result = ListingBroker.objects.create(kind=kind, listing_id=listing_id, broker=broker)
        else:
            current.broker = broker
            current.save()
            result = current
        change_record(
            target=listing,
            actor_id=viewer.user_id,
            action="broker_assign",
            changes={"broker": [before, broker.pk if broker else None]},
        )
    return result


def introduction_propose(
    *,
    viewer: Viewer,
    party_a: int,
    target_kind: str,
    target_id: int,
    purpose: str,
    note: str,
    link_kind: str = "",
    link_id: int | None = None,
) -> Introduction:
    """A broker proposes to connect organisation ``party_a`` with a listing it may see."""
    broker = broker_for(viewer)
    if broker is None:
        raise PermissionDenied(_("Only technology brokers make introductions."))
    if target_kind not in INTRODUCTION_KINDS:
        raise NotFound()
    listing = registry.get_kind(target_kind).visible(viewer).filter(pk=target_id).first()
    if listing is None:
        raise NotFound()
    if getattr(listing, "status", "") != "published":
        raise InvalidInput(_("Only published listings take enquiries."))
    org_a = (
        Organisation.objects.filter(pk=party_a)
        .exclude(membership_status=MembershipStatus.WITHDRAWN)
        .first()
    )
    if org_a is None:
        raise InvalidInput(fields={"party_a": [_("Choose an organisation.")]})
    if org_a.pk == listing.owner_id:
        raise InvalidInput(fields={"party_a": [_("Party A owns this listing.")]})
    if purpose not in Purpose.values:
        raise InvalidInput(
            fields={
                "purpose": [
                    _("Choose one of: {options}.").format(options=", ".join(Purpose.values))
                ]
            }
        )
    text = str(note or "").strip()
    if not text or len(text) > MAX_NOTE:
        raise InvalidInput(
            fields={"note": [_("Write a note of 1 to {n} characters.").format(n=MAX_NOTE)]}
        )
    if link_kind or link_id is not None:
        if link_kind not in LINK_KINDS or link_id is None:
            raise InvalidInput(fields={"link_id": [_("Choose one of party A's listings.")]})
        model = registry.get_kind(link_kind).model
        if not model._default_manager.filter(pk=link_id, owner_id=org_a.pk).exists():
            raise InvalidInput(fields={"link_id": [_("Choose one of party A's listings.")]})
    with transaction.atomic():
        intro = Introduction.objects.create(
            broker=broker,
            party_a=org_a,
            party_b_id=listing.owner_id,
            target_kind=target_kind,
            target_id=target_id,
            link_kind=link_kind if link_id is not None else "",
            link_id=link_id,
            purpose=purpose,
            note=text,
        )
        change_record(
            target=intro,
            actor_id=viewer.user_id,
            action="create",
            changes={"status": [None, Introduction.Status.PROPOSED]},
        )
        notify.introduction_proposed(intro)
    return intro


def introduction_respond(*, viewer: Viewer, pk: int, consent: bool) -> Introduction:
    """One side's consent (or refusal). The second consent creates the enquiry."""
    if viewer.user_id is None:
        raise NotAuthenticated()
    introduction_get(viewer, pk)  # 404 for outsiders
    with transaction.atomic():
        intro = Introduction.objects.select_for_update().get(pk=pk)
        sides = []
        if viewer.belongs_to(intro.party_a_id) and intro.a_consent_by_id is None:  # type: ignore[attr-defined]
            sides.append("a")
        if viewer.belongs_to(intro.party_b_id) and intro.b_consent_by_id is None:  # type: ignore[attr-defined]
            sides.append("b")
        if not viewer.belongs_to(intro.party_a_id) and not viewer.belongs_to(intro.party_b_id):  # type: ignore[attr-defined]
            raise PermissionDenied(_("Only the two parties answer an introduction."))
        if intro.status != Introduction.Status.PROPOSED:
            raise Conflict(_("This introduction has already been answered."))
        if not sides:
            raise Conflict(_("Your side has already consented."))
        before = intro.status
        if not consent:
            intro.status = Introduction.Status.DECLINED
            intro.save()
            change_record(
                target=intro,
                actor_id=viewer.user_id,
                action="introduction_decline",
                changes={"status": [before, intro.status]},
            )
            return intro
        for side in sides:
            setattr(intro, f"{side}_consent_by_id", viewer.user_id)
        changes: dict[str, list[object]] = {
            f"{side}_consent_by": [None, viewer.user_id] for side in sides
        }
        if intro.a_consent_by_id and intro.b_consent_by_id:  # type: ignore[attr-defined]
            intro.status = Introduction.Status.CONNECTED
            changes["status"] = [before, intro.status]
        intro.save()
        change_record(
            target=intro, actor_id=viewer.user_id, action="introduction_consent", changes=changes
        )
        if intro.status == Introduction.Status.CONNECTED:
            _connect(intro)
    return intro


def _connect(intro: Introduction) -> Enquiry:
    """The enquiry made on party A's behalf: sent by A's consenting person."""
    from jieli.organisations.selectors import viewer_for_user

    sender = intro.a_consent_by
    assert sender is not None
    return enquiry_create(
        viewer=viewer_for_user(sender),
        kind=intro.target_kind,
        target_id=intro.target_id,
        purpose=intro.purpose,
        message=intro.note,
        link_kind=intro.link_kind,
        link_id=intro.link_id,
        sender_organisation=intro.party_a_id,  # type: ignore[attr-defined]
        introduction=intro,
    )
