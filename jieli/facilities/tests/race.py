"""Two operators accept, at the same moment, two requests that each need the platform's last
free units: exactly one may win. Used in-process on PostgreSQL and in a child process on a
file-based SQLite database (``test_capacity.py``).

``load_by_day`` is slowed down so that, without the platform row lock, both transactions would
read "nothing accepted yet" before either writes — the race the lock must prevent."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.db import connection


def setup() -> tuple[list[Any], list[int]]:
    """A platform of 4 units a day and two requests of 3 units on the same days; the two
    people who will accept them (the operator's administrator and the secretariat)."""
    from jieli.facilities.tests.factories import platform, request
    from jieli.organisations.tests.factories import role_users

    # The code lists are there: loaded by the migrations (the child process) or, after an
    # earlier transactional test's flush, by the root conftest's ``code_lists`` fixture.
    roles = role_users()
    pilot = platform(roles.owner_admin, roles.owner_org.pk)
    first = request(roles.other_member, pilot.pk, units=3)
    second = request(roles.other_member, pilot.pk, units=3)
    return [roles.owner_admin, roles.secretariat], [first.pk, second.pk]


def race(users: list[Any], booking_ids: list[int]) -> list[str]:
    """Accept both bookings at once, one thread each; each result is "accepted" or the
    refusal's code."""
    from jieli.core.errors import ServiceError
    from jieli.facilities import capacity
    from jieli.facilities.booking_services import booking_move
    from jieli.organisations.tests.factories import viewer_of

    viewers = [viewer_of(u) for u in users]
    barrier = threading.Barrier(2)
    results: list[str] = []
    original = capacity.load_by_day

    def slow_load(*args: Any, **kwargs: Any) -> Any:
        load = original(*args, **kwargs)
        time.sleep(0.5)
        return load

    def accept(viewer: Any, pk: int) -> None:
        try:
            barrier.wait(10)
            booking_move(viewer=viewer, pk=pk, move="accept")
            results.append("accepted")
        except ServiceError as exc:
            results.append(exc.code)
        except Exception as exc:  # pragma: no cover - reported by the assertion
            results.append(f"error: {exc!r}")
        finally:
            connection.close()

    capacity.load_by_day = slow_load  # type: ignore[assignment]
    try:
        threads = [
            threading.Thread(target=accept, args=(v, pk))
            for v, pk in zip(viewers, booking_ids, strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        capacity.load_by_day = original  # type: ignore[assignment]
    return sorted(results)
