"""One reminder service for every listing kind: re-confirmation notices to the owners' admins.

A listing past its re-confirmation date is hidden from the public until its owner re-confirms
it (see ``core.listing``). Each such listing is reminded once: it is marked inside its own short
transaction (row locked, so two runs never remind twice), a ``remind_reconfirm`` history entry
is written, and its owner's active administrators are notified through the notifier the
notifications app registers (``core.registry.notifier``): in-app, and by e-mail as each of them
prefers, in their own language, sent by a job after the commit. The notice's kind (registered by
the listing's app) renders its texts; a failing e-mail is logged and retried by the e-mail job,
and does not stop the others.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from jieli.core import registry
from jieli.core.history import change_record
from jieli.core.listing import stale_listings

REMIND_ACTION = "remind_reconfirm"


def listings_remind_stale(*, model: type[Any], kind: str, now: datetime | None = None) -> int:
    """Notify the owners' administrators of each stale listing of ``model`` (once each), with
    the notification kind ``kind``. Returns the number of listings reminded (with or without
    someone to notify)."""
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
            registry.notifier()(
                kind=kind,
                recipient_ids=registry.owner_admin_ids(listing.owner_id),
                target=listing,
                params={
                    "confirmed_at": listing.confirmed_at.isoformat()
                    if listing.confirmed_at
                    else None
                },
                dedupe_key=f"reconfirm:{pk}:{now.isoformat()}",
            )
        reminded += 1
    return reminded
