import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.listing import ListingStatus, Visibility
from jieli.organisations.tests.factories import role_users

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def users():
    return role_users()


def test_home_is_chinese_and_lists_only_public_published(users):
    AchievementFactory(
        owner=users.owner_org,
        title="公开成果",
        status=ListingStatus.PUBLISHED,
        visibility=Visibility.PUBLIC,
    )
    AchievementFactory(
        owner=users.owner_org,
        title="会员成果",
        status=ListingStatus.PUBLISHED,
        visibility=Visibility.MEMBERS,
    )
    html = Client().get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "公开成果" in html and "会员成果" not in html


def test_english_is_a_switch_away(users):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html and "Achievements" in html


def test_search_never_reveals_private_titles(users):
    AchievementFactory(
        owner=users.owner_org,
        title="隐秘电解液配方",
        status=ListingStatus.PUBLISHED,
        visibility=Visibility.PRIVATE,
    )
    for role in ("anonymous", "registered", "other_member"):
        html = client_for(users.by_role()[role]).get("/search/", {"q": "电解液"}).content.decode()
        assert "隐秘" not in html, role
    html = client_for(users.owner_member).get("/search/", {"q": "电解液"}).content.decode()
    # The owner finds it, with the matched term highlighted.
    assert "隐秘<mark>电解液</mark>配方" in html


@pytest.mark.parametrize(
    ("q", "status"),
    [("", 200), ("   ", 200), ('"*:()AND OR -', 400), ("🙂🙂", 400), ("xy" * 5000, 200),
     ("鋰電池", 200)],
)  # fmt: skip
def test_search_survives_odd_queries(users, q, status):
    # Queries with nothing to search for answer 400 with the "no meaningful terms" message.
    assert Client().get("/search/", {"q": q}).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("registered", 403),
        ("other_member", 403),
        ("owner_member", 403),
        ("owner_admin", 403),
        ("secretariat", 200),
    ],
)
def test_review_queue_is_for_the_secretariat(users, role, status):
    assert client_for(users.by_role()[role]).get("/review/").status_code == status


def test_review_queue_approves_in_one_click(users):
    item = AchievementFactory(
        owner=users.owner_org, status=ListingStatus.SUBMITTED, title="待审成果"
    )
    client = client_for(users.secretariat)
    assert "待审成果" in client.get("/review/").content.decode()
    client.post(f"/achievements/{item.pk}/action/publish/", {"action": "publish"})
    item.refresh_from_db()
    assert item.status == ListingStatus.PUBLISHED


def test_workspace_shows_own_drafts_only(users):
    AchievementFactory(owner=users.owner_org, title="本单位草稿")
    AchievementFactory(owner=users.other_org, title="他单位草稿")
    html = client_for(users.owner_member).get("/workspace/").content.decode()
    assert "本单位草稿" in html and "他单位草稿" not in html
    assert Client().get("/workspace/").status_code == 302


def test_register_signs_in_and_rejects_bad_input(users):
    client = Client()
    bad = client.post("/register/", {"username": "", "email": "nope", "password": "1"})
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) >= {"username", "email"}
    assert not get_user_model().objects.filter(username="").exists()
    ok = client.post(
        "/register/",
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password": "a-long-enough-passphrase-9",
        },
    )
    assert ok.status_code == 302
    assert client.get("/workspace/").status_code == 200


def test_api_docs_are_served():
    assert Client().get("/api/docs").status_code == 200
    assert Client().get("/api/v1/openapi.json").status_code == 200


@pytest.mark.parametrize("kind", ["achievements", "demands", "experts", "organisations"])
def test_list_pages_offer_an_export_of_the_same_filters(users, kind):
    html = Client().get(f"/{kind}/", {"q": "电池"}).content.decode()
    assert f"/imports/export/{kind}/?q=%E7%94%B5%E6%B1%A0&amp;format=csv" in html
    response = Client().get(f"/imports/export/{kind}/", {"q": "电池", "format": "csv"})
    assert response.status_code == 200
