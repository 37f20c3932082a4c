"""Writes for a project's money and results: funding sources, technology contracts (技术开发/
转让/许可/咨询/服务) with milestones and payments received, and outcomes recorded at acceptance
and again one year later. The agency, the enterprise, the institute and the secretariat record
them; each is validated (amounts ≥ 0, dates in order, the registration number's format) and
written to the project's history.

A contract is never deleted: the same people correct it (``contract_update``, each changed field
in the history) or void one recorded by mistake, with a reason (``contract_void``); a void
contract takes no more milestones, payments or corrections and counts in no total
(``selectors.contract_totals``). A milestone is marked done with its date (``milestone_done``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
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
    ContractStatus,
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
from jieli.pipeline.services import MAX_REASON, _locked, _organisation, _require_user, _text


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


# The fields a correction may change, as written to the history.
CONTRACT_FIELDS = (
    "kind",
    "title",
    "party_a",
    "party_b",
    "amount",
    "signed_on",
    "starts_on",
    "ends_on",
    "registration_number",
)


def _fill(
    contract: Contract,
    *,
    kind: str,
    title: str,
    party_a: int,
    party_b: int,
    amount: Any,
    signed_on: date,
    starts_on: date | None,
    ends_on: date | None,
    registration_number: str,
) -> None:
    """Check and set every field of a contract (recorded or corrected)."""
    if party_a == party_b:
        raise InvalidInput(fields={"party_b": [_("The two parties must differ.")]})
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidInput(fields={"ends_on": [_("The end is before the start.")]})
    contract.kind = _choice(kind, ContractKind, "kind")
    contract.title = _text(title, "title", limit=200)
    contract.party_a = _organisation(party_a, "party_a")
    contract.party_b = _organisation(party_b, "party_b")
    contract.amount = _amount(amount, "amount") or Decimal(0)
    contract.signed_on = signed_on
    contract.starts_on = starts_on
    contract.ends_on = ends_on
    contract.registration_number = normalise_registration_number(registration_number)
    _full_clean(contract)


def _snapshot(contract: Contract) -> dict[str, Any]:
    out = {}
    for name in CONTRACT_FIELDS:
        value = getattr(contract, f"{name}_id" if name.startswith("party_") else name)
        if isinstance(value, Decimal):
            value = value.quantize(Decimal("0.01"))  # as stored: 85.5 is 85.50
        out[name] = None if value in (None, "") else str(value)
    return out


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
        contract = Contract(project=project)
        _fill(
            contract,
            kind=kind,
            title=title,
            party_a=party_a,
            party_b=party_b,
            amount=amount,
            signed_on=signed_on,
            starts_on=starts_on,
            ends_on=ends_on,
            registration_number=registration_number,
        )
        contract.save()
        change_record(
            target=project,
            actor_id=uid,
            action="contract_add",
            changes={"contracts": [None, f"{contract.title} ({contract.amount})"]},
        )
    return contract


def _contract(viewer: Viewer, contract_id: int) -> tuple[Project, Contract]:
    """The contract, its project locked; 404 when hidden; 409 once it is void."""
    contract = Contract.objects.filter(pk=contract_id).first()
    if contract is None:
        raise NotFound()
    project = _recorder(viewer, contract.project_id)  # type: ignore[attr-defined]
    contract.refresh_from_db()  # as it is now that the project is locked
    if contract.status == ContractStatus.VOID:
        raise Conflict(_("This contract is void; it can no longer be changed."))
    return project, contract


def contract_update(
    *,
    viewer: Viewer,
    contract_id: int,
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
    """Correct a recorded contract (the people who record contracts); every changed field is
    written to the contract's history (shown in the project's timeline) with its before and
    after values."""
    uid = _require_user(viewer)
    with transaction.atomic():
        _project, contract = _contract(viewer, contract_id)
        before = _snapshot(contract)
        _fill(
            contract,
            kind=kind,
            title=title,
            party_a=party_a,
            party_b=party_b,
            amount=amount,
            signed_on=signed_on,
            starts_on=starts_on,
            ends_on=ends_on,
            registration_number=registration_number,
        )
        after = _snapshot(contract)
        changes = {k: [before[k], after[k]] for k in CONTRACT_FIELDS if before[k] != after[k]}
        if changes:
            contract.save()
            change_record(target=contract, actor_id=uid, action="contract_edit", changes=changes)
    return contract


def contract_void(*, viewer: Viewer, contract_id: int, reason: str) -> Contract:
    """Void a contract recorded by mistake, with a reason: it stays (never deleted), shown as
    void, and counts in no total."""
    uid = _require_user(viewer)
    text = _text(reason, "reason", limit=MAX_REASON)
    with transaction.atomic():
        _project, contract = _contract(viewer, contract_id)
        contract.status = ContractStatus.VOID
        contract.void_reason = text
        contract.save(update_fields=["status", "void_reason", "updated_at"])
        change_record(
            target=contract,
            actor_id=uid,
            action="contract_void",
            changes={"status": [ContractStatus.ACTIVE, ContractStatus.VOID]},
            reason=text,
        )
    return contract


def milestone_done(*, viewer: Viewer, milestone_id: int, done_on: date) -> Milestone:
    """Mark a contract milestone done on ``done_on`` (not in the future), once."""
    uid = _require_user(viewer)
    milestone = Milestone.objects.filter(pk=milestone_id).first()
    if milestone is None:
        raise NotFound()
    if done_on > timezone.localdate():
        raise InvalidInput(fields={"done_on": [_("The date cannot be in the future.")]})
    with transaction.atomic():
        _project, contract = _contract(viewer, milestone.contract_id)  # type: ignore[attr-defined]
        milestone.refresh_from_db()
        if milestone.done_on is not None:
            raise Conflict(_("This milestone is already done."))
        milestone.done_on = done_on
        milestone.save(update_fields=["done_on", "updated_at"])
        change_record(
            target=contract,
            actor_id=uid,
            action="milestone_done",
            changes={"milestones": [milestone.title, f"{milestone.title} ✓ {done_on.isoformat()}"]},
        )
    return milestone


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
