"""Two transactions notifying the same event at once: the database's unique constraint lets one
through, the other skips that recipient (and keeps the rest of its batch)."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from jieli.notifications import services
from jieli.notifications.models import Notification


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers (PostgreSQL); SQLite runs one writer at a time",
)
def test_two_transactions_at_once_notify_once():
    users = get_user_model().objects
    a = users.create_user("a", "a@example.org", "pw")
    b = users.create_user("b", "b@example.org", "pw")
    first_inserted = threading.Event()
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = services.notification_send(
                    kind="tests.ping", recipient_ids=[a.pk], dedupe_key="same-event"
                )
                first_inserted.set()
                # Hold the transaction open while the second one inserts (and waits on us).
                threading.Event().wait(0.5)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            first_inserted.set()
        finally:
            connection.close()

    def second() -> None:
        first_inserted.wait(5)
        try:
            with transaction.atomic():
                # Its pre-check cannot see the first one's uncommitted row: only the unique
                # constraint stops the duplicate.
                results["second"] = services.notification_send(
                    kind="tests.ping", recipient_ids=[a.pk, b.pk], dedupe_key="same-event"
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert errors == []
    assert results == {"first": 1, "second": 1}
    assert sorted(
        Notification.objects.filter(dedupe_key="same-event").values_list("recipient_id", flat=True)
    ) == sorted([a.pk, b.pk])
