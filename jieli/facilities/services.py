"""Writes for platforms, zones and clusters: create, edit, publish, hide (one transaction each,
with history). A platform is managed by its operator's administrators and the secretariat; zones
and clusters by the secretariat. Bookings are in ``booking_services.py``."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    reject_unknown_fields,
)
from jieli.core.history import change_record, diff, snapshot
from jieli.core.viewer import Viewer
from jieli.facilities import cleaning
from jieli.facilities.models import (
    AvailabilityWindow,
    Cluster,
    FacilityStatus,
    ManagedRecord,
    PilotPlatform,
    PlatformService,
    Zone,
)

COMMON_FIELDS = ("name", "name_en", "region", "industries", "description")
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")
PLATFORM_FIELDS = (
    *COMMON_FIELDS,
    *CONTACT_FIELDS,
    "operator",
    "capabilities",
    "equipment",
    "qualifications",
    "capacity_unit",
    "capacity_unit_en",
    "capacity_per_day",
)
# Replaced as a whole when given: [{name, name_en, price_wan, price_basis, price_basis_en}] and
# [{start_date, end_date, note}].
PLATFORM_LISTS = ("offerings", "windows")
ZONE_FIELDS = (
    *COMMON_FIELDS,
    *CONTACT_FIELDS,
    "agreement_date",
    "parties",
    "party_names",
    "policies",
    "incentives",
    "space_m2",
)
CLUSTER_FIELDS = (
    *COMMON_FIELDS,
    "leading_enterprises",
    "leading_enterprise_names",
    "output_value_wan",
    "enterprise_count",
    "employee_count",
)
LONG_TEXT = {
    "description": 5000,
    "capabilities": 5000,
    "equipment": 5000,
    "qualifications": 3000,
    "policies": 5000,
    "incentives": 5000,
}
SHORT_TEXT = {
    "name": 200,
    "name_en": 200,
    "capacity_unit": 60,
    "capacity_unit_en": 60,
    "contact_name": 100,
    "contact_phone": 40,
    "contact_email": 254,
}
REQUIRED = {
    PilotPlatform: (
        "name",
        "region",
        "operator",
        "capabilities",
        "capacity_unit",
        "capacity_per_day",
    ),
    Zone: ("name", "region"),
    Cluster: ("name", "region"),
}


def _require_user(viewer: Viewer) -> int:
    if viewer.user_id is None:
        raise NotAuthenticated()
    return viewer.user_id


def _apply(
    record: ManagedRecord, data: dict[str, Any], errors: dict[str, list[str]]
) -> dict[str, Any]:
    """Set plain fields on ``record``; return the many-to-many values to set after saving."""
    m2m: dict[str, Any] = {}
    for name, value in data.items():
        if name in LONG_TEXT:
            setattr(record, name, cleaning.text(value, name, errors, limit=LONG_TEXT[name]))
        elif name in SHORT_TEXT:
            setattr(record, name, cleaning.text(value, name, errors, limit=SHORT_TEXT[name]))
        elif name == "region":
            code = cleaning.region(value, name, errors, current=record.region_id or "")  # type: ignore[attr-defined]
            if code:
                record.region_id = code  # type: ignore[attr-defined]
        elif name == "industries":
            m2m[name] = cleaning.industries(value, name, errors)
        elif name in ("parties", "leading_enterprises"):
            m2m[name] = cleaning.organisations(value, name, errors)
        elif name in ("party_names", "leading_enterprise_names"):
            setattr(record, name, cleaning.names(value, name, errors))
        elif name in ("space_m2", "enterprise_count", "employee_count"):
            setattr(record, name, cleaning.whole(value, name, errors))
        elif name == "capacity_per_day":
            setattr(record, name, cleaning.whole(value, name, errors, minimum=1))
        elif name == "output_value_wan":
            setattr(record, name, cleaning.money(value, name, errors))
        elif name == "agreement_date":
            setattr(record, name, cleaning.day(value, name, errors))
        elif name == "operator":
            pass  # checked by the platform services (who may name which operator)
    return m2m


def _check_required(record: ManagedRecord, errors: dict[str, list[str]]) -> None:
    for name in REQUIRED[type(record)]:
        if name in errors:
            continue
        attname = name + "_id" if name in ("region", "operator") else name
        if getattr(record, attname, None) in (None, ""):
            cleaning.add(errors, name, _("This field is required."))
    if getattr(record, "contact_phone", ""):
        from django.core.exceptions import ValidationError

        from jieli.core.validators import validate_phone

        try:
            validate_phone(record.contact_phone)  # type: ignore[attr-defined]
        except ValidationError as exc:
            errors.setdefault("contact_phone", []).extend(str(m) for m in exc.messages)
    if getattr(record, "contact_email", ""):
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(record.contact_email)  # type: ignore[attr-defined]
        except ValidationError:
            cleaning.add(errors, "contact_email", _("Enter a valid e-mail address."))


def _set_m2m(record: ManagedRecord, m2m: dict[str, Any]) -> None:
    for name, values in m2m.items():
        getattr(record, name).set(values)


def _history_fields(model: type[ManagedRecord]) -> tuple[str, ...]:
    fields = {PilotPlatform: PLATFORM_FIELDS, Zone: ZONE_FIELDS, Cluster: CLUSTER_FIELDS}[model]
    return (*fields, "status")


# --- platforms ----------------------------------------------------------------------------------


def _clean_offerings(value: Any, errors: dict[str, list[str]]) -> list[PlatformService]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        cleaning.add(errors, "offerings", _("Enter a list."))
        return []
    if len(value) > cleaning.MAX_ITEMS:
        cleaning.add(errors, "offerings", _("At most {n} entries.").format(n=cleaning.MAX_ITEMS))
        return []
    out = []
    allowed = {"name", "name_en", "price_wan", "price_basis", "price_basis_en"}
    for item in value:
        if set(item) - allowed:
            cleaning.add(errors, "offerings", _("This field is not part of the request."))
            return []
        local: dict[str, list[str]] = {}
        row = PlatformService(
            name=cleaning.text(item.get("name"), "name", local, limit=200),
            name_en=cleaning.text(item.get("name_en"), "name_en", local, limit=200),
            price_wan=cleaning.money(item.get("price_wan"), "price_wan", local),
            price_basis=cleaning.text(item.get("price_basis"), "price_basis", local, limit=60),
            price_basis_en=cleaning.text(
                item.get("price_basis_en"), "price_basis_en", local, limit=60
            ),
        )
        if not row.name:
            cleaning.add(local, "name", _("This field is required."))
        for name, messages in local.items():
            errors.setdefault(f"offerings.{name}", []).extend(messages)
        out.append(row)
    return out


def _clean_windows(value: Any, errors: dict[str, list[str]]) -> list[AvailabilityWindow]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        cleaning.add(errors, "windows", _("Enter a list."))
        return []
    if len(value) > 100:
        cleaning.add(errors, "windows", _("At most {n} entries.").format(n=100))
        return []
    out = []
    for item in value:
        if set(item) - {"start_date", "end_date", "note"}:
            cleaning.add(errors, "windows", _("This field is not part of the request."))
            return []
        local: dict[str, list[str]] = {}
        start = cleaning.day(item.get("start_date"), "start_date", local)
        end = cleaning.day(item.get("end_date"), "end_date", local)
        note = cleaning.text(item.get("note"), "note", local, limit=200)
        if start is None and "start_date" not in local:
            cleaning.add(local, "start_date", _("This field is required."))
        if end is None and "end_date" not in local:
            cleaning.add(local, "end_date", _("This field is required."))
        if start and end and end < start:
            cleaning.add(local, "end_date", _("The end date is before the start date."))
        for name, messages in local.items():
            errors.setdefault(f"windows.{name}", []).extend(messages)
        if not local and start is not None and end is not None:
            out.append(AvailabilityWindow(start_date=start, end_date=end, note=note))
    return out


def _operator(viewer: Viewer, value: Any, errors: dict[str, list[str]]) -> int | None:
    from jieli.organisations.models import Organisation

    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        cleaning.add(errors, "operator", _("Enter a whole number."))
        return None
    if not viewer.is_staff_role and not viewer.administers(value):
        cleaning.add(errors, "operator", _("Choose an organisation you administer."))
        return None
    if not Organisation.objects.filter(pk=value).exists():
        cleaning.add(errors, "operator", _("Unknown organisation."))
        return None
    return value


def _replace_lists(
    platform: PilotPlatform,
    offerings: list[PlatformService] | None,
    windows: list[AvailabilityWindow] | None,
) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    if offerings is not None:
        before = list(platform.services.values_list("name", flat=True))  # type: ignore[attr-defined]
        platform.services.all().delete()  # type: ignore[attr-defined]
        for row in offerings:
            row.platform = platform
        PlatformService.objects.bulk_create(offerings)
        after = [row.name for row in offerings]
        if before != after:
            changes["services"] = [before, after]
    if windows is not None:
        before = [str(w) for w in platform.windows.all()]  # type: ignore[attr-defined]
        platform.windows.all().delete()  # type: ignore[attr-defined]
        for window in windows:
            window.platform = platform
        AvailabilityWindow.objects.bulk_create(windows)
        after = [f"{w.start_date}–{w.end_date}" for w in windows]
        if before != after:
            changes["windows"] = [before, after]
    return changes


def _check_commitments(platform: PilotPlatform) -> None:
    """An edit may not leave accepted bookings over capacity or outside the calendar."""
    from jieli.facilities.capacity import check_available, load_by_day
    from jieli.facilities.models import Booking, BookingStatus

    today = timezone.localdate()
    accepted = Booking.objects.filter(
        platform=platform, status=BookingStatus.ACCEPTED, end_date__gte=today
    )
    for booking in accepted:
        try:
            check_available(
                platform, max(booking.start_date, today), booking.end_date, field="windows"
            )
        except InvalidInput as exc:
            raise InvalidInput(
                _("Accepted bookings fall outside the new calendar; cancel them first."),
                fields=exc.fields,
            ) from exc
        load = load_by_day(platform, max(booking.start_date, today), booking.end_date)
        if max(load.values(), default=0) > platform.capacity_per_day:
            raise InvalidInput(
                fields={
                    "capacity_per_day": [
                        _("Accepted bookings already use more than this capacity.")
                    ]
                }
            )


def platform_create(*, viewer: Viewer, data: dict[str, Any]) -> PilotPlatform:
    """An operator organisation's administrator (for their organisation) or the secretariat (for
    any organisation) adds a platform, as a draft."""
    from jieli.facilities.selectors import may_add_platform

    uid = _require_user(viewer)
    if not may_add_platform(viewer):
        raise PermissionDenied(
            _("Only organisation administrators and the secretariat add platforms.")
        )
    reject_unknown_fields(data, (*PLATFORM_FIELDS, *PLATFORM_LISTS))
    errors: dict[str, list[str]] = {}
    platform = PilotPlatform()
    operator = _operator(viewer, data.get("operator"), errors)
    if operator is not None:
        platform.operator_id = operator  # type: ignore[attr-defined]
    m2m = _apply(platform, data, errors)
    offerings = _clean_offerings(data.get("offerings"), errors)
    windows = _clean_windows(data.get("windows"), errors)
    _check_required(platform, errors)
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        platform.save()
        _set_m2m(platform, m2m)
        extra = _replace_lists(platform, offerings, windows)
        changes = diff({}, snapshot(platform, _history_fields(PilotPlatform)))
        change_record(target=platform, actor_id=uid, action="create", changes={**changes, **extra})
    return platform


def _locked_platform(viewer: Viewer, pk: int) -> PilotPlatform:
    from jieli.facilities.selectors import may_manage_platform, visible_platforms

    platform = PilotPlatform.objects.select_for_update().filter(pk=pk).first()
    if platform is None or not visible_platforms(viewer).filter(pk=pk).exists():
        raise NotFound()
    if not may_manage_platform(viewer, platform):
        raise PermissionDenied(
            _("Only the operator's administrators and the secretariat manage this platform.")
        )
    return platform


def platform_update(*, viewer: Viewer, pk: int, data: dict[str, Any]) -> PilotPlatform:
    """Edit a platform (the lists given replace the old ones), under the platform's row lock so
    that no booking is accepted against the old capacity or calendar meanwhile."""
    uid = _require_user(viewer)
    reject_unknown_fields(data, (*PLATFORM_FIELDS, *PLATFORM_LISTS))
    with transaction.atomic():
        platform = _locked_platform(viewer, pk)
        fields = _history_fields(PilotPlatform)
        before = snapshot(platform, fields)
        errors: dict[str, list[str]] = {}
        if "operator" in data:
            operator = _operator(viewer, data["operator"], errors)
            if operator is not None:
                platform.operator_id = operator  # type: ignore[attr-defined]
            elif "operator" not in errors:
                cleaning.add(errors, "operator", _("This field is required."))
        m2m = _apply(platform, data, errors)
        offerings = _clean_offerings(data["offerings"], errors) if "offerings" in data else None
        windows = _clean_windows(data["windows"], errors) if "windows" in data else None
        _check_required(platform, errors)
        if errors:
            raise InvalidInput(fields=errors)
        platform.save()
        _set_m2m(platform, m2m)
        extra = _replace_lists(platform, offerings, windows)
        _check_commitments(platform)
        changes = {**diff(before, snapshot(platform, fields)), **extra}
        if changes:
            change_record(target=platform, actor_id=uid, action="update", changes=changes)
    return platform


# --- zones and clusters -------------------------------------------------------------------------


def _secretariat_create(viewer: Viewer, model: type[ManagedRecord], data: dict[str, Any]) -> Any:
    from jieli.facilities.selectors import may_manage_zones

    uid = _require_user(viewer)
    if not may_manage_zones(viewer):
        raise PermissionDenied(_("Only the secretariat manages zones and clusters."))
    fields = _history_fields(model)[:-1]
    reject_unknown_fields(data, fields)
    record = model()
    errors: dict[str, list[str]] = {}
    m2m = _apply(record, data, errors)
    _check_required(record, errors)
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        record.save()
        _set_m2m(record, m2m)
        change_record(
            target=record,
            actor_id=uid,
            action="create",
            changes=diff({}, snapshot(record, _history_fields(model))),
        )
    return record


def _secretariat_update(
    viewer: Viewer, model: type[ManagedRecord], pk: int, data: dict[str, Any]
) -> Any:
    from jieli.facilities.selectors import may_manage_zones

    uid = _require_user(viewer)
    fields = _history_fields(model)
    reject_unknown_fields(data, fields[:-1])
    with transaction.atomic():
        record = model._default_manager.select_for_update().filter(pk=pk).first()
        if record is None:
            raise NotFound()
        if not may_manage_zones(viewer):
            # Everyone else sees only published ones: learns nothing of drafts.
            if record.status != FacilityStatus.PUBLISHED:
                raise NotFound()
            raise PermissionDenied(_("Only the secretariat manages zones and clusters."))
        before = snapshot(record, fields)
        errors: dict[str, list[str]] = {}
        m2m = _apply(record, data, errors)
        _check_required(record, errors)
        if errors:
            raise InvalidInput(fields=errors)
        record.save()
        _set_m2m(record, m2m)
        changes = diff(before, snapshot(record, fields))
        if changes:
            change_record(target=record, actor_id=uid, action="update", changes=changes)
    return record


def zone_create(*, viewer: Viewer, data: dict[str, Any]) -> Zone:
    return _secretariat_create(viewer, Zone, data)  # type: ignore[no-any-return]


def zone_update(*, viewer: Viewer, pk: int, data: dict[str, Any]) -> Zone:
    return _secretariat_update(viewer, Zone, pk, data)  # type: ignore[no-any-return]


def cluster_create(*, viewer: Viewer, data: dict[str, Any]) -> Cluster:
    return _secretariat_create(viewer, Cluster, data)  # type: ignore[no-any-return]


def cluster_update(*, viewer: Viewer, pk: int, data: dict[str, Any]) -> Cluster:
    return _secretariat_update(viewer, Cluster, pk, data)  # type: ignore[no-any-return]


# --- publishing -------------------------------------------------------------------------------

# action → (allowed sources, target, secretariat only)
STATUS_MOVES: dict[str, tuple[frozenset[str], str, bool]] = {
    "publish": (
        frozenset({FacilityStatus.DRAFT, FacilityStatus.HIDDEN}),
        FacilityStatus.PUBLISHED,
        False,
    ),
    "unpublish": (frozenset({FacilityStatus.PUBLISHED}), FacilityStatus.DRAFT, False),
    "hide": (
        frozenset({FacilityStatus.DRAFT, FacilityStatus.PUBLISHED}),
        FacilityStatus.HIDDEN,
        True,
    ),
}
KIND_MODELS: dict[str, type[ManagedRecord]] = {
    "platform": PilotPlatform,
    "zone": Zone,
    "cluster": Cluster,
}


def facility_set_status(
    *, viewer: Viewer, kind: str, pk: int, action: str, reason: str = ""
) -> ManagedRecord:
    """Publish, unpublish (back to draft) or hide (the secretariat, with a reason) a platform,
    zone or cluster, under a row lock, with history. Hidden from the viewer: 404."""
    from jieli.facilities import selectors

    uid = _require_user(viewer)
    model = KIND_MODELS.get(kind)
    if model is None:
        raise NotFound()
    if action not in STATUS_MOVES:
        raise InvalidInput(
            fields={
                "action": [_("Choose one of: {options}.").format(options=", ".join(STATUS_MOVES))]
            }
        )
    sources, target, staff_only = STATUS_MOVES[action]
    errors: dict[str, list[str]] = {}
    reason = cleaning.text(reason, "reason", errors, limit=2000)
    if errors:
        raise InvalidInput(fields=errors)
    visible = {
        "platform": selectors.visible_platforms,
        "zone": selectors.visible_zones,
        "cluster": selectors.visible_clusters,
    }[kind]
    with transaction.atomic():
        record = model._default_manager.select_for_update().filter(pk=pk).first()
        if record is None or not visible(viewer).filter(pk=pk).exists():
            raise NotFound()
        if isinstance(record, PilotPlatform):
            allowed = selectors.may_manage_platform(viewer, record)
        else:
            allowed = selectors.may_manage_zones(viewer)
        if not allowed or (staff_only and not viewer.is_staff_role):
            raise PermissionDenied()
        if record.status not in sources:
            raise Conflict(
                _("Cannot do this while the status is “{status}”.").format(
                    status=record.get_status_display()  # type: ignore[attr-defined]
                )
            )
        if action == "hide" and not reason:
            raise InvalidInput(fields={"reason": [_("Please give a reason for hiding it.")]})
        before = record.status
        record.status = target
        if action == "publish":
            record.published_at = record.published_at or timezone.now()
            record.hidden_reason = ""
        elif action == "hide":
            record.hidden_reason = reason
        record.save()
        change_record(
            target=record,
            actor_id=uid,
            action=action,
            changes={"status": [before, target]},
            reason=reason,
        )
    return record
