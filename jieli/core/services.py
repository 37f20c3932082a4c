from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput, NotAuthenticated
from jieli.core.models import ApiToken
from jieli.core.viewer import Viewer


@transaction.atomic
def api_token_create(*, viewer: Viewer, name: str) -> str:
    """Create a personal API token and return the key, which is never stored in clear."""
    user_id = viewer.user_id
    if user_id is None:
        raise NotAuthenticated()
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput(
            fields={"name": [_("Between {a} and {b} characters.").format(a=1, b=100)]}
        )
    key = ApiToken.new_key()
    ApiToken.objects.create(
        user_id=user_id, name=name, prefix=key[:10], key_hash=ApiToken.hash_key(key)
    )
    return key
