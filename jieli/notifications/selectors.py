"""Reads of the notifications app. The one visibility rule: a person sees their own only."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils.translation import gettext as _

from jieli.core.errors import NotFound
from jieli.core.viewer import Viewer
from jieli.notifications.kinds import Rendered, all_kinds, find_kind
from jieli.notifications.models import Notification, NotificationPreference, NotificationSettings

logger = logging.getLogger(__name__)


def visible_notifications(viewer: Viewer) -> QuerySet[Notification]:
    """The viewer's own notifications, unread first, newest first; nobody else's."""
    if viewer.user_id is None:
        return Notification.objects.none()
    return (
        Notification.objects.filter(recipient_id=viewer.user_id)
        .alias(unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField()))
        .order_by("-unread", "-created_at", "-id")
        .prefetch_related("target")
    )


def notification_get(viewer: Viewer, notification_id: int) -> Notification:
    notification = visible_notifications(viewer).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound()
    return notification


def unread_count(viewer: Viewer) -> int:
    """How many of the viewer's notifications are unread (one indexed count)."""
    if viewer.user_id is None:
        return 0
    return Notification.objects.filter(recipient_id=viewer.user_id, read_at__isnull=True).count()


def render(notification: Notification) -> Rendered:
    """The notification's texts in the active language (a kind that fails renders plainly)."""
    spec = find_kind(notification.kind)
    if spec is not None:
        try:
            return spec.render(notification)
        except Exception:  # a deleted target or a bad parameter must not break a whole list
            logger.exception("rendering notification %s failed", notification.pk)
    return Rendered(title=_("Notification"), body="", url="")


@dataclass(frozen=True)
class PreferenceRow:
    key: str
    label: str
    email: str


def email_preferences(viewer: Viewer) -> list[PreferenceRow]:
    """Every kind with how the viewer has it e-mailed (the kind's default unless chosen)."""
    chosen: dict[str, str] = {}
    if viewer.user_id is not None:
        chosen = dict(
            NotificationPreference.objects.filter(user_id=viewer.user_id).values_list(
                "kind", "email"
            )
        )
    return [
        PreferenceRow(key=k.key, label=str(k.label), email=chosen.get(k.key, k.default_email))
        for k in all_kinds()
    ]


def user_language(user_id: int) -> str:
    """The language a user's e-mails are written in (the site's default unless chosen)."""
    language = (
        NotificationSettings.objects.filter(user_id=user_id)
        .values_list("language", flat=True)
        .first()
    )
    return language or settings.LANGUAGE_CODE
