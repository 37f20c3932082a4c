"""E-mail: immediate messages and digests in the recipient's language, one-click unsubscribe
headers, claims that survive a killed worker."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from jieli.core.jobs import jobs_reap
from jieli.core.models import JobRun
from jieli.core.viewer import Viewer
from jieli.notifications import services
from jieli.notifications.emails import emails_send_due
from jieli.notifications.models import Notification
from jieli.notifications.tasks import send_daily_digests, send_weekly_digests

pytestmark = pytest.mark.django_db


def _run():
    return JobRun.objects.create(kind="notifications_email", ref="test", pid=os.getpid())


def _notify(kind, recipients, django_capture_on_commit_callbacks, **params):
    with django_capture_on_commit_callbacks(execute=True):
        return services.notification_send(kind=kind, recipient_ids=recipients, params=params)


def test_immediate_message_has_one_click_unsubscribe(
    users, settings, django_capture_on_commit_callbacks
):
    settings.JIELI_SITE_URL = "https://jieli.example.org/"
    a = users[0]
    _notify("tests.ping", [a.pk], django_capture_on_commit_callbacks, word="hi")
    (message,) = mail.outbox
    assert message.to == ["user0@example.org"]
    assert message.subject == "通知: hi"  # the site's default language (zh-hans)
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("https://jieli.example.org/notifications/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body
    assert "https://jieli.example.org/ping/hi/" in message.body
    assert "https://jieli.example.org/notifications/settings/" in message.body


def test_daily_digest_in_each_recipients_language(users, django_capture_on_commit_callbacks):
    en_user, zh_user, _c = users
    services.notification_language_set(viewer=Viewer(user_id=en_user.pk), language="en")
    for word in ("alpha", "beta"):
        _notify(
            "tests.alert", [en_user.pk, zh_user.pk], django_capture_on_commit_callbacks, word=word
        )
    _notify("tests.ping", [en_user.pk], django_capture_on_commit_callbacks, word="now")
    mail.outbox.clear()  # the immediate one

    with translation.override("zh-hans"):  # whatever the job's own language
        assert send_weekly_digests.call_local() == 0
        assert send_daily_digests.call_local() == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    en, zh = by_to["user0@example.org"], by_to["user1@example.org"]
    assert en.subject == "Jieli: your daily digest (2 notifications)"
    assert zh.subject == "接力：您的每日摘要（2 条通知）"
    # Each item with its rendered title and body, oldest first, in the reader's language.
    assert en.body.index("Notification: alpha") < en.body.index("Notification: beta")
    assert "Notifications #" in en.body and "通知" not in en.body
    assert "通知: alpha" in zh.body and "通知 #" in zh.body
    assert "Stop e-mails like this:" in en.body and "Stop this daily digest" in en.body
    assert "不再接收此类邮件：" in zh.body and "退订每日摘要" in zh.body
    assert en.extra_headers["List-Unsubscribe"] != zh.extra_headers["List-Unsubscribe"]
    assert "now" not in en.body  # immediate ones are not repeated in digests
    # Sent once: the next run has nothing.
    assert send_daily_digests.call_local() == 0
    assert not Notification.objects.filter(email="daily", emailed_at__isnull=True).exists()


def test_weekly_digest_only_takes_weekly(users, django_capture_on_commit_callbacks):
    a = users[0]
    services.notification_preference_set(
        viewer=Viewer(user_id=a.pk), kind="tests.alert", email="weekly"
    )
    _notify("tests.alert", [a.pk], django_capture_on_commit_callbacks, word="w")
    assert send_daily_digests.call_local() == 0
    assert send_weekly_digests.call_local() == 1
    assert mail.outbox[0].subject == "接力：您的每周摘要（1 条通知）"


def test_recipient_without_an_address_is_not_mailed(users, django_capture_on_commit_callbacks):
    a = users[0]
    a.email = ""
    a.save()
    _notify("tests.ping", [a.pk], django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert Notification.objects.get().email == "off"  # in-app only, never retried


def test_a_run_does_not_send_what_another_run_holds(users):
    a = users[0]
    services.notification_send(kind="tests.ping", recipient_ids=[a.pk])  # job not run: no commit
    first = _run()
    Notification.objects.update(email_claimed_at=timezone.now(), email_run_id=first.pk)
    assert emails_send_due(mode="immediate", run_id=_run().pk) == 0
    # An expired claim (its run lost without the reaper noticing) is taken over.
    Notification.objects.update(email_claimed_at=timezone.now() - timedelta(hours=1))
    assert emails_send_due(mode="immediate", run_id=_run().pk) == 1
    assert len(mail.outbox) == 1


def test_a_killed_worker_s_claims_are_released_and_sent(users):
    a = users[0]
    services.notification_send(kind="tests.ping", recipient_ids=[a.pk])
    # A run whose process is gone, holding the notification it had not sent yet.
    dead = JobRun.objects.create(
        kind="notifications_email",
        ref="immediate",
        host=socket.gethostname()[:255],
        pid=2**22 + 12345,  # above any pid_max: no such process
        heartbeat_at=timezone.now(),
    )
    Notification.objects.update(email_claimed_at=timezone.now(), email_run_id=dead.pk)
    assert [r.pk for r in jobs_reap()] == [dead.pk]
    # The reaper released the claim and queued the job again (inline in tests).
    assert len(mail.outbox) == 1
    assert Notification.objects.get().emailed_at is not None
