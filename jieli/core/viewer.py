"""Who is asking: the one object every selector takes to decide what may be seen or changed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Viewer:
    user_id: int | None = None
    # Organisations the user belongs to (any membership status of the organisation).
    organisation_ids: frozenset[int] = field(default_factory=frozenset)
    # Organisations whose people and listings the user manages.
    admin_organisation_ids: frozenset[int] = field(default_factory=frozenset)
    # True when at least one of the user's organisations is an admitted alliance member.
    is_alliance_member: bool = False
    is_expert: bool = False
    is_secretariat: bool = False
    is_platform_admin: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_staff_role(self) -> bool:
        """Secretariat staff and platform administrators see and review everything."""
        return self.is_secretariat or self.is_platform_admin

    @property
    def sees_member_content(self) -> bool:
        """Members-only content is for alliance members, vetted experts and the secretariat."""
        return self.is_alliance_member or self.is_expert or self.is_staff_role

    def belongs_to(self, organisation_id: int | None) -> bool:
        return organisation_id is not None and organisation_id in self.organisation_ids

    def administers(self, organisation_id: int | None) -> bool:
        return organisation_id is not None and organisation_id in self.admin_organisation_ids

    @property
    def role_names(self) -> list[str]:
        roles = []
        if self.is_platform_admin:
            roles.append("platform_admin")
        if self.is_secretariat:
            roles.append("secretariat")
        if self.admin_organisation_ids:
            roles.append("organisation_admin")
        if self.organisation_ids:
            roles.append("organisation_member")
        if self.is_expert:
            roles.append("expert")
        if self.is_authenticated and not roles:
            roles.append("registered")
        return roles or ["anonymous"]


ANONYMOUS = Viewer()


def request_viewer(request: object) -> Viewer:
    """The viewer that ViewerMiddleware put on the request (anonymous if none)."""
    return getattr(request, "viewer", ANONYMOUS)
