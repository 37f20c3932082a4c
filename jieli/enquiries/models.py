"""Enquiries (咨询/洽谈): a signed-in user's request about a listing, its thread and its stages;
technology brokers (技术经纪人) and their introductions.

Design notes:

* An enquiry names its target by kind + id (``target_kind`` / ``target_id``), as duplicate cases
  do: the kinds (achievement, demand, expert) are the ``core.registry`` listing kinds, and each
  is reached through its own app's visibility selector. The owner side is copied when the
  enquiry is made: the listing's owner organisation, or for an expert the expert's own account.
* The stage life cycle is a data table in ``stages.py``; every move is made under a row lock
  and written to the history with its before/after values.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jieli.core.models import BaseModel


class Purpose(models.TextChoices):
    LICENCE = "licence", _("Licence")
    PURCHASE = "purchase", _("Purchase")
    JOINT_DEVELOPMENT = "joint_development", _("Joint development")
    CONSULTATION = "consultation", _("Consultation")
    VISIT = "visit", _("Visit")


class Stage(models.TextChoices):
    NEW = "new", _("New")
    ANSWERED = "answered", _("Answered")
    DISCUSSION = "discussion", _("In discussion")
    INTENTION = "intention", _("Intention signed")
    CONTRACT = "contract", _("Contract signed")
    DECLINED = "declined", _("Declined")
    CLOSED = "closed", _("Closed")


class Broker(BaseModel):
    """A technology broker: a person of an admitted service agency, or of the secretariat."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="broker_profile",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service agency"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("technology broker")
        verbose_name_plural = _("technology brokers")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class ListingBroker(BaseModel):
    """The broker assigned to a listing: it is assigned to every enquiry made about it."""

    kind = models.CharField(_("kind"), max_length=16)
    listing_id = models.PositiveBigIntegerField(_("listing"))
    broker = models.ForeignKey(
        Broker, on_delete=models.CASCADE, related_name="listings", verbose_name=_("broker")
    )

    class Meta:
        verbose_name = _("listing broker")
        verbose_name_plural = _("listing brokers")
        constraints = [
            models.UniqueConstraint(fields=["kind", "listing_id"], name="listing_broker_unique")
        ]


class Introduction(BaseModel):
    """A broker proposes to connect party A (an organisation) with a listing of party B."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting consent")
        CONNECTED = "connected", _("Connected")
        DECLINED = "declined", _("Declined")

    broker = models.ForeignKey(
        Broker, on_delete=models.PROTECT, related_name="introductions", verbose_name=_("broker")
    )
    party_a = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("party A"),
    )
    link_kind = models.CharField(_("linked record kind"), max_length=16, blank=True)
    link_id = models.PositiveBigIntegerField(_("linked record"), null=True, blank=True)
    target_kind = models.CharField(_("listing kind"), max_length=16)
    target_id = models.PositiveBigIntegerField(_("listing"))
    party_b = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("party B"),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    note = models.TextField(_("note"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    a_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent of party A"),
    )
    b_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent of party B"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")

    def __str__(self) -> str:
        return f"{self.party_a} → {self.target_kind} #{self.target_id}"


class Enquiry(BaseModel):
    target_kind = models.CharField(_("listing kind"), max_length=16)
    target_id = models.PositiveBigIntegerField(_("listing"))
    target_title = models.CharField(_("listing title"), max_length=300)
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner organisation"),
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enquiries_sent",
        verbose_name=_("sender"),
    )
    sender_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sender organisation"),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    message = models.TextField(_("message"), max_length=5000)
    link_kind = models.CharField(_("linked record kind"), max_length=16, blank=True)
    link_id = models.PositiveBigIntegerField(_("linked record"), null=True, blank=True)
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.NEW, db_index=True
    )
    decline_reason = models.TextField(_("reason for declining"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    stage_changed_at = models.DateTimeField(_("stage changed at"), null=True, blank=True)
    # Service level: reminded once, then escalated to the secretariat ("dropped baton").
    reminded_at = models.DateTimeField(_("owner reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, db_index=True)
    broker = models.ForeignKey(
        Broker,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
        verbose_name=_("broker"),
    )
    introduction = models.OneToOneField(
        Introduction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiry",
        verbose_name=_("introduction"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        indexes = [
            models.Index(fields=["sender", "-created_at"], name="enquiry_sender_idx"),
            models.Index(fields=["stage", "created_at"], name="enquiry_stage_idx"),
            models.Index(fields=["target_kind", "target_id"], name="enquiry_target_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_organisation__isnull=False) | Q(owner_user__isnull=False),
                name="enquiry_has_owner",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.target_title}"


class EnquiryMessage(BaseModel):
    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.CASCADE, related_name="messages", verbose_name=_("enquiry")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    side = models.CharField(_("side"), max_length=12)  # sender | owner | broker | secretariat
    body = models.TextField(_("message"), max_length=5000)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("enquiry message")
        verbose_name_plural = _("enquiry messages")


class EnquiryAttachment(BaseModel):
    message = models.ForeignKey(
        EnquiryMessage,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("message"),
    )
    file = models.FileField(_("file"), upload_to="enquiries/%Y/%m/", max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class SenderBlock(BaseModel):
    """An owner side does not accept new enquiries from this user."""

    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner organisation"),
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("blocked sender"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("blocked by"),
    )

    class Meta:
        verbose_name = _("blocked sender")
        verbose_name_plural = _("blocked senders")
        constraints = [
            models.UniqueConstraint(
                fields=["owner_organisation", "sender"],
                condition=Q(owner_organisation__isnull=False),
                name="sender_block_org_unique",
            ),
            models.UniqueConstraint(
                fields=["owner_user", "sender"],
                condition=Q(owner_user__isnull=False),
                name="sender_block_user_unique",
            ),
        ]


class EnquiryReport(BaseModel):
    """Someone in a thread reports it to the secretariat."""

    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.CASCADE, related_name="reports", verbose_name=_("enquiry")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reason = models.TextField(_("reason"), max_length=2000)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
