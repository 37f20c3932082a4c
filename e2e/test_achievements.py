"""An organisation member creates and submits an achievement; the secretariat returns it with a
reason, the member resubmits, the secretariat approves, and only then do visitors see it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from e2e.helpers import DETAIL, record_path, unique
from e2e.i18n import LANGS, exactly

# Distinct wording per language, so that the duplicate check sees two different achievements.
TITLES = {
    "zh-hans": "端到端测试：钠离子电池低温电解液配方",
    "en": "End-to-end test: self-healing coating for offshore wind turbine blades",
}


def click_action(page, lang: str, msgid: str) -> None:
    page.get_by_role("main").get_by_role("button", name=exactly(lang, msgid)).click()


@pytest.mark.parametrize("lang", LANGS)
def test_member_submits_secretariat_returns_then_approves_and_it_becomes_public(open_as, lang):
    title = unique(TITLES[lang])
    member = open_as("member", lang, path="/workspace/")
    member.get_by_role("main").get_by_role("link", name=exactly(lang, "New achievement")).click()
    expect(member).to_have_url(re.compile(r"/achievements/new/$"))
    form = member.get_by_role("main")
    form.locator("[name=title]").fill(title)
    form.locator("[name=summary]").fill(f"{title}。" * 3)
    form.locator("[name=keywords]").fill("e2e, 电解液, coating")
    form.locator("[name=trl]").select_option("5")
    form.locator("[name=maturity]").select_option("pilot")
    form.locator("[name=transfer_modes][value=licence]").check()
    form.locator("[name=price_negotiable]").check()
    form.get_by_role("button", name=exactly(lang, "Save")).click()
    expect(member).to_have_url(DETAIL["achievements"])
    expect(member.get_by_role("heading", level=1)).to_have_text(title)
    expect(member.get_by_role("main").get_by_text(exactly(lang, "Draft")).first).to_be_visible()
    detail_path = record_path(member, "achievements")

    # A visitor cannot see a draft: the page answers as if it did not exist.
    visitor = open_as(None, lang)
    assert visitor.goto(detail_path).status == 404
    expect(visitor.get_by_role("main")).not_to_contain_text(title)

    click_action(member, lang, "submit")
    expect(
        member.get_by_role("main").get_by_text(exactly(lang, "Submitted for review")).first
    ).to_be_visible()

    secretariat = open_as("secretariat", lang, path="/review/?kind=achievements")
    secretariat.get_by_role("main").get_by_role("link", name=title, exact=True).click()
    expect(secretariat).to_have_url(re.compile(re.escape(detail_path) + "$"))
    reason = "请补充中试数据。" if lang == "zh-hans" else "Please add the pilot-test figures."
    secretariat.get_by_role("main").locator("[name=reason]").fill(reason)
    click_action(secretariat, lang, "return")
    expect(
        secretariat.get_by_role("main").get_by_text(exactly(lang, "Returned for changes")).first
    ).to_be_visible()

    # The member sees the reason on the listing and resubmits.
    member.reload()
    expect(member.get_by_role("main")).to_contain_text(reason)
    click_action(member, lang, "submit")
    expect(
        member.get_by_role("main").get_by_text(exactly(lang, "Submitted for review")).first
    ).to_be_visible()

    secretariat.goto("/review/?kind=achievements")
    secretariat.get_by_role("main").get_by_role("link", name=title, exact=True).click()
    click_action(secretariat, lang, "publish")
    expect(
        secretariat.get_by_role("main").get_by_text(exactly(lang, "Published")).first
    ).to_be_visible()

    # Now public: the visitor opens it and finds it in the list's keyword filter.
    assert visitor.goto(detail_path).status == 200
    expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
    visitor.goto("/achievements/")
    visitor.get_by_role("main").locator("[name=q]").fill(title)
    visitor.get_by_role("main").get_by_role("button", name=exactly(lang, "Filter")).click()
    expect(visitor.get_by_role("main").get_by_role("link", name=title, exact=True)).to_be_visible()
