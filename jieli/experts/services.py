"""Writes for experts: the secretariat registers them; an expert keeps their own profile."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

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
from jieli.core.keywords import clean_keywords_into
from jieli.core.viewer import Viewer
from jieli.experts.models import AffiliationRelation, Expert, ExpertAffiliation
from jieli.experts.selectors import may_edit_expert, visible_experts

PROFILE_FIELDS = (
    "name",
    "name_en",
    "organisation",
    "organisation_name",
    "title",
    "industries",
    "disciplines",
    "keywords",
    "region",
    "bio",
    "willing_to_consult",
    "willing_to_evaluate",
    "email",
    "phone",
    "is_public",
)
# Only the secretariat links accounts and switches profiles on or off.
STAFF_FIELDS = ("user", "is_active", "source", "external_id")
HISTORY_FIELDS = (*PROFILE_FIELDS, *STAFF_FIELDS)
BIO_LIMIT = 5000
MAX_CODES = 20
MAX_KEYWORDS = 20
MAX_KEYWORD_LENGTH = 40
BOOL_FIELDS = ("willing_to_consult", "willing_to_evaluate", "is_public", "is_active")


def _add(errors: dict[str, list[str]], name: str, message: str) -> None:
    errors.setdefault(name, []).append(str(message))


def _clean_codes(name: str, value: Any, errors: dict[str, list[str]]) -> list[str]:
    from jieli.regions import selectors as codes

    check = codes.validate_industry_code if name == "industries" else codes.validate_discipline_code
    if value is None or value == "":
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        _add(errors, name, _("Enter a list."))
        return []
    if len(value) > MAX_CODES:
        _add(errors, name, _("At most {n} entries.").format(n=MAX_CODES))
        return []
    out: list[str] = []
    for code in value:
        try:
            normalised = check(code, min_level=1, allow_retired=False, field=name)
        except InvalidInput as exc:
            errors.setdefault(name, []).extend(exc.fields.get(name) or [exc.message])
            continue
        if normalised not in out:
            out.append(normalised)
    return out


def _apply(
    expert: Expert, data: dict[str, Any], errors: dict[str, list[str]]
) -> dict[str, list[str]]:
    """Set plain fields on ``expert``; return the many-to-many code lists to set after saving."""
    from jieli.organisations.models import Organisation
    from jieli.regions.selectors import validate_region_code

    m2m: dict[str, list[str]] = {}
    for name, value in data.items():
        if name in ("industries", "disciplines"):
            m2m[name] = _clean_codes(name, value, errors)
        elif name == "keywords":
            expert.keywords = clean_keywords_into(value, errors)
            expert.keywords_text = " ".join(expert.keywords)
        elif name == "organisation":
            if value in (None, ""):
                expert.organisation_id = None  # type: ignore[attr-defined]
            elif (
                not isinstance(value, int)
                or isinstance(value, bool)
                or not Organisation.objects.filter(pk=value).exists()
            ):
                _add(errors, name, _("Unknown organisation."))
            else:
                expert.organisation_id = value  # type: ignore[attr-defined]
        elif name == "region":
            if value in (None, ""):
                expert.region_id = None  # type: ignore[attr-defined]
                continue
            try:
                expert.region_id = validate_region_code(  # type: ignore[attr-defined]
                    str(value), min_level=1, allow_retired=value == expert.region_id
                )  # type: ignore[attr-defined]
            except InvalidInput as exc:
                errors.setdefault(name, []).extend(exc.fields.get(name) or [exc.message])
        elif name == "user":
            _apply_user(expert, value, errors)
        elif name in BOOL_FIELDS:
            if not isinstance(value, bool):
                _add(errors, name, _("Enter true or false."))
            else:
                setattr(expert, name, value)
        elif isinstance(value, str) or value is None:
            setattr(expert, name, (value or "").strip())
        else:
            _add(errors, name, _("Enter text."))
    return m2m


def _apply_user(expert: Expert, value: Any, errors: dict[str, list[str]]) -> None:
    if value in (None, ""):
        expert.user_id = None  # type: ignore[attr-defined]
        return
    if not isinstance(value, int) or isinstance(value, bool):
        _add(errors, "user", _("Enter a whole number."))
        return
    if not get_user_model().objects.filter(pk=value, is_active=True).exists():
        _add(errors, "user", _("No registered user has that ID."))
        return
    if Expert.objects.filter(user_id=value).exclude(pk=expert.pk).exists():
        raise Conflict(
            _("That user already has an expert profile."),
            fields={"user": [_("Already linked to another expert profile.")]},
        )
    expert.user_id = value  # type: ignore[attr-defined]


def _validate(expert: Expert, errors: dict[str, list[str]]) -> None:
    try:
        expert.full_clean(
            exclude=["user", "organisation", "region", "keywords"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for name, messages in field_errors(exc).items():
            if name not in errors:
                errors.setdefault(name, []).extend(messages)
    if len(expert.bio or "") > BIO_LIMIT:
        errors["bio"] = [_("At most {n} characters.").format(n=BIO_LIMIT)]
    if errors:
        raise InvalidInput(fields=errors)


def _save(expert: Expert, m2m: dict[str, list[str]]) -> None:
    try:
        with transaction.atomic():
            expert.save()
    except IntegrityError as exc:  # a race for the same user account or external ID
        raise Conflict(_("This expert profile conflicts with an existing one.")) from exc
    if "industries" in m2m:
        expert.industries.set(m2m["industries"])  # type: ignore[arg-type]
    if "disciplines" in m2m:
        expert.disciplines.set(m2m["disciplines"])  # type: ignore[arg-type]


@transaction.atomic
def expert_create(*, viewer: Viewer, data: dict[str, Any]) -> Expert:
    """The secretariat registers an expert, optionally linking a user account (``user``: id)."""
    if not viewer.is_authenticated:
        raise NotAuthenticated()
    if not viewer.is_staff_role:
        raise PermissionDenied(_("Only the secretariat registers experts."))
    reject_unknown_fields(data, HISTORY_FIELDS)
    if not str(data.get("name") or "").strip():
        raise InvalidInput(fields={"name": [_("This field is required.")]})
    expert = Expert()
    errors: dict[str, list[str]] = {}
    m2m = _apply(expert, data, errors)
    _validate(expert, errors)
    _save(expert, m2m)
    change_record(
        target=expert,
        actor_id=viewer.user_id,
        action="create",
        changes=diff({}, snapshot(expert, HISTORY_FIELDS)),
    )
    return expert


def _locked(viewer: Viewer, pk: int) -> Expert:
    expert = Expert.objects.select_for_update().filter(pk=pk).first()
    if expert is None:
        raise NotFound()
    if not may_edit_expert(viewer, expert):
        if visible_experts(viewer).filter(pk=pk).exists():
            raise PermissionDenied(_("Only the expert and the secretariat change this profile."))
        raise NotFound()
    return expert


@transaction.atomic
def expert_update(*, viewer: Viewer, pk: int, data: dict[str, Any]) -> Expert:
    """The expert themself or the secretariat changes a profile."""
    if not viewer.is_authenticated:
        raise NotAuthenticated()
    expert = _locked(viewer, pk)
    reject_unknown_fields(data, HISTORY_FIELDS if viewer.is_staff_role else PROFILE_FIELDS)
    if "name" in data and not str(data.get("name") or "").strip():
        raise InvalidInput(fields={"name": [_("This field is required.")]})
    before = snapshot(expert, HISTORY_FIELDS)
    errors: dict[str, list[str]] = {}
    m2m = _apply(expert, data, errors)
    _validate(expert, errors)
    _save(expert, m2m)
    changes = diff(before, snapshot(expert, HISTORY_FIELDS))
    if changes:
        change_record(target=expert, actor_id=viewer.user_id, action="update", changes=changes)
    return expert


@transaction.atomic
def expert_deactivate(*, viewer: Viewer, pk: int, reason: str = "") -> Expert:
    """Switch a profile off (the expert role goes with it). Secretariat or the expert."""
    if not viewer.is_authenticated:
        raise NotAuthenticated()
    expert = _locked(viewer, pk)
    if len(reason) > 2000:
        raise InvalidInput(fields={"reason": [_("At most {n} characters.").format(n=2000)]})
    if not expert.is_active:
        raise Conflict(_("This expert profile is already inactive."))
    expert.is_active = False
    expert.save(update_fields=["is_active", "updated_at"])
    change_record(
        target=expert,
        actor_id=viewer.user_id,
        action="deactivate",
        changes={"is_active": [True, False]},
        reason=reason.strip(),
    )
    return expert


AFFILIATION_FIELDS = ("organisation", "organisation_name", "relation", "start_date", "end_date")


@transaction.atomic
def expert_affiliation_add(
    *, viewer: Viewer, expert_id: int, data: dict[str, Any]
) -> ExpertAffiliation:
    """Declare a tie to an organisation (for conflict-of-interest checks)."""
    from jieli.organisations.models import Organisation

    if not viewer.is_authenticated:
        raise NotAuthenticated()
    expert = _locked(viewer, expert_id)
    reject_unknown_fields(data, AFFILIATION_FIELDS)
    errors: dict[str, list[str]] = {}
    org_id = data.get("organisation")
    name = str(data.get("organisation_name") or "").strip()
    if org_id not in (None, ""):
        if (
            not isinstance(org_id, int)
            or isinstance(org_id, bool)
            or not Organisation.objects.filter(pk=org_id).exists()
        ):
            _add(errors, "organisation", _("Unknown organisation."))
    elif not name:
        _add(errors, "organisation_name", _("Name the organisation or choose a member one."))
    relation = data.get("relation")
    if relation not in AffiliationRelation.values:
        _add(
            errors,
            "relation",
            _("Choose one of: {options}.").format(options=", ".join(AffiliationRelation.values)),
        )
    start, end = data.get("start_date"), data.get("end_date")
    for key, value in (("start_date", start), ("end_date", end)):
        if value is not None and not isinstance(value, date):
            _add(errors, key, _("Enter a valid date (YYYY-MM-DD)."))
    if isinstance(start, date) and isinstance(end, date) and end < start:
        _add(errors, "end_date", _("The end date must not be before the start date."))
    affiliation = ExpertAffiliation(
        expert=expert,
        organisation_id=org_id or None,
        organisation_name=name,
        relation=relation or "",
        start_date=start,
        end_date=end,
    )
    if not errors:
        try:
            affiliation.full_clean(exclude=["expert", "organisation"])
        except ValidationError as exc:
            errors.update(field_errors(exc))
    if errors:
        raise InvalidInput(fields=errors)
    affiliation.save()
    change_record(
        target=expert,
        actor_id=viewer.user_id,
        action="affiliation_add",
        changes={"affiliation": ["", str(affiliation)]},
    )
    return affiliation


@transaction.atomic
def expert_affiliation_remove(*, viewer: Viewer, affiliation_id: int) -> None:
    if not viewer.is_authenticated:
        raise NotAuthenticated()
    affiliation = (
        ExpertAffiliation.objects.select_related("expert", "organisation")
        .filter(pk=affiliation_id)
        .first()
    )
    # Affiliations are private: someone who may not edit the expert learns nothing of them.
    if affiliation is None or not may_edit_expert(viewer, affiliation.expert):
        raise NotFound()
    change_record(
        target=affiliation.expert,
        actor_id=viewer.user_id,
        action="affiliation_remove",
        changes={"affiliation": [str(affiliation), ""]},
    )
    affiliation.delete()
