"""Notifications: one row per recipient and event; texts are rendered when read or e-mailed.

A notification stores its kind, parameters and target, never a translated text (the kind's
``render`` runs inside the reader's language). ``email`` is how it is to be e-mailed, taken from
the recipient's preference when it is created and kept in step when the preference changes
while it is still unsent; ``emailed_at`` marks it sent; ``email_claimed_at`` / ``email_run_id``
hold it for the job run sending it (a dead run's claim is released, see ``tasks.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jieli.core.models import BaseModel


class EmailChoice(models.TextChoices):
    OFF = "off", _("No e-mail")
    IMMEDIATE = "immediate", _("At once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    target_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("record type"),
    )
    target_id = models.PositiveBigIntegerField(_("record ID"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    # The same event is never notified twice to one recipient (unique with recipient, kind).
    dedupe_key = models.CharField(_("once-only key"), max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email = models.CharField(
        _("e-mail"), max_length=10, choices=EmailChoice.choices, default=EmailChoice.OFF
    )
    email_claimed_at = models.DateTimeField(
        _("e-mail claimed at"), null=True, blank=True, editable=False
    )
    email_run_id = models.PositiveBigIntegerField(
        _("e-mail job run"), null=True, blank=True, editable=False
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "dedupe_key"],
                condition=Q(dedupe_key__isnull=False),
                name="notification_once",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            # The header badge: unread count of one recipient.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            # The e-mail jobs: what is still to be sent, by mode.
            models.Index(
                fields=["email", "recipient"],
                condition=Q(emailed_at__isnull=True),
                name="notification_email_due",
            ),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class NotificationPreference(BaseModel):
    """How one user wants one kind e-mailed (no row: the kind's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    email = models.CharField(_("e-mail"), max_length=10, choices=EmailChoice.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.email}"


class NotificationSettings(BaseModel):
    """A user's settings for what is sent to them: the language of their e-mails."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"
