"""Contracts, payments, funding and outcomes: amounts ≥ 0, the registration number's format,
outcomes only after acceptance and once per moment; uploads refused by type and size."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jieli.core.errors import Conflict, InvalidInput
from jieli.core.tests.matrix import client_for
from jieli.organisations.tests.factories import viewer_of
from jieli.pipeline import contract_services
from jieli.pipeline.models import Contract, Deliverable, Payment
from jieli.pipeline.registration import is_valid_registration_number

pytestmark = pytest.mark.django_db
URL = "/api/v1/pipeline"
JSON = "application/json"


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("26370200000123", True),
        ("2637 0200 000123", True),  # spaces between the groups are dropped
        ("26-37-02-00-000123", True),
        ("26990200000123", False),  # 99 is no province
        ("26370200000000", False),  # serial all zeros
        ("2637020000012", False),  # 13 digits
        ("263702000001234", False),  # 15 digits
        ("26370200A00123", False),
    ],
)
def test_registration_number_rule(number, ok):
    assert is_valid_registration_number(number) is ok


def _contract(world, project, **overrides):
    data = {
        "kind": "licence",
        "title": "技术许可合同",
        "party_a": world.roles.owner_org.pk,
        "party_b": world.institute.pk,
        "amount": "80",
        "signed_on": date(2026, 3, 1),
    }
    data.update(overrides)
    return contract_services.contract_create(
        viewer=viewer_of(world.agent), project_id=project.pk, **data
    )


def test_contract_refusals(world, project):
    with pytest.raises(InvalidInput) as exc:
        _contract(world, project, amount="-1")
    assert "amount" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        _contract(world, project, registration_number="12345")
    assert "registration_number" in exc.value.fields
    with pytest.raises(InvalidInput):
        _contract(world, project, party_b=world.roles.owner_org.pk)
    with pytest.raises(InvalidInput):
        _contract(world, project, starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 1))
    assert not Contract.objects.exists()
    contract = _contract(world, project, registration_number="2637 0200 000123", amount="0")
    assert contract.registration_number == "26370200000123"
    payment = contract_services.payment_add(
        viewer=viewer_of(world.roles.owner_member),
        contract_id=contract.pk,
        amount="20",
        received_on=date(2026, 4, 1),
    )
    assert payment.amount == 20
    with pytest.raises(InvalidInput):
        contract_services.payment_add(
            viewer=viewer_of(world.agent),
            contract_id=contract.pk,
            amount="-5",
            received_on=date(2026, 4, 1),
        )
    assert Payment.objects.count() == 1


def test_api_refuses_a_negative_amount_and_a_bad_number(world, project):
    client = client_for(world.agent)
    body = {
        "kind": "licence",
        "title": "合同",
        "party_a": world.roles.owner_org.pk,
        "party_b": world.institute.pk,
        "amount": -1,
        "signed_on": "2026-03-01",
    }
    assert (
        client.post(f"{URL}/projects/{project.pk}/contracts", body, content_type=JSON).status_code
        == 400
    )
    body.update(amount=10, registration_number="99990200000123")
    response = client.post(f"{URL}/projects/{project.pk}/contracts", body, content_type=JSON)
    assert response.status_code == 422
    assert "registration_number" in response.json()["fields"]
    assert not Contract.objects.exists()


def test_outcomes_after_acceptance_once_per_moment(world, project):
    record = lambda: contract_services.outcome_record(  # noqa: E731
        viewer=viewer_of(world.roles.owner_member),
        project_id=project.pk,
        moment="acceptance",
        new_product="固态电池隔膜",
        revenue="500",
        jobs=12,
    )
    with pytest.raises(Conflict):
        record()
    project.accepted_at = timezone.now() - timedelta(days=1)
    project.save()
    outcome = record()
    assert outcome.jobs == 12
    with pytest.raises(Conflict):
        record()


def test_upload_type_and_size_through_the_api(world, project, settings):
    settings.JIELI_DOCUMENT_MAX_BYTES = 100
    client = client_for(world.agent)
    url = f"{URL}/projects/{project.pk}/stages/needs/deliverables"
    exe = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(url, {"files": [exe]})
    assert response.status_code == 422 and "files" in response.json()["fields"]
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 200, content_type="application/pdf")
    assert client.post(url, {"files": [big]}).status_code == 422
    ok = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 ok", content_type="application/pdf")
    response = client.post(url, {"files": [ok]})
    assert response.status_code == 201
    assert response.json()["stages"][0]["deliverables"] == ["plan.pdf"]
    assert Deliverable.objects.count() == 1


def _fields(contract, **overrides):
    data = {
        "kind": contract.kind,
        "title": contract.title,
        "party_a": contract.party_a_id,
        "party_b": contract.party_b_id,
        "amount": contract.amount,
        "signed_on": contract.signed_on,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "registration_number": contract.registration_number,
    }
    data.update(overrides)
    return data


def test_correct_a_contract_with_history(world, project):
    from jieli.core.history import history_for
    from jieli.pipeline import selectors

    contract = _contract(world, project)
    agent = viewer_of(world.agent)
    fixed = contract_services.contract_update(
        viewer=agent,
        contract_id=contract.pk,
        **_fields(contract, amount="85.5", registration_number="26370200000123"),
    )
    assert (fixed.amount, fixed.registration_number) == (Decimal("85.5"), "26370200000123")
    entry = history_for(fixed).first()
    assert entry.action == "contract_edit"
    assert entry.changes == {
        "amount": ["80.00", "85.50"],
        "registration_number": [None, "26370200000123"],
    }
    # Nothing changed: no history; a bad value: refused, nothing written.
    contract_services.contract_update(viewer=agent, contract_id=contract.pk, **_fields(fixed))
    assert history_for(fixed).count() == 1
    with pytest.raises(InvalidInput):
        contract_services.contract_update(
            viewer=agent, contract_id=contract.pk, **_fields(fixed, amount="-3")
        )
    fixed.refresh_from_db()
    assert fixed.amount == Decimal("85.5")
    # The correction shows in the project's timeline.
    assert "contract_edit" in [e.action for e in selectors.timeline(project)]


def test_void_a_contract_excludes_it_from_totals_and_freezes_it(world, project):
    from jieli.core.history import history_for
    from jieli.pipeline import selectors

    agent = viewer_of(world.agent)
    kept = _contract(world, project, amount="80")
    wrong = _contract(world, project, title="录错的合同", amount="500")
    contract_services.payment_add(
        viewer=agent, contract_id=kept.pk, amount="20", received_on=date(2026, 4, 1)
    )
    contract_services.payment_add(
        viewer=agent, contract_id=wrong.pk, amount="100", received_on=date(2026, 4, 1)
    )
    assert selectors.contract_totals(agent, project.pk) == {
        "amount": Decimal("580"),
        "received": Decimal("120"),
    }
    with pytest.raises(InvalidInput) as exc:  # a reason is owed
        contract_services.contract_void(viewer=agent, contract_id=wrong.pk, reason=" ")
    assert "reason" in exc.value.fields
    contract_services.contract_void(viewer=agent, contract_id=wrong.pk, reason="金额录入错误")
    wrong.refresh_from_db()
    assert (wrong.status, wrong.void_reason) == ("void", "金额录入错误")
    assert Contract.objects.filter(pk=wrong.pk).exists()  # never deleted
    entry = history_for(wrong).first()
    assert (entry.action, entry.reason) == ("contract_void", "金额录入错误")
    assert selectors.contract_totals(agent, project.pk) == {
        "amount": Decimal("80"),
        "received": Decimal("20"),
    }
    # A void contract takes no more corrections, milestones, payments, nor a second void.
    for call in (
        lambda: contract_services.contract_update(
            viewer=agent, contract_id=wrong.pk, **_fields(wrong, amount="50")
        ),
        lambda: contract_services.milestone_add(
            viewer=agent, contract_id=wrong.pk, title="x", due_on=date(2026, 5, 1)
        ),
        lambda: contract_services.payment_add(
            viewer=agent, contract_id=wrong.pk, amount="1", received_on=date(2026, 5, 1)
        ),
        lambda: contract_services.contract_void(viewer=agent, contract_id=wrong.pk, reason="再次"),
    ):
        with pytest.raises(Conflict):
            call()


def test_mark_a_milestone_done(world, project):
    from jieli.core.history import history_for

    agent = viewer_of(world.agent)
    contract = _contract(world, project)
    milestone = contract_services.milestone_add(
        viewer=agent, contract_id=contract.pk, title="样品交付", due_on=date(2026, 5, 1)
    )
    today = timezone.localdate()
    with pytest.raises(InvalidInput) as exc:
        contract_services.milestone_done(
            viewer=agent, milestone_id=milestone.pk, done_on=today + timedelta(days=1)
        )
    assert "done_on" in exc.value.fields
    contract_services.milestone_done(viewer=agent, milestone_id=milestone.pk, done_on=today)
    milestone.refresh_from_db()
    assert milestone.done_on == today
    entry = history_for(contract).first()
    assert entry.action == "milestone_done"
    assert entry.changes["milestones"] == ["样品交付", f"样品交付 ✓ {today.isoformat()}"]
    with pytest.raises(Conflict):
        contract_services.milestone_done(viewer=agent, milestone_id=milestone.pk, done_on=today)


def test_contract_pages_correct_void_and_mark_done(client, world, project):
    from django.urls import reverse

    contract = _contract(world, project, amount="80")
    milestone = contract_services.milestone_add(
        viewer=viewer_of(world.agent),
        contract_id=contract.pk,
        title="样品交付",
        due_on=date(2026, 5, 1),
    )
    client.force_login(world.agent)
    edit = reverse("pipeline:contract_edit", args=[project.pk, contract.pk])
    assert client.get(edit).status_code == 200
    data = {
        "kind": "licence",
        "title": "技术许可合同（更正）",
        "party_a": world.roles.owner_org.pk,
        "party_b": world.institute.pk,
        "amount": "90",
        "signed_on": "2026-03-01",
    }
    assert client.post(edit, {**data, "amount": "-1"}).status_code == 400
    assert client.post(edit, data).status_code == 302
    contract.refresh_from_db()
    assert (contract.title, contract.amount) == ("技术许可合同（更正）", Decimal("90"))
    done = reverse("pipeline:milestone_done", args=[project.pk, milestone.pk])
    assert client.post(done, {"done_on": timezone.localdate().isoformat()}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()
    board = reverse("pipeline:board", args=[project.pk])
    body = client.get(board).content.decode()
    assert 'data-testid="contract-totals"' in body and 'data-testid="milestone-done"' in body
    void = reverse("pipeline:contract_void", args=[project.pk, contract.pk])
    assert client.post(void, {"reason": "录入错误"}).status_code == 302
    body = client.get(board).content.decode()
    assert 'data-testid="contract-void"' in body and "录入错误" in body
    assert client.get(edit).status_code == 200  # shown, but a correction is refused (409)
    assert client.post(edit, data).status_code == 409
