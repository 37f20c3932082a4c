"""Contracts, payments, funding and outcomes: amounts ≥ 0, the registration number's format,
outcomes only after acceptance and once per moment; uploads refused by type and size."""

from __future__ import annotations

from datetime import date, timedelta

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
