"""Shortlists: saving what one may see (hidden: 404, nothing saved), notes, rename/delete, and
items that have become hidden dropping out of the page, the API and the export alike."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.errors import InvalidInput, NotFound
from jieli.core.history import history_for
from jieli.core.listing import Visibility
from jieli.core.tests.matrix import client_for
from jieli.demands.tests.factories import DemandFactory, PublishedDemandFactory
from jieli.experts.tests.factories import ExpertFactory
from jieli.organisations.tests.factories import viewer_of
from jieli.watchlists import selectors, services
from jieli.watchlists.models import Shortlist, ShortlistItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def listings(roles):
    return {
        "achievement": AchievementFactory(owner=roles.owner_org, title="固态电池电解质"),
        "demand": PublishedDemandFactory(owner=roles.owner_org, title="隔膜耐热需求"),
        "expert": ExpertFactory(name="李教授"),
        "draft": DemandFactory(owner=roles.owner_org, title="未提交的需求"),
    }


def test_save_to_the_default_shortlist_with_a_note(roles, listings):
    viewer = viewer_of(roles.registered)
    for kind in ("achievement", "demand", "expert"):
        services.shortlist_item_add(
            viewer=viewer, kind=kind, object_id=listings[kind].pk, note=f"{kind} 备注"
        )
    [default] = Shortlist.objects.filter(owner=roles.registered)
    assert default.is_default and default.name == "我的收藏"
    assert default.items.count() == 3
    # Saving again only updates the note.
    item = services.shortlist_item_add(
        viewer=viewer, kind="demand", object_id=listings["demand"].pk, note="新备注"
    )
    assert default.items.count() == 3 and item.note == "新备注"
    assert [h.action for h in history_for(default)].count("item_add") == 3


def test_a_hidden_listing_cannot_be_saved_and_nothing_is_written(roles, listings):
    viewer = viewer_of(roles.registered)
    with pytest.raises(NotFound):
        services.shortlist_item_add(viewer=viewer, kind="demand", object_id=listings["draft"].pk)
    with pytest.raises(NotFound):
        services.shortlist_item_add(
            viewer=viewer, kind="organisation", object_id=roles.owner_org.pk
        )
    assert not Shortlist.objects.exists() and not ShortlistItem.objects.exists()
    # The owner side sees its draft and may keep it.
    services.shortlist_item_add(
        viewer=viewer_of(roles.owner_member), kind="demand", object_id=listings["draft"].pk
    )


def test_rename_delete_and_refusals(roles):
    viewer = viewer_of(roles.registered)
    a = services.shortlist_create(viewer=viewer, name="电池")
    services.shortlist_create(viewer=viewer, name="材料")
    with pytest.raises(InvalidInput) as taken:
        services.shortlist_rename(viewer=viewer, shortlist_id=a.pk, name="材料")
    assert "name" in taken.value.fields
    with pytest.raises(InvalidInput):
        services.shortlist_create(viewer=viewer, name="   ")
    with pytest.raises(InvalidInput):
        services.shortlist_create(viewer=viewer, name="长" * 101)
    with pytest.raises(NotFound):
        services.shortlist_rename(viewer=viewer_of(roles.other_member), shortlist_id=a.pk, name="x")
    assert services.shortlist_rename(viewer=viewer, shortlist_id=a.pk, name="储能").name == "储能"
    services.shortlist_delete(viewer=viewer, shortlist_id=a.pk)
    assert list(Shortlist.objects.values_list("name", flat=True)) == ["材料"]


def _hide(listing):
    listing.visibility = Visibility.PRIVATE
    listing.save()


def test_items_hidden_since_drop_out_of_page_api_and_export(roles, listings):
    user = roles.registered
    viewer = viewer_of(user)
    for kind in ("achievement", "demand"):
        services.shortlist_item_add(
            viewer=viewer, kind=kind, object_id=listings[kind].pk, note="看看"
        )
    shortlist = Shortlist.objects.get(owner=user)
    _hide(listings["achievement"])
    assert [i.kind for i in selectors.shortlist_items(viewer, shortlist)] == ["demand"]
    client = client_for(user)
    page = client.get(reverse("watchlists:shortlist", args=[shortlist.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "隔膜耐热需求" in html and "固态电池电解质" not in html
    api = client.get(f"/api/v1/watch/shortlists/{shortlist.pk}/items").json()
    assert api["count"] == 1 and [r["title"] for r in api["results"]] == ["隔膜耐热需求"]
    exported = client.get(reverse("watchlists:export", args=[shortlist.pk]), {"format": "csv"})
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2 and rows[1][2] == "隔膜耐热需求" and rows[1][3] == "看看"
    assert "固态电池电解质" not in text
    xlsx = client.get(reverse("watchlists:export", args=[shortlist.pk]), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 2 and values[1][2] == "隔膜耐热需求"
    # The owner side still sees its private achievement: for them it is in the list.
    assert (
        client.get(reverse("watchlists:export", args=[shortlist.pk]), {"format": "pdf"}).status_code
        == 400
    )


def test_export_cells_are_neutralised(roles, listings):
    viewer = viewer_of(roles.registered)
    services.shortlist_item_add(
        viewer=viewer, kind="demand", object_id=listings["demand"].pk, note="=HYPERLINK(1)"
    )
    shortlist = Shortlist.objects.get(owner=roles.registered)
    response = client_for(roles.registered).get(reverse("watchlists:export", args=[shortlist.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "=HYPERLINK" not in text.replace("'=HYPERLINK", "")


def test_the_shortlist_page_is_paginated(roles):
    viewer = viewer_of(roles.registered)
    for i in range(23):
        a = AchievementFactory(owner=roles.owner_org, title=f"成果{i:02d}")
        services.shortlist_item_add(viewer=viewer, kind="achievement", object_id=a.pk)
    shortlist = Shortlist.objects.get(owner=roles.registered)
    client = client_for(roles.registered)
    first = client.get(reverse("watchlists:shortlist", args=[shortlist.pk])).content.decode()
    second = client.get(
        reverse("watchlists:shortlist", args=[shortlist.pk]), {"page": 2}
    ).content.decode()
    assert first.count('data-testid="shortlist-item"') == 20
    assert second.count('data-testid="shortlist-item"') == 3


def test_the_save_control_on_a_detail_page(roles, listings):
    client = client_for(roles.registered)
    detail = client.get(reverse("demands:detail", args=[listings["demand"].pk])).content.decode()
    assert reverse("watchlists:save", args=["demand", listings["demand"].pk]) in detail
    control = client.get(
        reverse("watchlists:save", args=["demand", listings["demand"].pk]), HTTP_HX_REQUEST="true"
    )
    assert control.status_code == 200 and "<html" not in control.content.decode()
    saved = client.post(
        reverse("watchlists:save", args=["demand", listings["demand"].pk]),
        {"note": "联系王工"},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200 and "我的收藏" in saved.content.decode()
    assert ShortlistItem.objects.get().note == "联系王工"
    hidden = client.post(reverse("watchlists:save", args=["demand", listings["draft"].pk]), {})
    assert hidden.status_code == 404 and ShortlistItem.objects.count() == 1
