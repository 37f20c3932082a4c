import pytest

from jieli.experts.tests.factories import expert_user
from jieli.organisations.tests.factories import RoleUsers, role_users


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def roles(db) -> RoleUsers:
    return role_users()


@pytest.fixture
def expert(db):
    return expert_user()
