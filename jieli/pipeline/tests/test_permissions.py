"""Roles × the pipeline's pages and API: exact status AND side effect. The project's parties
are the taking enterprise (``owner_member``, ``owner_admin``), the service agency running it
(``agency_member``, who owns the agency's stages) and the research institute
(``institute_member``); the secretariat sees and plans every project; everyone else gets a 404,
never a 403 that would reveal the project."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jieli.core.tests.matrix import Cell, check
from jieli.pipeline.models import Contract, Deliverable, Milestone, Project, ProjectStage

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "registered",
    "other_member",
    "owner_member",
    "owner_admin",
    "secretariat",
    "agency_member",
    "institute_member",
)
URL = "/api/v1/pipeline"
JSON = "application/json"


def reads(**statuses: int) -> dict[str, Cell]:
    assert set(statuses) == set(ROLES)
    return {role: Cell(status, None) for role, status in statuses.items()}


def writes(**cells: tuple[int, bool]) -> dict[str, Cell]:
    assert set(cells) == set(ROLES)
    return {role: Cell(status, changes) for role, (status, changes) in cells.items()}


def page_of(api: dict[str, Cell]) -> dict[str, Cell]:
    return {
        role: Cell(302 if cell.status == 401 or cell.changes else cell.status, cell.changes)
        for role, cell in api.items()
    }


def state():
    return (
        sorted(ProjectStage.objects.values_list("pk", "status", "due_date", "owner_user_id")),
        sorted(Project.objects.values_list("pk", "status")),
        Contract.objects.count(),
        sorted(Contract.objects.values_list("pk", "status", "amount", "void_reason")),
        sorted(Milestone.objects.values_list("pk", "done_on")),
    )


def _check(world, role, matrix, call):
    return check(world, role, matrix, call, state=state)


VIEW = reads(
    anonymous=401,
    registered=404,
    other_member=404,
    owner_member=200,
    owner_admin=200,
    secretariat=200,
    agency_member=200,
    institute_member=200,
)


@pytest.mark.parametrize("role", ROLES)
def test_project_api(world, project, role):
    response = _check(world, role, VIEW, lambda c: c.get(f"{URL}/projects/{project.pk}"))
    if response.status_code == 404:
        assert project.title not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_board_and_timeline_pages(world, project, role):
    response = _check(
        world, role, page_of(VIEW), lambda c: c.get(reverse("pipeline:board", args=[project.pk]))
    )
    if response.status_code == 404:
        assert project.title not in response.content.decode()
    _check(
        world, role, page_of(VIEW), lambda c: c.get(reverse("pipeline:timeline", args=[project.pk]))
    )


@pytest.mark.parametrize("role", ROLES)
def test_portfolio_lists_only_visible_projects(world, project, role):
    from jieli.core.tests.matrix import client_for

    user = world.by_role()[role]
    response = client_for(user).get(f"{URL}/projects")
    if user is None:
        assert response.status_code == 401
        return
    ids = [p["id"] for p in response.json()["results"]]
    assert ids == ([project.pk] if VIEW[role].status == 200 else [])


PLAN = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(403, False),
    owner_admin=(403, False),
    secretariat=(200, True),
    agency_member=(200, True),
    institute_member=(403, False),
)


@pytest.mark.parametrize("role", ROLES)
def test_plan_stage_api(world, project, role):
    _check(
        world,
        role,
        PLAN,
        lambda c: c.post(
            f"{URL}/projects/{project.pk}/stages/pilot",
            {"due_date": "2031-01-31"},
            content_type=JSON,
        ),
    )


READY = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(403, False),
    owner_admin=(403, False),
    secretariat=(403, False),
    agency_member=(200, True),
    institute_member=(403, False),
)


@pytest.fixture
def with_deliverable(project):
    stage = project.stages.get(key="needs")
    Deliverable.objects.create(stage=stage, name="a.pdf", size=3, file="pipeline/a.pdf")
    return project


@pytest.mark.parametrize("role", ROLES)
def test_hand_over_api(world, with_deliverable, role):
    _check(
        world,
        role,
        READY,
        lambda c: c.post(
            f"{URL}/projects/{with_deliverable.pk}/stages/needs/actions/mark_ready",
            {},
            content_type=JSON,
        ),
    )


@pytest.mark.parametrize("role", ROLES)
def test_hand_over_page(world, with_deliverable, role):
    _check(
        world,
        role,
        page_of(READY),
        lambda c: c.post(
            reverse("pipeline:move", args=[with_deliverable.pk, "needs"]), {"action": "mark_ready"}
        ),
    )


CLOSE = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(403, False),
    owner_admin=(403, False),
    secretariat=(409, False),
    agency_member=(409, False),
    institute_member=(403, False),
)


@pytest.mark.parametrize("role", ROLES)
def test_close_with_open_stages_is_refused(world, project, role):
    response = _check(world, role, CLOSE, lambda c: c.post(f"{URL}/projects/{project.pk}/close"))
    if response.status_code == 409:
        assert response.json()["code"] == "conflict"


CONTRACT = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(201, True),
    owner_admin=(201, True),
    secretariat=(201, True),
    agency_member=(201, True),
    institute_member=(201, True),
)


@pytest.mark.parametrize("role", ROLES)
def test_contract_api(world, project, role):
    body = {
        "kind": "development",
        "title": "技术开发合同",
        "party_a": world.roles.owner_org.pk,
        "party_b": world.institute.pk,
        "amount": "120.5",
        "signed_on": "2026-03-01",
        "registration_number": "26370200000123",
    }
    _check(
        world,
        role,
        CONTRACT,
        lambda c: c.post(f"{URL}/projects/{project.pk}/contracts", body, content_type=JSON),
    )


# Correcting, voiding and marking a milestone done: the same people who record contracts.
CONTRACT_CHANGE = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(200, True),
    owner_admin=(200, True),
    secretariat=(200, True),
    agency_member=(200, True),
    institute_member=(200, True),
)


@pytest.fixture
def contract(world, project):
    from datetime import date

    from jieli.organisations.tests.factories import viewer_of
    from jieli.pipeline import contract_services

    recorded = contract_services.contract_create(
        viewer=viewer_of(world.agent),
        project_id=project.pk,
        kind="development",
        title="技术开发合同",
        party_a=world.roles.owner_org.pk,
        party_b=world.institute.pk,
        amount="120",
        signed_on=date(2026, 3, 1),
    )
    contract_services.milestone_add(
        viewer=viewer_of(world.agent),
        contract_id=recorded.pk,
        title="样机交付",
        due_on=date(2026, 6, 1),
    )
    return recorded


@pytest.mark.parametrize("role", ROLES)
def test_contract_correct_api(world, contract, role):
    body = {
        "kind": "development",
        "title": "技术开发合同",
        "party_a": world.roles.owner_org.pk,
        "party_b": world.institute.pk,
        "amount": "150",
        "signed_on": "2026-03-01",
    }
    _check(
        world,
        role,
        CONTRACT_CHANGE,
        lambda c: c.put(f"{URL}/contracts/{contract.pk}", body, content_type=JSON),
    )


@pytest.mark.parametrize("role", ROLES)
def test_contract_void_api(world, contract, role):
    response = _check(
        world,
        role,
        CONTRACT_CHANGE,
        lambda c: c.post(
            f"{URL}/contracts/{contract.pk}/void", {"reason": "录入错误"}, content_type=JSON
        ),
    )
    if response.status_code == 200:
        assert response.json()["status"] == "void"


@pytest.mark.parametrize("role", ROLES)
def test_contract_void_page(world, contract, role):
    _check(
        world,
        role,
        page_of(CONTRACT_CHANGE),
        lambda c: c.post(
            reverse("pipeline:contract_void", args=[contract.project_id, contract.pk]),
            {"reason": "录入错误"},
        ),
    )


@pytest.mark.parametrize("role", ROLES)
def test_milestone_done_api(world, contract, role):
    milestone = contract.milestones.get()
    _check(
        world,
        role,
        CONTRACT_CHANGE,
        lambda c: c.post(
            f"{URL}/milestones/{milestone.pk}/done", {"done_on": "2026-01-05"}, content_type=JSON
        ),
    )


DROPPED = reads(
    anonymous=401,
    registered=200,
    other_member=200,
    owner_member=200,
    owner_admin=200,
    secretariat=200,
    agency_member=200,
    institute_member=200,
)


@pytest.mark.parametrize("role", ROLES)
def test_dropped_batons_api(world, project, role):
    response = _check(world, role, DROPPED, lambda c: c.get(f"{URL}/dropped"))
    if response.status_code == 200:
        projects = {row["project"] for row in response.json()["results"]}
        # Institute's stages have no owner person yet, the next stage (selection) is owned:
        # the agency and the secretariat see the project's batons, outsiders nothing.
        if role in ("registered", "other_member"):
            assert projects == set()
