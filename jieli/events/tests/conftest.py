from __future__ import annotations

import pytest

from jieli.achievements.tests.factories import AchievementFactory
from jieli.demands.tests.factories import PublishedDemandFactory
from jieli.organisations.models import Organisation
from jieli.organisations.tests.factories import RoleUsers, role_users


@pytest.fixture
def roles(db) -> RoleUsers:
    users = role_users()
    Organisation.objects.filter(region_id="370100").update(region_id="3701")
    return users


@pytest.fixture
def listings(roles):
    offer = AchievementFactory(owner=roles.owner_org, title="固态电解质制备技术")
    need = PublishedDemandFactory(owner=roles.other_org, title="固态电池电解质需求")
    return offer, need


@pytest.fixture
def fair(roles):
    from jieli.events.tests.factories import open_fair

    return open_fair(roles.secretariat)


@pytest.fixture
def participants(roles, fair, listings):
    from jieli.events.tests.factories import confirmed_pair

    return confirmed_pair(roles, fair, *listings)
