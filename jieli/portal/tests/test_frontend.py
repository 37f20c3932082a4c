"""The front end: role navigation, the review queue's search and batch actions, the paginated
workspace, offline API docs, the favicon, and pages free of inline scripts and styles."""

import re

import pytest
from django.test import Client

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.listing import ListingStatus
from jieli.demands.tests.factories import DemandFactory, PublishedDemandFactory
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


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle=", re.IGNORECASE)
# A script, style sheet, image or frame loaded from another origin (a CDN): the pages must work
# on an intranet. Searching the page for "cdn" failed now and then on a random CSRF token.
EXTERNAL_ASSET = re.compile(
    r"<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)=[\"']?(?:https?:)?//", re.IGNORECASE
)


@pytest.mark.parametrize(
    "path",
    ["/", "/achievements/", "/demands/", "/experts/", "/organisations/", "/search/?q=电池"],
)
def test_pages_work_under_a_strict_content_security_policy(users, path):
    html = client_for(users.secretariat).get(path).content.decode()
    assert not INLINE_SCRIPT.search(html), path
    assert not INLINE_HANDLER.search(html), path
    assert not INLINE_STYLE.search(html), path
    assert "/static/vendor/tabler/css/tabler.min.css" in html
    assert not EXTERNAL_ASSET.search(html), path


def test_external_asset_pattern_finds_cdn_links_and_spares_tokens():
    assert EXTERNAL_ASSET.search('<script src="https://cdn.example.com/htmx.js"></script>')
    assert EXTERNAL_ASSET.search("<link rel=stylesheet href=//cdn.example.com/a.css>")
    assert not EXTERNAL_ASSET.search('<input name="csrfmiddlewaretoken" value="x9cdnQ">')
    assert not EXTERNAL_ASSET.search('<a href="https://www.most.gov.cn/">source</a>')


def test_review_queue_page_has_no_inline_script(users):
    AchievementFactory(owner=users.owner_org, status=ListingStatus.SUBMITTED)
    html = client_for(users.secretariat).get("/review/").content.decode()
    assert not INLINE_SCRIPT.search(html) and not INLINE_HANDLER.search(html)


def test_navigation_follows_the_role(users):
    anonymous = Client().get("/").content.decode()
    assert "/review/" not in anonymous and "/imports/" not in anonymous.split("<main")[0]
    member = client_for(users.owner_member).get("/").content.decode().split("<main")[0]
    assert "/workspace/" in member and "/review/" not in member and '/imports/"' not in member
    admin = client_for(users.owner_admin).get("/").content.decode().split("<main")[0]
    assert 'href="/imports/"' in admin and 'href="/duplicates/"' in admin
    assert "/review/" not in admin
    staff = client_for(users.secretariat).get("/").content.decode().split("<main")[0]
    for href in ('href="/review/"', 'href="/imports/"', 'href="/duplicates/"', 'href="/admin/"'):
        assert href in staff


def test_secretariat_workspace_does_not_invite_it_to_join(users):
    html = client_for(users.secretariat).get("/workspace/").content.decode()
    assert "/organisations/apply/" not in html.split("<main")[1]
    assert 'href="/review/?kind=achievements"' in html
    newcomer = client_for(users.registered).get("/workspace/").content.decode()
    assert "/organisations/apply/" in newcomer


def test_workspace_is_paginated_and_filtered(users):
    for n in range(17):
        AchievementFactory(
            owner=users.owner_org, title=f"草稿成果{n:02d}", status=ListingStatus.DRAFT
        )
    AchievementFactory(owner=users.owner_org, title="已发布成果", status=ListingStatus.PUBLISHED)
    client = client_for(users.owner_admin)
    first = client.get("/workspace/")
    assert len(first.context["achievements"].object_list) == 15
    assert first.context["achievements"].paginator.count == 18
    second = client.get("/workspace/", {"a_page": 2})
    assert len(second.context["achievements"].object_list) == 3
    published = client.get("/workspace/", {"status": "published"}).content.decode()
    assert "已发布成果" in published and "草稿成果" not in published


def test_review_queue_searches_and_filters(users):
    AchievementFactory(owner=users.owner_org, status=ListingStatus.SUBMITTED, title="低温锂电池")
    AchievementFactory(owner=users.other_org, status=ListingStatus.SUBMITTED, title="风机叶片")
    client = client_for(users.secretariat)
    html = client.get("/review/", {"q": "锂电池"}).content.decode()
    assert "低温锂电池" in html and "风机叶片" not in html
    html = client.get("/review/", {"owner": users.other_org.pk}).content.decode()
    assert "风机叶片" in html and "低温锂电池" not in html
    demands = client.get("/review/", {"kind": "demands"})
    assert demands.status_code == 200 and demands.context["kind"] == "demands"


def test_review_batch_approves_each_item_and_reports_failures(users):
    ok = AchievementFactory(owner=users.owner_org, status=ListingStatus.SUBMITTED, title="甲")
    ok2 = AchievementFactory(owner=users.owner_org, status=ListingStatus.SUBMITTED, title="乙")
    draft = AchievementFactory(owner=users.owner_org, status=ListingStatus.DRAFT, title="草稿丙")
    client = client_for(users.secretariat)
    response = client.post(
        "/review/",
        {"kind": "achievements", "action": "publish", "ids": [ok.pk, draft.pk, ok2.pk]},
        follow=True,
    )
    for item in (ok, ok2, draft):
        item.refresh_from_db()
    assert ok.status == ok2.status == ListingStatus.PUBLISHED
    assert draft.status == ListingStatus.DRAFT
    texts = [str(m) for m in response.context["messages"]]
    assert any("2" in t for t in texts)
    assert any(f"#{draft.pk}" in t or "草稿丙" in t for t in texts)


def test_review_batch_return_needs_a_reason_and_uses_the_service(users):
    demand = DemandFactory(owner=users.owner_org, status=ListingStatus.SUBMITTED)
    client = client_for(users.secretariat)
    client.post("/review/", {"kind": "demands", "action": "return", "ids": [demand.pk]})
    demand.refresh_from_db()
    assert demand.status == ListingStatus.SUBMITTED
    client.post(
        "/review/",
        {"kind": "demands", "action": "return", "ids": [demand.pk], "reason": "请补充指标"},
    )
    demand.refresh_from_db()
    assert demand.status == ListingStatus.RETURNED and demand.return_reason == "请补充指标"


@pytest.mark.parametrize("role", ["owner_admin", "owner_member", "registered"])
def test_review_batch_is_for_the_secretariat_only(users, role):
    item = AchievementFactory(owner=users.owner_org, status=ListingStatus.SUBMITTED)
    response = client_for(users.by_role()[role]).post(
        "/review/", {"kind": "achievements", "action": "publish", "ids": [item.pk]}
    )
    item.refresh_from_db()
    assert response.status_code == 403 and item.status == ListingStatus.SUBMITTED


def test_review_batch_refuses_bad_input(users):
    item = AchievementFactory(owner=users.owner_org, status=ListingStatus.SUBMITTED)
    client = client_for(users.secretariat)
    for data in (
        {"kind": "achievements", "action": "delete", "ids": [item.pk]},
        {"kind": "users", "action": "publish", "ids": [item.pk]},
        {"kind": "achievements", "action": "publish", "ids": ["x"]},
        {"kind": "achievements", "action": "publish"},
    ):
        assert client.post("/review/", data).status_code == 302
    item.refresh_from_db()
    assert item.status == ListingStatus.SUBMITTED


def test_api_docs_are_offline_and_script_free():
    html = Client().get("/api/docs").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/jieli/api-docs.js" in html
    assert not EXTERNAL_ASSET.search(html) and not INLINE_SCRIPT.search(html)
    assert 'id="swagger-settings"' in html and "openapi.json" in html


def test_favicon_does_not_404():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("jieli/favicon.ico")


def test_expert_and_demand_filters_offer_code_pickers(users):
    for path, names in (
        ("/experts/", ("industry", "discipline", "region")),
        ("/demands/", ("industry", "region")),
    ):
        html = Client().get(path).content.decode()
        for name in names:
            tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
            assert tag and "data-code-picker" in tag.group(0), (path, name)
            assert "/api/v1/regions/" in tag.group(0)


def test_code_picker_filter_still_filters_by_code(users):
    PublishedDemandFactory(owner=users.owner_org, title="济南需求", region_id="3701")
    PublishedDemandFactory(owner=users.owner_org, title="广州需求", region_id="4401")
    html = Client().get("/demands/", {"region": "3701"}).content.decode()
    assert "济南需求" in html and "广州需求" not in html
