"""A market evaluation, as its users do it: the owner requests one from the achievement's page;
the secretariat staffs a panel of three; each expert accepts and scores every indicator; the
secretariat closes scoring, values the technology (income approach with a Monte Carlo, cost
approach), records the market survey and issues the report; the report page and its PDF are
opened. Screenshots at 375 and 1,440 px go to docs/screenshots/evaluations/."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import ROOT
from e2e.i18n import LANGS, exactly, tr

EVALUATION = re.compile(r"/evaluations/(\d+)/$")
REPORT = re.compile(r"/evaluations/reports/(\d+)/$")
SHOTS = ROOT / "docs" / "screenshots" / "evaluations"


def _shoot(page: Page, lang: str, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    short = "zh" if lang == "zh-hans" else "en"
    for width, height in ((375, 812), (1440, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{short}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


def _panel_numbers(secretariat: Page, lang: str) -> list[str]:
    """The expert numbers of the demo panel (on an issued demo evaluation)."""
    secretariat.goto("/evaluations/")
    row = (
        secretariat.get_by_test_id("evaluation-row")
        .filter(has_text=tr(lang, "Report issued"))
        .first
    )
    row.get_by_role("link").first.click()
    numbers = secretariat.get_by_test_id("seat-expert").all_inner_texts()
    assert len(numbers) == 3, numbers
    return [n.strip().lstrip("#") for n in numbers]


@pytest.mark.parametrize("lang", LANGS)
def test_request_staff_score_value_issue(open_as, lang):
    # The owner requests an evaluation from one of its published achievements.
    owner = open_as("orgadmin", lang)
    owner.goto("/workspace/")
    published = (
        owner.get_by_role("main")
        .locator("tr")
        .filter(
            has=owner.locator(".tag", has_text=re.compile(f"^{re.escape(tr(lang, 'Published'))}$"))
        )
        .filter(has_not_text=tr(lang, "needs re-confirmation"))
    )
    published.last.locator("a[href^='/achievements/']").first.click()
    owner.get_by_role("link", name=exactly(lang, "Request an evaluation")).click()
    form = owner.get_by_test_id("request-form")
    form.locator("[name=purpose]").select_option("licensing")
    form.locator("[name=index_key]").select_option("technology")
    form.locator("[name=deadline]").fill((date.today() + timedelta(days=30)).isoformat())
    form.locator("[name=confidentiality]").select_option("public")
    form.locator("[name=fee_wan]").fill("2.5")
    # A deadline in the past is refused in the page's language, nothing saved.
    form.locator("[name=deadline]").fill("2020-01-01")
    form.get_by_role("button", name=exactly(lang, "Request the evaluation")).click()
    expect(owner.get_by_role("main")).to_contain_text(
        tr(lang, "The deadline must be a future date.")
    )
    form = owner.get_by_test_id("request-form")
    form.locator("[name=deadline]").fill((date.today() + timedelta(days=30)).isoformat())
    form.get_by_role("button", name=exactly(lang, "Request the evaluation")).click()
    expect(owner).to_have_url(EVALUATION)
    path = EVALUATION.search(owner.url).group(0)  # type: ignore[union-attr]
    expect(owner.get_by_test_id("stage")).to_have_text(tr(lang, "Staffing the panel"))

    # The secretariat invites the three demo evaluators, the first as chair.
    secretariat = open_as("secretariat", lang)
    numbers = _panel_numbers(secretariat, lang)
    secretariat.goto(path)
    for number in numbers:
        panel = secretariat.get_by_test_id("panel")
        panel.locator("summary", has_text=tr(lang, "Invite an expert by number")).click()
        invite = panel.locator("form").filter(has=secretariat.locator("#id_expert_id"))
        invite.locator("#id_expert_id").fill(number)
        if number == numbers[0]:
            invite.locator("#id_is_chair").check()
        invite.get_by_role("button", name=exactly(lang, "Invite")).click()
        expect(secretariat.get_by_role("main")).to_contain_text(tr(lang, "The expert was invited."))

    # Each expert accepts and scores every indicator with a justification.
    experts = []
    for username in ("panel1", "panel2", "panel3"):
        expert = open_as(username, lang, path=path)
        experts.append(expert)
        expert.get_by_test_id("invitation").get_by_role(
            "button", name=exactly(lang, "Accept")
        ).click()
        expect(expert.get_by_role("main")).to_contain_text(tr(lang, "Your answer was recorded."))
    secretariat.reload()
    secretariat.get_by_test_id("move-start_scoring").click()
    expect(secretariat.get_by_test_id("stage")).to_have_text(tr(lang, "Scoring"))
    for n, expert in enumerate(experts):
        expert.reload()
        scores = expert.get_by_test_id("score-form")
        scores.locator("[name=score_trl]").select_option(str(6 + n % 2))
        for key, value in (
            ("advancement", 70),
            ("independence", 65),
            ("process", 60),
            ("team", 75),
        ):
            scores.locator(f"[name=score_{key}]").fill(str(value + 3 * n))
        for area in scores.locator("textarea").all():
            area.fill("依据中试数据与专利检索" if lang == "zh-hans" else "Pilot data and search")
        if n == 0:
            expert.set_viewport_size({"width": 375, "height": 812})
            expert.screenshot(path=str(SHOTS / f"scoring-{lang[:2]}-375.png"), full_page=True)
            expert.set_viewport_size({"width": 1440, "height": 900})
        scores.get_by_role("button", name=exactly(lang, "Submit scores")).click()
        expect(expert.get_by_role("main")).to_contain_text(tr(lang, "Your scores were submitted."))

    # The secretariat closes scoring, values, records the survey and issues.
    secretariat.reload()
    expect(secretariat.get_by_test_id("results")).to_contain_text(tr(lang, "Kendall's W"))
    secretariat.get_by_test_id("move-close_scoring").click()
    expect(secretariat.get_by_test_id("stage")).to_have_text(tr(lang, "Valuation and report"))
    income = secretariat.get_by_test_id("form-income")
    for name, value in (
        ("revenue", "2000"),
        ("growth", "6"),
        ("years", "8"),
        ("margin", "20"),
        ("share_rate", "25"),
        ("discount_rate", "9"),
        ("risk_premium", "3"),
        ("tax_rate", "15"),
        ("revenue_p10", "1500"),
        ("revenue_p90", "2600"),
        ("share_rate_p10", "20"),
        ("share_rate_p90", "30"),
    ):
        income.locator(f"[name=income-{name}]").fill(value)
    # A P10 above the P90 is refused with a clear message.
    income.locator("[name=income-discount_rate_p10]").fill("12")
    income.locator("[name=income-discount_rate_p90]").fill("7")
    income.get_by_role("button", name=exactly(lang, "Calculate and save")).click()
    expect(secretariat.get_by_role("main")).to_contain_text(
        tr(lang, "The range must satisfy P10 ≤ P50 ≤ P90.")
    )
    income = secretariat.get_by_test_id("form-income")
    for name, value in (
        ("revenue", "2000"),
        ("growth", "6"),
        ("years", "8"),
        ("margin", "20"),
        ("share_rate", "25"),
        ("discount_rate", "9"),
        ("risk_premium", "3"),
        ("tax_rate", "15"),
        ("revenue_p10", "1500"),
        ("revenue_p90", "2600"),
        ("share_rate_p10", "20"),
        ("share_rate_p90", "30"),
        ("discount_rate_p10", "7"),
        ("discount_rate_p90", "12"),
    ):
        income.locator(f"[name=income-{name}]").fill(value)
    income.get_by_role("button", name=exactly(lang, "Calculate and save")).click()
    expect(secretariat.get_by_test_id("valuation-income")).to_contain_text("P90")
    cost = secretariat.get_by_test_id("form-cost")
    cost.locator("xpath=ancestor::details").locator("summary").click()
    for name, value in (("base_cost", "300"), ("profit_rate", "10"), ("functional", "15")):
        cost.locator(f"[name=cost-{name}]").fill(value)
    cost.get_by_role("button", name=exactly(lang, "Calculate and save")).click()
    expect(secretariat.get_by_test_id("valuation-cost")).to_be_visible()
    survey = secretariat.get_by_test_id("survey")
    for name, value in (
        ("customers", "储能集成商"),
        ("market_size_wan", "500000"),
        ("market_size_source", "行业协会"),
        ("market_size_year", "2025"),
        ("competitors", "液态电解质"),
    ):
        survey.locator(f"[name={name}]").fill(value)
    survey.get_by_role("button", name=exactly(lang, "Save the survey")).click()
    expect(secretariat.get_by_role("main")).to_contain_text(
        tr(lang, "The market survey was saved.")
    )
    _shoot(secretariat, lang, "evaluation")
    secretariat.get_by_test_id("issue").click()
    expect(secretariat).to_have_url(REPORT)
    expect(secretariat.get_by_test_id("report")).to_contain_text(
        tr(lang, "Technology Achievement Market Evaluation Report")
    )
    _shoot(secretariat, lang, "report")
    with secretariat.expect_download() as download:
        secretariat.get_by_test_id("pdf").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-")

    # The achievement's page shows the latest issued summary (public report) to anyone.
    visitor = open_as(None, lang)
    visitor.goto(
        secretariat.get_by_role("link", name=exactly(lang, "View the achievement")).get_attribute(
            "href"
        )
        or "/"
    )
    expect(visitor.get_by_test_id("listing-summary")).to_contain_text(tr(lang, "Income approach"))
