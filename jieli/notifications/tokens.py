"""Signed one-click unsubscribe links: who, which kind (or which digest), which subscription.

A token is ``django.core.signing`` data under its own salt, valid for
``JIELI_UNSUBSCRIBE_MAX_AGE_DAYS``; it needs no sign-in. Anything else (tampered, expired,
malformed) is refused with one translated message.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput

SALT = "jieli.notifications.unsubscribe"


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    kind: str = ""  # the kind whose e-mail stops ("" with digest)
    scope: str = ""  # the subscription the kind's on_unsubscribe stops
    digest: str = ""  # "daily" / "weekly": every kind e-mailed in that digest


def unsubscribe_token(item: Unsubscribe) -> str:
    data = {"u": item.user_id, "k": item.kind, "s": item.scope, "d": item.digest}
    return signing.dumps(data, salt=SALT, compress=True)


def unsubscribe_url(item: Unsubscribe) -> str:
    """The absolute link an e-mail carries."""
    path = reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(item)})
    return settings.JIELI_SITE_URL.rstrip("/") + path


def unsubscribe_read(token: str) -> Unsubscribe:
    """The request a token carries; InvalidInput when it is not one we signed, or too old."""
    bad = InvalidInput(
        _(
            "This unsubscribe link is not valid or has expired. Sign in and change your "
            "notification settings instead."
        )
    )
    try:
        data = signing.loads(
            token, salt=SALT, max_age=settings.JIELI_UNSUBSCRIBE_MAX_AGE_DAYS * 86400
        )
    except (signing.BadSignature, ValueError, UnicodeError):
        raise bad from None
    if not isinstance(data, dict) or set(data) != {"u", "k", "s", "d"}:
        raise bad
    user_id, kind, scope, digest = data["u"], data["k"], data["s"], data["d"]
    if not isinstance(user_id, int) or not all(isinstance(v, str) for v in (kind, scope, digest)):
        raise bad
    if bool(kind) == bool(digest) or digest not in ("", "daily", "weekly"):
        raise bad
    return Unsubscribe(user_id=user_id, kind=kind, scope=scope, digest=digest)
