from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from jieli.achievements import selectors, services
from jieli.achievements.models import Achievement, IntellectualProperty
from jieli.achievements.tests.factories import (
    IP_RECORD,
    AchievementFactory,
    IntellectualPropertyFactory,
    valid_data,
)
from jieli.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jieli.core.history import history_for
from jieli.core.listing import ListingStatus
from jieli.core.viewer import Viewer
from jieli.organisations.tests.factories import viewer_of

pytestmark = pytest.mark.django_db


def test_create_normalises_and_records_history(roles):
    viewer = viewer_of(roles.owner_member)
    a = services.achievement_create(
        viewer=viewer,
        owner_id=roles.owner_org.pk,
        data=valid_data(keywords=[" 海水淡化 ", "膜材料", "海水淡化", ""]),
        ip_records=[{**IP_RECORD, "number": "zl 202110123456.7"}],
    )
    a.refresh_from_db()
    assert a.status == ListingStatus.DRAFT
    assert a.keywords == ["海水淡化", "膜材料"]
    assert a.region_id == "3710"
    assert [r.number for r in a.ip_records.all()] == ["ZL202110123456.7"]
    (record,) = history_for(a)
    assert record.action == "create"
    assert record.actor_id == roles.owner_member.pk
    assert record.changes["title"] == [None, "一种海水淡化膜材料"]
    assert "ip_records" in record.changes


def test_create_accepts_full_region_code_and_comma_keywords(roles):
    a = services.achievement_create(
        viewer=viewer_of(roles.owner_admin),
        owner_id=roles.owner_org.pk,
        data=valid_data(region="370100", keywords="储能，电池、储能"),
    )
    assert a.region_id == "3701"
    assert a.keywords == ["储能", "电池"]


BAD_INPUT = [
    ({"title": ""}, [], "title"),
    ({"title": "长" * 201}, [], "title"),
    ({"trl": 0}, [], "trl"),
    ({"trl": 10}, [], "trl"),
    ({"price_wan": Decimal("-1")}, [], "price_wan"),
    ({"price_wan": None, "price_negotiable": False}, [], "price_wan"),
    ({"price_wan": Decimal("5"), "price_negotiable": True}, [], "price_wan"),
    ({"maturity": "factory"}, [], "maturity"),
    ({"transfer_modes": ["gift"]}, [], "transfer_modes"),
    ({"industry": "Z99"}, [], "industry"),
    ({"region": "999999"}, [], "region"),
    ({"discipline": "Q99"}, [], "discipline"),
    ({"keywords": [f"词{i}" for i in range(21)]}, [], "keywords"),
    ({"keywords": ["长" * 41]}, [], "keywords"),
    ({"summary": "长" * 2001}, [], "summary"),
    ({}, [{**IP_RECORD, "grant_date": date(2020, 1, 1)}], "ip_records.0.grant_date"),
    ({}, [{**IP_RECORD, "ip_type": "poem"}], "ip_records.0.ip_type"),
    # A pending application cannot carry a grant date (issue 8: "申请中" with a grant date).
    ({}, [{**IP_RECORD, "legal_status": "pending"}], "ip_records.0.grant_date"),
    ({}, [{**IP_RECORD, "expiry_date": date(2024, 1, 1)}], "ip_records.0.expiry_date"),
    ({}, [{**IP_RECORD, "ip_type": "secret", "number": ""}], "ip_records.0.ip_type"),
    ({}, [{**IP_RECORD, "grant_date": date(2999, 1, 1)}], "ip_records.0.grant_date"),
    ({}, [IP_RECORD, IP_RECORD], "ip_records.1.number"),
    ({"owner": 5}, [], "owner"),
]


@pytest.mark.parametrize(("overrides", "ip_records", "field"), BAD_INPUT)
def test_create_rejects_bad_input_and_writes_nothing(roles, overrides, ip_records, field):
    before = (Achievement.objects.count(), IntellectualProperty.objects.count())
    with pytest.raises(InvalidInput) as exc:
        services.achievement_create(
            viewer=viewer_of(roles.owner_member),
            owner_id=roles.owner_org.pk,
            data=valid_data(**overrides),
            ip_records=ip_records,
        )
    assert field in exc.value.fields
    assert (Achievement.objects.count(), IntellectualProperty.objects.count()) == before


@pytest.mark.parametrize("who", ["registered", "other_member"])
def test_create_for_a_foreign_organisation_is_denied(roles, who):
    with pytest.raises(PermissionDenied) as exc, translation.override("en"):
        services.achievement_create(
            viewer=viewer_of(getattr(roles, who)), owner_id=roles.owner_org.pk, data=valid_data()
        )
    assert "belong" in exc.value.message
    assert Achievement.objects.count() == 0


def test_secretariat_creates_for_any_organisation_but_not_unknown(roles):
    staff = viewer_of(roles.secretariat)
    services.achievement_create(viewer=staff, owner_id=roles.other_org.pk, data=valid_data())
    with pytest.raises(InvalidInput) as exc:
        services.achievement_create(viewer=staff, owner_id=999999, data=valid_data())
    assert "owner_id" in exc.value.fields


def test_update_published_listing_stays_published_with_field_diff(roles):
    a = AchievementFactory(owner=roles.owner_org)
    IntellectualPropertyFactory(achievement=a, number="ZL1")
    services.achievement_update(
        viewer=viewer_of(roles.owner_member),
        pk=a.pk,
        data={"title": "新标题", "trl": 7},
        ip_records=[IP_RECORD],
    )
    a.refresh_from_db()
    assert a.status == ListingStatus.PUBLISHED
    assert a.title == "新标题"
    assert list(a.ip_records.values_list("number", flat=True)) == ["ZL202110123456.7"]
    record = history_for(a).first()
    assert record.action == "update"
    assert set(record.changes) == {"title", "trl", "ip_records"}
    assert record.changes["trl"] == [5, 7]


def test_update_without_ip_records_keeps_them(roles):
    a = AchievementFactory(owner=roles.owner_org)
    IntellectualPropertyFactory(achievement=a)
    services.achievement_update(
        viewer=viewer_of(roles.secretariat), pk=a.pk, data={"summary": "改"}
    )
    assert a.ip_records.count() == 1


def test_update_invalid_leaves_record_unchanged(roles):
    a = AchievementFactory(owner=roles.owner_org, title="原标题")
    with pytest.raises(InvalidInput):
        services.achievement_update(
            viewer=viewer_of(roles.owner_member),
            pk=a.pk,
            data={"title": "新", "trl": 10},
            ip_records=[],
        )
    a.refresh_from_db()
    assert a.title == "原标题"
    assert history_for(a).count() == 0


def test_another_organisation_cannot_edit_by_id(roles):
    public = AchievementFactory(owner=roles.owner_org)
    private = AchievementFactory(owner=roles.owner_org, visibility="private")
    other = viewer_of(roles.other_member)
    with pytest.raises(PermissionDenied):
        services.achievement_update(viewer=other, pk=public.pk, data={"title": "x"})
    with pytest.raises(NotFound):
        services.achievement_update(viewer=other, pk=private.pk, data={"title": "x"})
    with pytest.raises(NotFound):
        services.achievement_update(viewer=other, pk=999999, data={"title": "x"})


def test_members_cannot_set_staff_fields(roles):
    a = AchievementFactory(owner=roles.owner_org)
    with pytest.raises(InvalidInput) as exc:
        services.achievement_update(
            viewer=viewer_of(roles.owner_member), pk=a.pk, data={"external_id": "X1"}
        )
    assert "external_id" in exc.value.fields


def test_archived_listing_cannot_be_edited(roles):
    a = AchievementFactory(owner=roles.owner_org, status=ListingStatus.ARCHIVED)
    with pytest.raises(Conflict):
        services.achievement_update(
            viewer=viewer_of(roles.owner_member), pk=a.pk, data={"title": "x"}
        )


def test_life_cycle_with_history_staleness_and_one_reminder(
    roles, settings, django_capture_on_commit_callbacks
):
    settings.JIELI_RECONFIRM_MONTHS = 12
    member, staff = viewer_of(roles.owner_member), viewer_of(roles.secretariat)
    anonymous = Viewer()
    a = services.achievement_create(viewer=member, owner_id=roles.owner_org.pk, data=valid_data())
    services.achievement_transition(viewer=member, pk=a.pk, action="submit")
    assert list(selectors.achievement_review_queue(staff)) == [a]
    with pytest.raises(InvalidInput) as exc:
        services.achievement_transition(viewer=staff, pk=a.pk, action="return")
    assert "reason" in exc.value.fields
    returned = services.achievement_transition(
        viewer=staff, pk=a.pk, action="return", reason="请补充知识产权信息"
    )
    assert returned.status == ListingStatus.RETURNED
    assert returned.return_reason == "请补充知识产权信息"
    with pytest.raises(PermissionDenied):
        services.achievement_transition(viewer=member, pk=a.pk, action="publish")
    services.achievement_transition(viewer=member, pk=a.pk, action="submit")
    published = services.achievement_transition(viewer=staff, pk=a.pk, action="publish")
    assert published.status == ListingStatus.PUBLISHED
    assert selectors.achievement_list(anonymous, selectors.AchievementFilters()).get() == a
    services.achievement_transition(viewer=member, pk=a.pk, action="reconfirm")

    # Thirteen months later nobody re-confirmed: hidden from the public, shown to the owner.
    Achievement.objects.filter(pk=a.pk).update(
        confirmed_at=timezone.now() - timedelta(days=30 * 13)
    )
    assert not selectors.achievement_list(anonymous, selectors.AchievementFilters()).exists()
    assert selectors.achievement_list(member, selectors.AchievementFilters()).get() == a
    assert selectors.achievement_get(staff, a.pk) == a
    with pytest.raises(NotFound):
        selectors.achievement_get(anonymous, a.pk)

    roles.owner_admin.email = "admin@owner.example"
    roles.owner_admin.save()
    mail.outbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        assert services.achievements_remind_stale() == 1
    assert services.achievements_remind_stale() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["admin@owner.example"]
    # Written in the recipient's language (Chinese by default) whatever the caller's language.
    with translation.override("zh-hans"):
        expected = translation.gettext("Jieli: please re-confirm “{title}”").format(title=a.title)
    assert mail.outbox[0].subject == expected
    a.refresh_from_db()
    assert a.reconfirm_reminded_at is not None

    services.achievement_transition(viewer=member, pk=a.pk, action="archive")
    actions = [r.action for r in history_for(a).order_by("created_at", "id")]
    assert actions == [
        "create",
        "submit",
        "return",
        "submit",
        "publish",
        "reconfirm",
        "remind_reconfirm",
        "archive",
    ]
    assert history_for(a).get(action="return").reason == "请补充知识产权信息"


def test_reconfirming_after_a_reminder_allows_the_next_reminder(roles):
    a = AchievementFactory(owner=roles.owner_org, confirmed_at=timezone.now() - timedelta(days=400))
    assert services.achievements_remind_stale() == 1
    services.achievement_transition(
        viewer=viewer_of(roles.owner_member), pk=a.pk, action="reconfirm"
    )
    a.refresh_from_db()
    assert a.reconfirm_reminded_at is None and not a.is_stale


def test_remind_command_and_task_call_the_service(roles):
    AchievementFactory(owner=roles.owner_org, confirmed_at=timezone.now() - timedelta(days=400))
    AchievementFactory(owner=roles.owner_org, confirmed_at=timezone.now() - timedelta(days=400))
    from io import StringIO

    out = StringIO()
    call_command("jieli_remind_reconfirm", stdout=out)
    assert "2" in out.getvalue()
    from jieli.achievements.tasks import remind_reconfirm

    AchievementFactory(owner=roles.owner_org, confirmed_at=timezone.now() - timedelta(days=400))
    assert remind_reconfirm.call_local() == 1


def test_second_publish_of_the_same_listing_is_a_conflict(roles):
    staff = viewer_of(roles.secretariat)
    a = AchievementFactory(owner=roles.owner_org, draft=True, status=ListingStatus.SUBMITTED)
    services.achievement_transition(viewer=staff, pk=a.pk, action="publish")
    with pytest.raises(Conflict):
        services.achievement_transition(viewer=staff, pk=a.pk, action="publish")
    assert history_for(a).filter(action="publish").count() == 1


def test_transition_on_invisible_listing_is_not_found(roles):
    a = AchievementFactory(owner=roles.owner_org, draft=True)
    with pytest.raises(NotFound):
        services.achievement_transition(
            viewer=viewer_of(roles.other_member), pk=a.pk, action="archive"
        )
