from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput, NotAuthenticated, NotFound
from jieli.core.models import ApiToken, TokenScope
from jieli.core.viewer import Viewer


@transaction.atomic
def api_token_create(
    *, viewer: Viewer, name: str, scope: str = TokenScope.READ, days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a personal API token; return it and its key, which is never stored in clear.

    ``days``: its lifetime, ``JIELI_API_TOKEN_DAYS`` by default, at most
    ``JIELI_API_TOKEN_MAX_DAYS``. The token dies with the password it was made under.
    """
    user_id = viewer.user_id
    if user_id is None:
        raise NotAuthenticated()
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name or len(name) > 100:
        errors["name"] = [_("Between {a} and {b} characters.").format(a=1, b=100)]
    if scope not in TokenScope.values:
        errors["scope"] = [_("Choose one of: {options}.").format(options=", ".join(TokenScope))]
    max_days = settings.JIELI_API_TOKEN_MAX_DAYS
    days = settings.JIELI_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= max_days:
        errors["days"] = [_("Must be between {a} and {b}.").format(a=1, b=max_days)]
    if errors:
        raise InvalidInput(fields=errors)
    user = get_user_model().objects.get(pk=user_id)
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user_id=user_id,
        name=name,
        prefix=key[:10],
        key_hash=ApiToken.hash_key(key),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days),
        auth_hash=ApiToken.password_fingerprint(user.password),
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, viewer: Viewer, token_id: int) -> ApiToken:
    """Revoke one of the viewer's own tokens (someone else's is not found)."""
    if viewer.user_id is None:
        raise NotAuthenticated()
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user_id=viewer.user_id).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token
