"""Background jobs: remind owners of demands that need re-confirmation."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jieli.demands.services import demands_remind_stale


@db_periodic_task(crontab(hour="8", minute="10"))
def remind_stale_demands() -> int:
    return demands_remind_stale()
