import pytest

from jieli.core.errors import InvalidInput
from jieli.duplicates.index import index_for
from jieli.duplicates.kinds import kind_spec
from jieli.duplicates.models import DuplicateCase
from jieli.duplicates.selectors import duplicate_suspects_for, visible_duplicate_cases
from jieli.duplicates.services import duplicate_index_add
from jieli.duplicates.tests.factories import (
    OLED_REWORDED_TEXT,
    OLED_REWORDED_TITLE,
    achievement,
    case_between,
)
from jieli.organisations.tests.factories import OrganisationFactory, viewer_of

pytestmark = pytest.mark.django_db

REWORDED = {"title": OLED_REWORDED_TITLE, "summary": OLED_REWORDED_TEXT}


def test_index_is_built_lazily_from_the_database(roles):
    target = achievement(roles.owner_org)
    suspects = duplicate_suspects_for(kind="achievement", data=REWORDED)
    assert [s.target_id for s in suspects] == [target.pk]


def test_record_created_after_first_use_is_found(roles):
    index_for(kind_spec("achievement"))  # warm, empty
    target = achievement(roles.owner_org)
    duplicate_index_add("achievement", target)
    assert [s.target_id for s in duplicate_suspects_for(kind="achievement", data=REWORDED)] == [
        target.pk
    ]


def test_patent_number_is_certain_even_when_index_misses_it(roles, monkeypatch):
    target = achievement(roles.owner_org, title="甲", summary="", ip_numbers=("ZL202110123456.7",))
    monkeypatch.setattr("jieli.duplicates.index._sync", lambda spec, state: None)  # cold index
    suspects = duplicate_suspects_for(
        kind="achievement", data={"title": "乙", "ip_numbers": ["202110123456"]}
    )
    assert suspects[0].target_id == target.pk and suspects[0].certainty == "certain"


def test_credit_code_is_certain_from_the_database(db):
    org = OrganisationFactory(credit_code="91370000163044841F", region_id=None)
    suspects = duplicate_suspects_for(
        kind="organisation", data={"name": "另一个名字", "credit_code": "91370000163044841f"}
    )
    assert suspects[0].target_id == org.pk and suspects[0].certainty == "certain"


def test_archived_records_are_not_suspects(roles):
    achievement(roles.owner_org, status="archived")
    assert duplicate_suspects_for(kind="achievement", data=REWORDED) == []


def test_another_orgs_private_listing_is_not_revealed(roles):
    achievement(roles.owner_org, status="draft", visibility="private")
    suspects = duplicate_suspects_for(
        kind="achievement", data=REWORDED, viewer=viewer_of(roles.other_member)
    )
    assert len(suspects) == 1
    assert suspects[0].target_id is None
    assert suspects[0].reason_codes == [("hidden", {})]
    assert "OLED" not in " ".join(suspects[0].reasons)


def test_owner_and_secretariat_see_the_private_suspect(roles):
    target = achievement(roles.owner_org, status="draft", visibility="private")
    for user in (roles.owner_member, roles.secretariat):
        suspects = duplicate_suspects_for(kind="achievement", data=REWORDED, viewer=viewer_of(user))
        assert [s.target_id for s in suspects] == [target.pk]


def test_kept_pair_is_not_suggested_again(roles):
    a = achievement(roles.owner_org)
    b = achievement(roles.other_org, title=OLED_REWORDED_TITLE, summary=OLED_REWORDED_TEXT)
    case_between(a, b, status="kept")
    data = {"title": b.title, "summary": b.summary}
    assert duplicate_suspects_for(kind="achievement", data=data, exclude_id=b.pk) == []
    assert {s.target_id for s in duplicate_suspects_for(kind="achievement", data=data)} == {
        a.pk,
        b.pk,
    }


@pytest.mark.parametrize(
    "kind, data, field",
    [
        ("patent", {"title": "x"}, "kind"),
        ("achievement", {"title": 5}, "title"),
        ("achievement", {"title": "x" * 20001}, "title"),
        ("achievement", {"ip_numbers": [1, 2]}, "ip_numbers"),
    ],
)
def test_bad_input_is_rejected(db, kind, data, field):
    with pytest.raises(InvalidInput) as exc:
        duplicate_suspects_for(kind=kind, data=data)
    assert field in exc.value.fields


def test_cases_visible_to_owner_admin_only_between_their_own_records(roles):
    a = achievement(roles.owner_org)
    b = achievement(roles.owner_org, title="二")
    c = achievement(roles.other_org, title="三")
    own = case_between(a, b)
    mixed = case_between(a, c)
    assert list(visible_duplicate_cases(viewer_of(roles.owner_admin))) == [own]
    assert list(visible_duplicate_cases(viewer_of(roles.owner_member))) == []
    assert set(visible_duplicate_cases(viewer_of(roles.secretariat))) == {own, mixed}
    assert DuplicateCase.objects.count() == 2
