"""Notifications API: the caller's own notifications, unread count, marking read, preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from jieli.core.api import (
    ERRORS,
    REQUIRED_AUTH,
    Id,
    InputSchema,
    Page,
    PageQuery,
    paginate,
    viewer_of,
)
from jieli.notifications import selectors, services
from jieli.notifications.models import Notification

router = Router(tags=["notifications"])

EmailMode = Literal["off", "immediate", "daily", "weekly"]
Language = Literal["zh-hans", "en"]
KindKey = Annotated[str, Field(min_length=3, max_length=64)]


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def build(notification: Notification) -> NotificationOut:
        shown = selectors.render(notification)
        return NotificationOut(
            id=notification.pk,
            kind=notification.kind,
            title=shown.title,
            body=shown.body,
            url=shown.url,
            created_at=notification.created_at,
            read_at=notification.read_at,
        )


class NotificationPage(Page):
    unread: int
    results: list[NotificationOut]


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


class KindPreferenceOut(Schema):
    kind: str
    label: str
    email: EmailMode


class PreferencesOut(Schema):
    language: str
    kinds: list[KindPreferenceOut]


class PreferencesIn(InputSchema):
    language: Language | None = None
    # {kind: how it is e-mailed}; an unknown kind is refused by the service (422).
    email: dict[KindKey, EmailMode] | None = Field(default=None, max_length=200)


@router.get("", response={200: NotificationPage, **ERRORS}, auth=REQUIRED_AUTH)
def list_notifications(request: HttpRequest, params: Query[PageQuery]):
    """Your notifications, unread first, newest first, in the request's language."""
    viewer = viewer_of(request)
    page, items = paginate(
        selectors.visible_notifications(viewer), page=params.page, page_size=params.page_size
    )
    return NotificationPage(
        **page.dict(),
        unread=selectors.unread_count(viewer),
        results=[NotificationOut.build(n) for n in items],
    )


@router.get("/unread-count", response={200: UnreadOut, **ERRORS}, auth=REQUIRED_AUTH)
def unread_count(request: HttpRequest):
    return UnreadOut(unread=selectors.unread_count(viewer_of(request)))


@router.post(
    "/{notification_id}/read", response={200: NotificationOut, **ERRORS}, auth=REQUIRED_AUTH
)
def mark_read(request: HttpRequest, notification_id: Id):
    """Mark one of your notifications read (anyone else's is not found)."""
    viewer = viewer_of(request)
    services.notification_mark_read(viewer=viewer, notification_id=notification_id)
    return NotificationOut.build(selectors.notification_get(viewer, notification_id))


@router.post("/read-all", response={200: MarkedOut, **ERRORS}, auth=REQUIRED_AUTH)
def mark_all_read(request: HttpRequest):
    return MarkedOut(marked=services.notifications_mark_all_read(viewer=viewer_of(request)))


def _preferences(request: HttpRequest) -> PreferencesOut:
    viewer = viewer_of(request)
    return PreferencesOut(
        language=selectors.user_language(viewer.user_id or 0),
        kinds=[
            KindPreferenceOut(kind=row.key, label=row.label, email=row.email)  # type: ignore[arg-type]
            for row in selectors.email_preferences(viewer)
        ],
    )


@router.get("/preferences", response={200: PreferencesOut, **ERRORS}, auth=REQUIRED_AUTH)
def get_preferences(request: HttpRequest):
    """The language of your e-mails and how each kind of notification is e-mailed."""
    return _preferences(request)


@router.patch("/preferences", response={200: PreferencesOut, **ERRORS}, auth=REQUIRED_AUTH)
def update_preferences(request: HttpRequest, payload: PreferencesIn):
    """Change the e-mail language and/or how some kinds are e-mailed (all or nothing)."""
    viewer = viewer_of(request)
    with transaction.atomic():
        if payload.language is not None:
            services.notification_language_set(viewer=viewer, language=payload.language)
        for kind, email in (payload.email or {}).items():
            services.notification_preference_set(viewer=viewer, kind=kind, email=email)
    return _preferences(request)
