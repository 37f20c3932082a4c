"""A platform's free capacity: per day, its capacity minus the units of accepted bookings.

Callers hold the platform row lock (``select_for_update`` in the booking services; SQLite's write
transaction serialises them), so the check and the write that follows see the same bookings.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput
from jieli.facilities.booking_stages import HOLDING
from jieli.facilities.models import AvailabilityWindow, Booking, PilotPlatform

MAX_DAYS = 366


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def check_dates(start: date | None, end: date | None, *, today: date, prefix: str = "") -> None:
    """A window that can be booked: both ends, end not before start, not in the past, ≤ a year."""
    start_name, end_name = f"{prefix}start_date", f"{prefix}end_date"
    errors: dict[str, list[str]] = {}
    if start is None:
        errors[start_name] = [_("This field is required.")]
    if end is None:
        errors[end_name] = [_("This field is required.")]
    if errors:
        raise InvalidInput(fields=errors)
    assert start is not None and end is not None
    if end < start:
        raise InvalidInput(fields={end_name: [_("The end date is before the start date.")]})
    if start < today:
        raise InvalidInput(fields={start_name: [_("The window must not start in the past.")]})
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput(
            fields={end_name: [_("A booking may span at most {n} days.").format(n=MAX_DAYS)]}
        )


def check_units(units: object) -> int:
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise InvalidInput(fields={"units": [_("Enter a whole number of at least 1.")]})
    return units


def check_available(platform: PilotPlatform, start: date, end: date, *, field: str) -> None:
    """Every day of the window lies in one of the platform's availability windows."""
    windows = list(
        AvailabilityWindow.objects.filter(
            platform=platform, start_date__lte=end, end_date__gte=start
        ).values_list("start_date", "end_date")
    )
    for day in days(start, end):
        if not any(a <= day <= b for a, b in windows):
            raise InvalidInput(
                fields={
                    field: [
                        _("The platform is not available on {day}; see its calendar.").format(
                            day=day.isoformat()
                        )
                    ]
                }
            )


def load_by_day(
    platform: PilotPlatform, start: date, end: date, *, exclude: int | None = None
) -> dict[date, int]:
    """Units of accepted bookings on each day of ``start``…``end``."""
    load = dict.fromkeys(days(start, end), 0)
    rows = Booking.objects.filter(
        platform=platform, status__in=HOLDING, start_date__lte=end, end_date__gte=start
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    for b_start, b_end, units in rows.values_list("start_date", "end_date", "units"):
        for day in days(max(b_start, start), min(b_end, end)):
            load[day] += units
    return load


def free_units(
    platform: PilotPlatform, start: date, end: date, *, exclude: int | None = None
) -> int:
    """The fewest free units on any day of the window."""
    load = load_by_day(platform, start, end, exclude=exclude)
    return platform.capacity_per_day - max(load.values(), default=0)


def check_capacity(
    platform: PilotPlatform,
    start: date,
    end: date,
    units: int,
    *,
    exclude: int | None = None,
) -> None:
    """Refuse ``units`` a day when some day of the window has fewer free units."""
    if units > platform.capacity_per_day:
        raise InvalidInput(
            fields={
                "units": [
                    _("The platform has only {n} {unit} a day.").format(
                        n=platform.capacity_per_day, unit=platform.unit_name
                    )
                ]
            }
        )
    load = load_by_day(platform, start, end, exclude=exclude)
    for day, used in sorted(load.items()):
        free = platform.capacity_per_day - used
        if units > free:
            raise InvalidInput(
                _("Not enough free capacity for this window."),
                fields={
                    "units": [
                        _("Only {free} {unit} are free on {day}.").format(
                            free=max(free, 0), unit=platform.unit_name, day=day.isoformat()
                        )
                    ]
                },
            )
