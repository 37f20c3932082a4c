"""Small page helpers shared by the tests (no layout or CSS classes: roles, names, URLs)."""

from __future__ import annotations

import os
import re
import time

from playwright.sync_api import Locator, Page, expect

from e2e.i18n import exactly

DETAIL = {
    kind: re.compile(rf"/{kind}/(\d+)/$")
    for kind in ("achievements", "demands", "experts", "organisations")
}
# On a server the developer reuses (JIELI_E2E_URL), records the tests create get a suffix.
SUFFIX = f"-{int(time.time()) % 100000}" if os.environ.get("JIELI_E2E_URL") else ""


def unique(name: str) -> str:
    """``name`` as it is on a fresh server, made unique on a reused one."""
    return name + SUFFIX


def first_record_link(page: Page, kind: str) -> Locator:
    """The first link in the page's main area to a record of ``kind`` (``/<kind>/<id>/``).

    It reads the links as they are once the page has loaded.
    """
    page.wait_for_load_state()
    main = page.get_by_role("main")
    hrefs = main.locator(f"a[href^='/{kind}/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    href = next(h for h in hrefs if DETAIL[kind].search(h))
    return main.locator(f"a[href='{href}']").first


def record_path(page: Page, kind: str) -> str:
    """``/<kind>/<id>/`` of the record the page shows."""
    match = DETAIL[kind].search(page.url)
    assert match, f"{page.url} is not a {kind} page"
    return f"/{kind}/{match.group(1)}/"


def register_and_apply(
    page: Page, lang: str, username: str, display_name: str, org_name: str, description: str
) -> str:
    """Register ``username`` through the page, apply for ``org_name``'s membership (the
    applicant becomes its administrator) and return the organisation's path."""
    page.get_by_role("link", name=exactly(lang, "Register")).click()
    expect(page).to_have_url(re.compile(r"/register/$"))
    form = page.get_by_role("main")
    form.locator("[name=username]").fill(username)
    form.locator("[name=email]").fill(f"{username}@example.com")
    form.locator("[name=display_name]").fill(display_name)
    form.locator("[name=password]").fill("Kq7!relay-baton-2026")
    form.get_by_role("button", name=exactly(lang, "Create account")).click()
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    page.get_by_role("main").get_by_role("link", name=exactly(lang, "Apply for membership")).click()
    expect(page).to_have_url(re.compile(r"/organisations/apply/$"))
    form = page.get_by_role("main")
    form.locator("[name=name]").fill(org_name)
    form.locator("[name=org_type]").select_option("enterprise")
    form.locator("[name=description]").fill(description)
    form.get_by_role("button", name=exactly(lang, "Save")).click()
    expect(page).to_have_url(DETAIL["organisations"])
    return record_path(page, "organisations")
