"""Saved searches and match subscriptions: checked by the search page's own form; invalid
filters refused with a clear message and nothing saved, in the page and the API alike."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.errors import Conflict, InvalidInput, NotFound
from jieli.core.history import history_for
from jieli.core.listing import Visibility
from jieli.core.tests.matrix import client_for
from jieli.demands.tests.factories import DemandFactory
from jieli.organisations.tests.factories import viewer_of
from jieli.watchlists import services
from jieli.watchlists.models import Subscription

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"q": "锂电池", "region": "99"}, "region"),
        ({"q": "锂电池", "industry": "ZZ"}, "industry"),
        ({"q": "锂电池", "kind": "expert"}, "kind"),
        ({"q": "锂电池", "kind": "organisation"}, "kind"),
        ({"q": "的 了 !!"}, "q"),
        ({"q": ""}, "q"),
        ({"q": "锂" * 201}, "q"),
    ],
)
def test_invalid_filters_are_refused_and_nothing_is_saved(roles, data, field):
    with pytest.raises(InvalidInput) as refused:
        services.saved_search_create(viewer=viewer_of(roles.registered), data=data)
    assert field in refused.value.fields and refused.value.fields[field][0]
    assert not Subscription.objects.exists()


def test_a_valid_search_is_saved_with_its_filters_and_history(roles):
    sub = services.saved_search_create(
        viewer=viewer_of(roles.registered),
        data={"q": " 锂电池 隔膜 ", "kind": "demand", "industry": "38", "region": "37"},
    )
    assert (sub.q, sub.kind, sub.industry, sub.region, sub.name) == (
        "锂电池 隔膜",
        "demand",
        "38",
        "37",
        "锂电池 隔膜",
    )
    assert [h.action for h in history_for(sub)] == ["create"]
    with pytest.raises(Conflict):
        services.saved_search_create(
            viewer=viewer_of(roles.registered),
            data={"q": "锂电池 隔膜", "kind": "demand", "industry": "38", "region": "37"},
        )


def test_the_page_refuses_with_the_reasons(roles):
    client = client_for(roles.registered)
    response = client.post(reverse("watchlists:search_save"), {"q": "锂电池", "region": "99"})
    assert response.status_code == 400
    assert "无法保存此搜索" in response.content.decode()
    assert not Subscription.objects.exists()
    ok = client.post(reverse("watchlists:search_save"), {"q": "锂电池", "kind": "achievement"})
    assert ok.status_code == 302 and Subscription.objects.count() == 1


def test_the_api_refuses_outside_the_schema_400_and_by_rule_422(roles):
    client = client_for(roles.registered)
    url = "/api/v1/watch/searches"
    assert client.post(url, {"q": "锂电池", "extra": 1}, content_type=JSON).status_code == 400
    assert client.post(url, {"q": 5}, content_type=JSON).status_code == 400
    assert client.post(url, {"q": "锂电池", "kind": "expert"}, content_type=JSON).status_code == 400
    refused = client.post(url, {"q": "锂电池", "region": "99"}, content_type=JSON)
    assert refused.status_code == 422 and "region" in refused.json()["fields"]
    assert not Subscription.objects.exists()


def test_the_search_page_offers_to_save_the_search(roles):
    AchievementFactory(owner=roles.owner_org, title="锂电池隔膜", summary="锂电池。")
    page = (
        client_for(roles.registered).get(reverse("portal:search"), {"q": "锂电池"}).content.decode()
    )
    assert reverse("watchlists:search_save") in page
    anonymous = client_for(None).get(reverse("portal:search"), {"q": "锂电池"}).content.decode()
    assert reverse("watchlists:search_save") not in anonymous


def test_following_matches_only_of_what_one_may_see(roles):
    private = AchievementFactory(owner=roles.owner_org, visibility=Visibility.PRIVATE)
    draft = DemandFactory(owner=roles.owner_org)
    viewer = viewer_of(roles.registered)
    with pytest.raises(NotFound):
        services.match_subscription_create(viewer=viewer, kind="achievement", object_id=private.pk)
    with pytest.raises(NotFound):
        services.match_subscription_create(viewer=viewer, kind="demand", object_id=draft.pk)
    with pytest.raises(InvalidInput):
        services.match_subscription_create(viewer=viewer, kind="expert", object_id=1)
    assert not Subscription.objects.exists()
    sub = services.match_subscription_create(
        viewer=viewer_of(roles.owner_member), kind="achievement", object_id=private.pk
    )
    assert sub.name == private.title
    page = client_for(roles.owner_member).get(reverse("matching:achievement", args=[private.pk]))
    assert reverse("watchlists:follow", args=["achievement", private.pk]) in page.content.decode()


def test_unsubscribe_scope_stops_only_the_users_own(roles):
    sub = services.saved_search_create(viewer=viewer_of(roles.registered), data={"q": "锂电池"})
    assert (
        services.subscription_unsubscribe(user_id=roles.other_member.pk, scope=str(sub.pk)) is False
    )
    assert services.subscription_unsubscribe(user_id=roles.registered.pk, scope="nonsense") is False
    assert Subscription.objects.get().is_active
    assert services.subscription_unsubscribe(user_id=roles.registered.pk, scope=str(sub.pk)) is True
    assert not Subscription.objects.get().is_active
    assert next(h.action for h in history_for(sub)) == "unsubscribe"
