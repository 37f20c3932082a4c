"""The enquiry relay, as its users do it: an engineer finds an achievement by search and
enquires; the owner answers (and assigns the broker); the broker introduces a second party and
both sides consent; the first enquiry goes on to "intention signed". Screenshots of the thread
at 375 and 1,440 px go to var/e2e-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import ARTIFACTS
from e2e.helpers import DETAIL
from e2e.i18n import LANGS, exactly, tr

THREAD = re.compile(r"/enquiries/(\d+)/$")
# Party A: the engineer's company, as the page names it in each language.
COMPANY = {
    "zh-hans": "环翠示范新能源科技有限公司（演示）",
    "en": "Huancui Demo New Energy Technology Co., Ltd. (demo)",
}


def _published_titles(owner: Page, lang: str) -> list[tuple[str, str]]:
    """(title, path) of the owner's published, current achievements, from its workspace."""
    owner.goto("/workspace/")
    rows = (
        owner.get_by_role("main")
        .locator("tr")
        .filter(
            has=owner.locator(".tag", has_text=re.compile(f"^{re.escape(tr(lang, 'Published'))}$"))
        )
        .filter(has_not_text=tr(lang, "needs re-confirmation"))
    )
    found = []
    for i in range(rows.count()):
        link = rows.nth(i).locator("a[href^='/achievements/']").first
        found.append((link.inner_text().strip(), link.get_attribute("href") or ""))
    return found


def _shoot(page: Page, lang: str, name: str) -> None:
    short = "zh" if lang == "zh-hans" else "en"
    for width, height in ((375, 812), (1440, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{short}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


@pytest.mark.parametrize("lang", LANGS)
def test_engineer_enquires_owner_answers_broker_introduces_intention_signed(open_as, lang):
    owner = open_as("orgadmin", lang)
    titles = _published_titles(owner, lang)
    assert len(titles) >= 2, titles
    (title, _path), (second_title, second_path) = titles[0], titles[1]

    # The engineer finds the achievement by search and enquires.
    engineer = open_as("member", lang)
    search = engineer.locator("input[name=q]").first
    search.fill(title)
    search.press("Enter")
    engineer.get_by_role("main").get_by_role("link", name=title, exact=True).first.click()
    expect(engineer).to_have_url(DETAIL["achievements"])
    engineer.get_by_role("link", name=exactly(lang, "Enquire")).click()
    form = engineer.get_by_role("main")
    form.locator("[name=purpose]").select_option("joint_development")
    form.locator("[name=message]").fill(
        "我们希望联合开发，请介绍授权方式。"
        if lang == "zh-hans"
        else "We would like to co-develop."
    )
    form.get_by_role("button", name=exactly(lang, "Send enquiry")).click()
    expect(engineer).to_have_url(THREAD)
    thread = THREAD.search(engineer.url).group(0)  # type: ignore[union-attr]
    expect(engineer.get_by_test_id("stage")).to_have_text(tr(lang, "New"))
    # No contact card before the owner answers.
    expect(engineer.get_by_test_id("contact")).to_have_count(0)

    # The owner answers in the thread and assigns the broker.
    owner.goto(thread)
    reply = owner.get_by_role("main")
    reply.locator("[name=body]").fill("欢迎，下周可来校交流。" if lang == "zh-hans" else "Welcome.")
    reply.get_by_role("button", name=exactly(lang, "Post")).click()
    expect(owner.get_by_text(tr(lang, "Message posted."))).to_be_visible()
    expect(owner.get_by_test_id("stage")).to_have_text(tr(lang, "Answered"))
    owner.get_by_role("main").locator("select[name=broker]").select_option(index=1)
    owner.get_by_role("main").locator("form[action$='/broker/']").get_by_role(
        "button", name=exactly(lang, "Save")
    ).click()
    expect(owner.get_by_text(tr(lang, "Broker saved."))).to_be_visible()

    # The engineer now sees the owner's contact details.
    engineer.goto(thread)
    expect(engineer.get_by_test_id("contact")).to_be_visible()

    # The broker sees the thread in its workspace and introduces a second party.
    broker = open_as("broker", lang, path="/enquiries/workspace/")
    expect(broker.get_by_role("main").get_by_role("link", name=title).first).to_be_visible()
    broker.goto(second_path)
    broker.get_by_role("link", name=exactly(lang, "Introduce a party")).click()
    form = broker.get_by_role("main").locator("form[method=post]")
    form.locator("[name=party_a]").select_option(label=COMPANY[lang])
    form.locator("[name=purpose]").select_option("licence")
    form.locator("[name=note]").fill("方向一致，建议对接。" if lang == "zh-hans" else "A good fit.")
    form.get_by_role("button", name=exactly(lang, "Propose the introduction")).click()
    expect(broker).to_have_url(re.compile(r"/enquiries/introductions/\d+/$"))
    introduction = re.search(r"/enquiries/introductions/\d+/", broker.url).group(0)  # type: ignore[union-attr]

    # Both sides consent; the second consent opens an enquiry on party A's behalf.
    engineer.goto(introduction)
    engineer.get_by_role("button", name=exactly(lang, "Consent")).click()
    expect(engineer.get_by_text(tr(lang, "Your answer was recorded."))).to_be_visible()
    owner.goto(introduction)
    owner.get_by_role("button", name=exactly(lang, "Consent")).click()
    expect(
        owner.get_by_text(tr(lang, "Both sides consented: the enquiry is open."))
    ).to_be_visible()
    expect(owner).to_have_url(THREAD)
    expect(owner.get_by_role("heading", level=1)).to_have_text(second_title)
    expect(owner.get_by_text(tr(lang, "Made through an introduction"))).to_be_visible()

    # The first enquiry goes on: discussion, then intention signed.
    engineer.goto(thread)
    engineer.get_by_role(
        "button", name=re.compile(f"^{re.escape(tr(lang, 'start discussion'))}$", re.I)
    ).click()
    expect(engineer.get_by_test_id("stage")).to_have_text(tr(lang, "In discussion"))
    owner.goto(thread)
    owner.get_by_role(
        "button", name=re.compile(f"^{re.escape(tr(lang, 'record signed intention'))}$", re.I)
    ).click()
    expect(owner.get_by_test_id("stage")).to_have_text(tr(lang, "Intention signed"))
    expect(owner.get_by_text(tr(lang, "Recorded: intention signed."))).to_be_visible()
    _shoot(owner, lang, "enquiry-thread")
