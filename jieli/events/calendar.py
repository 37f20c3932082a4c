"""The agenda as an iCalendar file (``icalendar``) and the check-in QR code (``segno``)."""

from __future__ import annotations

import io
from collections.abc import Iterable

import segno
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from jieli.events.models import Event, Meeting, Registration


def agenda_ics(event: Event, registration: Registration, meetings: Iterable[Meeting]) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Jieli//events//")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", event.name)
    for m in meetings:
        other = m.b if m.a_id == registration.pk else m.a
        item = VEvent()
        item.add("uid", f"jieli-meeting-{m.pk}@{event.pk}")
        item.add("summary", _("Meeting with {who}").format(who=other.organisation))
        item.add("dtstart", m.starts_at)
        item.add("dtend", m.ends_at)
        item.add("dtstamp", m.updated_at)
        where = _("Table {n}").format(n=m.table)
        item.add("location", f"{event.venue or event.online_url} · {where}".strip(" ·"))
        cal.add_component(item)
    return cal.to_ical()


def qr_svg(token: str) -> bytes:
    out = io.BytesIO()
    segno.make(token, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=True)
    return out.getvalue()
