"""The fair from creation to report through the services, and every refusal the issue lists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jieli.core import registry
from jieli.core.errors import Conflict, InvalidInput, NotFound
from jieli.core.models import ChangeRecord
from jieli.events import meeting_services, running, services
from jieli.events.models import Meeting, MeetingRequest, Registration, ScheduleRun
from jieli.events.selectors import agenda, event_report
from jieli.events.tests.factories import (
    accepted_meeting,
    fair_data,
    open_fair,
    register,
    run_schedule,
)
from jieli.organisations.tests.factories import UserFactory, member_of, viewer_of

pytestmark = pytest.mark.django_db


def test_whole_flow(roles, fair, participants):
    a, b = participants
    req = accepted_meeting(roles, fair)
    meeting = Meeting.objects.get(request=req)
    run = run_schedule(roles.secretariat, fair)
    assert run.status == ScheduleRun.Status.DONE  # jobs run inline in tests
    assert run.placed == 1 and run.bound >= run.objective > 0
    meeting.refresh_from_db()
    assert meeting.status == "scheduled" and meeting.table == 1 and meeting.starts_at
    assert list(agenda(a)) == [meeting] == list(agenda(b))
    assert meeting_services.schedule_announce(viewer=viewer_of(roles.secretariat), event=fair) == 1
    # Re-scheduling keeps the announced meeting where it is.
    before = (meeting.starts_at, meeting.table)
    run_schedule(roles.secretariat, fair, method="greedy")
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.table) == before
    services.checkin(viewer=viewer_of(roles.secretariat), event=fair, token=a.checkin_token)
    meeting_services.outcome_record(
        viewer=viewer_of(roles.owner_member), meeting_id=meeting.pk, outcome="intention"
    )
    meeting.refresh_from_db()
    assert meeting.outcome_b == "intention" and meeting.status == "held"  # b: the one asked
    report = event_report(fair)
    assert report.requests["accepted"] == 1 and report.meetings["held"] == 1
    assert (
        dict(report.outcomes)[str(dict(Meeting._meta.get_field("outcome_a").choices)["intention"])]
        == 1
    )
    actions = set(ChangeRecord.objects.values_list("action", flat=True))
    assert {
        "create",
        "event_open",
        "register",
        "registration_confirm",
        "meeting_request",
        "meeting_accept",
        "schedule",
        "announce",
        "checkin",
        "outcome",
    } <= actions


@pytest.mark.parametrize(
    "override, field",
    [
        ({"tables": 0}, "tables"),
        ({"meeting_minutes": 300}, "meeting_minutes"),
        ({"themes": ["ZZ9"]}, "themes"),
        ({"sessions": []}, "sessions"),
    ],
    ids=["zero tables", "meeting too long", "unknown theme", "no sessions"],
)
def test_bad_events_are_refused(roles, override, field):
    with pytest.raises(InvalidInput) as exc:
        services.event_create(
            viewer=viewer_of(roles.secretariat), organiser_id=None, data=fair_data(**override)
        )
    assert field in exc.value.fields


def test_overlapping_sessions_and_meeting_longer_than_session(roles):
    day = timezone.now() + timedelta(days=3)
    data = fair_data(
        sessions=[
            ("a", day, day + timedelta(hours=2)),
            ("b", day + timedelta(hours=1), day + timedelta(hours=3)),
            ("c", day + timedelta(hours=5), day + timedelta(hours=5, minutes=10)),
        ]
    )
    with pytest.raises(InvalidInput) as exc:
        services.event_create(viewer=viewer_of(roles.secretariat), organiser_id=None, data=data)
    text = " ".join(exc.value.fields["sessions"])
    assert "1" in text and "2" in text and "3" in text
    from jieli.events.models import Event

    assert not Event.objects.exists()


def test_only_admins_organise_for_their_organisation(roles):
    with pytest.raises(InvalidInput):
        services.event_create(
            viewer=viewer_of(roles.owner_member), organiser_id=roles.owner_org.pk, data=fair_data()
        )
    event = services.event_create(
        viewer=viewer_of(roles.owner_admin), organiser_id=roles.owner_org.pk, data=fair_data()
    )
    assert event.organiser_id == roles.owner_org.pk


def test_capacity_full_goes_to_waiting_list(roles, listings):
    fair = open_fair(roles.secretariat, capacity=2)
    register(roles.owner_member, roles.owner_org, fair)
    register(roles.owner_admin, roles.owner_org, fair)
    third = register(roles.other_member, roles.other_org, fair)
    assert third.status == "waiting"


def test_registration_refusals(roles, fair, listings):
    offer, _need = listings
    with pytest.raises(InvalidInput):  # not one's own organisation
        register(roles.owner_member, roles.other_org, fair)
    with pytest.raises(InvalidInput):  # another organisation's achievement
        register(roles.other_member, roles.other_org, fair, offer_ids=[offer.pk])
    with pytest.raises(InvalidInput):  # exhibitor without a booth
        register(roles.owner_member, roles.owner_org, fair, role="exhibitor")
    assert not Registration.objects.exists()
    register(roles.owner_member, roles.owner_org, fair)
    with pytest.raises(Conflict):
        register(roles.owner_member, roles.owner_org, fair)


def test_request_refusals(roles, fair, participants):
    a, b = participants
    other = viewer_of(roles.other_member)
    with pytest.raises(InvalidInput):  # to oneself
        meeting_services.request_create(viewer=other, event=fair, recipient_id=b.pk)
    colleague = member_of(roles.other_org, username="colleague")
    c = register(colleague, roles.other_org, fair)
    services.registration_decide(
        viewer=viewer_of(roles.secretariat), registration_id=c.pk, move="confirm"
    )
    with pytest.raises(InvalidInput):  # to one's own organisation
        meeting_services.request_create(viewer=other, event=fair, recipient_id=c.pk)
    with pytest.raises(InvalidInput):  # outside the booking window
        meeting_services.request_create(
            viewer=other, event=fair, recipient_id=a.pk, now=timezone.now() + timedelta(days=5)
        )
    with pytest.raises(NotFound):  # unknown participant
        meeting_services.request_create(viewer=other, event=fair, recipient_id=999999)
    assert not MeetingRequest.objects.exists()
    fair.max_requests = 0
    fair.save()
    with pytest.raises(InvalidInput):  # over the cap
        meeting_services.request_create(viewer=other, event=fair, recipient_id=a.pk)
    assert not MeetingRequest.objects.exists()


def test_answering_someone_elses_request(roles, fair, participants):
    a, _b = participants
    req = meeting_services.request_create(
        viewer=viewer_of(roles.other_member), event=fair, recipient_id=a.pk
    )
    with pytest.raises(InvalidInput):  # the sender cannot answer its own request
        meeting_services.request_answer(
            viewer=viewer_of(roles.other_member), request_id=req.pk, accept=True
        )
    with pytest.raises(NotFound):  # a stranger does not learn it exists
        meeting_services.request_answer(
            viewer=viewer_of(roles.registered), request_id=req.pk, accept=True
        )
    with pytest.raises(InvalidInput):  # declining needs a reason
        meeting_services.request_answer(
            viewer=viewer_of(roles.owner_member), request_id=req.pk, accept=False
        )
    req.refresh_from_db()
    assert req.status == "pending" and not Meeting.objects.exists()


def test_pending_requests_expire(roles, fair, participants):
    a, _b = participants
    req = meeting_services.request_create(
        viewer=viewer_of(roles.other_member), event=fair, recipient_id=a.pk
    )
    assert running.requests_expire(now=timezone.now()) == 0
    later = timezone.now() + timedelta(hours=fair.request_expiry_hours + 1)
    assert running.requests_expire(now=later) == 1
    assert running.requests_expire(now=later) == 0
    req.refresh_from_db()
    assert req.status == "expired"
    with pytest.raises(Conflict):
        meeting_services.request_answer(
            viewer=viewer_of(roles.owner_member), request_id=req.pk, accept=True
        )


def test_walk_in_takes_a_free_slot(roles, fair, participants):
    a, b = participants
    m = meeting_services.walk_in(
        viewer=viewer_of(roles.secretariat), event=fair, a_id=a.pk, b_id=b.pk
    )
    assert m.walk_in and m.table == 1 and m.starts_at > timezone.now()
    with pytest.raises(InvalidInput):
        meeting_services.walk_in(
            viewer=viewer_of(roles.secretariat), event=fair, a_id=a.pk, b_id=a.pk
        )


class FakeProject:
    def get_absolute_url(self) -> str:
        return "/projects/7/"


def test_project_opener_hook(roles, fair, participants):
    req = accepted_meeting(roles, fair)
    run_schedule(roles.secretariat, fair)
    meeting = Meeting.objects.get(request=req)
    meeting_services.outcome_record(
        viewer=viewer_of(roles.other_member), meeting_id=meeting.pk, outcome="contract"
    )
    meeting.refresh_from_db()
    saved = registry.project_opener()
    calls = []
    try:
        registry._project_opener[:] = []
        assert not meeting_services.may_open_project(viewer_of(roles.other_member), meeting)
        with pytest.raises(InvalidInput):
            meeting_services.meeting_open_project(
                viewer=viewer_of(roles.other_member), meeting_id=meeting.pk
            )

        def opener(**kw):
            calls.append(kw)
            return FakeProject()

        registry.register_project_opener(opener)
        assert meeting_services.may_open_project(viewer_of(roles.other_member), meeting)
        with pytest.raises(NotFound):
            meeting_services.meeting_open_project(
                viewer=viewer_of(roles.registered), meeting_id=meeting.pk
            )
        meeting_services.meeting_open_project(
            viewer=viewer_of(roles.other_member), meeting_id=meeting.pk
        )
    finally:
        registry._project_opener[:] = [saved] if saved else []
    meeting.refresh_from_db()
    assert meeting.project_url == "/projects/7/"
    assert calls[0]["origin"] == "meeting" and calls[0]["origin_id"] == meeting.pk


def test_schedule_refused_while_one_runs(roles, fair, participants):
    ScheduleRun.objects.create(event=fair, requested_by=UserFactory(), status="running")
    with pytest.raises(Conflict):
        meeting_services.schedule_start(viewer=viewer_of(roles.secretariat), event=fair)


def test_suggestions_come_from_the_matching_engine_with_reasons(roles, fair, participants):
    from jieli.events.selectors import suggestions

    a, b = participants
    found = suggestions(viewer_of(roles.other_member), b)
    assert [s.registration.pk for s in found] == [a.pk]
    assert found[0].score > 0 and found[0].pairs
    # The other side sees the seeker, from its offer.
    assert [s.registration.pk for s in suggestions(viewer_of(roles.owner_member), a)] == [b.pk]


def test_requests_answers_and_announcements_notify(roles, fair, participants):
    from jieli.notifications.models import Notification

    req = accepted_meeting(roles, fair)
    kinds = dict(Notification.objects.values_list("recipient_id", "kind"))
    assert kinds[roles.owner_member.pk] == "events.requested"
    assert kinds[roles.other_member.pk] == "events.answered"
    run_schedule(roles.secretariat, fair)
    meeting_services.schedule_announce(viewer=viewer_of(roles.secretariat), event=fair)
    announced = Notification.objects.filter(kind="events.announced")
    assert sorted(announced.values_list("recipient_id", flat=True)) == sorted(
        [roles.owner_member.pk, roles.other_member.pk]
    )
    from jieli.notifications.kinds import get_kind

    for n in Notification.objects.all():
        assert get_kind(n.kind).render(n).title
    assert req.pk
