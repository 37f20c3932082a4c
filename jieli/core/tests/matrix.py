"""The shared permission-matrix harness: role × endpoint → expected status AND side effect.

Every app's matrix states, for every role, the exact status code and whether the call changes
what it may change (``state``: a function returning a snapshot of it, read before and after).
A matrix that leaves a role out, or a write that does not say what it changes, fails — so every
app's matrix is equally strict, and a page that redirects both on success and on a failed
validation cannot pass by its status code alone.

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

ROLES = ("anonymous", "registered", "other_member", "owner_member", "owner_admin", "secretariat")


@dataclass(frozen=True)
class Cell:
    status: int
    changes: bool | None  # None: a read (nothing may change)


def _complete(cells: Mapping[str, Cell]) -> dict[str, Cell]:
    missing = set(ROLES) - set(cells)
    unknown = set(cells) - set(ROLES)
    assert not missing and not unknown, f"matrix roles: missing {missing}, unknown {unknown}"
    return dict(cells)


def reads(**statuses: int) -> dict[str, Cell]:
    """A read endpoint: the status per role; nothing may change for anyone."""
    return _complete({role: Cell(status, None) for role, status in statuses.items()})


def writes(**cells: tuple[int, bool]) -> dict[str, Cell]:
    """A write endpoint: (status, whether the state changes) per role."""
    return _complete({role: Cell(status, changes) for role, (status, changes) in cells.items()})


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
    login_redirect: bool = True,
) -> HttpResponse:
    """Call the endpoint as ``role`` and assert its status and its effect on ``state``.

    ``users``: an object with ``by_role()`` (``RoleUsers``). For a page answering an anonymous
    visitor with 302, the redirect must lead to the sign-in page (``login_redirect``).
    """
    cell = matrix[role]
    before = state()
    response = call(client_for(users.by_role()[role]))
    after = state()
    assert response.status_code == cell.status, (
        f"{role}: expected {cell.status}, got {response.status_code}"
    )
    expected_change = bool(cell.changes)
    assert (after != before) is expected_change, (
        f"{role}: state {'did not change' if expected_change else 'changed'}: "
        f"{before!r} → {after!r}"
    )
    if role == "anonymous" and cell.status == 302 and login_redirect:
        assert "/accounts/login/" in response["Location"]
    return response
