"""Lists cost the same number of queries for 2 rows as for 8: no query per row (N+1).

A per-row query was found on the API list (each achievement's discipline read one by one):
20 extra queries per page, a third of the request's time under load (issue 9 load test).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jieli.achievements.tests.factories import AchievementFactory
from jieli.demands.tests.factories import PublishedDemandFactory
from jieli.experts.tests.factories import ExpertFactory
from jieli.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/achievements",
    "/api/v1/demands",
    "/api/v1/experts",
    "/api/v1/organisations",
    "/achievements/",
    "/demands/",
    "/experts/",
    "/organisations/",
    "/",
]


def _rows(n: int) -> None:
    for _ in range(n):
        owner = OrganisationFactory(region_id="370102")
        AchievementFactory(owner=owner, discipline_id="A01", region_id="370102")
        PublishedDemandFactory(owner=owner)
        ExpertFactory(organisation=owner)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", LISTS)
def test_a_list_does_not_query_once_per_row(client, url, settings):
    settings.JIELI_RATELIMIT_ENABLED = False
    _rows(2)
    _queries(client, url)  # first request fills per-process caches (code lists, index)
    few = _queries(client, url)
    _rows(6)
    _queries(client, url)
    many = _queries(client, url)
    assert many == few, f"{url}: {few} queries for 2 rows, {many} for 8"
