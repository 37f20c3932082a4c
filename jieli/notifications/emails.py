"""E-mail of notifications: one message per notification (immediate) or one digest per person.

Each message is written in the recipient's language (``NotificationSettings.language``) with
every item rendered by its kind, and carries a signed one-click unsubscribe link, also as
``List-Unsubscribe`` headers (RFC 8058). Rows are claimed by the sending run before sending and
marked sent after; a failing message is logged, its rows released for the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jieli.notifications.models import EmailChoice, Notification
from jieli.notifications.selectors import render, user_language
from jieli.notifications.tokens import Unsubscribe, unsubscribe_url

logger = logging.getLogger(__name__)

# Notifications per person and run (a digest's items; the rest wait for the next run, which
# for immediate ones is the sweep five minutes later).
DIGEST_MAX_ITEMS = 50


def _due(mode: str, now: datetime) -> QuerySet[Notification]:
    lease = timedelta(seconds=settings.JIELI_NOTIFICATION_CLAIM_SECONDS)
    return Notification.objects.filter(email=mode, emailed_at__isnull=True).filter(
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - lease)
    )


def _absolute(path: str) -> str:
    if not path or "://" in path:
        return path
    return settings.JIELI_SITE_URL.rstrip("/") + path


def _footer(unsubscribe: str, stop_text: str) -> str:
    settings_url = _absolute(reverse("notifications:preferences"))
    return "\n\n-- \n" + _(
        "{stop}: {unsubscribe}\nAll your notification settings: {settings}"
    ).format(stop=stop_text, unsubscribe=unsubscribe, settings=settings_url)


def _message(subject: str, body: str, address: str, unsubscribe: str) -> EmailMessage:
    return EmailMessage(
        subject=subject.replace("\n", " "),
        body=body,
        to=[address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def immediate_message(notification: Notification, address: str) -> EmailMessage:
    """One notification's e-mail, in the active language."""
    shown = render(notification)
    scope = notification.params.get("scope", "") if isinstance(notification.params, dict) else ""
    link = unsubscribe_url(
        Unsubscribe(user_id=notification.recipient_id, kind=notification.kind, scope=str(scope))
    )
    body = shown.body
    if shown.url:
        body += "\n\n" + _absolute(shown.url)
    body += _footer(link, _("Stop e-mails like this"))
    return _message(shown.title, body, address, link)


def digest_message(
    notifications: Sequence[Notification], mode: str, address: str, user_id: int
) -> EmailMessage:
    """One digest of ``notifications``, in the active language."""
    count = len(notifications)
    if mode == EmailChoice.WEEKLY:
        subject = ngettext(
            "Jieli: your weekly digest ({n} notification)",
            "Jieli: your weekly digest ({n} notifications)",
            count,
        ).format(n=count)
    else:
        subject = ngettext(
            "Jieli: your daily digest ({n} notification)",
            "Jieli: your daily digest ({n} notifications)",
            count,
        ).format(n=count)
    parts = []
    for notification in notifications:
        shown = render(notification)
        scope = (
            notification.params.get("scope", "") if isinstance(notification.params, dict) else ""
        )
        item = f"• {shown.title}"
        if shown.body:
            item += "\n" + shown.body
        if shown.url:
            item += "\n" + _absolute(shown.url)
        stop = unsubscribe_url(
            Unsubscribe(user_id=user_id, kind=notification.kind, scope=str(scope))
        )
        item += "\n" + _("Stop e-mails like this: {link}").format(link=stop)
        parts.append(item)
    link = unsubscribe_url(Unsubscribe(user_id=user_id, digest=mode))
    stop_text = (
        _("Stop this weekly digest") if mode == EmailChoice.WEEKLY else _("Stop this daily digest")
    )
    body = "\n\n".join(parts) + _footer(link, stop_text)
    return _message(subject, body, address, link)


def emails_send_due(*, mode: str, run_id: int, now: datetime | None = None) -> int:
    """Send what is due in ``mode`` (immediate: one message each; else a digest per person).

    Returns the number of messages sent.
    """
    now = now or timezone.now()
    users = get_user_model().objects
    sent = 0
    recipients = list(
        _due(mode, now).order_by("recipient_id").values_list("recipient_id", flat=True).distinct()
    )
    for recipient_id in recipients:
        ids = list(
            _due(mode, now)
            .filter(recipient_id=recipient_id)
            .order_by("created_at", "id")
            .values_list("pk", flat=True)[:DIGEST_MAX_ITEMS]
        )
        claimed = (
            _due(mode, now).filter(pk__in=ids).update(email_claimed_at=now, email_run_id=run_id)
        )
        if not claimed:  # another run has them
            continue
        rows = list(
            Notification.objects.filter(pk__in=ids, email_run_id=run_id, email_claimed_at=now)
            .order_by("created_at", "id")
            .prefetch_related("target")
        )
        user = users.filter(pk=recipient_id).first()
        address = getattr(user, "email", "") if user is not None else ""
        if user is None or not user.is_active or not address:
            # Nobody to write to: these stay in-app only.
            Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
                email=EmailChoice.OFF, email_claimed_at=None, email_run_id=None
            )
            continue
        with translation.override(user_language(recipient_id)):
            if mode == EmailChoice.IMMEDIATE:
                batches = [([row], immediate_message(row, address)) for row in rows]
            else:
                batches = [(rows, digest_message(rows, mode, address, recipient_id))]
        for batch, message in batches:
            pks = [r.pk for r in batch]
            try:
                message.send()
            except Exception:  # one failing message must not stop the others
                logger.exception("notification e-mail to user %s failed", recipient_id)
                Notification.objects.filter(pk__in=pks).update(
                    email_claimed_at=None, email_run_id=None
                )
                continue
            Notification.objects.filter(pk__in=pks).update(emailed_at=timezone.now())
            sent += 1
    return sent


def claims_release(*, run_id: int) -> int:
    """Release what a (dead) run claimed and did not send; return how many."""
    return Notification.objects.filter(email_run_id=run_id, emailed_at__isnull=True).update(
        email_claimed_at=None, email_run_id=None
    )
