"""A test kind ("tests.ping") and one with a subscription ("tests.alert"), registered per test."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from jieli.notifications import kinds
from jieli.notifications.kinds import NotificationKind, Rendered

STOPPED: list[tuple[int, str]] = []


def _ping(notification) -> Rendered:  # type: ignore[no-untyped-def]
    # Translated at render time: "Notification" is in the catalogue (通知).
    return Rendered(
        title=f"{_('Notification')}: {notification.params.get('word', '')}",
        body=f"{_('Notifications')} #{notification.pk}",
        url=f"/ping/{notification.params.get('word', '')}/",
    )


@pytest.fixture(autouse=True)
def test_kinds():
    STOPPED.clear()
    ping = NotificationKind(key="tests.ping", label="Ping", render=_ping, default_email="immediate")
    alert = NotificationKind(
        key="tests.alert",
        label="Alert",
        render=_ping,
        default_email="daily",
        on_unsubscribe=lambda user_id, scope: STOPPED.append((user_id, scope)),
    )
    kinds.register_kind(ping)
    kinds.register_kind(alert)
    yield ping, alert
    kinds._KINDS.pop("tests.ping", None)
    kinds._KINDS.pop("tests.alert", None)


@pytest.fixture
def users(db):
    model = get_user_model()
    return [model.objects.create_user(f"user{i}", f"user{i}@example.org", "pw") for i in range(3)]


@pytest.fixture
def roles(db):
    from jieli.organisations.tests.factories import role_users

    return role_users()
