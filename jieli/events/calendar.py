"""The agenda as an iCalendar file (``icalendar``) and the check-in QR code (``segno``)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from jieli.events.models import Event, Meeting, Registration


def agenda_ics(event: Event, registration: Registration, meetings: Iterable[Meeting]) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Jieli//events//")
    cal.add("version", "2.0")
    # Names are single-line since the check on save; older rows are made so here (a line break
    # in a calendar property breaks the whole file).
    cal.add("x-wr-calname", " ".join(str(event.name).split()))
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


def agenda_pdf(event: Event, registration: Registration, meetings: Iterable[Meeting]) -> bytes:
    """The agenda as a PDF (``core.pdf``: embedded CJK font) with the check-in QR code."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Spacer

    from jieli.core import pdf

    st = pdf.styles()
    person = registration.user.get_full_name() or registration.user.get_username()
    story: list[Any] = [
        pdf.para(_("My agenda"), st["title"]),
        pdf.para(f"{event.name}\n{person} · {registration.organisation}", st["subtitle"]),
    ]
    rows: list[list[object]] = [[_("Time"), _("Table"), _("Meets"), _("Booth")]]
    for m in meetings:
        other = m.b if m.a_id == registration.pk else m.a
        when = ""
        if m.starts_at and m.ends_at:
            start, end = timezone.localtime(m.starts_at), timezone.localtime(m.ends_at)
            when = f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
        rows.append([when, m.table or "", str(other.organisation), other.booth or "—"])
    if len(rows) == 1:
        story.append(pdf.para(_("No meetings on your agenda yet."), st["body"]))
    else:
        width = pdf.usable_width()
        story.append(
            pdf.table(rows, col_widths=[0.3 * width, 0.1 * width, 0.45 * width, 0.15 * width])
        )
    if registration.status == "confirmed":
        png = io.BytesIO()
        segno.make(registration.checkin_token, error="m").save(png, kind="png", scale=5, border=2)
        png.seek(0)
        story += [
            Spacer(1, 8 * mm),
            pdf.para(_("Check-in code"), st["h2"]),
            Image(png, width=35 * mm, height=35 * mm),
            pdf.para(registration.checkin_token, st["small"]),
        ]
    where = event.venue or event.online_url
    return pdf.build_pdf(story, title=f"{event.name} · {_('My agenda')}", footer=where)
