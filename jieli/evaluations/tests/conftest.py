import pytest

from jieli.achievements.tests.factories import AchievementFactory
from jieli.organisations.models import Organisation
from jieli.organisations.tests.factories import RoleUsers, role_users


@pytest.fixture(autouse=True)
def _fast_passwords(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def roles(db) -> RoleUsers:
    users = role_users()
    Organisation.objects.filter(region_id="370100").update(region_id="3701")
    return users


@pytest.fixture
def achievement(roles):
    return AchievementFactory(owner=roles.owner_org, title="固态电解质制备技术")
