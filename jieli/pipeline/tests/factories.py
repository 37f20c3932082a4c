"""Test data for the pipeline: the parties of a turnkey project and a project opened from a
demand's match, plus helpers to walk a stage through its hand-off."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from jieli.achievements.tests.factories import AchievementFactory
from jieli.demands.tests.factories import PublishedDemandFactory
from jieli.organisations.models import MemberRole, Organisation, OrganisationType
from jieli.organisations.tests.factories import (
    OrganisationFactory,
    RoleUsers,
    member_of,
    viewer_of,
)
from jieli.pipeline import opening_services, services
from jieli.pipeline.models import Project


def pdf(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 deliverable", content_type="application/pdf")


@dataclass
class World:
    """``RoleUsers`` (the taking enterprise is ``owner_org``) plus the service agency running
    the project and the research institute owning the achievement."""

    roles: RoleUsers
    agency: Organisation
    agent: Any
    agency_admin: Any
    institute: Organisation
    researcher: Any
    achievement: Any
    demand: Any

    def by_role(self) -> dict[str, Any]:
        return {
            **self.roles.by_role(),
            "agency_member": self.agent,
            "institute_member": self.researcher,
        }


def make_world(roles: RoleUsers) -> World:
    agency = OrganisationFactory(name="技术转移服务中心", org_type=OrganisationType.SERVICE_AGENCY)
    institute = OrganisationFactory(
        name="应用技术研究院", org_type=OrganisationType.RESEARCH_INSTITUTE
    )
    return World(
        roles=roles,
        agency=agency,
        agent=member_of(agency, username="agent"),
        agency_admin=member_of(agency, role=MemberRole.ADMIN, username="agency_admin"),
        institute=institute,
        researcher=member_of(institute, username="researcher"),
        achievement=AchievementFactory(
            owner=institute,
            title="固态电池隔膜制备技术",
            summary="耐高温固态电池隔膜。",
            keywords=["固态电池", "隔膜"],
        ),
        # Its match: the demand's matches page lists the achievement (opening checks it).
        demand=PublishedDemandFactory(
            owner=roles.owner_org,
            title="耐高温固态电池隔膜需求",
            problem="需要耐高温的固态电池隔膜。",
            keywords=["固态电池", "隔膜"],
        ),
    )


def open_project(world: World, **overrides: Any) -> Project:
    data: dict[str, Any] = {
        "origin": "match",
        "origin_id": world.demand.pk,
        "title": "固态电池隔膜交钥匙工程",
        "achievement_ids": [world.achievement.pk],
        "demand_id": world.demand.pk,
        "enterprise_id": None,
        "agency_id": world.agency.pk,
    }
    data.update(overrides)
    return opening_services.project_open_from(viewer=viewer_of(world.agent), **data)


def hand_over(world: World, project: Project, key: str, giver: Any, receiver: Any) -> None:
    """Upload a deliverable, mark ``key`` ready as ``giver``, accept as ``receiver``."""
    services.stage_move(
        viewer=viewer_of(giver), project_id=project.pk, key=key, action="mark_ready", files=[pdf()]
    )
    services.stage_move(viewer=viewer_of(receiver), project_id=project.pk, key=key, action="accept")
