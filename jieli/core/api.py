"""What every app's API router shares: authentication, the error shape, the input contract,
pagination.

Every failure answers ``{"code": ..., "message": ..., "fields": {...}}`` with the message in the
request's language. The input contract (docs/decisions/0006-api-input-contract.md): a request
outside its documented schema is a 400; a request the schema allows but a business rule refuses
(an unknown region code, an action the record's state does not allow) is a 422.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from jieli.core.errors import (
    InvalidInput,
    NotAuthenticated,
    PermissionDenied,
    ServiceError,
    invalid_from_django,
)
from jieli.core.middleware import viewer_for_user
from jieli.core.models import ApiToken, TokenScope
from jieli.core.security import too_many_message
from jieli.core.viewer import Viewer


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


# The statuses a request may be refused with; every operation documents both (ERRORS).
OUTSIDE_SCHEMA = 400  # not the documented shape: wrong JSON type, unknown field, out of range
REFUSED_BY_RULE = 422  # the documented shape, refused by a business rule (a service)


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The documented refusals of an operation, all in the one error shape."""
    return dict.fromkeys(statuses, ErrorOut)


# What an operation of the listing and membership apps may answer besides success.
ERRORS = error_responses(OUTSIDE_SCHEMA, 401, 403, 404, 409, REFUSED_BY_RULE)


class InputSchema(Schema):
    """A request body: a JSON object with only the documented fields, in their JSON types.

    Strict: no "1" or true for a whole number, no 1 for a boolean, no list or null for the
    object (ninja's ``Schema`` would read a list's missing attributes as all defaults). The
    schema says so (``additionalProperties: false``), so fuzzers and clients see the contract.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        # Same name as ninja Schema's validator, so it replaces it: no DjangoGetter here.
        if not isinstance(values, dict):
            raise PydanticCustomError("model_attributes_type", "a JSON object is required")
        return handler({name: _whole(value) for name, value in values.items()})


def _whole(value: Any) -> Any:
    # JSON has one number type: 137.0 is the integer 137 (JSON Schema agrees), 137.5 is not.
    # Strict mode would refuse the former; a float field takes an int as it is.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_whole(item) for item in value]
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_text(value: Any) -> Any:
    # pydantic's own date parsing also takes 0 (the epoch) and "2024-01-01T00:00:00".
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("date_parsing", "a date YYYY-MM-DD is required")


_DECIMAL_TEXT = r"^\d{1,10}(\.\d{1,2})?$"


def _number(value: Any) -> Any:
    # A JSON number, or a decimal string such as "12.50" (exact for money); never a boolean,
    # "NaN", "1e3" or " 12".
    if isinstance(value, bool):
        raise PydanticCustomError("decimal_parsing", "a number is required")
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, str) and re.fullmatch(_DECIMAL_TEXT, value):
        return value
    raise PydanticCustomError("decimal_parsing", "a number is required")


MAX_MONEY = Decimal("9999999999.99")  # 12 digits, 2 after the point: the database columns


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# A calendar date in a body or a query: the string YYYY-MM-DD only.
ApiDate = Annotated[date, Field(strict=False), BeforeValidator(_date_text)]
# An amount in 万元 in a body: a JSON number or a decimal string, 0 to MAX_MONEY, kept to 0.01.
Money = Annotated[
    Decimal,
    Field(strict=False, ge=0, le=MAX_MONEY),
    BeforeValidator(_number),
    AfterValidator(_cents),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": float(MAX_MONEY)},
                {"type": "string", "pattern": _DECIMAL_TEXT},
            ]
        }
    ),
]


# ``last_used_at`` is written at most this often per token, so token calls do not each need
# the database's write lock (a long import holds it on SQLite).
TOKEN_TOUCH_SECONDS = 60
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer jl_…`` personal tokens.

    A bearer token that is unknown, expired, revoked or outdated by a password change is a 401
    on every endpoint, public ones included: a script with a broken token must not silently
    read as anonymous. A read-only token is refused (403) on any method that writes.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        hit = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token))
            .first()
        )
        now = timezone.now()
        if hit is None or not api_token_is_valid(hit, now=now):
            raise NotAuthenticated(_("The API token is not valid, has expired or was revoked."))
        if hit.scope != TokenScope.WRITE and request.method not in SAFE_METHODS:
            raise PermissionDenied(_("This API token may only read."))
        if hit.last_used_at is None or (now - hit.last_used_at).total_seconds() >= (
            TOKEN_TOUCH_SECONDS
        ):
            _touch(hit, now)
        request.user = hit.user
        request.api_token = hit  # type: ignore[attr-defined]
        return hit.user


def api_token_is_valid(token: ApiToken, *, now: Any = None) -> bool:
    now = now or timezone.now()
    return (
        token.revoked_at is None
        and (token.expires_at is None or token.expires_at > now)
        and token.user.is_active
        and token.auth_hash == ApiToken.password_fingerprint(token.user.password)
    )


def _touch(token: ApiToken, now: Any) -> None:
    # Advisory only: if the database is busy, skip it rather than fail the call.
    try:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    except DatabaseError:
        logging.getLogger("jieli.api").warning("could not record token use", exc_info=True)


class SessionAuth(APIKeyCookie):
    """The browser session; unsafe methods must pass the CSRF check."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def _anonymous(request: HttpRequest) -> Any:
    return AnonymousUser()


# Reads accept anyone (the selectors decide what they see); writes need a signed-in user.
OPTIONAL_AUTH = [TokenAuth(), SessionAuth(), _anonymous]
REQUIRED_AUTH = [TokenAuth(), SessionAuth()]


def viewer_of(request: HttpRequest) -> Viewer:
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    return viewer_for_user(user)


def _error(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )


def _options(ctx: dict[str, Any]) -> str:
    # pydantic lists choices as "'a', 'b' or 'c'": keep the codes, drop the English "or".
    return str(ctx.get("expected", "")).replace(" or ", ", ")


_PYDANTIC_MESSAGES = {
    "missing": lambda ctx: _("This field is required."),
    "string_too_long": lambda ctx: _("At most {n} characters.").format(n=ctx.get("max_length")),
    "string_too_short": lambda ctx: _("At least {n} characters.").format(n=ctx.get("min_length")),
    "int_parsing": lambda ctx: _("Enter a whole number."),
    "int_type": lambda ctx: _("Enter a whole number."),
    "int_from_float": lambda ctx: _("Enter a whole number."),
    "bool_type": lambda ctx: _("Enter true or false."),
    "date_type": lambda ctx: _("Enter a valid date (YYYY-MM-DD)."),
    "decimal_type": lambda ctx: _("Enter a number."),
    "finite_number": lambda ctx: _("Enter a number."),
    "extra_forbidden": lambda ctx: _("This field is not part of the request."),
    "model_type": lambda ctx: _("Send a JSON object."),
    "dict_type": lambda ctx: _("Send a JSON object."),
    "too_long": lambda ctx: _("At most {n} items.").format(n=ctx.get("max_length")),
    "too_short": lambda ctx: _("At least {n} items.").format(n=ctx.get("min_length")),
    "float_parsing": lambda ctx: _("Enter a number."),
    "decimal_parsing": lambda ctx: _("Enter a number."),
    "bool_parsing": lambda ctx: _("Enter true or false."),
    "date_from_datetime_parsing": lambda ctx: _("Enter a valid date (YYYY-MM-DD)."),
    "date_parsing": lambda ctx: _("Enter a valid date (YYYY-MM-DD)."),
    "greater_than_equal": lambda ctx: _("Must be at least {n}.").format(n=ctx.get("ge")),
    "less_than_equal": lambda ctx: _("Must be at most {n}.").format(n=ctx.get("le")),
    "enum": lambda ctx: _("Choose one of: {options}.").format(options=_options(ctx)),
    "literal_error": lambda ctx: _("Choose one of: {options}.").format(options=_options(ctx)),
    "list_type": lambda ctx: _("Enter a list."),
    "string_type": lambda ctx: _("Enter text."),
    "model_attributes_type": lambda ctx: _("Send a JSON object."),
    "json_invalid": lambda ctx: _("The request body is not valid JSON."),
}


def _field_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for err in errors:
        # loc is like ("body", "payload", "title") or ("query", "page").
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path")]
        name = ".".join(loc) or "__all__"
        render = _PYDANTIC_MESSAGES.get(err.get("type", ""))
        message = render(err.get("ctx") or {}) if render else str(err.get("msg", ""))
        fields.setdefault(name, []).append(str(message))
    return fields


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ServiceError)
    def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        # A service sees only requests that passed the schema: what it finds invalid is a rule.
        status = REFUSED_BY_RULE if isinstance(exc, InvalidInput) else exc.status
        return _error(api, request, status, exc.code, exc.message, exc.fields)

    @api.exception_handler(DjangoValidationError)
    def django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        err = invalid_from_django(exc)
        return _error(api, request, REFUSED_BY_RULE, err.code, err.message, err.fields)

    @api.exception_handler(NinjaValidationError)
    def validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return _error(
            api,
            request,
            OUTSIDE_SCHEMA,
            "invalid",
            _("Some fields are not valid."),
            _field_errors(exc.errors),
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return _error(api, request, 401, "not_authenticated", _("Please sign in first."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        codes = {
            400: "invalid",
            422: "invalid",
            401: "not_authenticated",
            403: "permission_denied",
            404: "not_found",
            405: "method_not_allowed",
            409: "conflict",
            429: "rate_limited",
        }
        message = too_many_message() if exc.status_code == 429 else str(exc.message)
        return _error(api, request, exc.status_code, codes.get(exc.status_code, "error"), message)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        from django.http import Http404

        if isinstance(exc, Http404):
            return _error(api, request, 404, "not_found", _("Not found."))
        from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
        from django.http.multipartparser import MultiPartParserError

        if isinstance(exc, RequestDataTooBig):
            return _error(api, request, 413, "too_large", _("The request is too large."))
        if isinstance(exc, MultiPartParserError | SuspiciousOperation):
            # A malformed body (e.g. multipart without a boundary) is the caller's mistake.
            return _error(api, request, 400, "invalid", _("The request body could not be read."))
        if isinstance(exc, OverflowError):
            # A number beyond what the database stores (e.g. a path id): nothing has that id.
            return _error(api, request, 404, "not_found", _("Not found."))
        logging.getLogger("jieli.api").exception("unexpected API error")
        return _error(
            api,
            request,
            500,
            "server_error",
            _("Something went wrong on our side. Please try again later."),
        )


class Page(Schema):
    count: int
    page: int
    page_size: int
    pages: int


# Far beyond any real list; a bigger number would overflow the database's offset.
MAX_PAGE = 100_000
# The largest key a database integer column holds: beyond it SQLite raises OverflowError.
MAX_ID = 2**63 - 1

# An amount in 万元 in a query (text on the wire, read as a decimal number), 0 to MAX_MONEY.
QueryMoney = Annotated[
    Decimal,
    Field(ge=0, le=MAX_MONEY, allow_inf_nan=False),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": float(MAX_MONEY)}),
]

# Bounded integers for query parameters and bodies: out of range is a 400, never a 500.
PageNo = Annotated[int, Field(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Field(ge=1, le=100)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
TopK = Annotated[int, Field(ge=1, le=100)]


class PageQuery(Schema):
    """``?page=&page_size=`` of a list with no other filters (one schema, one OpenAPI name)."""

    page: PageNo = 1
    page_size: PageSize = 20


def paginate(queryset: Any, *, page: int, page_size: int) -> tuple[Page, list[Any]]:
    if not 1 <= page <= MAX_PAGE:
        raise InvalidInput(
            fields={"page": [_("Must be between {a} and {b}.").format(a=1, b=MAX_PAGE)]}
        )
    if not 1 <= page_size <= 100:
        raise InvalidInput(
            fields={"page_size": [_("Must be between {a} and {b}.").format(a=1, b=100)]}
        )
    count = queryset.count()
    pages = max(1, -(-count // page_size))
    items = list(queryset[(page - 1) * page_size : page * page_size])
    return Page(count=count, page=page, page_size=page_size, pages=pages), items
