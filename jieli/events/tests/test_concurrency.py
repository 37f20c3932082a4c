"""Two people acting at once (PostgreSQL): the row locks keep the capacity and the answers right."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from jieli.core.errors import ServiceError
from jieli.events import meeting_services
from jieli.events.models import Meeting, MeetingRequest, Registration
from jieli.events.tests.factories import open_fair, register
from jieli.organisations.tests.factories import role_users, viewer_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("code_lists"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writers (PostgreSQL); SQLite runs one writer at a time",
    ),
]


def _at_once(*calls: Callable[[], object]) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        barrier.wait(5)
        try:
            results[i] = call()
        except ServiceError as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    return results


def test_two_registrations_for_the_last_place():
    roles = role_users()
    fair = open_fair(roles.secretariat, capacity=2)
    register(roles.owner_admin, roles.owner_org, fair)
    _at_once(
        lambda: register(roles.owner_member, roles.owner_org, fair),
        lambda: register(roles.other_member, roles.other_org, fair),
    )
    statuses = sorted(Registration.objects.values_list("status", flat=True))
    assert statuses == ["pending", "pending", "waiting"]


def test_one_request_answered_twice_at_once_makes_one_meeting():
    roles = role_users()
    fair = open_fair(roles.secretariat)
    a = register(roles.owner_member, roles.owner_org, fair)
    b = register(roles.other_member, roles.other_org, fair)
    from jieli.events import services

    for reg in (a, b):
        services.registration_decide(
            viewer=viewer_of(roles.secretariat), registration_id=reg.pk, move="confirm"
        )
    req = meeting_services.request_create(
        viewer=viewer_of(roles.other_member), event=fair, recipient_id=a.pk
    )
    answer = lambda: meeting_services.request_answer(  # noqa: E731
        viewer=viewer_of(roles.owner_member), request_id=req.pk, accept=True
    )
    results = _at_once(answer, answer)
    assert sum(isinstance(r, MeetingRequest) for r in results) == 1
    assert sum(isinstance(r, ServiceError) for r in results) == 1
    assert Meeting.objects.count() == 1
