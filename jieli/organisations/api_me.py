"""``/api/v1/me``: who the caller is, and personal API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from jieli.core.api import OPTIONAL_AUTH, REQUIRED_AUTH, ErrorOut, InputSchema, viewer_of
from jieli.core.errors import PermissionDenied
from jieli.core.selectors import TokenRow, api_tokens_of
from jieli.core.services import api_token_create, api_token_revoke

router = Router(tags=["me"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut, 422: ErrorOut}


class MeOut(Schema):
    authenticated: bool
    username: str
    roles: list[str]
    organisation_ids: list[int]


class TokenIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    scope: Literal["read", "write"] = "read"
    days: int | None = Field(None, ge=1, le=365, description="Lifetime in days; 90 by default.")


class TokenCreatedOut(Schema):
    id: int
    name: str
    scope: str
    expires_at: datetime | None
    token: str


class TokenInfoOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str
    state: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @staticmethod
    def of(row: TokenRow) -> TokenInfoOut:
        t = row.token
        return TokenInfoOut(
            id=t.pk,
            name=t.name,
            prefix=t.prefix,
            scope=t.scope,
            state=row.state,
            created_at=t.created_at,
            expires_at=t.expires_at,
            last_used_at=t.last_used_at,
            revoked_at=t.revoked_at,
        )


@router.get("", response={200: MeOut, **ERRORS}, auth=OPTIONAL_AUTH)
def me(request: HttpRequest):
    viewer = viewer_of(request)
    user = request.auth if viewer.is_authenticated else None  # type: ignore[attr-defined]
    return MeOut(
        authenticated=viewer.is_authenticated,
        username=user.get_username() if user else "",
        roles=viewer.role_names,
        organisation_ids=sorted(viewer.organisation_ids),
    )


@router.get("/tokens", response={200: list[TokenInfoOut], **ERRORS}, auth=REQUIRED_AUTH)
def list_tokens(request: HttpRequest):
    """The caller's own tokens (never the keys)."""
    return [TokenInfoOut.of(row) for row in api_tokens_of(viewer_of(request))]


@router.post("/tokens", response={201: TokenCreatedOut, **ERRORS}, auth=REQUIRED_AUTH)
def create_token(request: HttpRequest, payload: TokenIn):
    """Create a personal token; the key is shown only in this response.

    Only a signed-in browser session may create tokens: a token never mints another one, so a
    leaked token cannot outlive its own expiry or revocation.
    """
    if getattr(request, "api_token", None) is not None:
        raise PermissionDenied(_("API tokens cannot create tokens; sign in on the site."))
    token, key = api_token_create(
        viewer=viewer_of(request), name=payload.name, scope=payload.scope, days=payload.days
    )
    return 201, TokenCreatedOut(
        id=token.pk, name=token.name, scope=token.scope, expires_at=token.expires_at, token=key
    )


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS}, auth=REQUIRED_AUTH)
def revoke_token(request: HttpRequest, token_id: int):
    """Revoke one of your tokens (a token may revoke itself)."""
    api_token_revoke(viewer=viewer_of(request), token_id=token_id)
    return 204, None
