"""Reads of the core app: a user's own API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core.models import ApiToken
from jieli.core.viewer import Viewer


@dataclass(frozen=True)
class TokenRow:
    token: ApiToken
    state: str  # active, expired, revoked, password_changed

    @property
    def state_label(self) -> str:
        return {
            "active": _("Active"),
            "expired": _("Expired"),
            "revoked": _("Revoked"),
            "password_changed": _("Ended by a password change"),
        }[self.state]


def token_state(token: ApiToken, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    if token.auth_hash != ApiToken.password_fingerprint(token.user.password):
        return "password_changed"
    return "active"


def api_tokens_of(viewer: Viewer) -> list[TokenRow]:
    """The viewer's own tokens, newest first (nobody else's, whatever their role)."""
    if viewer.user_id is None:
        return []
    now = timezone.now()
    tokens = ApiToken.objects.select_related("user").filter(user_id=viewer.user_id)
    return [TokenRow(t, token_state(t, now)) for t in tokens.order_by("-created_at", "-id")]
