import pytest

from jieli.facilities.tests.factories import platform
from jieli.organisations.tests.factories import RoleUsers, role_users


@pytest.fixture
def roles(db) -> RoleUsers:
    return role_users()


@pytest.fixture
def pilot(roles):
    """A published platform operated by the owner organisation (4 units a day, 60 days open)."""
    return platform(roles.owner_admin, roles.owner_org.pk)
