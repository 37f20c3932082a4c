"""A participant's busy times from an uploaded .ics calendar (``icalendar``).

The busy events (not cancelled, not marked free) and their repetitions are clipped to the
event's sessions, merged, and stored on the registration; the scheduler leaves the slots that
overlap them out (``running.build_problem``). Everything is bounded: the file's size, the number
of events, the repetitions a rule may produce (rules repeating every second or minute are
refused), and the stored intervals. The calendar is read whole before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput, NotAuthenticated, NotFound
from jieli.core.history import change_record
from jieli.core.viewer import Viewer
from jieli.events import scheduling
from jieli.events.models import Event, Registration, RegistrationStatus

MAX_BYTES = 1 * 2**20
MAX_EVENTS = 1000
MAX_REPEATS = 5000  # repetitions walked for one rule
MAX_TOTAL = 20000  # busy intervals (repetitions included) for the whole file
MAX_STORED = 500
Interval = tuple[datetime, datetime]


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, fields={"file": [message]})


def _aware(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _dates(prop: Any) -> set[datetime]:
    """EXDATE values (one property or a list of them) as aware datetimes."""
    out: set[datetime] = set()
    for item in prop if isinstance(prop, list) else [prop]:
        for d in getattr(item, "dts", []):
            out.add(_aware(d.dt))
    return out


def _occurrences(component: Any, start: datetime, window_end: datetime) -> Iterator[datetime]:
    """The starts of a repeating event up to the window's end, bounded."""
    from dateutil.rrule import rrulestr  # type: ignore[import-untyped]

    try:
        rules = component.get("rrule")
        exdate = component.get("exdate")
        excluded = _dates(exdate) if exdate else set()
    except Exception as exc:
        raise _refuse(_("A repeating event's rule cannot be read.")) from exc
    if rules is None:
        yield start
        return
    rules = rules if isinstance(rules, list) else [rules]
    for rule in rules:
        try:
            freq = str((rule.get("FREQ") or [""])[0]).upper()
            recurrence = rrulestr(rule.to_ical().decode(), dtstart=start)
        except Exception as exc:  # a broken property raises on access; dateutil ValueError
            raise _refuse(_("A repeating event's rule cannot be read.")) from exc
        if freq in ("SECONDLY", "MINUTELY"):
            raise _refuse(_("A repeating event repeats every second or minute; refused."))
        for walked, at in enumerate(recurrence, 1):
            if walked > MAX_REPEATS:
                raise _refuse(
                    _(
                        "A repeating event repeats more than {n} times before the fair; "
                        "export only the weeks around the fair."
                    ).format(n=MAX_REPEATS)
                )
            if at >= window_end:
                break
            if at not in excluded:
                yield at


def parse_busy(data: bytes, window: Interval) -> list[Interval]:
    """The calendar's busy intervals inside ``window``, merged; refused when the file is not
    a calendar or breaks a bound."""
    from icalendar import Calendar

    if len(data) > MAX_BYTES:
        raise _refuse(
            _("The calendar file is too large; the limit is {n} MB.").format(n=MAX_BYTES // 2**20)
        )
    if not data.strip():
        raise _refuse(_("The file is empty."))
    if data.count(b"BEGIN:VEVENT") > MAX_EVENTS:
        raise _refuse(
            _(
                "The calendar holds more than {n} events; export only the weeks around the fair."
            ).format(n=MAX_EVENTS)
        )
    try:
        data.decode("utf-8")
        calendar = Calendar.from_ical(data)
    except Exception as exc:  # icalendar raises ValueError, KeyError, IndexError … on garbage
        raise _refuse(_("This is not a valid .ics calendar file.")) from exc
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise _refuse(_("This is not a valid .ics calendar file."))
    window_start, window_end = window
    busy: list[Interval] = []
    walked = 0
    for component in calendar.walk("VEVENT"):
        if str(component.get("status", "")).upper() == "CANCELLED":
            continue
        if str(component.get("transp", "")).upper() == "TRANSPARENT":
            continue
        try:
            raw_start = component.decoded("dtstart")
            start = _aware(raw_start)
            if component.get("dtend") is not None:
                end = _aware(component.decoded("dtend"))
            elif component.get("duration") is not None:
                end = start + component.decoded("duration")
            elif not isinstance(raw_start, datetime):
                end = start + timedelta(days=1)
            else:
                end = start
        except Exception as exc:  # missing (KeyError) or broken (icalendar's errors) values
            raise _refuse(_("An event in the calendar has no valid start or end.")) from exc
        length = end - start
        if length <= timedelta(0):
            continue
        for at in _occurrences(component, start, window_end):
            walked += 1  # every repetition walked counts, inside the fair or before it
            if walked > MAX_TOTAL:
                raise _refuse(
                    _("The calendar holds more than {n} busy times; refused.").format(n=MAX_TOTAL)
                )
            lo, hi = max(at, window_start), min(at + length, window_end)
            if lo < hi:
                busy.append((lo, hi))
    return merge(busy)


def merge(intervals: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for lo, hi in sorted(intervals):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def stored(registration: Registration) -> list[Interval]:
    return [
        (datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in registration.busy or []
    ]


def overlaps(slot_start: Any, slot_end: Any, busy: list[Interval]) -> bool:
    return any(lo < slot_end and slot_start < hi for lo, hi in busy)


def busy_import(*, viewer: Viewer, event_id: int, upload: UploadedFile) -> tuple[Registration, int]:
    """Replace the viewer's busy times for the event with those of the calendar; returns the
    registration and how many meeting slots that makes unavailable."""
    if viewer.user_id is None:
        raise NotAuthenticated()
    reg = (
        Registration.objects.select_related("event")
        .filter(event_id=event_id, user_id=viewer.user_id)
        .exclude(status__in=[RegistrationStatus.REJECTED, RegistrationStatus.CANCELLED])
        .first()
    )
    if reg is None:
        raise NotFound()
    event: Event = reg.event
    if upload.size is None or upload.size > MAX_BYTES:
        raise _refuse(
            _("The calendar file is too large; the limit is {n} MB.").format(n=MAX_BYTES // 2**20)
        )
    data = upload.read(MAX_BYTES + 1)
    sessions = list(event.sessions.all())
    window = (min(s.starts_at for s in sessions), max(s.ends_at for s in sessions))
    intervals = parse_busy(data, window)
    windows = [(s.starts_at, s.ends_at) for s in sessions]
    intervals = merge(
        [(max(lo, a), min(hi, b)) for lo, hi in intervals for a, b in windows if lo < b and a < hi]
    )
    if len(intervals) > MAX_STORED:
        raise _refuse(
            _("The calendar marks more than {n} separate busy times during the fair.").format(
                n=MAX_STORED
            )
        )
    slots = scheduling.slot_grid(
        [(s.pk, s.starts_at, s.ends_at) for s in sessions],
        meeting_minutes=event.meeting_minutes,
        gap_minutes=event.break_minutes,
    )
    blocked = sum(1 for s in slots if overlaps(s.start, s.end, intervals))
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=reg.pk)
        before = len(locked.busy or [])
        locked.busy = [[lo.isoformat(), hi.isoformat()] for lo, hi in intervals]
        locked.save(update_fields=["busy", "updated_at"])
        change_record(
            target=locked,
            actor_id=viewer.user_id,
            action="busy_import",
            changes={"busy": [before, len(intervals)]},
        )
    return locked, blocked
