"""The events app's rules live in its selectors, and the pages and the API use the same ones:
a meeting request is answered only under its own event, a scheduler run is read only by the
event's organiser and only under its event, and who may create an event."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jieli.core.errors import NotFound
from jieli.core.tests.matrix import ROLES, client_for
from jieli.events import meeting_services, selectors
from jieli.events.models import MeetingRequest, RequestStatus
from jieli.events.tests.factories import open_fair
from jieli.organisations.tests.factories import viewer_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/events"


def test_a_request_is_answered_only_under_its_own_event(roles, fair, participants):
    a, _b = participants
    other_fair = open_fair(roles.secretariat, name="另一场对接会")
    req = meeting_services.request_create(
        viewer=viewer_of(roles.other_member), event=fair, recipient_id=a.pk
    )
    client = client_for(roles.owner_member)
    with pytest.raises(NotFound):
        selectors.meeting_request_in(other_fair, req.pk)
    assert selectors.meeting_request_in(fair, req.pk) == req.pk
    page = client.post(
        reverse("events:answer", args=[other_fair.pk, req.pk]),
        {"decision": "accept", "priority": "2"},
    )
    api = client.post(
        f"{URL}/{other_fair.pk}/requests/{req.pk}/answer",
        {"accept": True},
        content_type="application/json",
    )
    assert (page.status_code, api.status_code) == (404, 404)
    assert MeetingRequest.objects.get(pk=req.pk).status == RequestStatus.PENDING
    # Under its own event it is answered.
    page = client.post(
        reverse("events:answer", args=[fair.pk, req.pk]), {"decision": "accept", "priority": "2"}
    )
    assert page.status_code == 302
    assert MeetingRequest.objects.get(pk=req.pk).status == RequestStatus.ACCEPTED


def test_a_run_is_read_by_the_organiser_under_its_own_event(roles, fair, participants):
    other_fair = open_fair(roles.secretariat, name="另一场对接会")
    organiser = viewer_of(roles.secretariat)
    run = meeting_services.schedule_start(
        viewer=organiser, event=fair, method="greedy", time_limit=5
    )
    assert selectors.schedule_run_get(organiser, fair.pk, run.pk) == run
    for viewer, event in (
        (organiser, other_fair),
        (viewer_of(roles.owner_member), fair),
        (viewer_of(None), fair),
    ):
        with pytest.raises(NotFound):
            selectors.schedule_run_get(viewer, event.pk, run.pk)
    assert client_for(roles.secretariat).get(f"{URL}/{fair.pk}/runs/{run.pk}").status_code == 200
    assert client_for(roles.owner_member).get(f"{URL}/{fair.pk}/runs/{run.pk}").status_code == 404
    other = client_for(roles.secretariat).get(f"{URL}/{other_fair.pk}/runs/{run.pk}")
    assert other.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_who_may_create_an_event(roles, role):
    user = roles.by_role()[role]
    expected = role in {"owner_admin", "secretariat"}
    assert selectors.may_create_event(viewer_of(user)) is expected
    response = client_for(user).get(reverse("events:list"))
    assert response.status_code == 200 and response.context["may_create"] is expected
