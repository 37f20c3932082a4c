"""End to end with the real pipeline (no fake opener): an outcome "intention signed" opens a
transformation project through ``core.registry.project_opener()``; a person who may not open
it is refused and nothing is written."""

from __future__ import annotations

import pytest

from jieli.core import registry
from jieli.core.errors import InvalidInput, NotFound
from jieli.core.models import ChangeRecord
from jieli.events import meeting_services
from jieli.events.models import Meeting
from jieli.events.tests.factories import accepted_meeting, confirmed_pair, open_fair, run_schedule
from jieli.organisations.models import MemberRole, OrganisationType
from jieli.organisations.tests.factories import OrganisationFactory, member_of, viewer_of
from jieli.pipeline.models import Project, ProjectStage
from jieli.pipeline.opening_services import project_open_from

pytestmark = pytest.mark.django_db


def held_meeting(roles, fair, listings, outcome: str = "intention") -> Meeting:
    confirmed_pair(roles, fair, *listings)
    req = accepted_meeting(roles, fair)
    run_schedule(roles.secretariat, fair)
    meeting = Meeting.objects.get(request=req)
    assert meeting.status == "scheduled"
    meeting_services.outcome_record(
        viewer=viewer_of(roles.other_member), meeting_id=meeting.pk, outcome=outcome
    )
    meeting.refresh_from_db()
    return meeting


def nothing_written(meeting: Meeting) -> None:
    meeting.refresh_from_db()
    assert meeting.project_url == ""
    assert not Project.objects.exists() and not ProjectStage.objects.exists()
    assert not ChangeRecord.objects.filter(action__in=["open_project", "project_open"]).exists()


def test_the_real_pipeline_is_the_registered_opener():
    assert registry.project_opener() is project_open_from


def test_intention_signed_opens_a_real_project(roles, listings):
    offer, need = listings
    agency = OrganisationFactory(name="技术转移服务中心", org_type=OrganisationType.SERVICE_AGENCY)
    agency_admin = member_of(agency, role=MemberRole.ADMIN, username="agency_admin")
    fair = open_fair(agency_admin, organiser_id=agency.pk)
    meeting = held_meeting(roles, fair, listings)
    viewer = viewer_of(roles.other_member)
    assert meeting_services.may_open_project(viewer, meeting)

    project = meeting_services.meeting_open_project(viewer=viewer, meeting_id=meeting.pk)

    project = Project.objects.get(pk=project.pk)
    assert project.origin == "meeting" and project.origin_id == meeting.pk
    assert list(project.achievements.all()) == [offer]
    assert project.demand_id == need.pk
    assert project.enterprise_id == roles.other_org.pk  # the side that seeks
    assert project.agency_id == agency.pk  # the fair's organiser runs it
    assert project.stages.count() == 7
    meeting.refresh_from_db()
    assert meeting.project_url == project.get_absolute_url()
    assert ChangeRecord.objects.filter(action="open_project", object_id=meeting.pk).exists()
    assert ChangeRecord.objects.filter(action="project_open").exists()
    # once only
    assert not meeting_services.may_open_project(viewer, meeting)
    with pytest.raises(InvalidInput):
        meeting_services.meeting_open_project(viewer=viewer, meeting_id=meeting.pk)
    assert Project.objects.count() == 1


def test_refused_by_the_pipeline_writes_nothing(roles, fair, listings):
    # Organised by the secretariat; the participant belongs to no service agency: the real
    # pipeline refuses (no agency to run the project) and the meeting keeps no trace.
    meeting = held_meeting(roles, fair, listings)
    with pytest.raises(InvalidInput) as info:
        meeting_services.meeting_open_project(
            viewer=viewer_of(roles.other_member), meeting_id=meeting.pk
        )
    assert "agency" in info.value.fields
    nothing_written(meeting)


@pytest.mark.parametrize("who", ["registered", "owner_admin", "secretariat", "stranger"])
def test_not_a_side_of_the_meeting_gets_404_and_nothing_written(roles, fair, listings, who):
    meeting = held_meeting(roles, fair, listings)
    user = member_of(roles.other_org) if who == "stranger" else getattr(roles, who)
    with pytest.raises(NotFound):
        meeting_services.meeting_open_project(viewer=viewer_of(user), meeting_id=meeting.pk)
    nothing_written(meeting)


def test_follow_up_outcome_opens_nothing(roles, fair, listings):
    meeting = held_meeting(roles, fair, listings, outcome="follow_up")
    with pytest.raises(InvalidInput):
        meeting_services.meeting_open_project(
            viewer=viewer_of(roles.other_member), meeting_id=meeting.pk
        )
    nothing_written(meeting)


def test_page_refusal_is_a_message_not_an_error(client, roles, fair, listings):
    meeting = held_meeting(roles, fair, listings)
    client.force_login(roles.other_member)
    response = client.post(f"/events/{fair.pk}/meetings/{meeting.pk}/project/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0].endswith(f"/events/{fair.pk}/agenda/")
    nothing_written(meeting)
