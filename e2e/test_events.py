"""A matchmaking fair, as its users do it: the secretariat organises a fair and opens it; a
university's administrator (exhibitor, with an achievement on show) and an enterprise's
engineer (with a demand) register and are confirmed; the engineer requests a meeting and the
university accepts; the secretariat computes the schedule (the solver, with its proven bound)
and announces it; both see their agendas and download the .ics and the PDF; the report draws
its charts. Screenshots at 375 and 1,440 px in both languages go to docs/screenshots/events/."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import ROOT
from e2e.helpers import unique
from e2e.i18n import LANGS, exactly, tr

SHOTS = ROOT / "docs" / "screenshots" / "events"
EVENT = re.compile(r"/events/(\d+)/manage/$")


def _shoot(page: Page, lang: str, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    short = "zh" if lang == "zh-hans" else "en"
    for width, height in ((375, 812), (1440, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{short}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


def _register(page: Page, lang: str, event_path: str, *, exhibitor: bool) -> None:
    page.goto(event_path)
    page.get_by_test_id("register").click()
    form = page.get_by_test_id("register-form")
    if exhibitor:
        form.locator("[name=role]").select_option("exhibitor")
        form.locator("[name=booth]").fill("A12")
        field = form.locator("[name=offers]")
    else:
        field = form.locator("[name=needs]")
    values = [o.get_attribute("value") or "" for o in field.locator("option").all()]
    field.select_option(values)
    for box in form.locator("input[name=sessions]").all():
        box.check()
    form.get_by_role("button", name=exactly(lang, "Register")).click()
    expect(page.get_by_test_id("registration-status")).to_have_text(tr(lang, "Awaiting validation"))


@pytest.mark.parametrize("lang", LANGS)
def test_organise_fair_request_answer_schedule_agendas(open_as, lang):
    staff = open_as("secretariat", lang, path="/events/")
    staff.get_by_test_id("new-event").click()
    form = staff.get_by_test_id("event-form")
    name = unique("对接会" if lang == "zh-hans" else "Matchmaking fair")
    day = (datetime.now() + timedelta(days=10)).strftime("%Y-%m-%d")
    now = datetime.now()
    form.locator("[name=name]").fill(name)
    form.locator("[name=kind]").select_option("fair")
    form.locator("[name=venue]").fill("济南国际会展中心")
    form.locator("[name=sessions]").fill(
        f"上午 | {day} 09:00 | {day} 11:00\n下午 | {day} 14:00 | {day} 16:00"
    )
    form.locator("[name=tables]").fill("4")
    for field, delta in (
        ("registration_opens", -1),
        ("registration_closes", 5),
        ("booking_opens", -1),
        ("booking_closes", 8),
    ):
        form.locator(f"[name={field}]").fill(
            (now + timedelta(days=delta)).strftime("%Y-%m-%dT%H:%M")
        )
    form.get_by_role("button", name=exactly(lang, "Create the event")).click()
    expect(staff).to_have_url(EVENT)
    event_id = EVENT.search(staff.url).group(1)  # type: ignore[union-attr]
    event_path = f"/events/{event_id}/"
    staff.get_by_test_id("open-event").click()
    expect(staff.get_by_test_id("event-status")).to_have_text(tr(lang, "Open to participants"))

    university = open_as("orgadmin", lang)
    _register(university, lang, event_path, exhibitor=True)
    engineer = open_as("member", lang)
    _register(engineer, lang, event_path, exhibitor=False)

    staff.reload()
    for _ in range(2):
        staff.get_by_test_id("registrations").get_by_role(
            "button", name=exactly(lang, "Confirm")
        ).first.click()
    expect(
        staff.get_by_test_id("registrations").get_by_role("button", name=exactly(lang, "Confirm"))
    ).to_have_count(0)

    # The engineer asks the university for a meeting (from the suggestions or the list).
    engineer.goto(f"{event_path}suggestions/")
    _shoot(engineer, lang, "suggestions")
    engineer.get_by_role("main").get_by_role(
        "button", name=exactly(lang, "Request a meeting")
    ).first.click()
    expect(engineer.get_by_role("alert")).to_have_text(tr(lang, "Your meeting request was sent."))

    university.goto(f"{event_path}requests/")
    university.get_by_test_id("accept").first.click()
    expect(university.get_by_test_id("request-status").first).to_have_text(tr(lang, "Accepted"))
    _shoot(university, lang, "requests")

    # The secretariat computes the schedule and announces it.
    staff.reload()
    staff.get_by_test_id("schedule-form").locator("[name=time_limit]").fill("10")
    staff.get_by_test_id("schedule-form").get_by_role(
        "button", name=exactly(lang, "Compute the schedule")
    ).click()
    expect(staff.get_by_test_id("placed").first).to_contain_text("1")
    staff.get_by_test_id("announce").click()
    _shoot(staff, lang, "organiser-desk")
    staff.goto(f"{event_path}plan/")
    expect(staff.get_by_test_id("plan")).to_contain_text("×")
    _shoot(staff, lang, "table-plan")

    # Both see their agendas and download them.
    engineer.goto(f"{event_path}agenda/")
    expect(engineer.get_by_test_id("agenda").locator("article")).to_have_count(1)
    with engineer.expect_download() as ics:
        engineer.get_by_test_id("ics").click()
    assert "BEGIN:VCALENDAR" in ics.value.path().read_text(encoding="utf-8")
    with engineer.expect_download() as pdf:
        engineer.get_by_test_id("pdf").click()
    pdf_bytes = pdf.value.path().read_bytes()
    assert pdf_bytes.startswith(b"%PDF")
    (SHOTS / f"agenda-{'zh' if lang == 'zh-hans' else 'en'}.pdf").write_bytes(pdf_bytes)
    _shoot(engineer, lang, "agenda")
    university.goto(f"{event_path}agenda/")
    university.get_by_role("main").locator("select[name=outcome]").select_option("intention")
    university.get_by_role("button", name=exactly(lang, "Record")).click()
    expect(university.get_by_role("alert")).to_have_text(tr(lang, "The outcome was recorded."))

    staff.goto(f"{event_path}report/")
    expect(staff.get_by_test_id("report-numbers")).to_be_visible()
    expect(staff.locator("svg.bar-chart").first).to_be_visible()
    _shoot(staff, lang, "report")
