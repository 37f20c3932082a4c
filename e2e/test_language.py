"""Chinese is the default and Chinese pages carry no English interface text; the language switch
goes both ways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import switch_language
from e2e.i18n import exactly, tr

# Interface text only: navigation, headings, labels, buttons, table headers, placeholders and
# accessible names; never records (demo data includes English titles), so anything inside an
# article or a link to a record is left out.
INTERFACE_TEXT_JS = """() => {
  const recordHref = /\\/(achievements|demands|experts|organisations)\\/\\d+\\//;
  const links = e => [e.closest("a[href]"), ...e.querySelectorAll("a[href]")];
  // A record's own text (its title in a row's checkbox label, say) is data, not interface.
  const rowLinks = e => e.closest("tr") ? [...e.closest("tr").querySelectorAll("a[href]")] : [];
  const isRecord = e => e.closest("article")
    || [...links(e), ...rowLinks(e)].some(a => a && recordHref.test(a.getAttribute("href")));
  const picked = document.querySelectorAll(
    "header a, nav a, footer, h1, h2, h3, label, legend, button, th, [role=button]");
  const parts = [...picked].filter(e => !isRecord(e)).map(e => e.innerText);
  for (const e of document.querySelectorAll("[placeholder], [aria-label], [title]")) {
    if (isRecord(e)) continue;
    parts.push(e.getAttribute("placeholder") || "", e.getAttribute("aria-label") || "",
               e.getAttribute("title") || "");
  }
  return parts.join("\\n");
}"""
# Latin words a Chinese page may show: names of formats, standards and the language switch.
ALLOWED = {
    "API", "CSV", "XLSX", "JSON", "Lines", "TRL", "GBK", "UTF", "GB", "English", "Jieli", "ID",
}  # fmt: skip
ZH_PAGES = {
    None: [
        "/",
        "/achievements/",
        "/demands/",
        "/experts/",
        "/organisations/",
        "/search/?q=%E7%94%B5%E6%B1%A0",
        "/accounts/login/",
        "/register/",
    ],
    "secretariat": ["/review/", "/workspace/", "/imports/"],
    "member": ["/workspace/", "/achievements/new/", "/demands/new/"],
}


def english_words(page, username: str | None) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z'-]{2,}", page.evaluate(INTERFACE_TEXT_JS))
    return sorted({w for w in words if w not in ALLOWED and w != username})


@pytest.mark.parametrize("username", list(ZH_PAGES), ids=lambda u: u or "anonymous")
def test_chinese_pages_show_no_english_interface_text(open_as, username):
    page = open_as(username, "zh-hans")
    found = {}
    for path in ZH_PAGES[username]:
        assert page.goto(path).status == 200, path
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        if words := english_words(page, username):
            found[path] = words
    assert found == {}


def test_chinese_history_shows_translated_actions(open_as):
    page = open_as("secretariat", "zh-hans", path="/organisations/")
    page.get_by_role("main").locator("a[href^='/organisations/']").filter(
        has_text="（演示）"
    ).first.click()
    expect(page.get_by_role("heading", name=exactly("zh-hans", "History"))).to_be_visible()
    raw = re.findall(
        r"\b(create|update|admit|submit|publish|return|import)\b", page.inner_text("main")
    )
    assert raw == []


def test_password_rules_are_explained_in_chinese(open_as):
    page = open_as(None, "zh-hans", path="/register/")
    form = page.get_by_role("main")
    form.locator("[name=username]").fill("e2e-short-password")
    form.locator("[name=email]").fill("short@example.com")
    form.locator("[name=password]").fill("a1")
    with page.expect_response(re.compile(r"/register/$")) as answer:
        form.get_by_role("button", name=exactly("zh-hans", "Create account")).click()
    assert answer.value.status == 400
    password = page.get_by_role("main").locator("[name=password]")
    expect(password).to_have_attribute("aria-invalid", "true")
    error_ids = (password.get_attribute("aria-describedby") or "").split()
    message = " ".join(page.locator(f"[id='{i}']").inner_text() for i in error_ids)
    assert re.search(r"[\u4e00-\u9fff]", message), message
    assert "password" not in message.lower(), message


def test_language_switch_goes_to_english_and_back(open_as):
    page = open_as(None, "zh-hans", path="/achievements/")
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name=exactly("zh-hans", "Achievements")).first).to_be_visible()
    switch_language(page, "en")
    expect(page).to_have_url(re.compile(r"/achievements/$"))
    expect(nav.get_by_role("link", name=exactly("en", "Achievements")).first).to_be_visible()
    page.goto("/demands/")  # the choice sticks across pages
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch_language(page, "zh-hans")
    expect(page).to_have_url(re.compile(r"/demands/$"))
    expect(nav.get_by_role("link", name=tr("zh-hans", "Demands")).first).to_be_visible()
