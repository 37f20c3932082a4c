"""Background job: put possible duplicates of a new record in the secretariat's queue."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def duplicate_review_queue_job(kind: str, record_id: int) -> None:
    from jieli.duplicates.services import duplicate_review_queue_for

    duplicate_review_queue_for(kind=kind, record_id=record_id)


def queue_duplicate_review(kind: str, record_id: int) -> None:
    """Call inside a create service: the job is enqueued once the transaction commits.

    An import (bulk mode) checks each row itself and queues only the suspects, so it does not
    need a job per row.
    """
    from django.db import transaction

    from jieli.duplicates.index import in_bulk_mode

    if in_bulk_mode():
        return
    transaction.on_commit(lambda: duplicate_review_queue_job(kind, record_id))
