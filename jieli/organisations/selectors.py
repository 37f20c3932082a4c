"""Reads for organisations and the people in them; the one place their visibility is decided."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from jieli.core.errors import NotFound
from jieli.core.viewer import ANONYMOUS, Viewer
from jieli.organisations.models import (
    SECRETARIAT_GROUP,
    MemberRole,
    Membership,
    MembershipStatus,
    Organisation,
)


def viewer_for_user(user: AbstractBaseUser | AnonymousUser | None) -> Viewer:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    rows = list(
        Membership.objects.filter(user_id=user.pk).values_list(
            "organisation_id", "role", "organisation__membership_status"
        )
    )
    is_superuser = bool(getattr(user, "is_superuser", False))
    return Viewer(
        user_id=user.pk,
        organisation_ids=frozenset(org for org, _role, _status in rows),
        admin_organisation_ids=frozenset(org for org, role, _s in rows if role == MemberRole.ADMIN),
        is_alliance_member=any(status == MembershipStatus.MEMBER for _o, _r, status in rows),
        is_expert=_is_expert(user),
        is_secretariat=getattr(user, "groups").filter(name=SECRETARIAT_GROUP).exists(),  # noqa: B009 - not every user model has groups
        is_platform_admin=is_superuser,
    )


def _is_expert(user: AbstractBaseUser) -> bool:
    # The experts app sits above this one; ask through the reverse relation, not an import.
    related = getattr(user, "expert_profile", None)
    try:
        return related is not None and bool(related.is_active)
    except Exception:  # the related object does not exist
        return False


@dataclass(frozen=True)
class OrganisationFilters:
    q: str = ""
    org_type: str = ""
    region: str = ""
    membership_status: str = ""
    tier: str = ""


def visible_organisations(viewer: Viewer) -> QuerySet[Organisation]:
    """Admitted members are public; an organisation's own people and the secretariat see more."""
    qs = Organisation.objects.select_related("region")
    if viewer.is_staff_role:
        return qs
    q = Q(membership_status=MembershipStatus.MEMBER)
    if viewer.organisation_ids:
        q |= Q(pk__in=viewer.organisation_ids)
    return qs.filter(q)


def organisation_list(viewer: Viewer, filters: OrganisationFilters) -> QuerySet[Organisation]:
    from jieli.regions.selectors import region_descendant_q

    qs = visible_organisations(viewer)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(description__icontains=filters.q))
    if filters.org_type:
        qs = qs.filter(org_type=filters.org_type)
    if filters.region:
        qs = qs.filter(region_descendant_q("region_id", filters.region))
    if filters.membership_status:
        qs = qs.filter(membership_status=filters.membership_status)
    if filters.tier:
        qs = qs.filter(tier=filters.tier)
    return qs.order_by("name", "id")


def organisation_get(viewer: Viewer, pk: int) -> Organisation:
    org = visible_organisations(viewer).filter(pk=pk).first()
    if org is None:
        raise NotFound()
    return org


def organisations_of(viewer: Viewer) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=viewer.organisation_ids).order_by("name")


def may_manage_organisation(viewer: Viewer, organisation: Organisation) -> bool:
    return viewer.is_staff_role or viewer.administers(organisation.pk)


def memberships_of(viewer: Viewer, organisation: Organisation) -> QuerySet[Membership]:
    """People of an organisation: visible to its own people and the secretariat only."""
    if not (viewer.is_staff_role or viewer.belongs_to(organisation.pk)):
        return Membership.objects.none()
    return organisation.memberships.select_related("user").order_by("-role", "user__username")


def admission_queue(viewer: Viewer) -> QuerySet[Organisation]:
    if not viewer.is_staff_role:
        return Organisation.objects.none()
    return Organisation.objects.filter(membership_status=MembershipStatus.APPLYING).order_by(
        "created_at"
    )


def organisation_admin_ids(organisation_id: int) -> list[int]:
    """User ids of the organisation's active administrators (whom its notices go to)."""
    return list(
        Membership.objects.filter(
            organisation_id=organisation_id, role=MemberRole.ADMIN, user__is_active=True
        )
        .order_by("pk")
        .values_list("user_id", flat=True)
    )


def owner_choices(viewer: Viewer, *, administered_only: bool = False) -> list[tuple[int, str]]:
    """(id, name) of the organisations ``viewer`` may file records for, by name.

    The secretariat may act for any organisation; others for those they belong to (or, with
    ``administered_only``, administer). Used by every form with an owner picker.
    """
    if administered_only:
        qs = Organisation.objects.filter(pk__in=viewer.admin_organisation_ids)
    elif viewer.is_staff_role:
        qs = Organisation.objects.all()
    else:
        qs = Organisation.objects.filter(pk__in=viewer.organisation_ids)
    return list(qs.order_by("name", "pk").values_list("pk", "name")[:500])
