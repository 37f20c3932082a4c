import pytest

from jieli.experts.tests.factories import AffiliationFactory, ExpertFactory

pytestmark = pytest.mark.django_db


def test_affiliation_display_prefers_member_organisation(roles):
    assert ExpertFactory(organisation=roles.owner_org).affiliation_display == "所有者机构"
    assert ExpertFactory(organisation=None, organisation_name="清华").affiliation_display == "清华"


def test_affiliation_str_names_organisation_and_relation():
    assert "某某科技有限公司" in str(AffiliationFactory())
