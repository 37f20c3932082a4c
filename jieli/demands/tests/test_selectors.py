from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jieli.core.errors import InvalidInput, NotFound, PermissionDenied
from jieli.core.listing import ListingStatus, Visibility
from jieli.core.viewer import ANONYMOUS
from jieli.demands import selectors
from jieli.demands.selectors import DemandFilters
from jieli.demands.tests.factories import DemandFactory, PublishedDemandFactory, in_days
from jieli.organisations.tests.factories import viewer_of

pytestmark = pytest.mark.django_db


def ids(qs):
    return {d.pk for d in qs}


def test_visibility_by_role(roles, expert):
    public = PublishedDemandFactory(owner=roles.owner_org)
    members = PublishedDemandFactory(owner=roles.owner_org, visibility=Visibility.MEMBERS)
    private = PublishedDemandFactory(owner=roles.owner_org, visibility=Visibility.PRIVATE)
    draft = DemandFactory(owner=roles.owner_org)
    stale = PublishedDemandFactory(
        owner=roles.owner_org, confirmed_at=timezone.now() - timedelta(days=400)
    )
    everything = {public.pk, members.pk, private.pk, draft.pk, stale.pk}
    assert ids(selectors.visible_demands(ANONYMOUS)) == {public.pk}
    assert ids(selectors.visible_demands(viewer_of(roles.registered))) == {public.pk}
    assert ids(selectors.visible_demands(viewer_of(roles.other_member))) == {public.pk, members.pk}
    assert ids(selectors.visible_demands(viewer_of(expert))) == {public.pk, members.pk}
    assert ids(selectors.visible_demands(viewer_of(roles.owner_member))) == everything
    assert ids(selectors.visible_demands(viewer_of(roles.secretariat))) == everything


def test_demand_get_hides_private_demand_from_others(roles):
    private = PublishedDemandFactory(owner=roles.owner_org, visibility=Visibility.PRIVATE)
    with pytest.raises(NotFound):
        selectors.demand_get(viewer_of(roles.other_member), private.pk)
    assert selectors.demand_get(viewer_of(roles.owner_member), private.pk) == private


def test_contact_details_only_for_members(roles, expert):
    demand = PublishedDemandFactory(owner=roles.owner_org)
    for user in (None, roles.registered):
        detail = selectors.demand_detail_for(viewer_of(user), demand)
        assert not detail.sees_contact
        assert (detail.contact_name, detail.contact_phone, detail.contact_email) == (None,) * 3
    for user in (roles.other_member, roles.owner_member, expert, roles.secretariat):
        detail = selectors.demand_detail_for(viewer_of(user), demand)
        assert detail.sees_contact
        assert detail.contact_email == "wang@example.com"


def test_actions_offered_by_role(roles):
    submitted = DemandFactory(owner=roles.owner_org, status=ListingStatus.SUBMITTED)
    assert selectors.demand_detail_for(viewer_of(roles.owner_member), submitted).actions == (
        "archive",
    )
    staff = selectors.demand_detail_for(viewer_of(roles.secretariat), submitted)
    assert set(staff.actions) == {"publish", "return", "archive"}
    assert staff.may_review
    assert selectors.demand_detail_for(viewer_of(roles.other_member), submitted).actions == ()


def test_word_search_covers_title_problem_and_keywords(roles):
    a = PublishedDemandFactory(title="氢燃料电池催化剂", keywords=[], keywords_text="")
    b = PublishedDemandFactory(problem="需要降低铂载量", keywords=[], keywords_text="")
    c = PublishedDemandFactory(keywords=["膜电极"], keywords_text="膜电极")
    PublishedDemandFactory(title="无关", problem="无关", keywords=[], keywords_text="")
    assert ids(selectors.demand_list(ANONYMOUS, DemandFilters(q="催化剂"))) == {a.pk}
    assert ids(selectors.demand_list(ANONYMOUS, DemandFilters(q="铂载量"))) == {b.pk}
    assert ids(selectors.demand_list(ANONYMOUS, DemandFilters(q="膜电极"))) == {c.pk}
    assert ids(selectors.demand_list(ANONYMOUS, DemandFilters(q="氢燃料 催化剂"))) == {a.pk}


def test_industry_and_region_filters_include_descendants():
    battery = PublishedDemandFactory(industry_id="3841", region_id="370102")
    other = PublishedDemandFactory(industry_id="01", region_id="1101")
    assert ids(selectors.demand_list(ANONYMOUS, DemandFilters(industry="C"))) == {battery.pk}
    assert ids(selectors.demand_list(ANONYMOUS, DemandFilters(industry="38"))) == {battery.pk}
    assert ids(selectors.demand_list(ANONYMOUS, DemandFilters(region="37"))) == {battery.pk}
    assert ids(selectors.demand_list(ANONYMOUS, DemandFilters(region="3701"))) == {battery.pk}
    assert ids(selectors.demand_list(ANONYMOUS, DemandFilters(region="11"))) == {other.pk}


def test_cooperation_mode_filter():
    a = PublishedDemandFactory(cooperation_modes=["transfer", "licensing"])
    PublishedDemandFactory(cooperation_modes=["consulting"])
    assert ids(selectors.demand_list(ANONYMOUS, DemandFilters(cooperation_mode="licensing"))) == {
        a.pk
    }


def test_budget_filters_overlap_ranges():
    low = PublishedDemandFactory(budget_min_wan=10, budget_max_wan=50)
    high = PublishedDemandFactory(budget_min_wan=200, budget_max_wan=500)
    open_ended = PublishedDemandFactory(budget_min_wan=100, budget_max_wan=None)
    negotiable = PublishedDemandFactory(
        budget_min_wan=None, budget_max_wan=None, budget_negotiable=True
    )
    PublishedDemandFactory(budget_min_wan=None, budget_max_wan=None)  # no budget at all
    found = ids(
        selectors.demand_list(
            ANONYMOUS, DemandFilters(budget_min=Decimal(40), budget_max=Decimal(150))
        )
    )
    assert found == {low.pk, open_ended.pk, negotiable.pk}
    assert high.pk in ids(selectors.demand_list(ANONYMOUS, DemandFilters(budget_min=Decimal(300))))
    assert ids(selectors.demand_list(ANONYMOUS, DemandFilters(negotiable=True))) == {negotiable.pk}


def test_expired_demands_listed_after_open_ones_and_filterable():
    now = timezone.now()
    expired = PublishedDemandFactory(deadline=in_days(-2), published_at=now)
    older_open = PublishedDemandFactory(deadline=in_days(30), published_at=now - timedelta(days=3))
    no_deadline = PublishedDemandFactory(deadline=None, published_at=now - timedelta(days=5))
    listed = list(selectors.demand_list(ANONYMOUS, DemandFilters()))
    assert listed == [older_open, no_deadline, expired]
    assert expired.pk not in ids(selectors.demand_list(ANONYMOUS, DemandFilters(open_only=True)))
    after = ids(selectors.demand_list(ANONYMOUS, DemandFilters(deadline_after=in_days(1))))
    assert after == {older_open.pk}


def test_published_since_owner_and_status_filters(roles):
    old = PublishedDemandFactory(
        owner=roles.owner_org, published_at=timezone.now() - timedelta(days=40)
    )
    new = PublishedDemandFactory(owner=roles.other_org)
    draft = DemandFactory(owner=roles.owner_org)
    since = ids(selectors.demand_list(ANONYMOUS, DemandFilters(published_since=in_days(-7))))
    assert since == {new.pk}
    assert ids(selectors.demand_list(ANONYMOUS, DemandFilters(owner=roles.owner_org.pk))) == {
        old.pk
    }
    owner = viewer_of(roles.owner_member)
    assert ids(selectors.demand_list(owner, DemandFilters(status="draft"))) == {draft.pk}
    assert ids(selectors.demand_list(ANONYMOUS, DemandFilters(status="draft"))) == set()


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        (DemandFilters(industry="Z9"), "industry"),
        (DemandFilters(region="999999"), "region"),
        (DemandFilters(cooperation_mode="barter"), "cooperation_mode"),
        (DemandFilters(status="deleted"), "status"),
        (DemandFilters(budget_min=Decimal(-1)), "budget_min"),
    ],
)
def test_bad_filters_are_invalid(filters, field):
    with pytest.raises(InvalidInput) as exc:
        selectors.demand_list(ANONYMOUS, filters)
    assert field in exc.value.fields


def test_workspace_review_queue_and_history(roles):
    submitted = DemandFactory(owner=roles.owner_org, status=ListingStatus.SUBMITTED)
    DemandFactory(owner=roles.other_org, status=ListingStatus.DRAFT)
    assert ids(selectors.demands_of_viewer_orgs(viewer_of(roles.owner_member))) == {submitted.pk}
    assert ids(selectors.demand_review_queue(viewer_of(roles.secretariat))) == {submitted.pk}
    assert ids(selectors.demand_review_queue(viewer_of(roles.owner_admin))) == set()
    assert list(selectors.demand_history(viewer_of(roles.owner_member), submitted)) == []
    with pytest.raises(PermissionDenied):
        selectors.demand_history(viewer_of(roles.other_member), submitted)
