import pytest

from jieli.organisations.tests.factories import RoleUsers, role_users


@pytest.fixture
def roles(db) -> RoleUsers:
    return role_users()
