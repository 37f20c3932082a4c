import pytest


@pytest.fixture(autouse=True)
def _fresh_duplicate_index():
    """Each test starts with no index in memory, as a new process would."""
    from jieli.duplicates.index import index_reset

    index_reset()
    yield
    index_reset()


@pytest.fixture
def roles(db):
    from jieli.organisations.models import Organisation
    from jieli.organisations.tests.factories import role_users

    users = role_users()
    # The shared factory's region "370100" is stored as "3701" in the code list (as in the
    # achievements tests); keep the foreign keys valid on PostgreSQL.
    Organisation.objects.filter(region_id="370100").update(region_id="3701")
    return users
