"""Filters and the search page's kind switch replace only the results, in the same document
(htmx), while the address bar and the back button follow as if whole pages had loaded."""

from __future__ import annotations

import re
from urllib.parse import quote

from playwright.sync_api import Page, expect

from e2e.i18n import exactly, tr

LANG = "zh-hans"


def mark_document(page: Page) -> None:
    """A flag on this document's window: it survives in-place updates, not a page load."""
    page.evaluate("() => { window.jieliSameDocument = true; }")


def same_document(page: Page) -> bool:
    return bool(page.evaluate("() => window.jieliSameDocument === true"))


def test_achievement_filter_and_search_kind_switch_update_in_place(open_as):
    page = open_as(None, LANG, path="/achievements/")
    results = page.get_by_role("region", name=exactly(LANG, "Results"))
    count = results.locator(".result-count")
    before = count.inner_text()
    mark_document(page)

    # Choosing a value applies the filter at once: new results, the URL says which filter.
    page.get_by_label(tr(LANG, "TRL from")).select_option("9")
    expect(page).to_have_url(re.compile(r"/achievements/\?.*\btrl_min=9\b"))
    expect(count).not_to_have_text(before)
    assert same_document(page), "the filter reloaded the whole page"
    expect(page).to_have_title(re.compile(rf"^{tr(LANG, 'Achievements')} · "))
    # The results are what the server shows for that URL without JavaScript.
    expect(count).to_have_text(fresh_count(page, page.url))

    # Back: the unfiltered list and URL again (a real load of that URL, see base.html).
    page.go_back()
    expect(page).to_have_url(re.compile(r"/achievements/$"))
    expect(count).to_have_text(before)
    expect(page.get_by_label(tr(LANG, "TRL from"))).to_have_value("")

    # Search: one kind at a time; another kind's tab swaps the results in place.
    first_title = results.get_by_role("heading").first.inner_text().strip()
    page.goto("/search/?q=" + quote(first_title))
    kinds = page.get_by_role("navigation", name=exactly(LANG, "Kinds of result"))
    achievements_tab = kinds.get_by_role("link", name=re.compile(rf"^{tr(LANG, 'Achievements')}"))
    expect(achievements_tab).to_have_attribute("aria-current", "page")
    main = page.get_by_role("main")
    expect(main.locator("a[href^='/achievements/']").first).to_be_visible()
    mark_document(page)

    demands_tab = kinds.get_by_role("link", name=re.compile(rf"^{tr(LANG, 'Demands')}"))
    demands_count = demands_tab.locator(".badge").inner_text()
    demands_tab.click()
    expect(page).to_have_url(re.compile(r"/search/\?q=.*&kind=demand$"))
    expect(demands_tab).to_have_attribute("aria-current", "page")
    expect(achievements_tab).not_to_have_attribute("aria-current", "page")
    expect(main.locator("a[href^='/achievements/'][href$='/']")).to_have_count(0)
    shown = main.locator("a[href^='/demands/'][href$='/']")
    if demands_count == "0":
        expect(main.get_by_text(tr(LANG, "Nothing found."))).to_be_visible()
    else:
        expect(shown.first).to_be_visible()
    assert same_document(page), "the kind switch reloaded the whole page"
    expect(page).to_have_title(re.compile(tr(LANG, "Demands")))


def fresh_count(page: Page, url: str) -> str:
    """The result count a full load of ``url`` shows, in a second tab of the same browser."""
    other = page.context.new_page()
    try:
        other.goto(url)
        return other.locator(".result-count").first.inner_text()
    finally:
        other.close()
