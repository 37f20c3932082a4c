"""Test data for events: an open fair, a confirmed pair of participants, an accepted meeting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from jieli.events import meeting_services, services
from jieli.events.models import Event, Registration
from jieli.organisations.tests.factories import viewer_of


def fair_data(**overrides: Any) -> dict[str, Any]:
    now = timezone.now()
    day = (now + timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    data: dict[str, Any] = {
        "name": "固态电池成果对接会",
        "kind": "fair",
        "venue": "济南国际会展中心",
        "meeting_minutes": 20,
        "break_minutes": 5,
        "tables": 3,
        "capacity": 50,
        "registration_opens": now - timedelta(days=1),
        "registration_closes": now + timedelta(days=2),
        "booking_opens": now - timedelta(days=1),
        "booking_closes": now + timedelta(days=2),
        "themes": ["C"],
        "sessions": [
            ("上午", day, day + timedelta(hours=2)),
            ("下午", day + timedelta(hours=5), day + timedelta(hours=7)),
        ],
    }
    data.update(overrides)
    return data


def open_fair(organiser_user: Any, organiser_id: int | None = None, **overrides: Any) -> Event:
    viewer = viewer_of(organiser_user)
    event = services.event_create(
        viewer=viewer, organiser_id=organiser_id, data=fair_data(**overrides)
    )
    return services.event_move(viewer=viewer, event_id=event.pk, move="open")


def register(user: Any, org: Any, event: Event, **kw: Any) -> Registration:
    data: dict[str, Any] = {
        "role": "visitor",
        "session_ids": [s.pk for s in event.sessions.all()],
        "offer_ids": [],
        "need_ids": [],
    }
    data.update(kw)
    return services.registration_create(
        viewer=viewer_of(user), event=event, organisation_id=org.pk, **data
    )


def confirmed_pair(
    roles: Any, event: Event, offer: Any, need: Any
) -> tuple[Registration, Registration]:
    a = register(
        roles.owner_member,
        roles.owner_org,
        event,
        role="exhibitor",
        booth="A1",
        offer_ids=[offer.pk],
    )
    b = register(roles.other_member, roles.other_org, event, need_ids=[need.pk])
    for reg in (a, b):
        services.registration_decide(
            viewer=viewer_of(roles.secretariat), registration_id=reg.pk, move="confirm"
        )
        reg.refresh_from_db()
    return a, b


def accepted_meeting(roles: Any, event: Event) -> Any:
    req = meeting_services.request_create(
        viewer=viewer_of(roles.other_member),
        event=event,
        recipient_id=Registration.objects.get(event=event, user=roles.owner_member).pk,
        message="想了解授权条件",
    )
    meeting_services.request_answer(
        viewer=viewer_of(roles.owner_member), request_id=req.pk, accept=True
    )
    return req


def run_schedule(user: Any, event: Event, method: str = "solver") -> Any:
    """Start a scheduler run and let its job run (inline in tests) after the commit."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        run = meeting_services.schedule_start(
            viewer=viewer_of(user), event=event, method=method, time_limit=5
        )
    run.refresh_from_db()
    return run
