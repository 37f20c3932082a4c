"""Booking a pilot-test platform, as its users do it: a company member finds the platform in
the directory and asks for capacity; the operator's administrator proposes another window; the
member accepts it and the booking is confirmed. Screenshots at 375 and 1,440 px in both
languages go to docs/screenshots/facilities/."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import ROOT
from e2e.i18n import LANGS, exactly, tr

BOOKING = re.compile(r"/facilities/bookings/(\d+)/$")
PLATFORM = {
    "zh-hans": "滨海示范新能源材料中试平台（演示）",
    "en": "Binhai new-energy materials pilot platform (demo)",
}
SHOTS = ROOT / "docs" / "screenshots" / "facilities"


def _shoot(page: Page, lang: str, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    short = "zh" if lang == "zh-hans" else "en"
    for width, height in ((375, 812), (1440, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{short}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


def _day(n: int) -> str:
    return (date.today() + timedelta(days=n)).isoformat()


@pytest.mark.parametrize("lang", LANGS)
def test_member_books_operator_proposes_member_accepts(open_as, lang):
    # The member finds the platform in the directory, filtered by words in its capabilities.
    member = open_as("member", lang, path="/facilities/platforms/")
    expect(member.get_by_role("heading", level=1)).to_have_text(tr(lang, "Pilot-test platforms"))
    rows = member.get_by_test_id("platform-row")
    expect(rows.first).to_be_visible()
    _shoot(member, lang, "platforms")
    member.get_by_role("main").get_by_role("link", name=PLATFORM[lang], exact=True).click()
    expect(member.get_by_role("heading", level=1)).to_have_text(PLATFORM[lang])
    expect(member.get_by_test_id("services")).to_be_visible()

    # Asking for more than the platform has is refused in place, nothing is sent.
    form = member.get_by_test_id("booking-form")
    offset = 40 if lang == "zh-hans" else 43
    form.locator("[name=units]").fill("9")
    form.locator("[name=start_date]").fill(_day(offset))
    form.locator("[name=end_date]").fill(_day(offset + 1))
    form.locator("[name=purpose]").fill(
        "电解液配方的公斤级放大验证。" if lang == "zh-hans" else "Kilogram-scale electrolyte trial."
    )
    form.get_by_role("button", name=exactly(lang, "Send request")).click()
    expect(member.get_by_role("main").get_by_text(re.compile("4"))).not_to_have_count(0)
    expect(member).not_to_have_url(BOOKING)
    _shoot(member, lang, "platform-refused")

    form = member.get_by_test_id("booking-form")
    form.locator("[name=units]").fill("2")
    form.get_by_role("button", name=exactly(lang, "Send request")).click()
    expect(member).to_have_url(BOOKING)
    expect(
        member.get_by_text(tr(lang, "Your booking request was sent to the operator."))
    ).to_be_visible()
    expect(member.get_by_test_id("status")).to_have_text(tr(lang, "Requested"))
    booking = BOOKING.search(member.url).group(0)  # type: ignore[union-attr]

    # The operator's administrator sees it among the requests for its platforms and proposes
    # another window.
    operator = open_as("orgadmin", lang, path="/facilities/bookings/?role=operator")
    operator.get_by_role("main").locator(f"a[href='{booking}']").click()
    moves = operator.get_by_test_id("moves")
    moves.locator("[name=reason]").fill(
        "原定时段设备检修，建议顺延一天。" if lang == "zh-hans" else "Maintenance; one day later?"
    )
    moves.locator("[name=proposed_start]").fill(_day(offset + 1))
    moves.locator("[name=proposed_end]").fill(_day(offset + 2))
    moves.get_by_role("button", name=exactly(lang, "propose another window")).click()
    expect(
        operator.get_by_text(tr(lang, "Your proposal was sent to the requester."))
    ).to_be_visible()
    expect(operator.get_by_test_id("status")).to_have_text(tr(lang, "Another window proposed"))

    # The member sees the proposal and accepts it: the booking is confirmed for the new window.
    member.goto(booking)
    expect(member.get_by_test_id("proposal")).to_contain_text(_day(offset + 1))
    _shoot(member, lang, "booking-proposed")
    member.get_by_test_id("moves").get_by_role(
        "button", name=exactly(lang, "accept the proposed window")
    ).click()
    expect(
        member.get_by_text(tr(lang, "You accepted the proposed window; the booking is confirmed."))
    ).to_be_visible()
    expect(member.get_by_test_id("status")).to_have_text(tr(lang, "Accepted"))
    expect(member.get_by_test_id("window")).to_contain_text(_day(offset + 1))
    expect(member.get_by_test_id("history")).to_contain_text(tr(lang, "proposed window accepted"))
    _shoot(member, lang, "booking-accepted")

    # The operator was told (the bell's notification list names the platform).
    operator.goto("/notifications/")
    expect(operator.get_by_role("main").get_by_text(PLATFORM[lang]).first).to_be_visible()

    # Zones and clusters: Weihai and Chengde are listed.
    member.goto("/facilities/zones/")
    expect(member.get_by_test_id("zone-row")).not_to_have_count(0)
    _shoot(member, lang, "zones")
    member.get_by_role("main").get_by_role("link", name=re.compile("承德|Chengde")).first.click()
    expect(member.get_by_test_id("in-region")).to_be_visible()
    _shoot(member, lang, "zone-chengde")
