from __future__ import annotations

import pytest

from jieli.organisations.models import Organisation
from jieli.organisations.tests.factories import RoleUsers, role_users


@pytest.fixture
def roles(db) -> RoleUsers:
    users = role_users()
    # Keep the foreign keys valid for PostgreSQL (the code list stores the short form).
    Organisation.objects.filter(region_id="370100").update(region_id="3701")
    return users
