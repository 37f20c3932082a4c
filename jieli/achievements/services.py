"""Writes for achievements: create, update (with their IP records), life cycle, reminders."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.achievements.models import (
    MAX_IP_RECORDS,
    Achievement,
    IntellectualProperty,
    TransferMode,
)
from jieli.achievements.notices import RECONFIRM
from jieli.core import registry
from jieli.core.bulk import insert_many
from jieli.core.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    field_errors,
    reject_unknown_fields,
)
from jieli.core.history import change_record, change_records_bulk, diff, snapshot
from jieli.core.keywords import clean_keywords_into
from jieli.core.listing import (
    ListingStatus,
    Visibility,
    listing_transition,
    viewer_may_edit,
)
from jieli.core.reminders import listings_remind_stale
from jieli.core.viewer import Viewer

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = (
    "title",
    "summary",
    "detail",
    "team",
    "industry",
    "discipline",
    "region",
    "keywords",
    "trl",
    "maturity",
    "transfer_modes",
    "price_wan",
    "price_negotiable",
    "application_fields",
    "dual_use",
    "visibility",
)
# Fields only the secretariat (and imports running as the secretariat) may set.
STAFF_FIELDS = ("source", "external_id")
HISTORY_FIELDS = EDITABLE_FIELDS + STAFF_FIELDS
CODE_FIELDS = ("industry", "discipline", "region")
TEXT_FIELDS = ("title", "summary", "detail", "team", "application_fields", "source", "external_id")
TEXT_LIMITS = {"summary": 2000, "detail": 20000, "team": 1000, "application_fields": 1000}
IP_FIELDS = ("number", "ip_type", "legal_status", "filing_date", "grant_date", "expiry_date")


# --- normalising and validating input ------------------------------------------------------


def _merge(errors: dict[str, list[str]], exc: ValidationError, *, prefix: str = "") -> None:
    """Add a full_clean() error to ``errors``."""
    for name, messages in field_errors(exc).items():
        errors.setdefault(prefix + name, []).extend(messages)


def normalise_transfer_modes(value: Any, errors: dict[str, list[str]]) -> list[str]:
    if value is None or value == "":
        return []
    if not isinstance(value, list | tuple):
        errors.setdefault("transfer_modes", []).append(_("Enter a list."))
        return []
    out: list[str] = []
    choices = TransferMode.values  # a property that builds its list on every access
    for item in value:
        if item not in choices:
            errors.setdefault("transfer_modes", []).append(
                _("Choose one of: {options}.").format(options=", ".join(choices))
            )
            return []
        if item not in out:
            out.append(item)
    # Stored in the order of the choices, so equal sets compare equal in the history.
    return [m for m in choices if m in out]


def _code_of(value: Any) -> str:
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value or "").strip()


def _check_codes(
    data: Mapping[str, Any], achievement: Achievement, errors: dict[str, list[str]]
) -> None:
    from jieli.regions.selectors import (
        validate_discipline_code,
        validate_industry_code,
        validate_region_code,
    )

    validators = {
        "industry": validate_industry_code,
        "discipline": validate_discipline_code,
        "region": validate_region_code,
    }
    for name in CODE_FIELDS:
        if name not in data:
            continue
        code = _code_of(data[name])
        if not code:
            setattr(achievement, f"{name}_id", None)
            continue
        current = getattr(achievement, f"{name}_id")
        try:
            kwargs: dict[str, Any] = {"allow_retired": code == current}
            if name == "region":
                kwargs["min_level"] = 1  # a province or city is precise enough for a listing
            code = validators[name](code, **kwargs)
        except InvalidInput as exc:
            errors.setdefault(name, []).extend(exc.fields.get(name) or [exc.message])
            continue
        setattr(achievement, f"{name}_id", code)


def _apply(achievement: Achievement, data: Mapping[str, Any], errors: dict[str, list[str]]) -> None:
    for name, value in data.items():
        if name in CODE_FIELDS:
            continue
        if name == "keywords":
            achievement.keywords = clean_keywords_into(value, errors)
        elif name == "transfer_modes":
            achievement.transfer_modes = normalise_transfer_modes(value, errors)
        elif name in TEXT_FIELDS:
            if value is not None and not isinstance(value, str):
                errors.setdefault(name, []).append(_("Enter text."))
                continue
            text = (value or "").strip()
            setattr(achievement, name, text)
        elif name in ("price_negotiable", "dual_use"):
            if not isinstance(value, bool):
                errors.setdefault(name, []).append(_("Enter true or false."))
                continue
            setattr(achievement, name, value)
        elif name == "trl":
            achievement.trl = None if value in (None, "") else value
        elif name == "price_wan":
            achievement.price_wan = None if value in (None, "") else value
        elif name in ("maturity", "visibility"):
            setattr(achievement, name, value or ("" if name == "maturity" else Visibility.PUBLIC))
    _check_codes(data, achievement, errors)


def _validate(
    achievement: Achievement, errors: dict[str, list[str]], *, check_clash: bool = True
) -> None:
    try:
        achievement.full_clean(exclude=["owner", *CODE_FIELDS], validate_constraints=False)
    except ValidationError as exc:
        _merge(errors, exc)
    # TextField.max_length is not checked by full_clean().
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(achievement, name)) > limit:
            errors.setdefault(name, []).append(_("At most {n} characters.").format(n=limit))
    if "price_wan" not in errors and "price_negotiable" not in errors:
        if achievement.price_negotiable and achievement.price_wan is not None:
            errors.setdefault("price_wan", []).append(
                _("Leave the price empty when it is negotiable.")
            )
        elif not achievement.price_negotiable and achievement.price_wan is None:
            errors.setdefault("price_wan", []).append(_("Give a price or mark it as negotiable."))
    if achievement.external_id and check_clash:
        clash = Achievement.objects.filter(
            source=achievement.source, external_id=achievement.external_id
        )
        if achievement.pk:
            clash = clash.exclude(pk=achievement.pk)
        if clash.exists():
            errors.setdefault("external_id", []).append(
                _("Another achievement from this source has this external ID.")
            )


def _build_ip_records(records: Any, errors: dict[str, list[str]]) -> list[IntellectualProperty]:
    if not isinstance(records, list | tuple):
        errors.setdefault("ip_records", []).append(_("Enter a list."))
        return []
    if len(records) > MAX_IP_RECORDS:
        errors.setdefault("ip_records", []).append(
            _("At most {n} records.").format(n=MAX_IP_RECORDS)
        )
        return []
    out: list[IntellectualProperty] = []
    numbers: set[str] = set()
    for i, raw in enumerate(records):
        prefix = f"ip_records.{i}."
        if not isinstance(raw, Mapping):
            errors.setdefault(f"ip_records.{i}", []).append(_("Send a JSON object."))
            continue
        unknown = set(raw) - set(IP_FIELDS) - {"id"}
        for name in sorted(unknown):
            errors.setdefault(prefix + name, []).append(_("Unknown field."))
        number = raw.get("number") or ""
        if not isinstance(number, str):
            errors.setdefault(prefix + "number", []).append(_("Enter text."))
            number = ""
        number = "".join(number.split()).upper()
        record = IntellectualProperty(
            number=number,
            ip_type=raw.get("ip_type") or "",
            legal_status=raw.get("legal_status") or "pending",
            filing_date=raw.get("filing_date") or None,
            grant_date=raw.get("grant_date") or None,
            expiry_date=raw.get("expiry_date") or None,
        )
        try:
            record.full_clean(exclude=["achievement"], validate_constraints=False)
        except ValidationError as exc:
            _merge(errors, exc, prefix=prefix)
            continue
        if number:
            if number in numbers:
                errors.setdefault(prefix + "number", []).append(_("This number is listed twice."))
            numbers.add(number)
        out.append(record)
    return out


def _ip_summary(records: Iterable[IntellectualProperty]) -> list[str]:
    return sorted(
        f"{r.ip_type}:{r.number}:{r.legal_status}:{r.filing_date or ''}:{r.grant_date or ''}:"
        f"{r.expiry_date or ''}"
        for r in records
    )


def _check_fields(viewer: Viewer, data: Mapping[str, Any]) -> None:
    allowed = set(EDITABLE_FIELDS) | (set(STAFF_FIELDS) if viewer.is_staff_role else set())
    reject_unknown_fields(data, allowed)


def _save(achievement: Achievement) -> None:
    try:
        with transaction.atomic():
            achievement.save()
    except IntegrityError as exc:  # e.g. two imports racing for one external ID
        raise Conflict(_("This record conflicts with another achievement.")) from exc


# --- services ------------------------------------------------------------------------------


@transaction.atomic
def achievement_create(
    *,
    viewer: Viewer,
    owner_id: int,
    data: Mapping[str, Any],
    ip_records: Sequence[Mapping[str, Any]] | None = None,
) -> Achievement:
    """A member of ``owner_id`` (or the secretariat) adds a draft achievement."""
    from jieli.organisations.models import Organisation

    if not viewer.is_authenticated:
        raise NotAuthenticated()
    if not isinstance(owner_id, int) or not (viewer.is_staff_role or viewer.belongs_to(owner_id)):
        raise PermissionDenied(
            _("You can only add achievements for an organisation you belong to.")
        )
    if not Organisation.objects.filter(pk=owner_id).exists():
        raise InvalidInput(fields={"owner_id": [_("Unknown organisation.")]})
    _check_fields(viewer, data)
    errors: dict[str, list[str]] = {}
    achievement = Achievement(owner_id=owner_id, status=ListingStatus.DRAFT)
    _apply(achievement, data, errors)
    records = _build_ip_records(ip_records or [], errors)
    _validate(achievement, errors)
    if errors:
        raise InvalidInput(fields=errors)
    _save(achievement)
    for record in records:
        record.achievement = achievement
    IntellectualProperty.objects.bulk_create(records)
    changes = diff({}, snapshot(achievement, HISTORY_FIELDS))
    if records:
        changes["ip_records"] = [[], _ip_summary(records)]
    change_record(target=achievement, actor_id=viewer.user_id, action="create", changes=changes)
    # Listeners (the duplicate review queue) act once the transaction commits.
    registry.listing_created("achievement", achievement.pk)
    return achievement


@transaction.atomic
def achievement_create_many(
    *,
    viewer: Viewer,
    rows: Sequence[tuple[int, Mapping[str, Any], Sequence[Mapping[str, Any]] | None]],
    history_action: str = "create",
) -> list[Achievement | InvalidInput]:
    """Create many draft achievements in one transaction (imports): ``rows`` holds
    ``(owner_id, data, ip_records)``; the result holds, per row, the new achievement or the
    ``InvalidInput`` that rejected it (nothing is written for a rejected row).

    The same checks as ``achievement_create``, but set-based: one query for the owners, one for
    external-ID clashes, and bulk inserts for the achievements, their IP records and their
    history (``history_action``, e.g. "import").
    """
    from jieli.organisations.models import Organisation

    if not viewer.is_authenticated:
        raise NotAuthenticated()
    owners = {owner for owner, _data, _ips in rows}
    known = set(Organisation.objects.filter(pk__in=owners).values_list("pk", flat=True))
    external = {
        (str(data.get("source") or ""), str(data.get("external_id") or ""))
        for _owner, data, _ips in rows
        if data.get("external_id")
    }
    taken: set[tuple[str, str]] = set()
    for source in {s for s, _e in external}:
        ids = [e for s, e in external if s == source]
        for start in range(0, len(ids), 500):
            taken.update(
                Achievement.objects.filter(
                    source=source, external_id__in=ids[start : start + 500]
                ).values_list("source", "external_id")
            )
    out: list[Achievement | InvalidInput] = []
    new: list[tuple[Achievement, list[IntellectualProperty]]] = []
    for owner_id, data, ip_records in rows:
        if not isinstance(owner_id, int) or not (
            viewer.is_staff_role or viewer.belongs_to(owner_id)
        ):
            out.append(
                InvalidInput(
                    fields={
                        "owner_id": [
                            _("You can only add achievements for an organisation you belong to.")
                        ]
                    }
                )
            )
            continue
        if owner_id not in known:
            out.append(InvalidInput(fields={"owner_id": [_("Unknown organisation.")]}))
            continue
        try:
            _check_fields(viewer, data)
        except InvalidInput as exc:
            out.append(exc)
            continue
        errors: dict[str, list[str]] = {}
        achievement = Achievement(owner_id=owner_id, status=ListingStatus.DRAFT)
        _apply(achievement, data, errors)
        records = _build_ip_records(ip_records or [], errors)
        _validate(achievement, errors, check_clash=False)
        key = (achievement.source, achievement.external_id)
        if achievement.external_id and key in taken:
            errors.setdefault("external_id", []).append(
                _("Another achievement from this source has this external ID.")
            )
        if errors:
            out.append(InvalidInput(fields=errors))
            continue
        if achievement.external_id:
            taken.add(key)
        out.append(achievement)
        new.append((achievement, records))
    if not new:
        return out
    now = timezone.now()
    for achievement, _records in new:
        achievement.created_at = achievement.updated_at = now
    try:
        with transaction.atomic():
            insert_many(Achievement, [a for a, _r in new])
    except IntegrityError as exc:  # e.g. another import took an external ID meanwhile
        raise Conflict(_("This record conflicts with another achievement.")) from exc
    ips = []
    for achievement, records in new:
        for record in records:
            record.achievement = achievement
            ips.append(record)
    insert_many(IntellectualProperty, ips)
    history_records = []
    for achievement, records in new:
        changes = diff({}, snapshot(achievement, HISTORY_FIELDS))
        if records:
            changes["ip_records"] = [[], _ip_summary(records)]
        history_records.append((achievement, changes))
    change_records_bulk(records=history_records, actor_id=viewer.user_id, action=history_action)
    for achievement, _records in new:
        registry.listing_created("achievement", achievement.pk)
    return out


def _locked_for_edit(viewer: Viewer, pk: int) -> Achievement:
    achievement = Achievement.objects.select_for_update().filter(pk=pk).first()
    if achievement is None:
        raise NotFound()
    if not viewer_may_edit(viewer, achievement.owner_id):  # type: ignore[attr-defined]
        # Someone who cannot see the listing learns nothing about it.
        from jieli.achievements.selectors import visible_achievements

        if visible_achievements(viewer).filter(pk=pk).exists():
            raise PermissionDenied(_("Only the owner organisation's people may edit this."))
        raise NotFound()
    return achievement


@transaction.atomic
def achievement_update(
    *,
    viewer: Viewer,
    pk: int,
    data: Mapping[str, Any],
    ip_records: Sequence[Mapping[str, Any]] | None = None,
) -> Achievement:
    """Change some fields (and, when given, replace the IP records); the status is kept.

    A published listing stays published; the change is recorded in its history.
    """
    if not viewer.is_authenticated:
        raise NotAuthenticated()
    achievement = _locked_for_edit(viewer, pk)
    if achievement.status == ListingStatus.ARCHIVED:
        raise Conflict(_("An archived achievement cannot be edited."))
    _check_fields(viewer, data)
    before = snapshot(achievement, HISTORY_FIELDS)
    old_records = list(achievement.ip_records.all())
    errors: dict[str, list[str]] = {}
    _apply(achievement, data, errors)
    records = _build_ip_records(ip_records, errors) if ip_records is not None else None
    _validate(achievement, errors)
    if errors:
        raise InvalidInput(fields=errors)
    _save(achievement)
    changes = diff(before, snapshot(achievement, HISTORY_FIELDS))
    if records is not None:
        old_summary, new_summary = _ip_summary(old_records), _ip_summary(records)
        if old_summary != new_summary:
            achievement.ip_records.all().delete()
            for record in records:
                record.achievement = achievement
            IntellectualProperty.objects.bulk_create(records)
            changes["ip_records"] = [old_summary, new_summary]
    if changes:
        change_record(target=achievement, actor_id=viewer.user_id, action="update", changes=changes)
    return achievement


def achievement_transition(
    *, viewer: Viewer, pk: int, action: str, reason: str = ""
) -> Achievement:
    """submit / publish / return (with a reason) / reconfirm / archive — see core.listing."""
    if not viewer.is_authenticated:
        raise NotAuthenticated()
    from jieli.achievements.selectors import visible_achievements

    result = listing_transition(
        model=Achievement,
        viewer=viewer,
        pk=pk,
        action=action,
        reason=reason or "",
        visible=visible_achievements,
    )
    assert isinstance(result, Achievement)
    return result


def achievements_remind_stale(*, now: datetime | None = None) -> int:
    """Notify the owner's administrators about listings due for re-confirmation (once each)."""
    return listings_remind_stale(model=Achievement, kind=RECONFIRM, now=now)
