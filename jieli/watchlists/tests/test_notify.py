"""The alert job through the notifications app: in-app notifications made once (dedupe keys
across runs), rendered with their reasons in the recipient's language, the digest e-mail in
both languages, and its one-click unsubscribe stopping that saved search."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.utils import timezone, translation

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.listing import Visibility
from jieli.demands.tests.factories import PublishedDemandFactory
from jieli.notifications.emails import emails_send_due
from jieli.notifications.models import Notification, NotificationSettings
from jieli.notifications.selectors import render
from jieli.notifications.services import notification_unsubscribe
from jieli.organisations.tests.factories import viewer_of
from jieli.watchlists import services
from jieli.watchlists.alerts import NOTIFICATION_KIND, alerts_run
from jieli.watchlists.models import AlertedListing, Subscription

pytestmark = pytest.mark.django_db


def _run():
    return alerts_run(now=timezone.now() + timedelta(seconds=1))


@pytest.fixture
def world(roles):
    AchievementFactory(
        owner=roles.other_org,
        title="智能灌溉控制系统",
        summary="节水农业。",
        keywords=["灌溉"],
        industry_id="01",
    )
    alerts_run(now=timezone.now())  # the first run: the cursor starts now
    search = services.saved_search_create(
        viewer=viewer_of(roles.registered), data={"q": "锂电池 低温电解液", "name": "低温电池"}
    )
    demand = PublishedDemandFactory(
        owner=roles.other_org,
        title="锂电池低温性能提升",
        problem="需要提高锂电池在低温下的容量保持率，寻找电解液添加剂方案。",
        keywords=["锂电池", "低温"],
        industry_id="38",
        region_id="3701",
    )
    AlertedListing.objects.create(kind="demand", object_id=demand.pk)
    follow = services.match_subscription_create(
        viewer=viewer_of(roles.other_member), kind="demand", object_id=demand.pk
    )
    return roles, search, follow


def _battery(roles, **kw):
    values = {
        "owner": roles.owner_org,
        "title": "一种锂离子电池低温电解液添加剂",
        "summary": "添加剂提高锂电池在零下二十度的容量保持率。",
        "keywords": ["低温电解液", "锂电池"],
        "industry_id": "3841",
        "region_id": "370102",
    }
    return AchievementFactory(**{**values, **kw})


def test_one_notification_per_subscriber_and_never_twice(world):
    roles, search, follow = world
    battery = _battery(roles)
    hidden = _battery(roles, visibility=Visibility.PRIVATE)
    assert _run().notifications == 2
    rows = Notification.objects.filter(kind=NOTIFICATION_KIND)
    assert sorted(rows.values_list("recipient_id", "dedupe_key")) == sorted(
        [
            (roles.registered.pk, f"{search.pk}:achievement:{battery.pk}"),
            (roles.other_member.pk, f"{follow.pk}:achievement:{battery.pk}"),
        ]
    )
    assert not rows.filter(target_id=hidden.pk).exists()
    # A run killed after sending, before recording its listings: the next run does the work
    # again, and the dedupe keys keep anyone from being told twice.
    AlertedListing.objects.filter(kind="achievement").delete()
    again = _run()
    assert again.subscriber_searches >= 1 and again.notifications == 0
    assert rows.count() == 2


def test_the_alert_names_the_match_and_its_reasons_in_the_readers_language(world):
    roles, _search, follow = world
    _battery(roles)
    _run()
    note = Notification.objects.get(recipient=roles.other_member)
    with translation.override("zh-hans"):
        zh = render(note)
    with translation.override("en"):
        en = render(note)
    assert (
        "一种锂离子电池低温电解液添加剂" in zh.title
        and "一种锂离子电池低温电解液添加剂" in en.title
    )
    assert "技术关键词重合" in zh.body
    assert "Shared technical terms" in en.body
    assert "Same province" in en.body or "Same city" in en.body  # the structured fit's reasons
    assert zh.title != en.title and zh.url == en.url
    assert str(note.params["scope"]) == str(follow.pk)


def test_a_listing_hidden_since_is_not_named(world):
    roles, _search, _follow = world
    battery = _battery(roles)
    _run()
    battery.visibility = Visibility.PRIVATE
    battery.save()
    note = Notification.objects.get(recipient=roles.registered)
    shown = render(note)
    assert battery.title not in shown.title + shown.body


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "zh-hans",
            ["您保存的搜索“低温电池”有新结果", "一种锂离子电池低温电解液添加剂", "技术关键词重合"],
        ),
        ("en", ["New result for your saved search “低温电池”", "Shared technical terms"]),
    ],
)
def test_a_saved_search_produces_a_digest_email(world, language, expected):
    roles, search, _follow = world
    roles.registered.email = "reader@example.org"
    roles.registered.save()
    NotificationSettings.objects.create(user=roles.registered, language=language)
    _battery(roles)
    _run()
    mail.outbox.clear()
    assert emails_send_due(mode="daily", run_id=1) >= 1
    [message] = [m for m in mail.outbox if m.to == ["reader@example.org"]]
    text = message.subject + message.body
    for part in expected:
        assert part in text, (part, text)
    # The item's one-click link stops this saved search (signed, no sign-in).
    [item] = [part for part in message.body.split("\n\n") if "低温电池" in part]
    link = next(word for word in item.split() if "/unsubscribe/" in word)
    link = link[link.index("http") :]
    token = urlparse(link).path.rstrip("/").rsplit("/", 1)[-1]
    assert Subscription.objects.get(pk=search.pk).is_active is True
    notification_unsubscribe(token=token)
    assert Subscription.objects.get(pk=search.pk).is_active is False
    # Stopped: the next fitting listing is not announced to this saved search.
    _battery(roles, title="锂电池低温电解液新配方")
    _run()
    assert Notification.objects.filter(dedupe_key__startswith=f"{search.pk}:").count() == 1
