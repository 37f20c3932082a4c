import pytest

from jieli.organisations.tests.factories import role_users
from jieli.pipeline.tests.factories import make_world, open_project


@pytest.fixture(autouse=True)
def _fast_passwords(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    return make_world(role_users())


@pytest.fixture
def project(world):
    return open_project(world)
