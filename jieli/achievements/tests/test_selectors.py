from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jieli.achievements.selectors import (
    AchievementFilters,
    achievement_detail_for,
    achievement_history,
    achievement_list,
    achievement_review_queue,
    achievements_of_viewer_orgs,
    visible_achievements,
)
from jieli.achievements.tests.factories import AchievementFactory, IntellectualPropertyFactory
from jieli.core.errors import InvalidInput, PermissionDenied
from jieli.core.listing import ListingStatus
from jieli.core.viewer import Viewer
from jieli.organisations.tests.factories import viewer_of

pytestmark = pytest.mark.django_db
EXPERT = Viewer(user_id=987654, is_expert=True)


def _ids(qs):
    return set(qs.values_list("pk", flat=True))


def test_visibility_by_role(roles):
    o = roles.owner_org
    public = AchievementFactory(owner=o)
    members = AchievementFactory(owner=o, visibility="members")
    private = AchievementFactory(owner=o, visibility="private")
    draft = AchievementFactory(owner=o, draft=True)
    dual = AchievementFactory(owner=o, dual_use=True)
    stale = AchievementFactory(owner=o, confirmed_at=timezone.now() - timedelta(days=400))
    everything = {public.pk, members.pk, private.pk, draft.pk, dual.pk, stale.pk}
    expected = {
        "anonymous": {public.pk},
        "registered": {public.pk},
        "other_member": {public.pk, members.pk, dual.pk},
        "owner_member": everything,
        "owner_admin": everything,
        "secretariat": everything,
    }
    for role, user in roles.by_role().items():
        assert _ids(visible_achievements(viewer_of(user))) == expected[role], role
    assert _ids(visible_achievements(EXPERT)) == {public.pk, members.pk, dual.pk}


def test_detail_is_for_members_experts_owner_and_staff(roles):
    a = AchievementFactory(owner=roles.owner_org)
    IntellectualPropertyFactory(achievement=a, number="ZL202110000001.1")
    sees = {
        role: achievement_detail_for(viewer_of(u), a).sees_detail
        for role, u in roles.by_role().items()
    }
    assert sees == {
        "anonymous": False,
        "registered": False,
        "other_member": True,
        "owner_member": True,
        "owner_admin": True,
        "secretariat": True,
    }
    hidden = achievement_detail_for(Viewer(), a)
    assert hidden.detail is None and hidden.team is None
    assert hidden.ip_rows()[0]["number"] is None
    assert hidden.ip_rows()[0]["ip_type"] == "invention"
    assert achievement_detail_for(EXPERT, a).ip_rows()[0]["number"] == "ZL202110000001.1"


def test_word_search_ranks_with_the_one_search_engine(roles):
    # q goes through core.search (the matching engine): best match first, unrelated left out.
    a = AchievementFactory(title="钠离子电池正极材料", summary="低成本", keywords=["储能"])
    b = AchievementFactory(title="钠离子电池负极", summary="", keywords=["快充"])
    AchievementFactory(title="智能灌溉控制系统", summary="节水农业", keywords=["灌溉"])
    anon = Viewer()
    assert achievement_list(anon, AchievementFilters(q="钠离子 低成本")).first() == a
    assert achievement_list(anon, AchievementFilters(q="  正极材料  ")).first() == a
    assert set(achievement_list(anon, AchievementFilters(q="钠离子"))) == {a, b}
    assert (
        not achievement_list(anon, AchievementFilters(q="氢能 燃料电池堆"))
        .filter(title__contains="灌溉")
        .exists()
    )
    with pytest.raises(InvalidInput):
        achievement_list(anon, AchievementFilters(q="！！！"))


def test_code_filters_include_everything_below(roles):
    a = AchievementFactory(industry_id="3841", region_id="3710")
    b = AchievementFactory(industry_id="13", region_id="3701")
    anon = Viewer()

    def ids(**kw):
        return _ids(achievement_list(anon, AchievementFilters(**kw)))

    assert ids(industry="C") == {a.pk, b.pk}
    assert ids(industry="38") == {a.pk}
    assert ids(region="37") == {a.pk, b.pk}
    assert ids(region="370100") == {b.pk}
    with pytest.raises(InvalidInput) as exc:
        ids(industry="ZZ")
    assert "industry" in exc.value.fields


def test_value_filters(roles):
    now = timezone.now()
    cheap = AchievementFactory(
        trl=3,
        maturity="lab",
        price_wan=Decimal("10"),
        transfer_modes=["joint"],
        published_at=now - timedelta(days=60),
    )
    dear = AchievementFactory(
        trl=8, maturity="mass", price_wan=Decimal("900"), transfer_modes=["licence", "equity"]
    )
    talk = AchievementFactory(
        trl=6, price_wan=None, price_negotiable=True, dual_use=True, transfer_modes=["other"]
    )
    member = viewer_of(roles.other_member)

    def ids(**kw):
        return _ids(achievement_list(member, AchievementFilters(**kw)))

    assert ids(trl_min=4, trl_max=7) == {talk.pk}
    assert ids(maturity="mass") == {dear.pk}
    assert ids(transfer_mode="licence") == {dear.pk}
    assert ids(transfer_mode="joint") == {cheap.pk}
    assert ids(price_min=Decimal("5"), price_max=Decimal("100")) == {cheap.pk}
    assert ids(negotiable=True) == {talk.pk}
    assert ids(dual_use=False) == {cheap.pk, dear.pk}
    assert ids(published_since=(now - timedelta(days=7)).date()) == {dear.pk, talk.pk}
    assert ids(owner=cheap.owner_id) == {cheap.pk}


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"trl_min": 0}, "trl_min"),
        ({"trl_max": 10}, "trl_max"),
        ({"trl_min": 5, "trl_max": 2}, "trl_max"),
        ({"maturity": "factory"}, "maturity"),
        ({"transfer_mode": "gift"}, "transfer_mode"),
        ({"price_min": Decimal("9"), "price_max": Decimal("1")}, "price_max"),
        ({"price_min": Decimal("-1")}, "price_min"),
        ({"region": "99"}, "region"),
    ],
)
def test_bad_filters_are_invalid_input(filters, field):
    with pytest.raises(InvalidInput) as exc:
        achievement_list(Viewer(), AchievementFilters(**filters))
    assert field in exc.value.fields


def test_status_filter_only_for_owners_and_staff(roles):
    draft = AchievementFactory(owner=roles.owner_org, draft=True)
    AchievementFactory(owner=roles.other_org, draft=True)
    f = AchievementFilters(status="draft")
    assert _ids(achievement_list(viewer_of(roles.owner_member), f)) == {draft.pk}
    assert _ids(achievement_list(viewer_of(roles.secretariat), f)) == set(
        _ids(visible_achievements(viewer_of(roles.secretariat)).filter(status="draft"))
    )
    assert not achievement_list(Viewer(), f).filter(status="draft").exists()


def test_workspace_review_queue_and_history_access(roles):
    mine = AchievementFactory(owner=roles.owner_org, draft=True)
    AchievementFactory(owner=roles.other_org)
    old = AchievementFactory(
        owner=roles.other_org,
        draft=True,
        status="submitted",
        submitted_at=timezone.now() - timedelta(days=3),
    )
    new = AchievementFactory(
        owner=roles.owner_org, draft=True, status="submitted", submitted_at=timezone.now()
    )
    assert _ids(achievements_of_viewer_orgs(viewer_of(roles.owner_member))) == {mine.pk, new.pk}
    assert list(achievement_review_queue(viewer_of(roles.secretariat))) == [old, new]
    assert not achievement_review_queue(viewer_of(roles.owner_admin)).exists()
    assert achievement_history(viewer_of(roles.owner_member), mine) is not None
    with pytest.raises(PermissionDenied):
        achievement_history(viewer_of(roles.owner_member), old)
    assert new.status == ListingStatus.SUBMITTED
