"""Demo fairs: a finished matchmaking fair (registrations, accepted and declined requests, a
solved schedule, check-ins and outcomes, so the report has numbers) and an upcoming one open for
registration and booking — all made through the services, so ``make run`` shows the feature.

Besides ``orgadmin`` (a university) and ``member`` (an enterprise), a few demo people
(``fair_<org>``, with no password: they cannot sign in) represent other member organisations.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from jieli.core.viewer import Viewer

OFFERING = ("uni_quancheng", "inst_materials", "uni_haidai", "inst_ocean")
SEEKING = ("ent_machinery", "ent_food", "ent_guanggu")


def _person(orgs: dict[str, Any], key: str, staff: Viewer) -> Any:
    from django.contrib.auth import get_user_model

    from jieli.organisations.services import membership_add

    user = get_user_model().objects.create_user(
        username=f"fair_{key}", email=f"fair_{key}@demo.invalid", password=None
    )
    membership_add(
        viewer=staff, organisation_id=orgs[key].pk, username_or_email=user.username, role="member"
    )
    return user


def _sessions(day: Any) -> list[tuple[str, Any, Any]]:
    return [
        ("上午场", day.replace(hour=9), day.replace(hour=11, minute=30)),
        ("下午场", day.replace(hour=14), day.replace(hour=16, minute=30)),
    ]


def _fair(staff: Viewer, name: str, day: Any, now: Any, **extra: Any) -> Any:
    from jieli.events import services

    data = {
        "name": name,
        "kind": "fair",
        "venue": "滨海国际会展中心 B 馆（演示）",
        "co_hosts": "科技成果转化促进联盟秘书处；滨海高新区（演示）",
        "description": "演示数据：面向新能源、先进制造和食品产业的成果对接会，一对一洽谈。",
        "themes": ["C"],
        "meeting_minutes": 20,
        "break_minutes": 5,
        "tables": 4,
        "capacity": 40,
        "registration_opens": now - timedelta(days=20),
        "registration_closes": day - timedelta(days=2),
        "booking_opens": now - timedelta(days=20),
        "booking_closes": day - timedelta(days=1),
        "sessions": _sessions(day),
        **extra,
    }
    event = services.event_create(viewer=staff, organiser_id=None, data=data)
    return services.event_move(viewer=staff, event_id=event.pk, move="open")


def _register(user: Any, event: Any, now: Any, staff: Viewer) -> Any:
    from jieli.achievements.models import Achievement
    from jieli.demands.models import Demand
    from jieli.events import services
    from jieli.organisations.selectors import viewer_for_user

    viewer = viewer_for_user(user)
    org = next(iter(viewer.organisation_ids))
    offers = list(
        Achievement.objects.filter(owner_id=org, status="published").values_list("pk", flat=True)[
            :3
        ]
    )
    needs = list(
        Demand.objects.filter(owner_id=org, status="published").values_list("pk", flat=True)[:3]
    )
    reg = services.registration_create(
        viewer=viewer,
        event=event,
        organisation_id=org,
        role="exhibitor" if offers else "visitor",
        booth=f"B{user.pk:02d}" if offers else "",
        session_ids=[s.pk for s in event.sessions.all()],
        offer_ids=offers,
        need_ids=needs,
        now=now,
    )
    return services.registration_decide(viewer=staff, registration_id=reg.pk, move="confirm")


def demo_events(users: dict[str, Any], orgs: dict[str, Any], staff: Viewer) -> int:
    """Create the demo fairs; returns how many meetings were scheduled."""
    from jieli.events import meeting_services, running, services
    from jieli.events.models import Meeting, ScheduleRun
    from jieli.organisations.selectors import viewer_for_user

    now = timezone.now()
    people = [users["orgadmin"], users["member"]]
    people += [_person(orgs, key, staff) for key in OFFERING + SEEKING]
    past_day = (now - timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    booking = now - timedelta(days=12)
    past = _fair(
        staff, "2026 滨海新能源与先进制造成果对接会（演示）", past_day, now - timedelta(days=30)
    )
    regs = [_register(u, past, booking, staff) for u in people]
    seekers = [r for r in regs if r.needs.exists()]
    offerers = [r for r in regs if r.offers.exists()]
    made = 0
    for i, seeker in enumerate(seekers):
        for j, offerer in enumerate(offerers):
            if seeker.organisation_id == offerer.organisation_id or (i + j) % 3 == 2:
                continue
            req = meeting_services.request_create(
                viewer=viewer_for_user(seeker.user),
                event=past,
                recipient_id=offerer.pk,
                message="希望在对接会上详细了解技术指标与合作方式。",
                priority=1 + (i + j) % 3,
                now=booking,
            )
            decline = (i + j) % 5 == 4
            meeting_services.request_answer(
                viewer=viewer_for_user(offerer.user),
                request_id=req.pk,
                accept=not decline,
                reason="该场次已排满，会后线上沟通。" if decline else "",
                now=booking + timedelta(hours=2),
            )
            made += 1
    run = ScheduleRun.objects.create(
        event=past, requested_by_id=users["secretariat"].pk, time_limit=10
    )
    running.schedule_execute(run.pk)
    meeting_services.schedule_announce(viewer=staff, event=past)
    outcomes = ["contract", "intention", "follow_up", "no_interest", "follow_up"]
    for n, meeting in enumerate(
        Meeting.objects.filter(event=past, status=Meeting.Status.SCHEDULED).select_related("a", "b")
    ):
        services.checkin(viewer=staff, event=past, token=meeting.a.checkin_token)
        if n % 6 == 5:
            meeting_services.meeting_move(viewer=staff, meeting_id=meeting.pk, move="no_show")
            continue
        for reg in (meeting.a, meeting.b):
            meeting_services.outcome_record(
                viewer=viewer_for_user(reg.user),
                meeting_id=meeting.pk,
                outcome=outcomes[n % len(outcomes)],
            )
    services.event_move(viewer=staff, event_id=past.pk, move="finish")
    # The upcoming fair: open for registration and booking; two people registered, one request.
    day = (now + timedelta(days=14)).replace(minute=0, second=0, microsecond=0)
    upcoming = _fair(staff, "2026 秋季科技成果路演与对接会（演示）", day, now, tables=6)
    a = _register(users["orgadmin"], upcoming, now, staff)
    _register(users["member"], upcoming, now, staff)
    for user in people[2:5]:
        _register(user, upcoming, now, staff)
    meeting_services.request_create(
        viewer=viewer_for_user(users["member"]),
        event=upcoming,
        recipient_id=a.pk,
        message="想了解贵校成果的授权条件。",
    )
    return Meeting.objects.filter(event=past).exclude(starts_at=None).count()
