"""One reminder service for achievements and demands: the same behaviour for both kinds."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from jieli.achievements import services as achievement_services
from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.history import history_for
from jieli.demands import services as demand_services
from jieli.demands.tests.factories import PublishedDemandFactory
from jieli.organisations.models import MemberRole
from jieli.organisations.tests.factories import member_of

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(days=30 * 14)


def _stale_achievement(owner):
    return AchievementFactory(owner=owner, confirmed_at=timezone.now() - LONG_AGO)


def _stale_demand(owner):
    return PublishedDemandFactory(owner=owner, confirmed_at=timezone.now() - LONG_AGO)


KINDS = [
    ("achievement", _stale_achievement, achievement_services.achievements_remind_stale),
    ("demand", _stale_demand, demand_services.demands_remind_stale),
]


@pytest.mark.parametrize(("kind", "make", "remind"), KINDS, ids=[k[0] for k in KINDS])
def test_same_behaviour_for_every_kind(
    kind, make, remind, roles, django_capture_on_commit_callbacks
):
    roles.owner_admin.email = "admin@owner.example"
    roles.owner_admin.save()
    inactive = member_of(roles.owner_org, role=MemberRole.ADMIN, username="gone")
    inactive.email = "gone@owner.example"
    inactive.is_active = False
    inactive.save()
    roles.owner_member.email = "member@owner.example"  # not an administrator: not reminded
    roles.owner_member.save()
    listing = make(roles.owner_org)
    mail.outbox.clear()

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        assert remind() == 1
    assert remind() == 0  # once per listing until it is re-confirmed

    listing.refresh_from_db()
    assert listing.reconfirm_reminded_at is not None
    entry = history_for(listing).get()
    assert entry.action == "remind_reconfirm"
    assert entry.actor_id is None
    assert "reconfirm_reminded_at" in entry.changes
    assert [m.to for m in mail.outbox] == [["admin@owner.example"]]
    # Written in the recipient's language (Chinese unless they chose English), not the job's.
    assert "接力" in mail.outbox[0].subject


def test_a_failing_email_is_logged_and_does_not_stop_the_others(
    roles, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from django.core.mail import EmailMessage

    from jieli.notifications.models import Notification

    roles.owner_admin.email = "admin@owner.example"
    roles.owner_admin.save()
    first = _stale_achievement(roles.owner_org)
    second = _stale_achievement(roles.owner_org)
    sent: list[list[str]] = []
    calls = {"n": 0}
    real_send = EmailMessage.send

    def flaky_send(message, fail_silently=False):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("SMTP down")
        sent.append(list(message.to))
        return real_send(message, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", flaky_send)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        assert achievement_services.achievements_remind_stale() == 2
    # One job per committed reminder: the first job's first message failed and the second
    # went out; the next job sent the failed one again.
    assert calls["n"] == 3 and sent == [["admin@owner.example"]] * 2
    assert "notification e-mail" in caplog.text
    # Both stay marked (not reminded again); the failed e-mail was not lost.
    for listing in (first, second):
        listing.refresh_from_db()
        assert listing.reconfirm_reminded_at is not None
    assert Notification.objects.filter(recipient=roles.owner_admin).count() == 2
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_listings_without_an_administrator_with_email_are_still_marked(roles):
    listing = _stale_demand(roles.owner_org)
    assert demand_services.demands_remind_stale() == 1
    listing.refresh_from_db()
    assert listing.reconfirm_reminded_at is not None
    assert mail.outbox == []


def test_an_administrator_who_chose_english_is_reminded_in_english(
    roles, django_capture_on_commit_callbacks
):
    from jieli.notifications.models import Notification
    from jieli.notifications.services import notification_language_set
    from jieli.organisations.tests.factories import viewer_of

    roles.owner_admin.email = "admin@owner.example"
    roles.owner_admin.save()
    notification_language_set(viewer=viewer_of(roles.owner_admin), language="en")
    listing = _stale_demand(roles.owner_org)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert demand_services.demands_remind_stale() == 1
    (message,) = mail.outbox
    assert message.subject == f"Jieli: please re-confirm your demand “{listing.title}”"
    notice = Notification.objects.get(recipient=roles.owner_admin)
    assert (notice.kind, notice.target) == ("demands.reconfirm", listing)
