"""Background jobs on the bulk queue: sentence vectors and code-suggestion models.

They run on their own consumer (``jieli_worker --queue bulk``) so that imports, exports and
e-mail on the user queue never wait for them. Vectors are committed a batch at a time with
the count of the run (``job_checkpoint``), so a killed worker loses at most one batch and the
next run continues from what is stored (pending = no vector, or a listing changed since its
vector's text was read whose text hash differs).
"""

from __future__ import annotations

from huey import crontab

from jieli.core.jobs import bulk_huey, bulk_periodic_task, bulk_task


def _vectors(limit_per_kind: int | None) -> None:
    from jieli.core.jobs import job_checkpoint, job_run
    from jieli.matching.services import vectors_refresh_all

    with job_run("vectors", queue="bulk") as run:
        done: dict[str, int] = {}

        def checkpoint(key: str, count: int) -> None:
            done[key] = count
            job_checkpoint(run, dict(done))

        vectors_refresh_all(limit_per_kind=limit_per_kind, checkpoint=checkpoint)


@bulk_periodic_task(crontab(minute="*"))
@bulk_huey.lock_task("jieli-vectors-refresh")
def vectors_refresh() -> None:
    """Every minute: encode what is missing or stale (a bounded batch per run)."""
    _vectors(2000)


@bulk_task()
def vectors_refresh_now() -> None:
    _vectors(None)


@bulk_periodic_task(crontab(minute="7"))
@bulk_huey.lock_task("jieli-classifiers-train")
def classifiers_train() -> None:
    """Hourly: relearn code suggestions from the published listings."""
    from jieli.matching.classification import TARGETS, classifier_train

    for target in TARGETS:
        classifier_train(target)
