from datetime import date

import pytest

from jieli.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from jieli.core.history import history_for
from jieli.core.viewer import ANONYMOUS
from jieli.experts import services
from jieli.experts.models import Expert, ExpertAffiliation
from jieli.experts.tests.factories import AffiliationFactory, ExpertFactory
from jieli.organisations.selectors import viewer_for_user
from jieli.organisations.tests.factories import UserFactory, viewer_of

pytestmark = pytest.mark.django_db


def data(**overrides):
    base = {
        "name": "李教授",
        "title": "教授",
        "industries": ["C", "38"],
        "disciplines": ["F01"],
        "keywords": ["储能"],
        "region": "370102",
        "bio": "研究储能。",
        "willing_to_consult": True,
        "email": "li@example.com",
    }
    base.update(overrides)
    return base


def test_secretariat_registers_expert_and_links_user(roles):
    user = UserFactory(username="li")
    expert = services.expert_create(viewer=viewer_of(roles.secretariat), data=data(user=user.pk))
    assert sorted(expert.industries.values_list("code", flat=True)) == ["38", "C"]
    assert list(expert.disciplines.values_list("code", flat=True)) == ["F01"]
    assert expert.region_id == "370102"
    assert history_for(expert).get().action == "create"
    user.refresh_from_db()
    assert viewer_for_user(user).is_expert


def test_only_secretariat_creates_experts(roles, expert):
    with pytest.raises(NotAuthenticated):
        services.expert_create(viewer=ANONYMOUS, data=data())
    for user in (roles.registered, roles.owner_admin, expert):
        with pytest.raises(PermissionDenied):
            services.expert_create(viewer=viewer_of(user), data=data())
    assert Expert.objects.count() == 1  # the fixture's expert


def test_linking_a_user_twice_is_a_conflict(roles, expert):
    with pytest.raises(Conflict):
        services.expert_create(viewer=viewer_of(roles.secretariat), data=data(user=expert.pk))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "名" * 101}, "name"),
        ({"bio": "x" * 5001}, "bio"),
        ({"industries": ["Z99"]}, "industries"),
        ({"disciplines": ["Q99"]}, "disciplines"),
        ({"region": "999999"}, "region"),
        ({"email": "nope"}, "email"),
        ({"organisation": 999_999}, "organisation"),
        ({"keywords": ["x" * 41]}, "keywords"),
        ({"user": 999_999}, "user"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_invalid_expert_data_writes_nothing(roles, overrides, field):
    with pytest.raises(InvalidInput) as exc:
        services.expert_create(viewer=viewer_of(roles.secretariat), data=data(**overrides))
    assert field in exc.value.fields
    assert not Expert.objects.exists()


def test_expert_edits_own_profile_but_not_staff_fields(expert):
    viewer = viewer_of(expert)
    profile = expert.expert_profile
    services.expert_update(
        viewer=viewer, pk=profile.pk, data={"bio": "新简介", "industries": ["3841"]}
    )
    profile.refresh_from_db()
    assert profile.bio == "新简介"
    assert list(profile.industries.values_list("code", flat=True)) == ["3841"]
    record = history_for(profile).get(action="update")
    assert record.changes["bio"][1] == "新简介"
    with pytest.raises(InvalidInput) as exc:
        services.expert_update(viewer=viewer, pk=profile.pk, data={"is_active": True})
    assert "is_active" in exc.value.fields


def test_nobody_else_edits_an_expert(roles, expert):
    other = ExpertFactory(name="别人")
    hidden = ExpertFactory(name="隐藏", is_public=False)
    for user in (roles.registered, roles.owner_admin, expert):
        with pytest.raises(PermissionDenied):
            services.expert_update(viewer=viewer_of(user), pk=other.pk, data={"bio": "x"})
        with pytest.raises(NotFound):
            services.expert_update(viewer=viewer_of(user), pk=hidden.pk, data={"bio": "x"})
    other.refresh_from_db()
    assert other.bio != "x"


def test_affiliations_added_and_removed_by_expert_with_history(expert, roles):
    viewer = viewer_of(expert)
    profile = expert.expert_profile
    affiliation = services.expert_affiliation_add(
        viewer=viewer,
        expert_id=profile.pk,
        data={
            "organisation": roles.other_org.pk,
            "relation": "advisory",
            "start_date": date(2020, 1, 1),
        },
    )
    assert affiliation.organisation_id == roles.other_org.pk
    services.expert_affiliation_remove(viewer=viewer, affiliation_id=affiliation.pk)
    assert not ExpertAffiliation.objects.exists()
    actions = {r.action for r in history_for(profile)}
    assert {"affiliation_add", "affiliation_remove"} <= actions


@pytest.mark.parametrize(
    ("affiliation", "field"),
    [
        ({"relation": "lover", "organisation_name": "X"}, "relation"),
        ({"relation": "other"}, "organisation_name"),
        (
            {
                "relation": "other",
                "organisation_name": "X",
                "start_date": date(2020, 1, 2),
                "end_date": date(2020, 1, 1),
            },
            "end_date",
        ),
        ({"relation": "other", "organisation": 999_999}, "organisation"),
    ],
)
def test_invalid_affiliations(expert, affiliation, field):
    with pytest.raises(InvalidInput) as exc:
        services.expert_affiliation_add(
            viewer=viewer_of(expert), expert_id=expert.expert_profile.pk, data=affiliation
        )
    assert field in exc.value.fields
    assert not ExpertAffiliation.objects.exists()


def test_others_cannot_touch_affiliations(roles, expert):
    affiliation = AffiliationFactory()
    with pytest.raises(NotFound):
        services.expert_affiliation_remove(viewer=viewer_of(expert), affiliation_id=affiliation.pk)
    with pytest.raises(PermissionDenied):
        services.expert_affiliation_add(
            viewer=viewer_of(roles.owner_admin),
            expert_id=affiliation.expert_id,
            data={"relation": "other", "organisation_name": "X"},
        )
    assert ExpertAffiliation.objects.count() == 1


def test_deactivation_removes_the_expert_role(roles, expert):
    profile = expert.expert_profile
    services.expert_deactivate(viewer=viewer_of(roles.secretariat), pk=profile.pk, reason="退休")
    expert.refresh_from_db()
    assert not viewer_for_user(expert).is_expert
    assert history_for(profile).get(action="deactivate").reason == "退休"
    with pytest.raises(Conflict):
        services.expert_deactivate(viewer=viewer_of(roles.secretariat), pk=profile.pk)
