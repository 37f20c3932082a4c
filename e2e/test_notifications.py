"""The notification centre: the secretariat admits an organisation; its administrator sees the
decision under the header bell, opens it (read), and chooses a daily digest instead of e-mails
at once. Screenshots of the centre at 375 and 1,440 px in both languages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import ARTIFACTS
from e2e.helpers import register_and_apply, unique
from e2e.i18n import LANGS, exactly, tr

NAMES = {
    "zh-hans": ("e2e-notice-zh", "端到端通知测试科技有限公司"),
    "en": ("e2e-notice-en", "End-to-end Notice Test Co., Ltd."),
}


@pytest.mark.parametrize("lang", LANGS)
def test_admin_is_notified_of_the_decision_and_chooses_a_digest(open_as, lang):
    username, org_name = (unique(n) for n in NAMES[lang])
    applicant = open_as(None, lang)
    org_path = register_and_apply(
        applicant,
        lang,
        username,
        "通知用户" if lang == "zh-hans" else "Notice User",
        org_name,
        "通知。" if lang == "zh-hans" else "Notices.",
    )
    bell = applicant.get_by_test_id("notification-bell")
    expect(bell).to_have_accessible_name(exactly(lang, "Notifications"))

    secretariat = open_as("secretariat", lang, path=org_path)
    decision = secretariat.get_by_role("main")
    decision.locator("[name=action]").select_option("admit")
    decision.locator("[name=reason]").fill(
        "材料齐全。" if lang == "zh-hans" else "Papers complete."
    )
    decision.get_by_role("button", name=exactly(lang, "Record decision")).click()
    expect(secretariat.get_by_text(tr(lang, "Decision recorded."))).to_be_visible()

    # The applicant administers the organisation: one unread notification under the bell.
    applicant.reload()
    expect(bell).to_contain_text("1")
    bell.click()
    expect(applicant).to_have_url(re.compile(r"/notifications/$"))
    item = applicant.get_by_test_id("notification")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(org_name)
    expect(item).to_contain_text("材料齐全。" if lang == "zh-hans" else "Papers complete.")
    short = "zh" if lang == "zh-hans" else "en"
    for width, height in ((375, 812), (1440, 900)):
        applicant.set_viewport_size({"width": width, "height": height})
        # Usable at 375 px: nothing wider than the screen.
        assert applicant.evaluate("document.documentElement.scrollWidth") <= width
        applicant.screenshot(
            path=str(ARTIFACTS / f"notifications-{short}-{width}.png"), full_page=True
        )
    applicant.set_viewport_size({"width": 1440, "height": 900})

    item.get_by_role("button", name=exactly(lang, "Open")).click()
    expect(applicant).to_have_url(re.compile(re.escape(org_path) + "$"))
    expect(bell).not_to_contain_text("1")

    applicant.goto("/notifications/settings/")
    choice = applicant.get_by_label(tr(lang, "Membership decisions about my organisation"))
    expect(choice).to_have_value("immediate")
    choice.select_option("daily")
    applicant.get_by_role("main").get_by_role("button", name=exactly(lang, "Save")).click()
    expect(applicant.get_by_text(tr(lang, "Your notification settings are saved."))).to_be_visible()
    expect(
        applicant.get_by_label(tr(lang, "Membership decisions about my organisation"))
    ).to_have_value("daily")
