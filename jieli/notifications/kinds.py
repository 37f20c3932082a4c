"""Kinds of notification: declared once by the app that sends them, in its ``AppConfig.ready``.

A kind is rendered when it is shown or e-mailed, inside the recipient's language
(``translation.override``), so no text is ever stored translated: a notification keeps only its
kind, parameters and target.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jieli.notifications.models import Notification

EMAIL_CHOICES = ("off", "immediate", "daily", "weekly")


@dataclass(frozen=True)
class Rendered:
    """What a notification says, in the active language."""

    title: str
    body: str
    url: str  # path on the site ("" when there is nothing to open)


@dataclass(frozen=True)
class NotificationKind:
    key: str  # "<app>.<event>": "enquiries.received"
    label: Any  # lazy gettext, shown in the preferences
    render: Callable[[Notification], Rendered]
    default_email: str = "immediate"  # one of EMAIL_CHOICES
    # (user_id, scope): what unsubscribing from one e-mail of this kind stops, when it is a
    # subscription (a saved search) rather than the kind's e-mail preference.
    on_unsubscribe: Callable[[int, str], None] | None = None

    def __post_init__(self) -> None:
        if self.default_email not in EMAIL_CHOICES:
            raise ValueError(f"default_email must be one of {EMAIL_CHOICES}")
        app, _dot, event = self.key.partition(".")
        if not app or not event or len(self.key) > 64:
            raise ValueError("a kind's key is '<app>.<event>', at most 64 characters")


_KINDS: dict[str, NotificationKind] = {}


def register_kind(kind: NotificationKind) -> None:
    """Declare a kind (idempotent: ``ready`` may run more than once in tests)."""
    _KINDS[kind.key] = kind


def get_kind(key: str) -> NotificationKind:
    """The kind ``key``; LookupError for a kind nobody registered (a programming error)."""
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"notification kind {key!r} is not registered") from None


def find_kind(key: str) -> NotificationKind | None:
    return _KINDS.get(key)


def all_kinds() -> list[NotificationKind]:
    """Every registered kind, in key order (the preferences page lists them so)."""
    return [_KINDS[k] for k in sorted(_KINDS)]
