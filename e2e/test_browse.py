"""Anonymous visitors browse the lists, open a record and search, in both languages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from e2e.helpers import DETAIL, first_record_link
from e2e.i18n import LANGS, exactly, tr


@pytest.mark.parametrize("lang", LANGS)
def test_anonymous_browses_lists_opens_a_record_and_finds_it_by_search(open_as, lang):
    page = open_as(None, lang)
    nav = page.get_by_role("navigation")

    nav.get_by_role("link", name=exactly(lang, "Achievements")).first.click()
    expect(page).to_have_url(re.compile(r"/achievements/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(exactly(lang, "Achievements"))
    first = first_record_link(page, "achievements")
    title = first.inner_text().strip()
    first.click()
    expect(page).to_have_url(DETAIL["achievements"])
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    # The members-only part stays locked for a visitor.
    expect(page.get_by_text(tr(lang, "Details are for alliance members only."))).to_be_visible()

    search = page.locator("input[name=q]").first
    search.fill(title)
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    results = page.get_by_role("main").get_by_role("link", name=title, exact=True)
    expect(results.first).to_be_visible()
    results.first.click()
    expect(page).to_have_url(DETAIL["achievements"])

    for kind, label in (("demands", "Demands"), ("experts", "Experts")):
        page.get_by_role("navigation").get_by_role("link", name=exactly(lang, label)).first.click()
        expect(page).to_have_url(re.compile(rf"/{kind}/$"))
        link = first_record_link(page, kind)
        name = link.inner_text().strip()
        link.click()
        expect(page).to_have_url(DETAIL[kind])
        expect(page.get_by_role("heading", level=1)).to_contain_text(name)
