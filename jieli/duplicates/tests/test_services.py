import pytest
from django.utils import translation

from jieli.achievements.models import Achievement, IntellectualProperty
from jieli.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from jieli.core.history import history_for
from jieli.core.viewer import ANONYMOUS
from jieli.duplicates.models import DuplicateCase, SameAsLink
from jieli.duplicates.selectors import duplicate_suspects_for
from jieli.duplicates.services import duplicate_cases_open_for, duplicate_decide
from jieli.duplicates.tests.factories import (
    OLED_REWORDED_TEXT,
    OLED_REWORDED_TITLE,
    achievement,
    case_between,
)
from jieli.organisations.tests.factories import viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(roles):
    a = achievement(roles.owner_org, ip_numbers=("ZL202110123456.7",), keywords=["OLED"])
    b = achievement(
        roles.other_org,
        title=OLED_REWORDED_TITLE,
        summary=OLED_REWORDED_TEXT,
        ip_numbers=("202110123456", "ZL201920123456.1"),
        keywords=["显示"],
    )
    return a, b


def test_cases_are_opened_for_a_new_record(pair):
    a, b = pair
    cases = duplicate_cases_open_for(kind="achievement", record=b)
    assert len(cases) == 1
    case = cases[0]
    assert (case.record_a_id, case.record_b_id) == (a.pk, b.pk)
    assert case.certainty == "certain" and case.reasons[0]["code"] == "same_ip"
    # Opening again refreshes the same pending case.
    assert duplicate_cases_open_for(kind="achievement", record=b)[0].pk == case.pk


def test_merge_archives_the_other_and_moves_ip_records(pair, roles):
    a, b = pair
    case = case_between(a, b)
    with translation.override("en"):
        duplicate_decide(
            viewer=viewer_of(roles.secretariat), case_id=case.pk, decision="merge", keep_id=a.pk
        )
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.status == "archived"
    assert sorted(a.ip_records.values_list("number", flat=True)) == [
        "ZL201920123456.1",
        "ZL202110123456.7",
    ]
    # The same patent in another format stays with the archived record, not listed twice.
    assert list(b.ip_records.values_list("number", flat=True)) == ["202110123456"]
    assert a.keywords == ["OLED", "显示"]
    case.refresh_from_db()
    assert case.status == "merged" and case.kept_id == a.pk and case.decided_at
    assert history_for(b).filter(action="archive", reason=f"merged into #{a.pk}").exists()
    assert history_for(a).filter(action="merge").exists()
    # The archived record is no suspect any more.
    assert [
        s.target_id
        for s in duplicate_suspects_for(
            kind="achievement", data={"title": b.title, "summary": b.summary}
        )
    ] == [a.pk]


def test_merge_rolls_back_when_archiving_fails(pair, roles):
    a, b = pair
    Achievement.objects.filter(pk=b.pk).update(status="archived")
    case = case_between(a, b)
    with pytest.raises(Conflict):
        duplicate_decide(
            viewer=viewer_of(roles.secretariat), case_id=case.pk, decision="merge", keep_id=a.pk
        )
    assert IntellectualProperty.objects.filter(achievement=a).count() == 1
    case.refresh_from_db()
    assert case.status == "pending"


def test_link_records_same_as_group(pair, roles):
    a, b = pair
    case = case_between(a, b)
    duplicate_decide(viewer=viewer_of(roles.secretariat), case_id=case.pk, decision="link")
    groups = set(SameAsLink.objects.values_list("group", flat=True))
    assert len(groups) == 1 and SameAsLink.objects.count() == 2
    assert history_for(a).filter(action="same_as_link").exists()
    assert history_for(b).filter(action="same_as_link").exists()
    a.refresh_from_db()
    assert a.status == "published"


def test_keep_suppresses_resuggestion(pair, roles):
    a, b = pair
    case = duplicate_cases_open_for(kind="achievement", record=b)[0]
    duplicate_decide(
        viewer=viewer_of(roles.secretariat), case_id=case.pk, decision="keep", note="不同的专利族"
    )
    assert duplicate_cases_open_for(kind="achievement", record=b) == []
    assert DuplicateCase.objects.get().status == "kept"
    assert history_for(a).filter(action="duplicate_dismissed").exists()


def test_deciding_a_closed_case_conflicts(pair, roles):
    case = case_between(*pair, status="kept")
    with pytest.raises(Conflict):
        duplicate_decide(viewer=viewer_of(roles.secretariat), case_id=case.pk, decision="link")


def test_unknown_decision_and_foreign_keep_id_are_invalid(pair, roles):
    case = case_between(*pair)
    viewer = viewer_of(roles.secretariat)
    with pytest.raises(InvalidInput):
        duplicate_decide(viewer=viewer, case_id=case.pk, decision="delete")
    with pytest.raises(InvalidInput):
        duplicate_decide(viewer=viewer, case_id=case.pk, decision="merge", keep_id=999999)


def test_owner_admin_decides_own_cases_but_not_mixed_ones(roles):
    a = achievement(roles.owner_org)
    b = achievement(roles.owner_org, title=OLED_REWORDED_TITLE)
    c = achievement(roles.other_org, title="三")
    admin = viewer_of(roles.owner_admin)
    own = case_between(a, b)
    duplicate_decide(viewer=admin, case_id=own.pk, decision="merge", keep_id=b.pk)
    a.refresh_from_db()
    assert a.status == "archived"
    mixed = case_between(b, c)
    with pytest.raises(NotFound):
        duplicate_decide(viewer=admin, case_id=mixed.pk, decision="keep")
    with pytest.raises(NotAuthenticated):
        duplicate_decide(viewer=ANONYMOUS, case_id=mixed.pk, decision="keep")


def test_rebuild_command_indexes_and_opens_cases(pair):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("duplicates_rebuild", "--kind", "achievement", "--open-cases", stdout=out)
    assert "achievement: 2 records indexed" in out.getvalue()
    assert DuplicateCase.objects.filter(status="pending").count() == 1


def test_cases_open_many_follows_the_single_pair_rules(roles):
    from jieli.duplicates.services import duplicate_cases_open_many

    a, b, c, d = (achievement(roles.owner_org, title=f"成果{n}") for n in range(4))
    decided = DuplicateCase.objects.create(
        kind="achievement",
        record_a_id=a.pk,
        record_b_id=c.pk,
        score=0.6,
        certainty="suspected",
        status="kept",
    )
    stale = DuplicateCase.objects.create(
        kind="achievement",
        record_a_id=a.pk,
        record_b_id=d.pk,
        score=0.6,
        certainty="suspected",
    )
    reasons = [("title_similar", {"percent": 70})]
    count = duplicate_cases_open_many(
        kind="achievement",
        pairs=[
            (b.pk, a.pk, 0.7, "suspected", reasons),  # new, given newest-first
            (b.pk, a.pk, 0.9, "suspected", reasons),  # the later entry wins
            (c.pk, a.pk, 0.8, "suspected", []),  # decided: stays decided
            (d.pk, a.pk, 1.0, "certain", [("same_ip", {"number": "ZL1"})]),  # refreshed
            (d.pk, 10**9, 0.9, "suspected", []),  # the other record is gone: skipped
        ],
    )
    assert count == 2
    new = DuplicateCase.objects.get(record_a_id=a.pk, record_b_id=b.pk)
    assert (new.score, new.status, new.owner_a_id) == (0.9, "pending", roles.owner_org.pk)
    assert new.reasons == [{"code": "title_similar", "params": {"percent": 70}}]
    decided.refresh_from_db()
    assert (decided.status, decided.score) == ("kept", 0.6)
    stale.refresh_from_db()
    assert (stale.certainty, stale.score) == ("certain", 1.0)
    assert DuplicateCase.objects.count() == 3
    with pytest.raises(InvalidInput):
        duplicate_cases_open_many(kind="achievement", pairs=[(a.pk, a.pk, 0.9, "suspected", [])])


def test_bulk_read_of_candidates_matches_the_record_read(roles):
    from jieli.duplicates.kinds import indexable_data, kind_spec, record_data

    spec = kind_spec("achievement")
    with_ips = achievement(roles.owner_org, ip_numbers=("ZL202110123456.7", "CN112345678A"))
    plain = achievement(roles.other_org, title="另一个成果")
    gone = achievement(roles.owner_org, title="已归档", status="archived")
    read = indexable_data(spec, [with_ips.pk, plain.pk, gone.pk, 10**9])
    assert set(read) == {with_ips.pk, plain.pk}
    for record in (with_ips, plain):
        expected = record_data(spec, Achievement.objects.get(pk=record.pk))
        got = read[record.pk]
        assert sorted(got.pop("ip_numbers")) == sorted(expected.pop("ip_numbers"))
        assert got == expected
    org_spec = kind_spec("organisation")
    org = roles.owner_org
    assert indexable_data(org_spec, [org.pk])[org.pk] == record_data(org_spec, org)
