import pytest

from jieli.organisations.models import MemberRole
from jieli.organisations.tests.factories import (
    OrganisationFactory,
    member_of,
    role_users,
    secretariat_user,
    viewer_of,
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def roles(db):
    return role_users()


@pytest.fixture
def staff(db):
    return secretariat_user("importer")


@pytest.fixture
def staff_viewer(staff):
    return viewer_of(staff)


@pytest.fixture
def owner_org(db):
    return OrganisationFactory(name="威海研究院", credit_code="")


@pytest.fixture
def org_admin(owner_org):
    return member_of(owner_org, role=MemberRole.ADMIN, username="orgadmin")


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions match the English source strings (the interface default is Chinese)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
