from __future__ import annotations

import re

import pytest
from django.urls import reverse

from jieli.notifications import services
from jieli.notifications.models import Notification, NotificationPreference
from jieli.notifications.selectors import user_language

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, users):
    client.force_login(users[0])
    return client


def _send(user, word):
    services.notification_send(kind="tests.ping", recipient_ids=[user.pk], params={"word": word})


def test_list_unread_first_bold_with_header_badge(signed_in, users):
    a, b, _c = users
    for word in ("one", "two", "three"):
        _send(a, word)
    _send(b, "not-mine")
    two = Notification.objects.get(params__word="two")
    services.notification_mark_read(viewer=_viewer(a), notification_id=two.pk)
    html = signed_in.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not-mine" not in html
    titles = re.findall(r'class="notification( unread)?".*?Notification: (\w+)', html, re.S)
    assert titles == [(" unread", "three"), (" unread", "one"), ("", "two")]
    assert 'data-testid="notification-bell"' in html
    assert re.search(r'class="badge[^"]*unread-badge"[^>]*>2<', html)
    assert "<script>" not in html and " style=" not in html  # CSP: no inline code


def _viewer(user):
    from jieli.core.viewer import Viewer

    return Viewer(user_id=user.pk)


def test_open_marks_read_and_follows_the_rendered_link(signed_in, users):
    _send(users[0], "go")
    n = Notification.objects.get()
    response = signed_in.post(reverse("notifications:read", args=[n.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/ping/go/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_all_read_page(signed_in, users):
    _send(users[0], "a")
    _send(users[0], "b")
    response = signed_in.post(reverse("notifications:read_all"), follow=True)
    assert response.status_code == 200
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "已将 2 条标为已读。" in response.content.decode()


def test_list_is_paginated(signed_in, users):
    for i in range(25):
        _send(users[0], f"w{i}")
    first = signed_in.get(reverse("notifications:list")).content.decode()
    second = signed_in.get(reverse("notifications:list") + "?page=2").content.decode()
    assert first.count('data-testid="notification"') == 20
    assert second.count('data-testid="notification"') == 5


def test_preferences_page_saves_language_and_choices(signed_in, users):
    page = signed_in.get(reverse("notifications:preferences"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "Ping" in html and "Daily digest" in html and "Language of e-mails" in html
    data = {"language": "en", "kind:tests.ping": "daily", "kind:tests.alert": "off"}
    for key in list(page.context["form"].fields):
        if key.startswith("kind:") and key not in data:
            data[key] = page.context["form"].fields[key].initial
    response = signed_in.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    assert user_language(users[0].pk) == "en"
    chosen = dict(NotificationPreference.objects.filter(user=users[0]).values_list("kind", "email"))
    assert chosen["tests.ping"] == "daily" and chosen["tests.alert"] == "off"


def test_preferences_page_refuses_a_bad_choice(signed_in, users):
    response = signed_in.post(
        reverse("notifications:preferences"), {"language": "xx", "kind:tests.ping": "hourly"}
    )
    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()
    assert user_language(users[0].pk) == "zh-hans"


def test_list_and_badge_cost_does_not_grow_with_the_notifications(signed_in, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert signed_in.get(reverse("notifications:list")).status_code == 200
        return len(ctx.captured_queries)

    services.notification_send(kind="tests.ping", recipient_ids=[users[0].pk], target=users[1])
    few = queries()
    for i in range(19):
        services.notification_send(
            kind="tests.ping", recipient_ids=[users[0].pk], target=users[i % 3], params={"i": i}
        )
    assert queries() == few
