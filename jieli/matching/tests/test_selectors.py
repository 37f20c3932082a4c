import pytest
from django.utils import translation

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.errors import InvalidInput, NotFound
from jieli.core.listing import ListingStatus, Visibility
from jieli.core.search import NoMeaningfulTerms
from jieli.demands.tests.factories import PublishedDemandFactory
from jieli.experts.tests.factories import AffiliationFactory, ExpertFactory
from jieli.matching import selectors
from jieli.organisations.tests.factories import role_users, viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return role_users()


@pytest.fixture
def battery(users):
    return AchievementFactory(
        owner=users.owner_org,
        title="一种锂离子电池低温电解液添加剂及其制备方法",
        summary="添加剂提高锂电池在零下二十度的容量保持率。",
        keywords=["低温电解液", "锂电池"],
        industry_id="3841",
        region_id="370102",
        trl=6,
        transfer_modes=["licence"],
    )


def test_business_words_find_the_patent_language_listing(users, battery):
    AchievementFactory(
        owner=users.owner_org,
        title="智能灌溉控制系统",
        summary="节水农业。",
        keywords=["灌溉"],
        industry_id="01",
    )
    found = selectors.search(viewer_of(None), kind="achievement", q="锂电池 低温 容量衰减")
    assert found[0].obj == battery
    assert "锂电池" in found[0].matched_terms
    assert "<mark>" in found[0].highlighted_title


def test_new_listing_is_findable_at_once(users, battery):
    assert selectors.search(viewer_of(None), kind="achievement", q="锂电池")
    fresh = AchievementFactory(
        owner=users.owner_org, title="钠离子电池正极材料", summary="低成本储能。"
    )
    found = selectors.search(viewer_of(None), kind="achievement", q="钠离子")
    assert found[0].obj == fresh


def test_archived_listing_drops_out_of_the_index(users, battery):
    battery.status = ListingStatus.ARCHIVED
    battery.save()
    assert selectors.search(viewer_of(None), kind="achievement", q="电解液") == []


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.MEMBERS])
def test_hidden_listings_never_appear_for_outsiders(users, battery, visibility):
    battery.visibility = visibility
    battery.save()
    for user in (None, users.registered):
        assert selectors.search(viewer_of(user), kind="achievement", q="电解液") == []
    assert selectors.search(viewer_of(users.owner_member), kind="achievement", q="电解液")


def test_demand_matches_carry_reasons_and_components(users, battery):
    demand = PublishedDemandFactory(
        owner=users.other_org,
        title="降低锂电池低温容量衰减",
        problem="冬季锂电池容量下降明显。",
        keywords=["锂电池", "低温"],
        industry_id="38",
        region_id="371002",
        cooperation_modes=["licensing"],
        budget_max_wan=500,
    )
    with translation.override("zh-hans"):
        matches = selectors.matches_for_demand(viewer_of(None), demand_id=demand.pk)
    top = matches[0]
    assert top.obj == battery
    assert {"probability", "fit", "industry", "bm25_words"} <= set(top.components)
    assert 0 < top.score <= 1 and top.fit is not None and top.contributions
    joined = "；".join(top.reasons)
    assert "技术关键词重合" in joined
    assert "同属行业：C38 电气机械和器材制造业" in joined and "同省：山东省" in joined


def test_demand_match_page_is_what_each_list_would_be_on_its_own(users, battery):
    AchievementFactory(
        owner=users.other_org,
        title="锂电池低温加热膜",
        summary="电池低温启动。",
        keywords=["锂电池"],
    )
    ExpertFactory(name="电池专家", keywords=["锂电池"], bio="锂电池低温性能。")
    demand = PublishedDemandFactory(
        owner=users.other_org,
        title="降低锂电池低温容量衰减",
        problem="冬季锂电池容量下降明显。",
        keywords=["锂电池", "低温"],
    )
    viewer = viewer_of(None)
    page = selectors.demand_match_page(viewer, demand_id=demand.pk, achievements=1)
    assert page.demand == demand
    assert [m.obj for m in page.achievements] == [
        m.obj for m in selectors.matches_for_demand(viewer, demand_id=demand.pk, k=1)
    ]
    assert [o.organisation for o in page.organisations] == [
        o.organisation for o in selectors.organisations_for_demand(viewer, demand_id=demand.pk)
    ]
    assert {o.organisation for o in page.organisations} >= {users.owner_org}
    assert [m.obj for m in page.experts] == [
        m.obj for m in selectors.matches_for_demand(viewer, demand_id=demand.pk, kind="expert", k=6)
    ]
    hidden = PublishedDemandFactory(owner=users.owner_org, visibility=Visibility.PRIVATE)
    with pytest.raises(NotFound):
        selectors.demand_match_page(viewer_of(users.registered), demand_id=hidden.pk)
    with pytest.raises(NotFound):
        selectors.achievement_match_page(viewer_of(users.registered), achievement_id=10**9)


def test_demand_the_viewer_cannot_see_is_not_found(users):
    demand = PublishedDemandFactory(owner=users.owner_org, visibility=Visibility.PRIVATE)
    with pytest.raises(NotFound):
        selectors.matches_for_demand(viewer_of(users.registered), demand_id=demand.pk)


def test_demands_for_achievement_and_similar(users, battery):
    demand = PublishedDemandFactory(
        owner=users.other_org, title="锂电池低温性能提升", problem="需要低温电解液。"
    )
    twin = AchievementFactory(
        owner=users.other_org, title="锂电池低温电解液配方", summary="低温电解液。"
    )
    viewer = viewer_of(None)
    assert selectors.demands_for_achievement(viewer, achievement_id=battery.pk)[0].obj == demand
    similar = selectors.similar_achievements(viewer, achievement_id=battery.pk)
    assert [m.obj for m in similar] == [twin]


def test_conflicted_experts_are_left_out(users):
    tied = ExpertFactory(name="储能专家甲", keywords=["储能"], bio="储能电池。")
    free = ExpertFactory(name="储能专家乙", keywords=["储能"], bio="储能电池。")
    AffiliationFactory(expert=tied, organisation=users.owner_org)
    found = selectors.experts_for_topic(
        viewer_of(None), text="储能电池", exclude_organisation_ids=[users.owner_org.pk]
    )
    assert [m.obj for m in found] == [free]


@pytest.mark.parametrize("q", ["", "   ", "!!!", "🙂🙂", '"*:()AND OR -'])
def test_queries_without_terms_are_refused(users, battery, q):
    with pytest.raises(NoMeaningfulTerms):
        selectors.search(viewer_of(None), kind="achievement", q=q)


@pytest.mark.parametrize("q", ["xy" * 5000, "鋰離子電池", "lithium 电池 mixed"])
def test_odd_queries_answer_the_same_every_time(users, battery, q):
    first = selectors.search(viewer_of(None), kind="achievement", q=q)
    again = selectors.search(viewer_of(None), kind="achievement", q=q)
    assert [m.pk for m in first] == [m.pk for m in again]


def test_traditional_characters_find_simplified_text(users, battery):
    found = selectors.search(viewer_of(None), kind="achievement", q="鋰電池 電解液")
    assert found and found[0].obj == battery


def test_bad_k_and_kind_are_invalid(users):
    with pytest.raises(InvalidInput):
        selectors.search(viewer_of(None), kind="achievement", q="锂电池", k=0)
    with pytest.raises(InvalidInput):
        selectors.search(viewer_of(None), kind="spaceship", q="x")


def test_domain_words_come_from_code_lists_and_keywords(users, battery):
    from jieli.matching.index import domain_words

    words = domain_words()
    assert "低温电解液" in words  # a listing keyword
    assert "锂离子电池制造" in words  # a GB/T 4754 class name
    assert all(2 <= len(w) <= 12 for w in words)
