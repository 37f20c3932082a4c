"""Small page helpers shared by the tests (no layout or CSS classes: roles, names, URLs)."""

from __future__ import annotations

import os
import re
import time

from playwright.sync_api import Locator, Page

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
