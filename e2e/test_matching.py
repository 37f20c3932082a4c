"""A member opens a published demand's matches: ranked achievements and experts with reasons,
and records feedback on one suggestion."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from e2e.helpers import first_record_link
from e2e.i18n import LANGS, exactly, tr


@pytest.mark.parametrize("lang", LANGS)
def test_member_opens_a_demands_matches_and_rates_one(open_as, lang):
    page = open_as("member", lang)
    page.get_by_role("navigation").get_by_role("link", name=exactly(lang, "Demands")).first.click()
    expect(page).to_have_url(re.compile(r"/demands/$"))
    demand = first_record_link(page, "demands")
    title = demand.inner_text().strip()
    demand.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    page.get_by_role("main").get_by_role(
        "link", name=tr(lang, "Matching achievements, experts and organisations")
    ).click()
    expect(page).to_have_url(re.compile(r"/matching/demands/\d+/$"))
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_contain_text(tr(lang, "Matches for the demand"))
    expect(main.get_by_role("link", name=title, exact=True)).to_be_visible()
    expect(main.locator("a[href^='/achievements/']").first).to_be_visible()
    expect(main.locator("a[href^='/experts/']").first).to_be_visible()

    main.get_by_role("button", name=exactly(lang, "Useful")).first.click()
    expect(page.get_by_text(tr(lang, "Thank you: your feedback was saved."))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/matching/demands/\d+/$"))
