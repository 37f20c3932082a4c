"""``/api/v1/me``: who the caller is, and personal API tokens."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from jieli.core.api import OPTIONAL_AUTH, REQUIRED_AUTH, ErrorOut, viewer_of
from jieli.core.services import api_token_create

router = Router(tags=["me"])


class MeOut(Schema):
    authenticated: bool
    username: str
    roles: list[str]
    organisation_ids: list[int]


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)


class TokenOut(Schema):
    name: str
    token: str


@router.get("", response={200: MeOut}, auth=OPTIONAL_AUTH)
def me(request: HttpRequest):
    viewer = viewer_of(request)
    user = request.auth if viewer.is_authenticated else None  # type: ignore[attr-defined]
    return MeOut(
        authenticated=viewer.is_authenticated,
        username=user.get_username() if user else "",
        roles=viewer.role_names,
        organisation_ids=sorted(viewer.organisation_ids),
    )


@router.post("/tokens", response={201: TokenOut, 400: ErrorOut, 401: ErrorOut}, auth=REQUIRED_AUTH)
def create_token(request: HttpRequest, payload: TokenIn):
    """Create a personal token; it is shown only in this response."""
    key = api_token_create(viewer=viewer_of(request), name=payload.name)
    return 201, TokenOut(name=payload.name, token=key)
