"""Errors raised by services and selectors; pages and the API turn them into responses.

Each error carries a stable ``code``, a translated ``message`` and optional field errors, so
every failure has one shape whether it reaches a form, a page or the JSON API.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "invalid"
    default_message: ClassVar[Any] = _("The request is not valid.")

    def __init__(self, message: object = None, *, fields: dict[str, list[Any]] | None = None):
        self.message = str(message) if message is not None else str(self.default_message)
        self.fields = {name: [str(m) for m in msgs] for name, msgs in (fields or {}).items()}
        super().__init__(self.message)


class InvalidInput(ServiceError):
    status = 400
    code = "invalid"
    default_message = _("Some fields are not valid.")


class NotAuthenticated(ServiceError):
    status = 401
    code = "not_authenticated"
    default_message = _("Please sign in first.")


class PermissionDenied(ServiceError):
    status = 403
    code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class NotFound(ServiceError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Conflict(ServiceError):
    status = 409
    code = "conflict"
    default_message = _("This conflicts with the current state of the record.")


def field_errors(exc: Exception) -> dict[str, list[str]]:
    """A Django ValidationError (e.g. from full_clean) as ``{field: [messages]}``.

    Errors not tied to a field go under ``"__all__"``.
    """
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

    assert isinstance(exc, ValidationError)
    if not hasattr(exc, "error_dict"):
        return {"__all__": [str(m) for m in exc.messages]}
    return {
        ("__all__" if name == NON_FIELD_ERRORS else name): [str(m) for m in messages]
        for name, messages in exc.message_dict.items()
    }


def invalid_from_django(exc: Exception) -> InvalidInput:
    """Turn a Django ValidationError (from full_clean) into an InvalidInput."""
    from django.core.exceptions import ValidationError

    assert isinstance(exc, ValidationError)
    if hasattr(exc, "error_dict"):
        return InvalidInput(fields=field_errors(exc))
    return InvalidInput(" ".join(str(m) for m in exc.messages))


def reject_unknown_fields(data: Iterable[str], allowed: Iterable[str]) -> None:
    """InvalidInput naming each key of ``data`` a service does not let the caller set."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise InvalidInput(
            fields={name: [_("This field cannot be changed here.")] for name in sorted(unknown)}
        )
