import pytest

from jieli.core.errors import InvalidInput, NotFound
from jieli.core.viewer import ANONYMOUS
from jieli.experts import selectors
from jieli.experts.selectors import ExpertFilters
from jieli.experts.tests.factories import AffiliationFactory, ExpertFactory
from jieli.organisations.tests.factories import viewer_of

pytestmark = pytest.mark.django_db


def ids(qs):
    return {e.pk for e in qs}


def test_only_public_active_profiles_are_listed_for_others(roles, expert):
    public = ExpertFactory()
    private = ExpertFactory(is_public=False)
    inactive = ExpertFactory(is_active=False)
    own = expert.expert_profile
    assert ids(selectors.visible_experts(ANONYMOUS)) == {public.pk, own.pk}
    assert ids(selectors.visible_experts(viewer_of(roles.secretariat))) == {
        public.pk,
        private.pk,
        inactive.pk,
        own.pk,
    }
    own.is_public = False
    own.save()
    assert own.pk in ids(selectors.visible_experts(viewer_of(expert)))
    assert own.pk not in ids(selectors.visible_experts(viewer_of(roles.other_member)))
    with pytest.raises(NotFound):
        selectors.expert_get(ANONYMOUS, private.pk)


def test_contact_for_members_and_affiliations_for_self_and_staff(roles, expert):
    other = ExpertFactory()
    AffiliationFactory(expert=other)
    for user, contact, affiliations in [
        (None, False, False),
        (roles.registered, False, False),
        (roles.other_member, True, False),
        (expert, True, False),
        (roles.secretariat, True, True),
    ]:
        detail = selectors.expert_detail_for(viewer_of(user), other)
        assert detail.sees_contact is contact
        assert (detail.email is not None) is contact
        assert detail.sees_affiliations is affiliations
        assert bool(detail.affiliations) is affiliations
    own = selectors.expert_detail_for(viewer_of(expert), expert.expert_profile)
    assert own.sees_affiliations and own.may_edit


def test_filters():
    a = ExpertFactory(
        name="张三", willing_to_consult=True, willing_to_evaluate=True, region_id="370102"
    )
    a.industries.set(["3841"])
    a.disciplines.set(["F0101"])
    b = ExpertFactory(
        name="李四",
        willing_to_consult=False,
        region_id="1101",
        keywords=["区块链"],
        keywords_text="区块链",
    )
    assert ids(selectors.expert_list(ANONYMOUS, ExpertFilters(q="张三"))) == {a.pk}
    assert ids(selectors.expert_list(ANONYMOUS, ExpertFilters(q="区块链"))) == {b.pk}
    assert ids(selectors.expert_list(ANONYMOUS, ExpertFilters(industry="C"))) == {a.pk}
    assert ids(selectors.expert_list(ANONYMOUS, ExpertFilters(discipline="F01"))) == {a.pk}
    assert ids(selectors.expert_list(ANONYMOUS, ExpertFilters(region="37"))) == {a.pk}
    assert ids(selectors.expert_list(ANONYMOUS, ExpertFilters(willing_to_consult=False))) == {b.pk}
    assert ids(selectors.expert_list(ANONYMOUS, ExpertFilters(willing_to_evaluate=True))) == {a.pk}


@pytest.mark.parametrize("field", ["industry", "discipline", "region"])
def test_unknown_codes_are_invalid(field):
    with pytest.raises(InvalidInput) as exc:
        selectors.expert_list(ANONYMOUS, ExpertFilters(**{field: "ZZ99"}))
    assert field in exc.value.fields


def test_expert_for_user(roles, expert):
    assert selectors.expert_for_user(viewer_of(expert)) == expert.expert_profile
    assert selectors.expert_for_user(viewer_of(roles.registered)) is None
    assert selectors.expert_for_user(ANONYMOUS) is None
