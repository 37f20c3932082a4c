"""Factories for people and organisations, shared by every app's tests."""

from __future__ import annotations

from dataclasses import dataclass

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from jieli.core.viewer import Viewer
from jieli.organisations.models import (
    MemberRole,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationType,
)
from jieli.organisations.selectors import viewer_for_user
from jieli.organisations.services import secretariat_group

PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"示例机构{n}")
    org_type = OrganisationType.ENTERPRISE
    membership_status = MembershipStatus.MEMBER
    region_id = "370102"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MemberRole.MEMBER


def member_of(
    organisation: Organisation, *, role: str = MemberRole.MEMBER, username: str | None = None
) -> AbstractUser:
    user = UserFactory(**({"username": username} if username else {}))
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def secretariat_user(username: str = "secretariat") -> AbstractUser:
    user = UserFactory(username=username)
    user.groups.add(secretariat_group())
    return user


def viewer_of(user: AbstractUser | None) -> Viewer:
    return viewer_for_user(user)


@dataclass
class RoleUsers:
    """One user per role around an owner organisation, for permission matrices.

    ``expert`` is a plain registered user here; apps that need a real expert profile add it.
    """

    owner_org: Organisation
    other_org: Organisation
    anonymous: None
    registered: AbstractUser
    other_member: AbstractUser
    owner_member: AbstractUser
    owner_admin: AbstractUser
    secretariat: AbstractUser

    def by_role(self) -> dict[str, AbstractUser | None]:
        return {
            "anonymous": None,
            "registered": self.registered,
            "other_member": self.other_member,
            "owner_member": self.owner_member,
            "owner_admin": self.owner_admin,
            "secretariat": self.secretariat,
        }


def role_users() -> RoleUsers:
    owner = OrganisationFactory(name="所有者机构")
    other = OrganisationFactory(name="其他机构")
    return RoleUsers(
        owner_org=owner,
        other_org=other,
        anonymous=None,
        registered=UserFactory(username="registered"),
        other_member=member_of(other, username="other_member"),
        owner_member=member_of(owner, username="owner_member"),
        owner_admin=member_of(owner, role=MemberRole.ADMIN, username="owner_admin"),
        secretariat=secretariat_user(),
    )
