"""A participant's calendar (.ics): busy times make the overlapping slots unavailable;
garbage, oversized files, thousands of events and exploding rules are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from jieli.core.errors import InvalidInput, NotFound
from jieli.core.models import ChangeRecord
from jieli.events import busy, running
from jieli.events.models import Registration
from jieli.events.tests.factories import accepted_meeting
from jieli.organisations.tests.factories import viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def ics(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\nUID:{i}@t\r\n{e}END:VEVENT\r\n" for i, e in enumerate(events))
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//\r\n{body}END:VCALENDAR\r\n".encode()


def utc(dt) -> str:
    from datetime import UTC

    return dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def first_session(fair):
    return fair.sessions.order_by("starts_at").first()


def load(roles, fair, data: bytes, user=None, name="cal.ics"):
    return busy.busy_import(
        viewer=viewer_of(user or roles.other_member),
        event_id=fair.pk,
        upload=SimpleUploadedFile(name, data, content_type="text/calendar"),
    )


def test_busy_hour_blocks_the_overlapping_slots_and_the_scheduler_skips_them(
    roles, fair, participants
):
    s = first_session(fair)  # 09:00–11:00, 20-minute meetings every 25 minutes: 5 slots
    cal = ics(
        f"DTSTART:{utc(s.starts_at)}\r\nDTEND:{utc(s.starts_at + timedelta(minutes=30))}\r\n",
        # free (transparent) and cancelled events are not busy
        f"DTSTART:{utc(s.starts_at + timedelta(hours=1))}\r\nDURATION:PT30M\r\n"
        "TRANSP:TRANSPARENT\r\n",
        f"DTSTART:{utc(s.starts_at + timedelta(hours=1))}\r\nDURATION:PT30M\r\n"
        "STATUS:CANCELLED\r\n",
    )
    reg, blocked = load(roles, fair, cal)
    assert blocked == 2  # 09:00 and 09:25
    assert len(reg.busy) == 1
    assert ChangeRecord.objects.filter(action="busy_import").count() == 1
    problem, slots = running.build_problem(fair)
    free = problem.availability[reg.pk]
    assert {slots[i].start for i in range(len(slots)) if i not in free} == {
        s.starts_at,
        s.starts_at + timedelta(minutes=25),
    }
    other = Registration.objects.get(event=fair, user=roles.owner_member)
    assert len(problem.availability[other.pk]) == len(slots)


def test_the_scheduled_meeting_avoids_busy_slots(roles, fair, participants):
    from jieli.events.models import Meeting
    from jieli.events.tests.factories import run_schedule

    s = first_session(fair)
    # busy the whole morning: the meeting must go to the afternoon
    load(roles, fair, ics(f"DTSTART:{utc(s.starts_at)}\r\nDTEND:{utc(s.ends_at)}\r\n"))
    req = accepted_meeting(roles, fair)
    run_schedule(roles.secretariat, fair)
    meeting = Meeting.objects.get(request=req)
    assert meeting.starts_at is not None and meeting.starts_at >= s.ends_at


def test_weekly_rule_and_exdate_expand_inside_the_fair(roles, fair, participants):
    s = first_session(fair)
    start = s.starts_at - timedelta(days=14)
    cal = ics(
        f"DTSTART:{utc(start)}\r\nDURATION:PT20M\r\nRRULE:FREQ=WEEKLY;COUNT=10\r\n"
        f"EXDATE:{utc(start + timedelta(days=7))}\r\n",
        f"DTSTART:{utc(s.starts_at + timedelta(minutes=50))}\r\nDURATION:PT5M\r\n"
        "RRULE:FREQ=DAILY\r\n",  # endless but walked only up to the fair's end
    )
    _reg, blocked = load(roles, fair, cal)
    assert blocked == 2  # 09:00 (weekly) and 09:50 (daily)


def test_a_new_calendar_replaces_the_busy_times(roles, fair, participants):
    s = first_session(fair)
    load(roles, fair, ics(f"DTSTART:{utc(s.starts_at)}\r\nDURATION:PT1H\r\n"))
    reg, blocked = load(roles, fair, ics())
    assert blocked == 0 and reg.busy == []


def busy_before(roles, fair):
    return Registration.objects.get(event=fair, user=roles.other_member).busy


GARBAGE = [
    (b"hello world, this is not a calendar", "not a valid .ics"),
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a valid .ics"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\n", "not a valid .ics"),
    (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:no start\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n",
        "no valid start",
    ),
    (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nEND:VCARD\r\n", "not a valid .ics"),
]


@pytest.mark.parametrize("data,problem", GARBAGE)
def test_garbage_refused_nothing_saved(roles, fair, participants, data, problem):
    s = first_session(fair)
    load(roles, fair, ics(f"DTSTART:{utc(s.starts_at)}\r\nDURATION:PT1H\r\n"))
    before = busy_before(roles, fair)
    with pytest.raises(InvalidInput) as info:
        load(roles, fair, data)
    assert problem in info.value.fields["file"][0]
    assert busy_before(roles, fair) == before


def test_thousands_of_events_refused(roles, fair, participants):
    s = first_session(fair)
    one = f"DTSTART:{utc(s.starts_at)}\r\nDURATION:PT1M\r\n"
    with pytest.raises(InvalidInput) as info:
        load(roles, fair, ics(*[one] * (busy.MAX_EVENTS + 1)))
    assert "more than 1000 events" in info.value.message
    assert busy_before(roles, fair) == []


def test_oversized_refused(roles, fair, participants, monkeypatch):
    monkeypatch.setattr(busy, "MAX_BYTES", 200)
    s = first_session(fair)
    with pytest.raises(InvalidInput) as info:
        load(roles, fair, ics(f"DTSTART:{utc(s.starts_at)}\r\nDURATION:PT1H\r\n" * 5))
    assert "too large" in info.value.message


@pytest.mark.parametrize(
    "rule,problem",
    [
        ("FREQ=SECONDLY", "every second or minute"),
        ("FREQ=MINUTELY;INTERVAL=1", "every second or minute"),
        ("FREQ=HOURLY", "repeats more than 5000 times"),  # from 1990: millions before the fair
        ("FREQ=WEEKLY;BYDAY=XX", "cannot be read"),
    ],
)
def test_exploding_rules_refused(roles, fair, participants, rule, problem):
    cal = ics(f"DTSTART:19900101T090000Z\r\nDURATION:PT10M\r\nRRULE:{rule}\r\n")
    with pytest.raises(InvalidInput) as info:
        load(roles, fair, cal)
    assert problem in info.value.message
    assert busy_before(roles, fair) == []


def test_only_a_registered_participant(roles, fair, participants):
    with pytest.raises(NotFound):
        load(roles, fair, ics(), user=roles.registered)


def test_message_in_chinese(roles, fair, participants):
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as info:
        load(roles, fair, b"hello")
    assert "日历" in info.value.message


def test_page(client, roles, fair, participants):
    client.force_login(roles.other_member)
    url = f"/events/{fair.pk}/busy/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"file": SimpleUploadedFile("x.ics", b"garbage")})
    assert bad.status_code == 400 and "busy-report" in bad.content.decode()
    s = first_session(fair)
    data = ics(f"DTSTART:{utc(s.starts_at)}\r\nDURATION:PT1H\r\n")
    ok = client.post(url, {"file": SimpleUploadedFile("x.ics", data)})
    assert ok.status_code == 302
    assert busy_before(roles, fair)
    client.force_login(roles.registered)
    assert client.get(url).status_code == 404


def test_many_rules_bounded_in_total(roles, fair, participants):
    # ten rules of 4000 repetitions: each under the per-rule bound, together over the total
    rule = "DTSTART:20200101T090000Z\r\nDURATION:PT10M\r\nRRULE:FREQ=DAILY;COUNT=4000\r\n"
    with pytest.raises(InvalidInput) as info:
        load(roles, fair, ics(*[rule] * 10))
    assert "more than 20000 busy times" in info.value.message


def test_api(client, roles, fair, participants):
    url = f"/api/v1/events/{fair.pk}/busy"
    s = first_session(fair)
    data = ics(f"DTSTART:{utc(s.starts_at)}\r\nDURATION:PT1H\r\n")
    assert client.post(url, {"file": SimpleUploadedFile("c.ics", data)}).status_code == 401
    client.force_login(roles.registered)
    assert client.post(url, {"file": SimpleUploadedFile("c.ics", data)}).status_code == 404
    client.force_login(roles.other_member)
    bad = client.post(url, {"file": SimpleUploadedFile("c.ics", b"garbage")})
    assert bad.status_code == 422 and bad.json()["fields"]["file"]
    assert busy_before(roles, fair) == []
    ok = client.post(url, {"file": SimpleUploadedFile("c.ics", data)})
    assert ok.status_code == 200 and ok.json()["unavailable_slots"] == 3
    assert len(ok.json()["busy"]) == 1
