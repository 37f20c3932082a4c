"""One reminder service for every listing kind: re-confirmation e-mails to the owners' admins.

A listing past its re-confirmation date is hidden from the public until its owner re-confirms
it (see ``core.listing``). Each such listing is reminded once: it is marked inside its own short
transaction (row locked, so two runs never remind twice), a ``remind_reconfirm`` history entry
is written, and the e-mail goes out after the commit in the site's default language (reminders
are sent by a job, which has no request language). Only active users with an e-mail address
receive it; a failing e-mail is logged and does not stop the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from jieli.core import registry
from jieli.core.history import change_record
from jieli.core.listing import stale_listings

logger = logging.getLogger(__name__)

REMIND_ACTION = "remind_reconfirm"

# (listing) -> (subject, body), called in the site's default language.
ReminderText = Callable[[Any], tuple[str, str]]


def _send(subject: str, body: str, emails: list[str], label: str) -> None:
    try:
        send_mail(subject, body, None, emails)
    except Exception:  # one failing mail must not stop the others
        logger.exception("re-confirmation reminder for %s failed", label)


def listings_remind_stale(
    *, model: type[Any], text: ReminderText, now: datetime | None = None
) -> int:
    """Remind the owners' administrators of each stale listing of ``model`` (once each).

    Returns the number of listings reminded (with or without someone to e-mail).
    """
    now = now or timezone.now()
    reminded = 0
    for pk in list(stale_listings(model, now=now).values_list("pk", flat=True)):
        with transaction.atomic():
            listing = stale_listings(model, now=now).select_for_update().filter(pk=pk).first()
            if listing is None:  # re-confirmed or reminded meanwhile
                continue
            listing.reconfirm_reminded_at = now
            listing.save(update_fields=["reconfirm_reminded_at", "updated_at"])
            change_record(
                target=listing,
                actor_id=None,
                action=REMIND_ACTION,
                changes={"reconfirm_reminded_at": [None, now.isoformat()]},
            )
            emails = registry.owner_admin_emails(listing.owner_id)
            if emails:
                with translation.override(settings.LANGUAGE_CODE):
                    subject, body = text(listing)
                label = f"{model._meta.label} {pk}"
                transaction.on_commit(partial(_send, subject, body, emails, label))
        reminded += 1
    return reminded
