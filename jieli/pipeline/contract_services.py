"""Writes for a project's money and results: funding sources, technology contracts (技术开发/
转让/许可/咨询/服务) with milestones and payments received, and outcomes recorded at acceptance
and again one year later. The agency, the enterprise, the institute and the secretariat record
them; each is validated (amounts ≥ 0, dates in order, the registration number's format) and
written to the project's history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jieli.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    invalid_from_django,
)
from jieli.core.history import change_record
from jieli.core.viewer import Viewer
from jieli.pipeline.models import (
    Contract,
    ContractKind,
    FundingKind,
    FundingSource,
    Milestone,
    Outcome,
    OutcomeMoment,
    Payment,
    Project,
)
from jieli.pipeline.registration import normalise_registration_number
from jieli.pipeline.selectors import may_record
from jieli.pipeline.services import _locked, _organisation, _require_user, _text


def _recorder(viewer: Viewer, pk: int) -> Project:
    project = _locked(viewer, pk)
    if not may_record(viewer, project):
        raise PermissionDenied(_("Only the project's parties record its contracts and results."))
    return project


def _amount(value: Any, field: str, *, required: bool = True) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise InvalidInput(fields={field: [_("This field is required.")]})
        return None
    try:
        amount = Decimal(str(value))
    except ArithmeticError as exc:
        raise InvalidInput(fields={field: [_("Enter a number.")]}) from exc
    if amount < 0:
        raise InvalidInput(fields={field: [_("The amount cannot be negative.")]})
    return amount


def _choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(
            fields={
                field: [_("Choose one of: {options}.").format(options=", ".join(choices.values))]
            }
        )
    return value


def _full_clean(record: Any) -> None:
    try:
        record.full_clean()
    except ValidationError as exc:
        raise invalid_from_django(exc) from exc


def funding_add(
    *, viewer: Viewer, project_id: int, kind: str, amount: Any, note: str = ""
) -> FundingSource:
    uid = _require_user(viewer)
    with transaction.atomic():
        project = _recorder(viewer, project_id)
        source = FundingSource(
            project=project,
            kind=_choice(kind, FundingKind, "kind"),
            amount=_amount(amount, "amount") or Decimal(0),
            note=_text(note, "note", limit=200, required=False),
        )
        _full_clean(source)
        source.save()
        change_record(
            target=project,
            actor_id=uid,
            action="funding_add",
            changes={"funding": [None, f"{kind} {source.amount}"]},
        )
    return source


def contract_create(
    *,
    viewer: Viewer,
    project_id: int,
    kind: str,
    title: str,
    party_a: int,
    party_b: int,
    amount: Any,
    signed_on: date,
    starts_on: date | None = None,
    ends_on: date | None = None,
    registration_number: str = "",
) -> Contract:
    """Record a signed technology contract of the project."""
    uid = _require_user(viewer)
    with transaction.atomic():
        project = _recorder(viewer, project_id)
        if party_a == party_b:
            raise InvalidInput(fields={"party_b": [_("The two parties must differ.")]})
        if starts_on and ends_on and ends_on < starts_on:
            raise InvalidInput(fields={"ends_on": [_("The end is before the start.")]})
        contract = Contract(
            project=project,
            kind=_choice(kind, ContractKind, "kind"),
            title=_text(title, "title", limit=200),
            party_a=_organisation(party_a, "party_a"),
            party_b=_organisation(party_b, "party_b"),
            amount=_amount(amount, "amount") or Decimal(0),
            signed_on=signed_on,
            starts_on=starts_on,
            ends_on=ends_on,
            registration_number=normalise_registration_number(registration_number),
        )
        _full_clean(contract)
        contract.save()
        change_record(
            target=project,
            actor_id=uid,
            action="contract_add",
            changes={"contracts": [None, f"{contract.title} ({contract.amount})"]},
        )
    return contract


def _contract(viewer: Viewer, contract_id: int) -> tuple[Project, Contract]:
    contract = Contract.objects.filter(pk=contract_id).first()
    if contract is None:
        raise NotFound()
    project = _recorder(viewer, contract.project_id)  # type: ignore[attr-defined]
    return project, contract


def milestone_add(
    *, viewer: Viewer, contract_id: int, title: str, due_on: date, amount: Any = None
) -> Milestone:
    uid = _require_user(viewer)
    with transaction.atomic():
        project, contract = _contract(viewer, contract_id)
        milestone = Milestone(
            contract=contract,
            title=_text(title, "title", limit=200),
            due_on=due_on,
            amount=_amount(amount, "amount", required=False),
        )
        _full_clean(milestone)
        milestone.save()
        change_record(
            target=project,
            actor_id=uid,
            action="milestone_add",
            changes={"milestones": [None, f"{milestone.title} {due_on}"]},
        )
    return milestone


def payment_add(
    *, viewer: Viewer, contract_id: int, amount: Any, received_on: date, note: str = ""
) -> Payment:
    uid = _require_user(viewer)
    with transaction.atomic():
        project, contract = _contract(viewer, contract_id)
        payment = Payment(
            contract=contract,
            amount=_amount(amount, "amount") or Decimal(0),
            received_on=received_on,
            note=_text(note, "note", limit=200, required=False),
        )
        _full_clean(payment)
        payment.save()
        change_record(
            target=project,
            actor_id=uid,
            action="payment_add",
            changes={"payments": [None, f"{payment.amount} {received_on}"]},
        )
    return payment


def outcome_record(
    *,
    viewer: Viewer,
    project_id: int,
    moment: str,
    new_product: str = "",
    revenue: Any = None,
    jobs: int | None = None,
    new_company: str = "",
) -> Outcome:
    """Outcomes at acceptance (once the delivery is accepted) or one year later (once a year
    has passed since); each moment is recorded once."""
    uid = _require_user(viewer)
    _choice(moment, OutcomeMoment, "moment")
    if jobs is not None and jobs < 0:
        raise InvalidInput(fields={"jobs": [_("Cannot be negative.")]})
    with transaction.atomic():
        project = _recorder(viewer, project_id)
        if project.accepted_at is None:
            raise Conflict(_("Outcomes are recorded once the delivery has been accepted."))
        if project.outcomes.filter(moment=moment).exists():
            raise Conflict(_("These outcomes have already been recorded."))
        outcome = Outcome(
            project=project,
            moment=moment,
            new_product=_text(new_product, "new_product", limit=200, required=False),
            revenue=_amount(revenue, "revenue", required=False),
            jobs=jobs,
            new_company=_text(new_company, "new_company", limit=200, required=False),
            recorded_by_id=uid,
        )
        _full_clean(outcome)
        outcome.save()
        change_record(
            target=project,
            actor_id=uid,
            action="outcome_record",
            changes={"outcomes": [None, moment]},
        )
    return outcome
