"""The relay of a turnkey project, as its people run it: the company opens a project from its
demand's match; the service agency hands over needs analysis and achievement selection, plans
the university's stage and skips two; the university refuses a hand-off, then accepts it; the
baton goes on to industrialisation and delivery, the company accepts the delivery and records
the outcomes, and the agency closes the project. Screenshots at 375 and 1,440 px in both
languages go to docs/screenshots/pipeline/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import ROOT
from e2e.i18n import LANGS, exactly, tr

BOARD = re.compile(r"/pipeline/(\d+)/$")
AGENCY = {
    "zh-hans": "京西示范技术转移中心有限公司（演示）",
    "en": "Jingxi Demo Technology Transfer Centre Co., Ltd. (demo)",
}
UNIVERSITY = {
    "zh-hans": "滨海示范科技大学（演示）",
    "en": "Binhai Demo University of Science and Technology (demo)",
}
SHOTS = ROOT / "docs" / "screenshots" / "pipeline"


def _shoot(page: Page, lang: str, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    short = "zh" if lang == "zh-hans" else "en"
    for width, height in ((375, 812), (1440, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{short}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


def _upload(page: Page, lang: str, key: str) -> None:
    page.locator(f"#files-{key}").set_input_files(
        {"name": f"{key}.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 e2e\n"}
    )
    page.locator(f"#stage-{key}").get_by_role("button", name=exactly(lang, "Upload")).click()
    expect(page.locator(f"#stage-{key}").get_by_role("link", name=f"{key}.pdf")).to_be_visible()


def _move(page: Page, key: str, action: str, reason: str = "") -> None:
    if reason:
        page.locator(f"#reason-{key}").fill(reason)
    page.get_by_test_id(f"move-{key}-{action}").click()


def _status(page: Page, lang: str, key: str, msgid: str) -> None:
    expect(page.get_by_test_id(f"status-{key}")).to_have_text(tr(lang, msgid))


@pytest.mark.parametrize("lang", LANGS)
def test_a_project_runs_from_demand_to_delivery(open_as, lang):
    title = "固态电池隔膜接力工程" if lang == "zh-hans" else "Separator relay project"
    # The company opens a project from one of its published demands' matches.
    company = open_as("member", lang, path="/workspace/")
    rows = (
        company.get_by_role("main")
        .locator("tr")
        .filter(
            has=company.locator(
                ".tag", has_text=re.compile(f"^{re.escape(tr(lang, 'Published'))}$")
            )
        )
    )
    links = rows.locator("a[href^='/demands/']")
    demands = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    # The first demand whose match list is not empty (the small e2e index ranks by words).
    for path in demands:
        company.goto(path)
        company.get_by_role("link", name=exactly(lang, "Open a turnkey project")).click()
        if company.locator("input[name=achievement]").count():
            break
    else:
        pytest.fail(f"no demand of the company has a match: {demands}")
    expect(company.get_by_role("heading", level=1)).to_have_text(tr(lang, "Open a turnkey project"))
    company.locator("[name=title]").fill(title)
    company.locator("[name=agency]").select_option(label=AGENCY[lang])
    company.get_by_test_id("open-project").click()
    expect(company).to_have_url(BOARD)
    board = BOARD.search(company.url).group(0)  # type: ignore[union-attr]
    expect(company.get_by_test_id("project-title")).to_have_text(title)
    _status(company, lang, "needs", "In progress")

    # The agency hands over needs analysis to itself (it also selects the achievement).
    agency = open_as("broker", lang, path=board)
    _upload(agency, lang, "needs")
    _move(agency, "needs", "mark_ready")
    _status(agency, lang, "needs", "Handed over, awaiting the receiver")
    _move(agency, "needs", "accept")
    _status(agency, lang, "needs", "Done")
    _status(agency, lang, "selection", "In progress")

    # It plans the maturation with the university and skips what is not needed.
    agency.goto(f"{board}stages/maturation/edit/")
    agency.locator("[name=owner_organisation]").select_option(label=UNIVERSITY[lang])
    agency.get_by_role("button", name=exactly(lang, "Save")).click()
    expect(agency).to_have_url(re.compile(re.escape(board)))
    for key in ("integration", "pilot"):
        _move(agency, key, "skip", "成果已集成" if lang == "zh-hans" else "Already integrated")
        _status(agency, lang, key, "Skipped")
    _upload(agency, lang, "selection")
    _move(agency, "selection", "mark_ready")

    # The university refuses the hand-off with a reason, then accepts the second one.
    university = open_as("orgadmin", lang, path=board)
    _move(university, "selection", "refuse", "请补充测试数据" if lang == "zh-hans" else "More data")
    _status(university, lang, "selection", "In progress")
    agency.goto(board)
    _move(agency, "selection", "mark_ready")
    _shoot(agency, lang, "board-handoff")
    university.goto(board)
    _move(university, "selection", "accept")
    _status(university, lang, "maturation", "In progress")
    _upload(university, lang, "maturation")
    _move(university, "maturation", "mark_ready")

    # The company takes the baton for industrialisation, the agency for delivery.
    company.goto(board)
    _move(company, "maturation", "accept")
    _upload(company, lang, "industrialisation")
    _move(company, "industrialisation", "mark_ready")
    agency.goto(board)
    _move(agency, "industrialisation", "accept")
    _upload(agency, lang, "acceptance")
    _move(agency, "acceptance", "mark_ready")
    company.goto(board)
    _move(company, "acceptance", "accept")
    _status(company, lang, "acceptance", "Done")
    expect(company.get_by_text(tr(lang, "Delivery accepted"), exact=False).first).to_be_visible()

    # The company records the outcomes; the agency closes the project.
    company.get_by_role("link", name=exactly(lang, "Record outcomes")).click()
    company.locator("[name=new_product]").fill("隔膜样品" if lang == "zh-hans" else "Separator")
    company.locator("[name=jobs]").fill("12")
    company.get_by_role("button", name=exactly(lang, "Save")).click()
    expect(company.get_by_test_id("outcome")).to_be_visible()
    agency.goto(board)
    agency.get_by_role("button", name=exactly(lang, "Close the project")).click()
    expect(agency.get_by_test_id("project-status")).to_have_text(tr(lang, "Closed"))
    _shoot(agency, lang, "board-closed")
    agency.goto(f"{board}timeline/")
    expect(agency.get_by_test_id("timeline")).to_contain_text(tr(lang, "hand-off refused"))

    # The secretariat's portfolio and dropped batons (the demo set has some).
    staff = open_as("secretariat", lang, path="/pipeline/")
    expect(staff.get_by_role("link", name=title)).to_be_visible()
    _shoot(staff, lang, "portfolio")
    staff.goto("/pipeline/dropped/")
    expect(staff.get_by_test_id("batons").locator(".baton").first).to_be_visible()
    _shoot(staff, lang, "dropped")
    staff.goto("/workspace/")
    expect(staff.get_by_test_id("batons-tile")).to_be_visible()
