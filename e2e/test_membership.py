"""A visitor registers, applies for their organisation's membership, and the secretariat admits
it; the applicant then sees their organisation as a member."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import signed_in_marker
from e2e.helpers import register_and_apply, unique
from e2e.i18n import LANGS, exactly, tr

NAMES = {
    "zh-hans": ("e2e-zh", "端到端测试智能传感器有限公司"),
    "en": ("e2e-en", "End-to-end Test Robotics Co., Ltd."),
}


@pytest.mark.parametrize("lang", LANGS)
def test_visitor_registers_applies_and_the_secretariat_admits(open_as, lang):
    username, org_name = (unique(n) for n in NAMES[lang])
    applicant = open_as(None, lang)
    org_path = register_and_apply(
        applicant,
        lang,
        username,
        "测试用户" if lang == "zh-hans" else "Test User",
        org_name,
        "传感器与机器人。" if lang == "zh-hans" else "Sensors.",
    )
    expect(signed_in_marker(applicant, lang)).to_be_attached()
    expect(applicant.get_by_role("heading", level=1)).to_have_text(org_name)
    expect(
        applicant.get_by_role("main").get_by_text(exactly(lang, "Applying")).first
    ).to_be_visible()

    # The queue's membership applications (a tab of their own once the queue is split by kind).
    secretariat = open_as("secretariat", lang, path="/review/?kind=organisations")
    secretariat.get_by_role("main").get_by_role("link", name=org_name, exact=True).click()
    expect(secretariat).to_have_url(re.compile(re.escape(org_path) + "$"))
    decision = secretariat.get_by_role("main")
    decision.locator("[name=action]").select_option("admit")
    decision.locator("[name=reason]").fill(
        "材料齐全。" if lang == "zh-hans" else "Papers complete."
    )
    decision.get_by_role("button", name=exactly(lang, "Record decision")).click()
    expect(secretariat.get_by_text(tr(lang, "Decision recorded."))).to_be_visible()
    expect(
        secretariat.get_by_role("main").get_by_text(exactly(lang, "Member")).first
    ).to_be_visible()

    # No longer waiting in the queue; the applicant's workspace shows the membership.
    secretariat.goto("/review/?kind=organisations")
    expect(secretariat.get_by_role("main").get_by_role("link", name=org_name)).to_have_count(0)
    applicant.goto("/workspace/")
    expect(applicant.get_by_role("main").locator(f"a[href='{org_path}']")).to_contain_text(org_name)
    expect(applicant.get_by_role("main").get_by_text(exactly(lang, "Member")).first).to_be_visible()
    expect(
        applicant.get_by_role("main").get_by_role("link", name=exactly(lang, "New achievement"))
    ).to_be_visible()
