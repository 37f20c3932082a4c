"""Background job: expire booking requests and proposals nobody answered before their window
started (hourly; a killed run leaves the rest for the next one, and each booking is expired
once under its row lock)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="23"))
@lock_task("jieli-facilities-expire-bookings")
def facilities_expire_bookings_task() -> int:
    from jieli.facilities.booking_services import bookings_expire

    return bookings_expire()
