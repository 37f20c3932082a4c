"""The Content-Security-Policy is enforced on every page family and nothing on them breaks it.

Each role opens representative pages in both languages (public lists and details, search, forms
with the Tom Select pickers, filters that htmx swaps in place, the review, import and duplicate
queues, the Django admin and Swagger UI at /api/docs) and the test fails on any violation: the
browser's ``securitypolicyviolation`` event (report-only included) and its console lines
("Refused to …", or "… violates the following Content Security Policy directive …" in newer
Chromium) are both collected. A canary page carrying the server's own policy and an inline
script shows, in every run, that a violation is actually seen.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Response, expect

from e2e.helpers import first_record_link
from e2e.i18n import LANGS, tr

# Installed before any page script runs, on every document the page loads.
LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.jieliCspSeen = (window.jieliCspSeen || 0) + 1;
  window.jieliCspViolation([e.effectiveDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber,
                            e.disposition].join(" "));
});
"""


class CspWatch:
    """Violations seen on one page, and the policy header of every document it loaded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.violations: list[str] = []
        self.unprotected: list[str] = []
        page.expose_function("jieliCspViolation", self._record)
        page.add_init_script(LISTENER)
        page.on("console", self._console)
        page.on("response", self._document)

    def _record(self, detail: str) -> None:
        self.violations.append(f"{self.page.url}: {detail}")

    def _console(self, msg) -> None:
        if "Refused to" in msg.text or "Content Security Policy" in msg.text:
            self.violations.append(f"{self.page.url}: console {msg.text}")

    def _document(self, response: Response) -> None:
        request = response.request
        if request.resource_type != "document" or response.status >= 300:
            return
        headers = response.headers
        policy = headers.get("content-security-policy", "")
        if "script-src 'self'" not in policy or "content-security-policy-report-only" in headers:
            self.unprotected.append(f"{response.url}: {policy or headers}")

    def visit(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response}"
        self.page.wait_for_load_state("networkidle")

    def assert_clean(self) -> None:
        assert self.violations == [], "CSP violations:\n" + "\n".join(self.violations)
        assert self.unprotected == [], "pages without an enforced policy:\n" + "\n".join(
            self.unprotected
        )


def _opened(open_as, username: str | None, lang: str) -> tuple[Page, CspWatch]:
    page = open_as(username, lang)
    watch = CspWatch(page)
    page.reload()  # the home page again, now with the listener installed
    page.wait_for_load_state("networkidle")
    return page, watch


def _detail_of(page: Page, watch: CspWatch, kind: str) -> None:
    watch.visit(f"/{kind}/")
    first_record_link(page, kind).click()
    expect(page).to_have_url(re.compile(rf"/{kind}/\d+/$"))
    page.wait_for_load_state("networkidle")


def _filter_in_place(page: Page, watch: CspWatch, lang: str) -> None:
    """An htmx swap: the results region is replaced, its loading indicator shown and hidden."""
    watch.visit("/achievements/")
    page.get_by_label(tr(lang, "TRL from")).select_option("9")
    expect(page).to_have_url(re.compile(r"\btrl_min=9\b"))
    page.wait_for_load_state("networkidle")


def _code_picker(page: Page, watch: CspWatch, lang: str) -> None:
    """Tom Select: the region picker opens its dropdown and loads options from the API."""
    watch.visit("/organisations/")
    picker = page.locator(".ts-wrapper").first
    picker.click()
    expect(page.locator(".ts-dropdown .option").first).to_be_visible()
    page.keyboard.press("Escape")


def _api_docs(page: Page, watch: CspWatch, lang: str) -> None:
    watch.visit("/api/docs")
    expect(page.get_by_role("heading", name=re.compile("Jieli API"))).to_be_visible()
    operation = page.get_by_role("button", name=re.compile(r"GET.*achievements", re.S)).first
    operation.click()
    expect(page.get_by_role("button", name=re.compile("Try it out"))).to_be_visible()


Step = Callable[[Page, CspWatch, str], None]


def _paths(*paths: str) -> Step:
    def step(page: Page, watch: CspWatch, lang: str) -> None:
        for path in paths:
            watch.visit(path)

    return step


def _details(*kinds: str) -> Step:
    def step(page: Page, watch: CspWatch, lang: str) -> None:
        for kind in kinds:
            _detail_of(page, watch, kind)

    return step


def _admin(page: Page, watch: CspWatch, lang: str) -> None:
    """The Django admin: index, a change list with filters, a change form, the user form."""
    watch.visit("/admin/")
    watch.visit("/admin/achievements/achievement/")
    page.locator("#result_list tbody a").first.click()
    expect(page).to_have_url(re.compile(r"/admin/achievements/achievement/\d+/change/$"))
    page.wait_for_load_state("networkidle")
    watch.visit("/admin/auth/user/add/")
    watch.visit("/admin/organisations/organisation/?q=a")


ROLES: dict[str | None, list[Step]] = {
    None: [
        _paths("/", "/search/?q=%E7%94%B5%E6%B1%A0", "/experts/", "/accounts/login/"),
        _paths("/register/"),
        _details("achievements", "demands", "organisations"),
        _filter_in_place,
        _api_docs,
    ],
    "member": [
        _paths("/workspace/", "/organisations/me/tokens/"),
        _details("achievements", "experts"),
        _code_picker,
    ],
    "orgadmin": [_paths("/achievements/new/", "/demands/new/", "/workspace/")],
    "secretariat": [
        _paths("/review/", "/imports/", "/duplicates/"),
        _filter_in_place,
    ],
    "admin": [_admin],
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("username", list(ROLES), ids=lambda u: u or "anonymous")
def test_pages_work_under_the_enforced_policy(open_as, username, lang):
    page, watch = _opened(open_as, username, lang)
    for step in ROLES[username]:
        step(page, watch, lang)
    watch.assert_clean()


@pytest.mark.allow_page_errors
def test_an_inline_script_is_refused_and_reported(open_as):
    """The canary: a page served with the server's own policy and an inline script. If this
    passes while the policy or the listener is broken, the test above proves nothing."""
    page, watch = _opened(open_as, None, "zh-hans")
    policy = page.request.get("/").headers["content-security-policy"]
    canary = "<!doctype html><title>canary</title><script>window.ran = true;</script>"
    page.route(
        "**/csp-canary",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": policy},
            body=canary,
        ),
    )
    page.goto("/csp-canary")
    expect(page).to_have_title("canary")
    assert page.evaluate("() => window.ran === true") is False
    page.wait_for_function("() => window.jieliCspSeen > 0")
    page.wait_for_load_state("networkidle")  # the exposed function's calls arrive
    assert any("script-src" in v for v in watch.violations), watch.violations
