"""Writes for organisations: applying, admission, suspension, people and roles."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    invalid_from_django,
)
from jieli.core.history import change_record, diff, snapshot
from jieli.core.validators import normalise_credit_code
from jieli.core.viewer import Viewer
from jieli.notifications.services import notification_send
from jieli.organisations.models import (
    SECRETARIAT_GROUP,
    MemberRole,
    Membership,
    MembershipStatus,
    MembershipTier,
    Organisation,
)
from jieli.organisations.notices import MEMBERSHIP_DECIDED
from jieli.organisations.selectors import may_manage_organisation

EDITABLE_FIELDS = (
    "name",
    "name_en",
    "org_type",
    "credit_code",
    "region",
    "address",
    "website",
    "description",
)
STAFF_FIELDS = ("membership_status", "tier", "member_since")


def _apply_fields(organisation: Organisation, data: dict[str, Any]) -> None:
    for name, value in data.items():
        if name == "region":
            organisation.region_id = value or None  # type: ignore[attr-defined]
            continue
        if name == "credit_code":
            value = normalise_credit_code(value or "")
        setattr(organisation, name, value if value is not None else "")


def _validate(organisation: Organisation, data: dict[str, Any]) -> None:
    from jieli.regions.selectors import validate_region_code

    errors: dict[str, list[str]] = {}
    try:
        organisation.full_clean(
            exclude=["region"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        errors.update(invalid_from_django(exc).fields)
    region_code = data.get("region")
    if region_code:
        try:
            validate_region_code(region_code, allow_retired=False)
        except InvalidInput as exc:
            errors.setdefault("region", []).extend(exc.fields.get("region") or [exc.message])
    if errors:
        raise InvalidInput(fields=errors)
    code = organisation.credit_code
    if code and Organisation.objects.filter(credit_code=code).exclude(pk=organisation.pk).exists():
        raise Conflict(
            _("An organisation with the credit code {code} is already registered.").format(
                code=code
            ),
            fields={"credit_code": [_("Already registered.")]},
        )


def _save(organisation: Organisation) -> None:
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as exc:  # two applications racing for one credit code
        raise Conflict(_("An organisation with this credit code is already registered.")) from exc


@transaction.atomic
def organisation_apply(*, viewer: Viewer, data: dict[str, Any]) -> Organisation:
    """A signed-in user applies for membership on behalf of an organisation and manages it."""
    applicant_id = viewer.user_id
    if applicant_id is None:
        raise PermissionDenied(_("Please sign in first."))
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(fields={name: [_("Unknown field.")] for name in sorted(unknown)})
    organisation = Organisation(membership_status=MembershipStatus.APPLYING)
    _apply_fields(organisation, data)
    _validate(organisation, data)
    _save(organisation)
    Membership.objects.create(
        user_id=applicant_id, organisation=organisation, role=MemberRole.ADMIN
    )
    change_record(
        target=organisation,
        actor_id=viewer.user_id,
        action="apply",
        changes=diff({}, snapshot(organisation, EDITABLE_FIELDS)),
    )
    return organisation


@transaction.atomic
def organisation_create(
    *,
    viewer: Viewer,
    data: dict[str, Any],
    membership_status: str = MembershipStatus.MEMBER,
    tier: str = "",
    member_since: date | None = None,
    is_demo: bool = False,
) -> Organisation:
    """The secretariat registers an organisation directly (e.g. founding members, imports)."""
    if not viewer.is_staff_role:
        raise PermissionDenied()
    organisation = Organisation(
        membership_status=membership_status, tier=tier, member_since=member_since, is_demo=is_demo
    )
    _apply_fields(organisation, data)
    _validate(organisation, data)
    _save(organisation)
    change_record(
        target=organisation,
        actor_id=viewer.user_id,
        action="create",
        changes=diff({}, snapshot(organisation, EDITABLE_FIELDS + STAFF_FIELDS)),
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, viewer: Viewer, organisation_id: int, data: dict[str, Any]
) -> Organisation:
    organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound()
    if not may_manage_organisation(viewer, organisation):
        from jieli.organisations.selectors import visible_organisations

        # Someone who may not see the organisation learns nothing about it.
        if visible_organisations(viewer).filter(pk=organisation.pk).exists():
            raise PermissionDenied()
        raise NotFound()
    allowed = set(EDITABLE_FIELDS) | (
        set(STAFF_FIELDS) - {"membership_status"} if viewer.is_staff_role else set()
    )
    unknown = set(data) - allowed
    if unknown:
        raise InvalidInput(
            fields={name: [_("This field cannot be changed here.")] for name in sorted(unknown)}
        )
    before = snapshot(organisation, EDITABLE_FIELDS + STAFF_FIELDS)
    _apply_fields(organisation, data)
    _validate(organisation, data)
    _save(organisation)
    changes = diff(before, snapshot(organisation, EDITABLE_FIELDS + STAFF_FIELDS))
    if changes:
        change_record(
            target=organisation, actor_id=viewer.user_id, action="update", changes=changes
        )
    return organisation


# Admission decisions: action -> (allowed current statuses, new status).
_DECISIONS = {
    "admit": ({MembershipStatus.APPLYING, MembershipStatus.SUSPENDED}, MembershipStatus.MEMBER),
    "suspend": ({MembershipStatus.MEMBER}, MembershipStatus.SUSPENDED),
    "remove": (
        {MembershipStatus.APPLYING, MembershipStatus.MEMBER, MembershipStatus.SUSPENDED},
        MembershipStatus.WITHDRAWN,
    ),
}


@transaction.atomic
def organisation_decide(
    *, viewer: Viewer, organisation_id: int, action: str, reason: str, tier: str = ""
) -> Organisation:
    """The secretariat admits, suspends or removes an organisation, with a recorded reason."""
    if not viewer.is_staff_role:
        raise PermissionDenied()
    if action not in _DECISIONS:
        raise InvalidInput(
            fields={
                "action": [_("Choose one of: {options}.").format(options=", ".join(_DECISIONS))]
            }
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": [_("Please give a reason.")]})
    if len(reason) > 2000:
        raise InvalidInput(fields={"reason": [_("At most {n} characters.").format(n=2000)]})
    if tier and tier not in MembershipTier.values:
        raise InvalidInput(
            fields={
                "tier": [
                    _("Choose one of: {options}.").format(options=", ".join(MembershipTier.values))
                ]
            }
        )
    organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound()
    allowed, new_status = _DECISIONS[action]
    if organisation.membership_status not in allowed:
        raise Conflict(
            _("This organisation's status is “{status}”; it cannot be changed that way.").format(
                status=organisation.get_membership_status_display()
            )
        )
    before = snapshot(organisation, STAFF_FIELDS)
    organisation.membership_status = new_status
    organisation.status_reason = reason
    if action == "admit":
        organisation.tier = tier or organisation.tier or MembershipTier.MEMBER
        organisation.member_since = organisation.member_since or timezone.localdate()
    organisation.save()
    change_record(
        target=organisation,
        actor_id=viewer.user_id,
        action=action,
        changes=diff(before, snapshot(organisation, STAFF_FIELDS)),
        reason=reason,
    )
    _notify_admins(organisation, action, reason, viewer.user_id)
    return organisation


def _notify_admins(
    organisation: Organisation, action: str, reason: str, actor_id: int | None
) -> None:
    notification_send(
        kind=MEMBERSHIP_DECIDED,
        recipient_ids=organisation.memberships.filter(role=MemberRole.ADMIN).values_list(
            "user_id", flat=True
        ),
        target=organisation,
        params={
            "action": action,
            "reason": reason,
            "status": organisation.membership_status,
            "name": organisation.name,
        },
        actor_id=actor_id,
    )


@transaction.atomic
def membership_add(
    *, viewer: Viewer, organisation_id: int, username_or_email: str, role: str
) -> Membership:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not may_manage_organisation(viewer, organisation):
        raise PermissionDenied()
    if role not in MemberRole.values:
        raise InvalidInput(
            fields={
                "role": [
                    _("Choose one of: {options}.").format(options=", ".join(MemberRole.values))
                ]
            }
        )
    user_model = get_user_model()
    ident = (username_or_email or "").strip()
    user = user_model.objects.filter(username=ident).first() or (
        user_model.objects.filter(email__iexact=ident).first() if "@" in ident else None
    )
    if user is None:
        raise InvalidInput(fields={"user": [_("No registered user has that name or e-mail.")]})
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if not created:
        raise Conflict(_("{user} already belongs to this organisation.").format(user=ident))
    change_record(
        target=organisation,
        actor_id=viewer.user_id,
        action="member_add",
        changes={"member": ["", user.get_username()], "role": ["", role]},
    )
    return membership


@transaction.atomic
def membership_remove(*, viewer: Viewer, membership_id: int) -> None:
    membership = (
        Membership.objects.select_related("organisation", "user").filter(pk=membership_id).first()
    )
    if membership is None or not may_manage_organisation(viewer, membership.organisation):
        raise PermissionDenied()
    admins = membership.organisation.memberships.filter(role=MemberRole.ADMIN)
    if membership.role == MemberRole.ADMIN and admins.count() == 1:
        raise Conflict(_("An organisation keeps at least one administrator."))
    change_record(
        target=membership.organisation,
        actor_id=viewer.user_id,
        action="member_remove",
        changes={"member": [membership.user.get_username(), ""]},
    )
    membership.delete()


@transaction.atomic
def user_register(
    *, username: str, email: str, password: str, display_name: str = ""
) -> AbstractUser:
    user_model = get_user_model()
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    email = (email or "").strip()
    if not username:
        errors["username"] = [_("This field is required.")]
    elif user_model.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This user name is taken.")]
    if email and user_model.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("This e-mail address is already registered.")]
    user = user_model(username=username, email=email, first_name=(display_name or "")[:150])
    try:
        user.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as exc:
        for name, msgs in invalid_from_django(exc).fields.items():
            errors.setdefault(name, []).extend(msgs)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = [str(m) for m in exc.messages]
    if errors:
        raise InvalidInput(fields=errors)
    user.set_password(password)
    user.save()
    return user  # type: ignore[return-value]


def secretariat_group() -> Group:
    group, _created = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    return group
