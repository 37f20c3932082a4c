"""The shared permission-matrix harness: role × endpoint → expected status AND side effect.

Every app's matrix states, for every role, the exact status code and whether the call changes
what it may change (``state``: a function returning a snapshot of it, read before and after);
the change history must change with it, and only then. A matrix that leaves a role out, or a
write that does not say what it changes, fails — so every app's matrix is equally strict, and
a page that redirects both on success and on a failed validation cannot pass by its status
code alone.

    WRITE = writes(anonymous=(302, False), registered=(404, False), ..., secretariat=(302, True))

    @pytest.mark.parametrize("role", ROLES)
    def test_decide(roles, case, role):
        check(roles, role, WRITE, lambda c: c.post(url, data), state=lambda: status_of(case))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.test import Client

from jieli.core.models import ChangeRecord

ROLES = ("anonymous", "registered", "other_member", "owner_member", "owner_admin", "secretariat")
# Apps where an expert profile changes what a user may see or do (demands, experts) add a
# seventh role: a registered user with an active expert profile (``WithExpert``).
EXPERT_ROLES = (*ROLES, "expert")


@dataclass(frozen=True)
class Cell:
    status: int
    changes: bool | None  # None: a read (nothing may change)


def _complete(cells: Mapping[str, Cell]) -> dict[str, Cell]:
    roles = EXPERT_ROLES if "expert" in cells else ROLES
    missing = set(roles) - set(cells)
    unknown = set(cells) - set(roles)
    assert not missing and not unknown, f"matrix roles: missing {missing}, unknown {unknown}"
    return dict(cells)


def reads(**statuses: int) -> dict[str, Cell]:
    """A read endpoint: the status per role; nothing may change for anyone."""
    return _complete({role: Cell(status, None) for role, status in statuses.items()})


def writes(**cells: tuple[int, bool]) -> dict[str, Cell]:
    """A write endpoint: (status, whether the state changes) per role."""
    return _complete({role: Cell(status, changes) for role, (status, changes) in cells.items()})


def as_page(api: Mapping[str, Cell]) -> dict[str, Cell]:
    """The page twin of an API endpoint: where the API answers 401 the page redirects to the
    sign-in page, and a write that succeeds redirects to its result; the rest is the same."""
    return _complete(
        {
            role: Cell(302 if cell.status == 401 or cell.changes else cell.status, cell.changes)
            for role, cell in api.items()
        }
    )


@dataclass(frozen=True)
class WithExpert:
    """``RoleUsers`` plus the user of the ``expert`` role, for the matrices that have it."""

    users: Any
    expert: Any

    def by_role(self) -> dict[str, Any]:
        return {**self.users.by_role(), "expert": self.expert}


def history_entries() -> list[tuple[int, int, str]]:
    """Every change record as (record type, record, action): a ``history`` for ``check``."""
    return sorted(ChangeRecord.objects.values_list("content_type_id", "object_id", "action"))


def client_for(user: Any, **extra: Any) -> Client:
    client = Client(**extra)
    if user is not None:
        client.force_login(user)
    return client


def check(
    users: Any,
    role: str,
    matrix: Mapping[str, Cell],
    call: Callable[[Client], HttpResponse],
    *,
    state: Callable[[], Any],
    history: Callable[[], Any] | None = history_entries,
    login_redirect: bool = True,
) -> HttpResponse:
    """Call the endpoint as ``role`` and assert its status and its effect on ``state``.

    ``users``: an object with ``by_role()`` (``RoleUsers``, ``WithExpert``). ``history``: a
    snapshot of the change records, which must change exactly when ``state`` may — a write
    without its record, or a refused call that still records something, fails (``None`` only
    for an endpoint whose writes keep no history). For a page answering an anonymous visitor
    with 302, the redirect must lead to the sign-in page (``login_redirect``).
    """
    assert role in matrix, f"the matrix has no cell for {role}"
    cell = matrix[role]
    before = state()
    history_before = history() if history else None
    response = call(client_for(users.by_role()[role]))
    after = state()
    history_after = history() if history else None
    assert response.status_code == cell.status, (
        f"{role}: expected {cell.status}, got {response.status_code}"
    )
    expected_change = bool(cell.changes)
    assert (after != before) is expected_change, (
        f"{role}: state {'did not change' if expected_change else 'changed'}: "
        f"{before!r} → {after!r}"
    )
    assert (history_after != history_before) is (expected_change and history is not None), (
        f"{role}: history {'not written' if expected_change else 'written'}: "
        f"{history_before!r} → {history_after!r}"
    )
    if role == "anonymous" and cell.status == 302 and login_redirect:
        assert "/accounts/login/" in response["Location"]
    return response
