"""One-click unsubscribe: works without sign-in; GET confirms, POST unsubscribes; a bad,
expired or tampered token is a translated 400 and changes nothing."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from jieli.core.models import ChangeRecord
from jieli.core.viewer import Viewer
from jieli.notifications import services
from jieli.notifications.models import NotificationPreference
from jieli.notifications.tests.conftest import STOPPED
from jieli.notifications.tokens import SALT, Unsubscribe, unsubscribe_token

pytestmark = pytest.mark.django_db


def _url(token):
    return reverse("notifications:unsubscribe", kwargs={"token": token})


def _prefs():
    return sorted(NotificationPreference.objects.values_list("user_id", "kind", "email"))


@pytest.fixture
def anon():
    return Client(enforce_csrf_checks=True)  # a mail client: no session, no CSRF token


def test_get_confirms_and_post_unsubscribes(users, anon):
    a = users[0]
    url = _url(unsubscribe_token(Unsubscribe(user_id=a.pk, kind="tests.ping")))
    page = anon.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Stop e-mails like the one you received?" in page.content.decode()
    assert _prefs() == []  # a GET (a link scanner) changes nothing
    done = anon.post(url, HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 200
    assert "Ping" in done.content.decode()
    assert _prefs() == [(a.pk, "tests.ping", "off")]
    record = ChangeRecord.objects.get()
    assert (record.action, record.actor_id, record.changes) == (
        "unsubscribe",
        None,
        {"email": ["immediate", "off"]},
    )
    # Again: still fine, nothing more happens.
    assert anon.post(url).status_code == 200
    assert ChangeRecord.objects.count() == 1


def test_a_scoped_link_stops_the_subscription_not_the_kind(users, anon):
    a = users[0]
    token = unsubscribe_token(Unsubscribe(user_id=a.pk, kind="tests.alert", scope="search:7"))
    assert anon.post(_url(token)).status_code == 200
    assert [(a.pk, "search:7")] == STOPPED
    assert _prefs() == []


def test_a_digest_link_stops_every_kind_in_that_digest(users, anon):
    a, b, _c = users
    services.notification_preference_set(
        viewer=Viewer(user_id=a.pk), kind="tests.ping", email="daily"
    )
    services.notification_preference_set(
        viewer=Viewer(user_id=b.pk), kind="tests.ping", email="daily"
    )
    token = unsubscribe_token(Unsubscribe(user_id=a.pk, digest="daily"))
    response = anon.post(_url(token), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and "已退订" in response.content.decode()
    mine = {kind: email for uid, kind, email in _prefs() if uid == a.pk}
    assert mine["tests.ping"] == "off" and mine["tests.alert"] == "off"
    assert (b.pk, "tests.ping", "daily") in _prefs()  # only the token's user


def _tampered(token: str) -> str:
    value, _sep, signature = token.rpartition(":")
    return value + ":" + ("A" if signature[0] != "A" else "B") + signature[1:]


BAD = {
    "garbage": lambda uid: "not-a-token",
    "tampered": lambda uid: _tampered(
        unsubscribe_token(Unsubscribe(user_id=uid, kind="tests.ping"))
    ),
    "other salt": lambda uid: signing.dumps(
        {"u": uid, "k": "tests.ping", "s": "", "d": ""}, salt="something.else", compress=True
    ),
    "other shape": lambda uid: signing.dumps({"u": str(uid)}, salt=SALT),
    "unknown kind": lambda uid: unsubscribe_token(Unsubscribe(user_id=uid, kind="tests.gone")),
    "unknown user": lambda uid: unsubscribe_token(
        Unsubscribe(user_id=uid + 999, kind="tests.ping")
    ),
}


@pytest.mark.parametrize("case", BAD)
@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "not valid or has expired"), ("zh-hans", "此退订链接无效或已过期")],
)
def test_bad_tokens_are_refused_and_change_nothing(users, anon, case, language, text):
    url = _url(BAD[case](users[0].pk))
    for method in (anon.get, anon.post):
        response = method(url, HTTP_ACCEPT_LANGUAGE=language)
        if case in ("unknown kind", "unknown user") and method == anon.get:
            continue  # well signed: the confirm page; the POST refuses
        assert response.status_code == 400, (case, method)
        assert text in response.content.decode()
    assert _prefs() == []
    assert not ChangeRecord.objects.exists()


def test_an_expired_token_is_refused(users, anon, settings):
    settings.JIELI_UNSUBSCRIBE_MAX_AGE_DAYS = 60
    token = unsubscribe_token(Unsubscribe(user_id=users[0].pk, kind="tests.ping"))
    later = time.time() + 61 * 86400
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert anon.post(_url(token)).status_code == 400
    assert _prefs() == []
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 59 * 86400):
        assert anon.post(_url(token)).status_code == 200
    assert _prefs() == [(users[0].pk, "tests.ping", "off")]
