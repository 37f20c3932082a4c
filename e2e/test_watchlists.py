"""Shortlists and saved searches as a member uses them: the Save control that htmx loads into a
demand's page saves it with a note (no page change), the shortlist shows it, and "Save this
search" on the search page keeps the search; in both languages, usable at 375 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from e2e.helpers import first_record_link
from e2e.i18n import LANGS, exactly, tr


@pytest.mark.parametrize("lang", LANGS)
def test_save_a_demand_and_a_search(open_as, lang):
    page = open_as("member", lang, path="/demands/")
    first_record_link(page, "demands").click()
    expect(page).to_have_url(re.compile(r"/demands/\d+/$"))
    title = page.get_by_role("heading", level=1).inner_text()
    control = page.get_by_test_id("save-control")
    expect(control).to_be_visible()  # loaded by htmx after the page
    note = "e2e 备注" if lang == "zh-hans" else "e2e note"
    control.get_by_label(exactly(lang, "Note")).fill(note)
    control.get_by_role("button", name=exactly(lang, "Save")).click()
    expect(page.get_by_text(tr(lang, "Saved to the shortlist."))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/demands/\d+/$"))  # swapped in place

    page.goto("/watch/shortlists/")
    page.get_by_test_id("shortlist").first.get_by_role("link").click()
    item = page.get_by_test_id("shortlist-item").filter(has_text=title)
    expect(item).to_have_count(1)
    expect(item.get_by_role("textbox")).to_have_value(note)
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    query = "电池 储能" if lang == "zh-hans" else "电池 材料"
    page.goto(f"/search/?q={query}&kind=achievement")
    page.get_by_role("button", name=exactly(lang, "Save this search")).click()
    expect(page).to_have_url(re.compile(r"/watch/searches/$"))
    expect(page.get_by_test_id("subscription").filter(has_text=query)).to_have_count(1)
