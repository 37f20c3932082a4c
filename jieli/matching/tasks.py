"""Background jobs: sentence vectors for new and changed listings."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task


@db_periodic_task(crontab(minute="*"))
@lock_task("jieli-vectors-refresh")
def vectors_refresh() -> None:
    """Every minute: encode what is missing or stale (a bounded batch per run)."""
    from jieli.matching.services import vectors_refresh_all

    vectors_refresh_all(limit_per_kind=2000)


@db_task()
def vectors_refresh_now() -> None:
    from jieli.matching.services import vectors_refresh_all

    vectors_refresh_all(limit_per_kind=None)


@db_periodic_task(crontab(minute="7"))
@lock_task("jieli-classifiers-train")
def classifiers_train() -> None:
    """Hourly: relearn code suggestions from the published listings."""
    from jieli.matching.classification import TARGETS, classifier_train

    for target in TARGETS:
        classifier_train(target)
