import pytest
from django.test import Client

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.listing import Visibility
from jieli.demands.tests.factories import PublishedDemandFactory
from jieli.matching.models import MatchFeedback
from jieli.organisations.tests.factories import role_users

pytestmark = pytest.mark.django_db
API = "/api/v1/matching"


@pytest.fixture
def world():
    users = role_users()
    achievement = AchievementFactory(
        owner=users.owner_org, title="锂电池低温电解液", summary="低温容量保持率高。"
    )
    demand = PublishedDemandFactory(
        owner=users.other_org, title="锂电池低温衰减", problem="低温下容量下降。"
    )
    return users, achievement, demand


def test_search_returns_explained_matches(world):
    _users, achievement, _demand = world
    body = Client().get(f"{API}/search", {"q": "锂电池", "kind": "achievement"}).json()
    assert body[0]["id"] == achievement.pk
    assert body[0]["reasons"] and body[0]["contributions"]
    assert body[0]["components"] == {}  # raw engine numbers are for the secretariat only


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x", "kind": "spaceship"},
        {"q": "x", "k": 0},
        {"q": "x", "k": "many"},
        {"q": "x" * 10001},
    ],
)
def test_bad_search_parameters_are_400(world, params):
    response = Client().get(f"{API}/search", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_matches_for_demand_and_reverse(world):
    _users, achievement, demand = world
    client = Client()
    body = client.get(f"{API}/demands/{demand.pk}/achievements").json()
    assert body[0]["id"] == achievement.pk
    assert client.get(f"{API}/achievements/{achievement.pk}/demands").json()[0]["id"] == demand.pk
    assert client.get(f"{API}/demands/{demand.pk}/organisations").status_code == 200
    assert client.get(f"{API}/demands/999999/achievements").status_code == 404


def test_private_demand_matches_are_404_for_others(world):
    users, _achievement, demand = world
    demand.visibility = Visibility.PRIVATE
    demand.save()
    assert Client().get(f"{API}/demands/{demand.pk}/achievements").status_code == 404
    owner = Client()
    owner.force_login(users.other_member)
    assert owner.get(f"{API}/demands/{demand.pk}/achievements").status_code == 200


def test_feedback_needs_sign_in_and_is_stored_once(world):
    users, achievement, demand = world
    payload = {
        "source_kind": "demand",
        "source_id": demand.pk,
        "target_kind": "achievement",
        "target_id": achievement.pk,
        "useful": True,
        "rank": 1,
    }
    assert (
        Client().post(f"{API}/feedback", payload, content_type="application/json").status_code
        == 401
    )
    client = Client()
    client.force_login(users.registered)
    assert (
        client.post(f"{API}/feedback", payload, content_type="application/json").status_code == 200
    )
    payload["useful"] = False
    client.post(f"{API}/feedback", payload, content_type="application/json")
    assert MatchFeedback.objects.get().useful is False


def test_feedback_on_a_hidden_listing_is_404(world):
    users, achievement, demand = world
    achievement.visibility = Visibility.PRIVATE
    achievement.save()
    client = Client()
    client.force_login(users.registered)
    response = client.post(
        f"{API}/feedback",
        {
            "source_kind": "demand",
            "source_id": demand.pk,
            "target_kind": "achievement",
            "target_id": achievement.pk,
            "useful": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 404


def test_pages_render_matches(world):
    _users, achievement, demand = world
    client = Client()
    html = client.get(f"/matching/demands/{demand.pk}/").content.decode()
    assert "<mark>" in html and achievement.title[:3] in html
    assert client.get(f"/matching/achievements/{achievement.pk}/").status_code == 200
    assert client.get("/matching/demands/999999/").status_code == 404
    assert client.get("/matching/status/").status_code == 200
