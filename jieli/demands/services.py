"""Writes for technology demands: create, edit, the life cycle and re-confirmation reminders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core import registry
from jieli.core.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    field_errors,
    reject_unknown_fields,
)
from jieli.core.history import change_record, diff, snapshot
from jieli.core.keywords import clean_keywords
from jieli.core.listing import (
    ListingStatus,
    listing_transition,
    viewer_may_edit,
)
from jieli.core.reminders import listings_remind_stale
from jieli.core.viewer import Viewer
from jieli.demands.models import CooperationMode, Demand
from jieli.demands.notices import RECONFIRM, REVIEWED
from jieli.notifications.services import notification_send

EDITABLE_FIELDS = (
    "title",
    "problem",
    "target_indicators",
    "existing_base",
    "industry",
    "region",
    "cooperation_modes",
    "budget_min_wan",
    "budget_max_wan",
    "budget_negotiable",
    "deadline",
    "keywords",
    "contact_name",
    "contact_phone",
    "contact_email",
    "visibility",
)
CREATE_FIELDS = (*EDITABLE_FIELDS, "owner")
# Only the secretariat (e.g. imports) sets where a record came from.
STAFF_FIELDS = ("source", "external_id")
HISTORY_FIELDS = (*EDITABLE_FIELDS, "owner", *STAFF_FIELDS)
# Text fields whose length the database does not check.
TEXT_LIMITS = {"problem": 5000, "target_indicators": 3000, "existing_base": 3000}
MAX_KEYWORDS = 20
MAX_KEYWORD_LENGTH = 40


def clean_cooperation_modes(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if not isinstance(value, list | tuple):
        raise InvalidInput(fields={"cooperation_modes": [_("Enter a list.")]})
    out: list[str] = []
    for item in value:
        if item not in CooperationMode.values:
            raise InvalidInput(
                fields={
                    "cooperation_modes": [
                        _("Choose one of: {options}.").format(
                            options=", ".join(CooperationMode.values)
                        )
                    ]
                }
            )
        if item not in out:
            out.append(item)
    return out


def _decimal(name: str, value: Any, errors: dict[str, list[str]]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.setdefault(name, []).append(_("Enter a number."))
        return None
    if not number.is_finite():
        errors.setdefault(name, []).append(_("Enter a number."))
        return None
    return number


def _apply_fields(demand: Demand, data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    for name, value in data.items():
        try:
            if name in ("industry", "region"):
                if value is not None and not isinstance(value, str):
                    errors.setdefault(name, []).append(_("Enter text."))
                    continue
                setattr(demand, f"{name}_id", (value or "").strip() or None)
            elif name == "owner":
                demand.owner_id = value  # type: ignore[attr-defined]
            elif name == "cooperation_modes":
                demand.cooperation_modes = clean_cooperation_modes(value)
            elif name == "keywords":
                demand.keywords = clean_keywords(value)
                demand.keywords_text = " ".join(demand.keywords)
            elif name in ("budget_min_wan", "budget_max_wan"):
                setattr(demand, name, _decimal(name, value, errors))
            elif name == "budget_negotiable":
                demand.budget_negotiable = bool(value)
            elif name == "deadline":
                if value is not None and value != "" and not isinstance(value, date):
                    errors.setdefault(name, []).append(_("Enter a valid date (YYYY-MM-DD)."))
                    continue
                demand.deadline = value or None
            elif isinstance(value, str):
                setattr(demand, name, value.strip())
            else:
                setattr(demand, name, "" if value is None else value)
        except InvalidInput as exc:
            for field, messages in exc.fields.items():
                errors.setdefault(field, []).extend(messages)


def _validate(
    demand: Demand,
    *,
    deadline_changed: bool,
    errors: dict[str, list[str]],
    previous_codes: dict[str, str | None] | None = None,
) -> None:
    from jieli.regions.selectors import validate_industry_code, validate_region_code

    previous_codes = previous_codes or {}
    try:
        demand.full_clean(
            exclude=["owner", "industry", "region", "keywords", "cooperation_modes"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for name, messages in field_errors(exc).items():
            if name not in errors:  # a type error already reported wins over "not valid"
                errors.setdefault(name, []).extend(messages)
    for name in TEXT_LIMITS:
        limit = TEXT_LIMITS[name]
        if len(getattr(demand, name) or "") > limit:
            errors[name] = [_("At most {n} characters.").format(n=limit)]
    for name, check in (("industry", validate_industry_code), ("region", validate_region_code)):
        code = getattr(demand, f"{name}_id")
        if code:
            try:
                # Any level will do; a code the record already had may since have been retired.
                normalised = check(
                    str(code), min_level=1, allow_retired=code == previous_codes.get(name)
                )
            except InvalidInput as exc:
                errors.setdefault(name, []).extend(exc.fields.get(name) or [exc.message])
            else:
                setattr(demand, f"{name}_id", normalised)
    low, high = demand.budget_min_wan, demand.budget_max_wan
    if low is not None and high is not None and low > high and "budget_max_wan" not in errors:
        errors.setdefault("budget_max_wan", []).append(
            _("The upper budget must not be below the lower budget.")
        )
    if deadline_changed and demand.deadline is not None and demand.deadline < timezone.localdate():
        errors.setdefault("deadline", []).append(_("The deadline must not be in the past."))
    if errors:
        raise InvalidInput(fields=errors)


def _save(demand: Demand) -> None:
    try:
        with transaction.atomic():
            demand.save()
    except IntegrityError as exc:  # two imports racing for one (source, external ID)
        raise Conflict(_("A demand with this source and external ID already exists.")) from exc


def _check_source(demand: Demand) -> None:
    if (
        demand.external_id
        and Demand.objects.filter(source=demand.source, external_id=demand.external_id)
        .exclude(pk=demand.pk)
        .exists()
    ):
        raise Conflict(
            _("A demand with this source and external ID already exists."),
            fields={"external_id": [_("Already registered.")]},
        )


@transaction.atomic
def demand_create(*, viewer: Viewer, data: dict[str, Any]) -> Demand:
    """A member of the owner organisation (or the secretariat) drafts a demand."""
    if not viewer.is_authenticated:
        raise NotAuthenticated()
    reject_unknown_fields(
        data, set(CREATE_FIELDS) | (set(STAFF_FIELDS) if viewer.is_staff_role else set())
    )
    owner_id = data.get("owner")
    if not isinstance(owner_id, int) or isinstance(owner_id, bool):
        raise InvalidInput(fields={"owner": [_("This field is required.")]})
    if not viewer.is_staff_role and not viewer.belongs_to(owner_id):
        raise PermissionDenied(_("You can only post demands for your own organisation."))
    from jieli.organisations.models import Organisation

    if not Organisation.objects.filter(pk=owner_id).exists():
        raise InvalidInput(fields={"owner": [_("Unknown organisation.")]})
    demand = Demand(status=ListingStatus.DRAFT)
    errors: dict[str, list[str]] = {}
    _apply_fields(demand, data, errors)
    _validate(demand, deadline_changed=True, errors=errors)
    _check_source(demand)
    _save(demand)
    change_record(
        target=demand,
        actor_id=viewer.user_id,
        action="create",
        changes=diff({}, snapshot(demand, HISTORY_FIELDS)),
    )
    # Listeners (the duplicate review queue) act once the transaction commits.
    registry.listing_created("demand", demand.pk)
    return demand


def _locked_for_edit(viewer: Viewer, pk: int) -> Demand:
    demand = Demand.objects.select_for_update().filter(pk=pk).first()
    if demand is None:
        raise NotFound()
    if not viewer_may_edit(viewer, demand.owner_id):  # type: ignore[attr-defined]
        # Someone who cannot even see it learns nothing about it.
        from jieli.demands.selectors import visible_demands

        if visible_demands(viewer).filter(pk=pk).exists():
            raise PermissionDenied()
        raise NotFound()
    return demand


@transaction.atomic
def demand_update(*, viewer: Viewer, pk: int, data: dict[str, Any]) -> Demand:
    """The owner's people (or the secretariat) change a demand that is not archived."""
    if not viewer.is_authenticated:
        raise NotAuthenticated()
    demand = _locked_for_edit(viewer, pk)
    reject_unknown_fields(
        data, set(EDITABLE_FIELDS) | (set(STAFF_FIELDS) if viewer.is_staff_role else set())
    )
    if demand.status == ListingStatus.ARCHIVED:
        raise Conflict(_("An archived demand cannot be changed."))
    before = snapshot(demand, HISTORY_FIELDS)
    old_deadline = demand.deadline
    previous_codes = {
        "industry": demand.industry_id,  # type: ignore[attr-defined]
        "region": demand.region_id,
    }  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    _apply_fields(demand, data, errors)
    _validate(
        demand,
        deadline_changed=demand.deadline != old_deadline,
        errors=errors,
        previous_codes=previous_codes,
    )
    _check_source(demand)
    _save(demand)
    changes = diff(before, snapshot(demand, HISTORY_FIELDS))
    if changes:
        change_record(target=demand, actor_id=viewer.user_id, action="update", changes=changes)
    return demand


def demand_transition(*, viewer: Viewer, pk: int, action: str, reason: str = "") -> Demand:
    """submit, publish, return (with a reason), reconfirm or archive; see core.listing."""
    if not viewer.is_authenticated:
        raise NotAuthenticated()
    with transaction.atomic():
        from jieli.demands.selectors import visible_demands

        demand = listing_transition(
            model=Demand,
            viewer=viewer,
            pk=pk,
            action=action,
            reason=reason,
            visible=visible_demands,
        )
        assert isinstance(demand, Demand)
        if (
            action in ("submit", "publish")
            and demand.deadline is not None
            and demand.deadline < timezone.localdate()
        ):
            # Raising here rolls back the transition and its history entry.
            raise InvalidInput(
                _("The deadline has passed; set a new deadline first."),
                fields={"deadline": [_("The deadline must not be in the past.")]},
            )
        if action in ("publish", "return"):
            _notify_owner_admins(demand, action, reason, viewer.user_id)
    return demand


def _notify_owner_admins(demand: Demand, action: str, reason: str, actor_id: int | None) -> None:
    notification_send(
        kind=REVIEWED,
        recipient_ids=registry.owner_admin_ids(demand.owner_id),  # type: ignore[attr-defined]
        target=demand,
        params={"action": action, "reason": reason, "title": demand.title},
        actor_id=actor_id,
    )


def demands_remind_stale(*, now: datetime | None = None) -> int:
    """Notify the owner's administrators of each published demand due for re-confirmation.

    Each demand is reminded once until it is re-confirmed; returns how many were reminded.
    """
    return listings_remind_stale(model=Demand, kind=RECONFIRM, now=now)
