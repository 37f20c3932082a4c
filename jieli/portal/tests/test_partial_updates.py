"""Filters, pagers and the search page's kind switch replace only their results region (htmx,
as progressive enhancement): the attributes appear only where the page has the container they
target, and a request sent by htmx gets the same complete page as one without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.listing import ListingStatus
from jieli.demands.tests.factories import PublishedDemandFactory
from jieli.experts.tests.factories import ExpertFactory
from jieli.organisations.tests.factories import role_users

pytestmark = pytest.mark.django_db

HX_REFERENCE = re.compile(r'hx-(?:target|select|indicator)="#([\w-]+)"')
CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def users():
    return role_users()


def assert_htmx_targets_exist(html: str) -> set[str]:
    """Every container an hx-target/hx-select/hx-indicator names is on the page, once."""
    ids = set(HX_REFERENCE.findall(html))
    for name in ids:
        assert html.count(f'id="{name}"') == 1, name
    return ids


def live_form(html: str) -> str:
    forms = re.findall(r"<form\b[^>]*\bdata-live-filter\b[^>]*>", html)
    assert len(forms) == 1, forms
    return forms[0]


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/achievements/", None),
        ("/demands/", None),
        ("/experts/", None),
        ("/organisations/", None),
        ("/review/", "secretariat"),
        ("/duplicates/", "secretariat"),
    ],
)
def test_list_filters_replace_only_their_results(users, path, role):
    response = client_for(getattr(users, role) if role else None).get(path)
    assert response.status_code == 200
    html = response.content.decode()
    form = live_form(html)
    # Without JavaScript the form still submits to the same page.
    assert f'action="{path}"' in form and 'method="get"' in form
    for attribute in (
        f'hx-get="{path}"',
        'hx-target="#results"',
        'hx-select="#results"',
        'hx-push-url="true"',
        'hx-sync="this:replace"',
    ):
        assert attribute in form, attribute
    assert re.search(r'<[a-z]+ id="results"[^>]*\bdata-results\b', html)
    assert assert_htmx_targets_exist(html) == {"results"}


def test_pager_replaces_results_only_where_the_page_passes_its_container(users):
    for n in range(21):
        AchievementFactory(owner=users.owner_org, title=f"分页成果{n:02d}")
    listing = Client().get("/achievements/").content.decode()
    pager = re.search(r'<nav class="pager"[^>]*>', listing)
    assert pager is not None
    for attribute in ('hx-boost="true"', 'hx-target="#results"', "show:top"):
        assert attribute in pager.group(0), attribute
    assert_htmx_targets_exist(listing)

    # The workspace has two pagers and no results container: plain links that load the page.
    workspace = client_for(users.owner_admin).get("/workspace/").content.decode()
    main = workspace.split("<main", 1)[1]
    assert 'class="pager"' in main and 'rel="next"' in main
    assert "hx-" not in main


def test_an_htmx_request_gets_the_same_complete_page(users):
    AchievementFactory(owner=users.owner_org, title="中试成果", maturity="pilot")
    AchievementFactory(owner=users.owner_org, title="实验室成果", maturity="lab")
    query = {"maturity": "lab"}
    plain = Client().get("/achievements/", query)
    partial = Client().get("/achievements/", query, HTTP_HX_REQUEST="true")
    assert partial.status_code == plain.status_code == 200
    html = partial.content.decode()
    # Complete: the title htmx copies into the document, and the container it selects.
    assert re.search(r"<title>科技成果 · [^<]+</title>", html)
    results = html.split('id="results"', 1)[1]
    assert "实验室成果" in results and "中试成果" not in results
    # The same page as without JavaScript, so nothing varies on HX-Request (no cache mix-ups).
    assert CSRF_VALUE.sub(r"\1-", html) == CSRF_VALUE.sub(r"\1-", plain.content.decode())
    assert "HX-Request" not in partial.get("Vary", "")


def test_an_htmx_request_with_a_bad_filter_answers_the_error_page(users):
    # htmx does not swap a 400 in place; app.js loads it as a page, so it must be complete.
    response = Client().get("/achievements/", {"trl_min": "99"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="results"' in html and "errorlist" in html


# --- the search page: one kind at a time ----------------------------------------------------


def shown(html: str, record) -> bool:
    """The record's card is on the page (titles are highlighted, so look for its link)."""
    path = {"Achievement": "achievements", "Demand": "demands", "Expert": "experts"}
    return f'href="/{path[type(record).__name__]}/{record.pk}/"' in html


@pytest.fixture
def searchable(users):
    achievements = [
        AchievementFactory(
            owner=users.owner_org,
            title=f"钠离子电池正极材料{n:02d}",
            summary="钠离子电池正极材料的低成本制备。",
            keywords=["钠离子电池"],
        )
        for n in range(12)
    ]
    demands = [
        PublishedDemandFactory(
            owner=users.owner_org,
            title=f"钠离子电池储能柜需求{n}",
            problem="寻找钠离子电池储能方案。",
            keywords=["钠离子电池"],
        )
        for n in range(2)
    ]
    expert = ExpertFactory(name="钠电专家", bio="长期从事钠离子电池研究。", keywords=["钠离子电池"])
    return achievements, demands, expert


def test_search_shows_one_kind_with_counts_for_every_kind(searchable):
    achievements, demands, expert = searchable
    response = Client().get("/search/", {"q": "钠离子电池"})
    assert response.status_code == 200
    found = response.context["found"]
    assert found.kind == "achievement"
    assert {tab.kind: tab.count for tab in found.tabs} == {
        "achievement": 12,
        "demand": 2,
        "expert": 1,
    }
    html = response.content.decode()
    results = html.split('id="results"', 1)[1]
    # One kind on show, a page at a time; the other kinds are a link away, query kept.
    assert sum(shown(results, a) for a in achievements) == 10
    assert not any(shown(results, d) for d in demands) and not shown(results, expert)
    assert "q=%E9%92%A0%E7%A6%BB%E5%AD%90%E7%94%B5%E6%B1%A0&amp;kind=demand" in results
    assert re.search(r"<title>搜索：钠离子电池 · 科技成果 · ", html)
    assert_htmx_targets_exist(html)
    second = Client().get("/search/", {"q": "钠离子电池", "page": 2})
    assert len(second.context["page"].object_list) == 2


def test_search_kind_switch_and_default_kind(searchable):
    achievements, demands, expert = searchable
    page = Client().get("/search/", {"q": "钠离子电池", "kind": "demand", "page": 3})
    results = page.content.decode().split('id="results"', 1)[1]
    assert all(shown(results, d) for d in demands)
    assert not any(shown(results, a) for a in achievements)
    # The tab links drop the page number: a kind starts at its first page.
    tabs = re.search(r'<nav class="tabs-bar search-kinds".*?</nav>', results)
    assert tabs is not None and "page=" not in tabs.group(0)
    # Without a kind the page opens on the first kind that has results.
    only_experts = Client().get("/search/", {"q": "钠电专家"})
    assert only_experts.context["found"].kind == "expert"
    assert shown(only_experts.content.decode(), expert)


def test_search_draft_listings_stay_hidden_from_counts(users, searchable):
    AchievementFactory(owner=users.owner_org, title="钠离子电池草稿", status=ListingStatus.DRAFT)
    found = Client().get("/search/", {"q": "钠离子电池"}).context["found"]
    assert found.tabs[0].count == 12
