"""Roles × the event pages: exact status AND side effect. The fair is organised by
``owner_admin`` for the owner organisation (the secretariat may act on every event);
``owner_member`` (owner organisation) and ``other_member`` (other organisation) are its
confirmed participants; everyone else gets a 404 for what is not theirs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jieli.core.tests.matrix import ROLES, as_page, check, reads, writes
from jieli.events import meeting_services
from jieli.events.models import Event, MeetingRequest, Registration, ScheduleRun
from jieli.events.tests.factories import confirmed_pair, open_fair, register
from jieli.organisations.tests.factories import member_of, viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def fair(roles):
    return open_fair(roles.owner_admin, organiser_id=roles.owner_org.pk)


@pytest.fixture
def pair(roles, fair, listings):
    return confirmed_pair(roles, fair, *listings)


def state():
    return (
        sorted(Registration.objects.values_list("pk", "status")),
        sorted(MeetingRequest.objects.values_list("pk", "status")),
        ScheduleRun.objects.count(),
    )


def _check(roles, role, matrix, call):
    return check(roles, role, matrix, call, state=state)


DRAFT_PAGE = reads(
    anonymous=404,
    registered=404,
    other_member=404,
    owner_member=200,
    owner_admin=200,
    secretariat=200,
)


@pytest.mark.parametrize("role", ROLES)
def test_draft_event_page(roles, role):
    from jieli.events import services
    from jieli.events.tests.factories import fair_data

    event = services.event_create(
        viewer=viewer_of(roles.owner_admin), organiser_id=roles.owner_org.pk, data=fair_data()
    )
    response = _check(
        roles, role, DRAFT_PAGE, lambda c: c.get(reverse("events:detail", args=[event.pk]))
    )
    if response.status_code == 404:
        assert event.name not in response.content.decode()


ORGANISER_PAGE = reads(
    anonymous=302,
    registered=404,
    other_member=404,
    owner_member=404,
    owner_admin=200,
    secretariat=200,
)


@pytest.mark.parametrize("page", ["manage", "plan", "report"])
@pytest.mark.parametrize("role", ROLES)
def test_organiser_pages(roles, fair, pair, role, page):
    matrix = dict(ORGANISER_PAGE)
    if page == "report" and role == "anonymous":  # a public page's report: no sign-in asked
        matrix["anonymous"] = type(matrix["registered"])(404, None)
    _check(roles, role, matrix, lambda c: c.get(reverse(f"events:{page}", args=[fair.pk])))


PARTICIPANT_PAGE = reads(
    anonymous=302,
    registered=404,
    other_member=200,
    owner_member=200,
    owner_admin=404,
    secretariat=404,
)


@pytest.mark.parametrize(
    "page", ["agenda", "agenda_ics", "agenda_pdf", "qr", "requests", "suggestions"]
)
@pytest.mark.parametrize("role", ROLES)
def test_participant_pages(roles, fair, pair, role, page):
    response = _check(
        roles, role, PARTICIPANT_PAGE, lambda c: c.get(reverse(f"events:{page}", args=[fair.pk]))
    )
    if page == "agenda_ics" and response.status_code == 200:
        assert b"BEGIN:VCALENDAR" in response.content
    if page == "qr" and response.status_code == 200:
        assert b"<svg" in response.content


ORGANISER_WRITE = as_page(
    writes(
        anonymous=(401, False),
        registered=(404, False),
        other_member=(404, False),
        owner_member=(404, False),
        owner_admin=(302, True),
        secretariat=(302, True),
    )
)


@pytest.mark.parametrize("role", ROLES)
def test_validate_registration(roles, fair, pair, role):
    colleague = member_of(roles.other_org, username="colleague")
    reg = register(colleague, roles.other_org, fair)
    _check(
        roles,
        role,
        ORGANISER_WRITE,
        lambda c: c.post(reverse("events:decide", args=[fair.pk, reg.pk]), {"action": "confirm"}),
    )


@pytest.mark.parametrize("role", ROLES)
def test_run_scheduler(roles, fair, pair, role):
    _check(
        roles,
        role,
        ORGANISER_WRITE,
        lambda c: c.post(
            reverse("events:schedule", args=[fair.pk]), {"method": "greedy", "time_limit": "10"}
        ),
    )


ANSWER = writes(
    anonymous=(302, False),
    registered=(404, False),
    other_member=(302, False),
    owner_member=(302, True),
    owner_admin=(404, False),
    secretariat=(404, False),
)


@pytest.mark.parametrize("role", ROLES)
def test_answer_request(roles, fair, pair, role):
    a, _b = pair
    req = meeting_services.request_create(
        viewer=viewer_of(roles.other_member), event=fair, recipient_id=a.pk
    )
    _check(
        roles,
        role,
        ANSWER,
        lambda c: c.post(
            reverse("events:answer", args=[fair.pk, req.pk]),
            {"decision": "accept", "priority": "2"},
        ),
    )


REQUEST = writes(
    anonymous=(302, False),
    registered=(302, False),
    other_member=(302, True),
    owner_member=(302, False),
    owner_admin=(302, False),
    secretariat=(302, False),
)


@pytest.mark.parametrize("role", ROLES)
def test_send_request(roles, fair, pair, role):
    a, _b = pair
    _check(
        roles,
        role,
        REQUEST,
        lambda c: c.post(
            reverse("events:request_send", args=[fair.pk]), {"recipient": a.pk, "priority": "2"}
        ),
    )


def test_event_list_and_create_page(roles, client):
    client.force_login(roles.secretariat)
    assert client.get(reverse("events:list")).status_code == 200
    assert client.get(reverse("events:new")).status_code == 200
    bad = client.post(
        reverse("events:new"), {"name": "x", "kind": "fair", "tables": "0", "sessions": "garbage"}
    )
    assert bad.status_code == 400 and not Event.objects.exists()
    client.force_login(roles.registered)
    assert client.get(reverse("events:new")).status_code == 404


def test_pages_with_a_schedule_and_outcomes(roles, fair, pair, client):
    from jieli.events.models import Meeting
    from jieli.events.tests.factories import accepted_meeting, run_schedule

    req = accepted_meeting(roles, fair)
    run = run_schedule(roles.owner_admin, fair)
    meeting = Meeting.objects.get(request=req)
    meeting_services.outcome_record(
        viewer=viewer_of(roles.owner_member), meeting_id=meeting.pk, outcome="contract"
    )
    client.force_login(roles.owner_admin)
    manage = client.get(reverse("events:manage", args=[fair.pk])).content.decode()
    assert str(run.placed) in manage
    assert "×" in client.get(reverse("events:plan", args=[fair.pk])).content.decode()
    report = client.get(reverse("events:report", args=[fair.pk])).content.decode()
    assert "<svg" in report and "<script" not in report.split("</main>")[0]
    assert 'data-testid="bar-chart"' in report and 'fill="#206bc4"' in report
    client.force_login(roles.owner_member)
    agenda = client.get(reverse("events:agenda", args=[fair.pk])).content.decode()
    assert str(roles.other_org) in agenda
    ics = client.get(reverse("events:agenda_ics", args=[fair.pk])).content.decode()
    assert "BEGIN:VEVENT" in ics and str(roles.other_org) in ics
    pdf = client.get(reverse("events:agenda_pdf", args=[fair.pk]))
    assert pdf.content.startswith(b"%PDF")
    import shutil
    import subprocess

    tool = shutil.which("pdftotext")
    if tool:
        text = subprocess.run(
            [tool, "-", "-"], input=pdf.content, capture_output=True, check=True
        ).stdout.decode()
        assert str(roles.other_org) in text and fair.name in text


def test_create_event_page(roles, client):
    client.force_login(roles.secretariat)
    response = client.post(
        reverse("events:new"),
        {
            "name": "成果对接会",
            "kind": "fair",
            "organiser": "",
            "sessions": "上午 | 2030-05-20 09:00 | 2030-05-20 12:00",
            "meeting_minutes": "20",
            "break_minutes": "5",
            "tables": "5",
            "capacity": "40",
            "registration_opens": "2030-04-01T09:00",
            "registration_closes": "2030-05-10T18:00",
            "booking_opens": "2030-04-01T09:00",
            "booking_closes": "2030-05-15T18:00",
            "max_requests": "10",
            "max_per_session": "0",
            "request_expiry_hours": "48",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get()
    assert event.sessions.count() == 1 and event.status == "draft"


URL = "/api/v1/events"
JSON = "application/json"

REQUEST_API = writes(
    anonymous=(401, False),
    registered=(422, False),
    other_member=(201, True),
    owner_member=(422, False),
    owner_admin=(422, False),
    secretariat=(422, False),
)


@pytest.mark.parametrize("role", ROLES)
def test_request_api(roles, fair, pair, role):
    a, _b = pair
    response = _check(
        roles,
        role,
        REQUEST_API,
        lambda c: c.post(f"{URL}/{fair.pk}/requests", {"recipient": a.pk}, content_type=JSON),
    )
    if response.status_code == 422:
        assert response.json()["message"]


ANSWER_API = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(422, False),
    owner_member=(200, True),
    owner_admin=(404, False),
    secretariat=(404, False),
)


@pytest.mark.parametrize("role", ROLES)
def test_answer_api(roles, fair, pair, role):
    a, _b = pair
    req = meeting_services.request_create(
        viewer=viewer_of(roles.other_member), event=fair, recipient_id=a.pk
    )
    _check(
        roles,
        role,
        ANSWER_API,
        lambda c: c.post(
            f"{URL}/{fair.pk}/requests/{req.pk}/answer", {"accept": True}, content_type=JSON
        ),
    )


SCHEDULE_API = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(404, False),
    owner_admin=(202, True),
    secretariat=(202, True),
)


@pytest.mark.parametrize("role", ROLES)
def test_schedule_api(roles, fair, pair, role):
    _check(
        roles,
        role,
        SCHEDULE_API,
        lambda c: c.post(f"{URL}/{fair.pk}/schedule", {"method": "greedy"}, content_type=JSON),
    )


@pytest.mark.parametrize(
    "body",
    [{"recipient": "x"}, {"recipient": 1, "extra": 1}, {"recipient": 1, "priority": 9}, "garbage"],
    ids=["not a number", "unknown field", "priority out of range", "not json"],
)
def test_malformed_api_bodies_are_400(roles, fair, pair, client, body):
    client.force_login(roles.other_member)
    data = body if isinstance(body, str) else __import__("json").dumps(body)
    response = client.post(f"{URL}/{fair.pk}/requests", data, content_type=JSON)
    assert response.status_code == 400 and not MeetingRequest.objects.exists()


def test_event_list_and_agenda_api(roles, fair, pair, client):
    assert client.get(URL).json()["count"] == 1
    assert client.get(f"{URL}/{fair.pk}").json()["sessions"]
    assert client.get(f"{URL}/999999").status_code == 404
    client.force_login(roles.other_member)
    assert client.get(f"{URL}/{fair.pk}/agenda").json() == []
