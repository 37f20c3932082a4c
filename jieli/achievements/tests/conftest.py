from __future__ import annotations

import pytest

from jieli.organisations.models import Organisation
from jieli.organisations.tests.factories import RoleUsers, role_users


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Each permission test creates several users; a slow password hash dominates the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def roles(db) -> RoleUsers:
    users = role_users()
    # The shared OrganisationFactory uses the 6-digit form "370100"; the code list stores the
    # normalised "3701" (reported to the lead). Keep the foreign keys valid for PostgreSQL.
    Organisation.objects.filter(region_id="370100").update(region_id="3701")
    return users
