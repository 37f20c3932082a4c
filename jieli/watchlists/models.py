"""Shortlists of listings a user keeps, saved searches and match subscriptions, and the alert
job's cursor.

A shortlist item names its listing by (kind, id) of ``core.registry``: every read goes through
the owning app's visibility selector, so an item whose listing has since become hidden is
simply not shown (nor exported).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jieli.core.models import BaseModel


class ItemKind(models.TextChoices):
    ACHIEVEMENT = "achievement", _("achievement")
    DEMAND = "demand", _("demand")
    EXPERT = "expert", _("expert")


class Shortlist(BaseModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shortlists",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(_("default shortlist"), default=False)

    class Meta:
        ordering = ["-is_default", "name", "id"]
        verbose_name = _("shortlist")
        verbose_name_plural = _("shortlists")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="shortlist_owner_name_unique"),
            models.UniqueConstraint(
                fields=["owner"], condition=Q(is_default=True), name="shortlist_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ShortlistItem(BaseModel):
    shortlist = models.ForeignKey(
        Shortlist, on_delete=models.CASCADE, related_name="items", verbose_name=_("shortlist")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    object_id = models.PositiveBigIntegerField(_("listing ID"))
    note = models.CharField(_("note"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("shortlist item")
        verbose_name_plural = _("shortlist items")
        constraints = [
            models.UniqueConstraint(
                fields=["shortlist", "kind", "object_id"], name="shortlist_item_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id}"


class SubscriptionType(models.TextChoices):
    SEARCH = "search", _("saved search")
    MATCHES = "matches", _("match subscription")


class AlertKind(models.TextChoices):
    """Kinds a search is saved for and alerts are sent about: the ones that are published."""

    ACHIEVEMENT = "achievement", _("achievement")
    DEMAND = "demand", _("demand")


class Subscription(BaseModel):
    """A saved search (query and filters) or a subscription to a listing's matches.

    Either way the alert job runs it as its owner's viewer and tells the owner when a newly
    published listing enters its first results.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="watch_subscriptions",
        verbose_name=_("owner"),
    )
    type = models.CharField(_("type"), max_length=10, choices=SubscriptionType.choices)
    name = models.CharField(_("name"), max_length=100)
    # A saved search: the search page's query and filters ("" kind: achievements and demands).
    q = models.CharField(_("query"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices, blank=True)
    industry = models.CharField(_("industry"), max_length=8, blank=True)
    region = models.CharField(_("region"), max_length=12, blank=True)
    # A match subscription: the demand or achievement whose matches are followed.
    source_kind = models.CharField(
        _("followed listing kind"), max_length=20, choices=AlertKind.choices, blank=True
    )
    source_id = models.PositiveBigIntegerField(_("followed listing ID"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("saved search or subscription")
        verbose_name_plural = _("saved searches and subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source_kind", "source_id"],
                condition=Q(type="matches"),
                name="subscription_matches_unique",
            ),
            models.UniqueConstraint(
                fields=["owner", "q", "kind", "industry", "region"],
                condition=Q(type="search"),
                name="subscription_search_unique",
            ),
        ]
        indexes = [models.Index(fields=["is_active", "type"], name="subscription_active_idx")]

    def __str__(self) -> str:
        return self.name


class AlertCursor(models.Model):
    """Where the alert job stopped: listings published up to ``published_until`` are done."""

    key = models.CharField(_("key"), max_length=40, unique=True)
    published_until = models.DateTimeField(_("published until"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("alert cursor")
        verbose_name_plural = _("alert cursors")

    def __str__(self) -> str:
        return f"{self.key}: {self.published_until:%Y-%m-%d %H:%M:%S}"


class AlertedListing(models.Model):
    """A listing the alert job has finished with (its notifications are sent).

    The job looks back ``JIELI_ALERT_OVERLAP_SECONDS`` before its cursor (a publication whose
    transaction committed late still counts) and skips what is recorded here.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    object_id = models.PositiveBigIntegerField(_("listing ID"))
    processed_at = models.DateTimeField(_("processed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("alerted listing")
        verbose_name_plural = _("alerted listings")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="alerted_listing_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id}"
