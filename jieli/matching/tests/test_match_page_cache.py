"""A matches page is computed once a minute for all anonymous visitors, and stays correct."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.listing import Visibility
from jieli.demands.tests.factories import PublishedDemandFactory
from jieli.matching import selectors
from jieli.organisations.tests.factories import role_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    cache.clear()
    users = role_users()
    demand = PublishedDemandFactory(
        owner=users.other_org,
        title="寻求锂电池低温电解液技术",
        problem="我司储能产品需要在零下二十度保持锂电池容量。",
        keywords=["锂电池", "低温"],
    )
    answers = [
        AchievementFactory(
            owner=users.owner_org,
            title=f"锂电池低温电解液添加剂{i}",
            summary="添加剂提高锂电池在零下二十度的容量保持率。",
        )
        for i in range(3)
    ]
    return users, demand, answers


def test_anonymous_visitors_share_one_computation(world, monkeypatch, settings):
    settings.JIELI_RESULT_CACHE_SECONDS = 60
    _users, demand, answers = world
    first = Client().get(f"/matching/demands/{demand.pk}/")
    assert first.status_code == 200
    calls = []
    real = selectors.matches_for_demand
    monkeypatch.setattr(
        selectors, "matches_for_demand", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    again = Client().get(f"/matching/demands/{demand.pk}/")
    assert again.status_code == 200 and calls == []
    assert [m.pk for m in again.context["achievements"]] == [
        m.pk for m in first.context["achievements"]
    ]
    assert {a.pk for a in answers} <= {m.pk for m in again.context["achievements"]}


def test_a_cached_page_drops_what_was_hidden_since_and_the_demand_is_checked(world, settings):
    settings.JIELI_RESULT_CACHE_SECONDS = 60
    _users, demand, answers = world
    assert Client().get(f"/matching/demands/{demand.pk}/").status_code == 200
    hidden = answers[0]
    type(hidden).objects.filter(pk=hidden.pk).update(visibility=Visibility.MEMBERS)
    page = Client().get(f"/matching/demands/{demand.pk}/")
    shown = {m.pk for m in page.context["achievements"]}
    assert hidden.pk not in shown and answers[1].pk in shown
    assert hidden.title not in page.content.decode()
    type(demand).objects.filter(pk=demand.pk).update(
        visibility=Visibility.MEMBERS, updated_at=timezone.now()
    )
    assert Client().get(f"/matching/demands/{demand.pk}/").status_code == 404


def test_signed_in_viewers_are_not_pooled(world, settings):
    settings.JIELI_RESULT_CACHE_SECONDS = 60
    users, demand, _answers = world
    member = Client()
    member.force_login(users.other_member)
    assert member.get(f"/matching/demands/{demand.pk}/").status_code == 200
    hidden = AchievementFactory(
        owner=users.owner_org,
        title="锂电池低温电解液会员专享",
        summary="添加剂提高锂电池在零下二十度的容量保持率。",
        visibility=Visibility.MEMBERS,
    )
    anonymous = Client().get(f"/matching/demands/{demand.pk}/")
    assert hidden.pk not in {m.pk for m in anonymous.context["achievements"]}
