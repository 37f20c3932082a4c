"""The alert job: a newly published listing that enters a subscriber's first results is
announced once, to those who may see it, and a run with nothing new does no search at all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.listing import Visibility
from jieli.core.models import JobRun
from jieli.demands.tests.factories import PublishedDemandFactory
from jieli.organisations.tests.factories import viewer_of
from jieli.watchlists import services
from jieli.watchlists.alerts import alerts_run
from jieli.watchlists.models import AlertCursor, AlertedListing

pytestmark = pytest.mark.django_db


class Outbox:
    """Records what the job sends; the real sender is the notifications app."""

    def __init__(self):
        self.sent = []

    def __call__(self, alert):
        self.sent.append(alert)
        return 1

    def keys(self):
        return [
            (a.subscription.owner_id, a.subscription.pk, a.kind, a.listing_id) for a in self.sent
        ]


def _run(outbox, *, now=None):
    return alerts_run(now=now or timezone.now() + timedelta(seconds=1), send=outbox)


@pytest.fixture
def started(roles):
    """Some corpus, and the job's first run (it starts from now: no alerts for the past)."""
    AchievementFactory(
        owner=roles.other_org,
        title="智能灌溉控制系统",
        summary="节水农业。",
        keywords=["灌溉"],
        industry_id="01",
    )
    AchievementFactory(
        owner=roles.other_org, title="锂电池回收工艺", summary="废旧锂电池回收。", keywords=["回收"]
    )
    first = Outbox()
    counts = _run(first, now=timezone.now())
    assert AlertCursor.objects.count() == 1 and first.sent == [] and counts.candidate_checks == 0
    assert AlertedListing.objects.count() == 2
    return roles


def _battery(roles, **kw):
    return AchievementFactory(
        owner=roles.owner_org,
        title="一种锂离子电池低温电解液添加剂",
        summary="添加剂提高锂电池在零下二十度的容量保持率。",
        keywords=["低温电解液", "锂电池"],
        **kw,
    )


def _save(user, q="锂电池 低温电解液", **kw):
    return services.saved_search_create(viewer=viewer_of(user), data={"q": q, **kw})


def test_a_new_matching_listing_is_announced_once_per_subscriber(started):
    roles = started
    a = _save(roles.registered)
    b = _save(roles.other_member, kind="achievement")
    outbox = Outbox()
    battery = _battery(roles)
    counts = _run(outbox)
    assert sorted(outbox.keys()) == sorted(
        [
            (roles.registered.pk, a.pk, "achievement", battery.pk),
            (roles.other_member.pk, b.pk, "achievement", battery.pk),
        ]
    )
    assert all("锂电池" in alert.terms for alert in outbox.sent)
    # Two saved searches with different queries: one engine query each, then their searches.
    assert counts.new_listings == 1 and counts.notifications == 2
    # Across runs: never again.
    again = Outbox()
    assert _run(again).new_listings == 0 and again.sent == []
    assert AlertedListing.objects.filter(kind="achievement", object_id=battery.pk).exists()


def test_nothing_new_means_no_search_at_all(started):
    _save(started.registered)
    outbox = Outbox()
    counts = _run(outbox)
    assert (counts.new_listings, counts.candidate_checks, counts.subscriber_searches) == (0, 0, 0)
    assert outbox.sent == []


def test_a_listing_the_subscriber_may_not_see_is_never_announced(started):
    roles = started
    outsider = _save(roles.registered)
    insider = _save(roles.owner_member)
    outbox = Outbox()
    battery = _battery(roles, visibility=Visibility.MEMBERS)
    _run(outbox)
    # The registered user (no alliance membership) may not see a members-only listing.
    assert [(a.subscription.pk, a.listing_id) for a in outbox.sent] == [(insider.pk, battery.pk)]
    assert outsider.pk not in {a.subscription.pk for a in outbox.sent}


def test_a_new_listing_outside_every_query_costs_one_engine_query_per_query(started):
    roles = started
    for user in (roles.registered, roles.other_member, roles.owner_member):
        _save(user)  # three subscribers, one query
    outbox = Outbox()
    AchievementFactory(
        owner=roles.other_org, title="玉米育种方法", summary="高产玉米。", keywords=["育种"]
    )
    counts = _run(outbox)
    assert (counts.candidate_checks, counts.subscriber_searches, outbox.sent) == (1, 0, [])


def test_filters_of_the_saved_search_apply(started):
    roles = started
    _save(roles.registered, region="44")  # Guangdong; the battery is in Shandong
    outbox = Outbox()
    _battery(roles)
    counts = _run(outbox)
    assert counts.subscriber_searches == 1 and outbox.sent == []


def test_paused_and_demand_only_searches_are_not_told(started):
    roles = started
    paused = _save(roles.registered)
    services.subscription_set_active(
        viewer=viewer_of(roles.registered), subscription_id=paused.pk, active=False
    )
    _save(roles.other_member, kind="demand")
    outbox = Outbox()
    _battery(roles)
    _run(outbox)
    assert outbox.sent == []


def test_a_publication_committed_late_is_still_seen(started):
    """Published (timestamp) before the cursor but committed after the last run: the overlap."""
    roles = started
    _save(roles.registered)
    cursor = AlertCursor.objects.get()
    outbox = Outbox()
    late = _battery(roles, published_at=cursor.published_until - timedelta(seconds=30))
    _run(outbox)
    assert [a.listing_id for a in outbox.sent] == [late.pk]


def test_followers_of_a_demand_hear_of_a_new_matching_achievement(started):
    roles = started
    demand = PublishedDemandFactory(
        owner=roles.other_org,
        title="锂电池低温性能提升",
        problem="需要提高锂电池在低温下的容量保持率，寻找电解液添加剂方案。",
        keywords=["锂电池", "低温"],
    )
    follow = services.match_subscription_create(
        viewer=viewer_of(roles.registered), kind="demand", object_id=demand.pk
    )
    outbox = Outbox()
    battery = _battery(roles)
    hidden = _battery(roles, visibility=Visibility.PRIVATE)
    _run(outbox)
    assert [(a.subscription.pk, a.kind, a.listing_id) for a in outbox.sent] == [
        (follow.pk, "achievement", battery.pk)
    ]
    assert hidden.pk not in [a.listing_id for a in outbox.sent]


def test_followers_of_an_achievement_hear_of_a_new_matching_demand(started):
    roles = started
    battery = _battery(roles, published_at=timezone.now() - timedelta(days=1))
    AlertedListing.objects.create(kind="achievement", object_id=battery.pk)
    follow = services.match_subscription_create(
        viewer=viewer_of(roles.owner_member), kind="achievement", object_id=battery.pk
    )
    outbox = Outbox()
    demand = PublishedDemandFactory(
        owner=roles.other_org,
        title="锂电池低温电解液需求",
        problem="需要锂电池低温电解液添加剂。",
        keywords=["锂电池", "低温电解液"],
    )
    _run(outbox)
    assert [(a.subscription.pk, a.kind, a.listing_id) for a in outbox.sent] == [
        (follow.pk, "demand", demand.pk)
    ]


def test_the_periodic_job_records_its_run(started):
    from jieli.watchlists.tasks import watch_alerts

    counts = watch_alerts.call_local()
    run = JobRun.objects.get(kind="watch_alerts")
    assert run.status == JobRun.Status.DONE and run.counts == counts
