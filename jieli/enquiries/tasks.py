"""Background job: the enquiry service level (remind owners, escalate dropped batons)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="17"))
@lock_task("jieli-enquiries-service-level")
def enquiries_service_level_task() -> tuple[int, int]:
    from jieli.enquiries.services import enquiries_check_service_level

    return enquiries_check_service_level()
