"""What achievements and demands share: life cycle, visibility and freshness.

draft → submitted → published | returned (with a reason) → archived. A published listing must
be re-confirmed by its owner every ``JIELI_RECONFIRM_MONTHS`` months; until it is, it is hidden
from everyone but its owner and the secretariat.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jieli.core.errors import Conflict, InvalidInput
from jieli.core.models import BaseModel
from jieli.core.viewer import Viewer


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned for changes")
    ARCHIVED = "archived", _("Archived")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public summary, details for members")
    MEMBERS = "members", _("Members only")
    PRIVATE = "private", _("Private to the owner")


class ListingModel(BaseModel):
    """Abstract base; concrete models add ``owner`` (an organisation) and their own fields."""

    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ListingStatus.choices,
        default=ListingStatus.DRAFT,
        db_index=True,
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    return_reason = models.TextField(_("return reason"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    confirmed_at = models.DateTimeField(_("last confirmed at"), null=True, blank=True)
    reconfirm_reminded_at = models.DateTimeField(
        _("re-confirmation reminder sent at"), null=True, blank=True
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=60, blank=True, default="")
    external_id = models.CharField(_("external ID"), max_length=120, blank=True, default="")

    class Meta:
        abstract = True

    @property
    def is_stale(self) -> bool:
        return self.status == ListingStatus.PUBLISHED and (
            self.confirmed_at is None or self.confirmed_at < reconfirm_cutoff()
        )

    @property
    def reconfirm_due_at(self) -> datetime | None:
        if self.confirmed_at is None:
            return None
        return self.confirmed_at + timedelta(days=30 * settings.JIELI_RECONFIRM_MONTHS)


def reconfirm_cutoff(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    return now - timedelta(days=30 * settings.JIELI_RECONFIRM_MONTHS)


def visible_listing_q(viewer: Viewer, *, owner_field: str = "owner_id") -> Q:
    """The one rule for which listings a viewer may see at all (summary level)."""
    if viewer.is_staff_role:
        return Q()
    fresh_published = Q(status=ListingStatus.PUBLISHED, confirmed_at__gte=reconfirm_cutoff())
    levels = [Visibility.PUBLIC]
    if viewer.sees_member_content:
        levels.append(Visibility.MEMBERS)
    q = fresh_published & Q(visibility__in=levels)
    if viewer.organisation_ids:
        q |= Q(**{f"{owner_field}__in": viewer.organisation_ids})
    return q


def viewer_sees_detail(viewer: Viewer, listing: ListingModel, owner_id: int | None) -> bool:
    """Members-only detail: owner, members, experts and the secretariat."""
    return viewer.is_staff_role or viewer.belongs_to(owner_id) or viewer.sees_member_content


def viewer_may_edit(viewer: Viewer, owner_id: int | None) -> bool:
    """Members of the owner organisation edit its listings; the secretariat may correct them."""
    return viewer.is_staff_role or viewer.belongs_to(owner_id)


# Transitions: action -> (allowed source states, target state).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({ListingStatus.DRAFT, ListingStatus.RETURNED}), ListingStatus.SUBMITTED),
    "publish": (frozenset({ListingStatus.SUBMITTED}), ListingStatus.PUBLISHED),
    "return": (frozenset({ListingStatus.SUBMITTED}), ListingStatus.RETURNED),
    "reconfirm": (frozenset({ListingStatus.PUBLISHED}), ListingStatus.PUBLISHED),
    "archive": (
        frozenset(
            {
                ListingStatus.DRAFT,
                ListingStatus.SUBMITTED,
                ListingStatus.PUBLISHED,
                ListingStatus.RETURNED,
            }
        ),
        ListingStatus.ARCHIVED,
    ),
}


def apply_transition(listing: ListingModel, action: str, *, reason: str = "") -> dict[str, list]:
    """Move ``listing`` along the life cycle in memory; return the changes for history.

    The caller saves inside its transaction, with the row locked (select_for_update), so two
    reviewers cannot both act on the same submission.
    """
    allowed, target = TRANSITIONS[action]
    if listing.status not in allowed:
        raise Conflict(
            _("Cannot {action} a listing whose status is “{status}”.").format(
                action=ACTION_LABELS[action], status=listing.get_status_display()
            )
        )
    if action == "return" and not reason.strip():
        raise InvalidInput(fields={"reason": [str(_("Please give a reason for returning it."))]})
    now = timezone.now()
    before = listing.status
    listing.status = target
    if action == "submit":
        listing.submitted_at = now
        listing.return_reason = ""
    elif action == "publish":
        listing.published_at = listing.published_at or now
        listing.confirmed_at = now
        listing.reconfirm_reminded_at = None
    elif action == "return":
        listing.return_reason = reason.strip()
    elif action == "reconfirm":
        listing.confirmed_at = now
        listing.reconfirm_reminded_at = None
    elif action == "archive":
        listing.archived_at = now
    return {"status": [before, target]} if before != target else {"confirmed_at": ["", str(now)]}


ACTION_LABELS = {
    "submit": _("submit"),
    "publish": _("publish"),
    "return": _("return"),
    "reconfirm": _("re-confirm"),
    "archive": _("archive"),
}


# Who may take each action: the owner's people, or the secretariat (reviewers).
OWNER_ACTIONS = frozenset({"submit", "reconfirm", "archive"})
REVIEW_ACTIONS = frozenset({"publish", "return"})


def listing_transition(
    *,
    model: type[ListingModel],
    viewer: Viewer,
    pk: int,
    action: str,
    reason: str = "",
    visible: Callable[[Viewer], QuerySet[Any]] | None = None,
) -> ListingModel:
    """Run one life-cycle action on a listing of ``model`` in one transaction, with history.

    The row is locked first, so two reviewers acting at once are serialised by the database and
    the second one gets a 409 instead of a double transition. ``visible`` is the app's own
    visibility selector (e.g. ``visible_achievements``): someone it hides the listing from gets
    a 404, exactly as on its detail page, never a 403 that would confirm it exists.
    """
    from django.db import transaction

    from jieli.core.errors import NotFound, PermissionDenied
    from jieli.core.history import change_record

    if action not in TRANSITIONS:
        raise InvalidInput(
            fields={
                "action": [
                    str(_("Choose one of: {options}.").format(options=", ".join(TRANSITIONS)))
                ]
            }
        )
    if len(reason) > 2000:
        raise InvalidInput(fields={"reason": [str(_("At most {n} characters.").format(n=2000))]})
    with transaction.atomic():
        listing = model._default_manager.select_for_update().filter(pk=pk).first()
        if listing is None:
            raise NotFound()
        owner_id = listing.owner_id  # type: ignore[attr-defined]
        if not viewer_may_edit(viewer, owner_id):
            # Someone who cannot see the listing learns nothing about it.
            if visible is not None:
                seen = visible(viewer).filter(pk=pk).exists()
            else:
                seen = model._default_manager.filter(visible_listing_q(viewer), pk=pk).exists()
            raise PermissionDenied() if seen else NotFound()
        if action in REVIEW_ACTIONS and not viewer.is_staff_role:
            raise PermissionDenied(_("Only the secretariat reviews listings."))
        changes = apply_transition(listing, action, reason=reason)
        listing.save()
        change_record(
            target=listing,
            actor_id=viewer.user_id,
            action=action,
            changes=changes,
            reason=reason.strip(),
        )
        return listing


def stale_listings(model: type[ListingModel], *, now: datetime | None = None):  # type: ignore[no-untyped-def]
    """Published listings past their re-confirmation date whose owner was not yet reminded."""
    return model._default_manager.filter(
        status=ListingStatus.PUBLISHED,
        confirmed_at__lt=reconfirm_cutoff(now),
        reconfirm_reminded_at__isnull=True,
    )
