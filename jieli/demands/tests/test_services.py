from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from jieli.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from jieli.core.history import history_for
from jieli.core.listing import ListingStatus, Visibility
from jieli.core.models import ChangeRecord
from jieli.core.viewer import ANONYMOUS
from jieli.demands import services
from jieli.demands.models import Demand
from jieli.demands.tests.factories import (
    DemandFactory,
    PublishedDemandFactory,
    in_days,
    valid_data,
)
from jieli.organisations.tests.factories import viewer_of

pytestmark = pytest.mark.django_db


def test_owner_member_creates_a_draft_with_history(roles):
    viewer = viewer_of(roles.owner_member)
    demand = services.demand_create(viewer=viewer, data=valid_data(roles.owner_org.pk))
    assert demand.status == ListingStatus.DRAFT
    assert demand.owner_id == roles.owner_org.pk
    assert demand.keywords == ["隔膜", "耐高温"]
    assert demand.keywords_text == "隔膜 耐高温"
    [record] = history_for(demand)
    assert record.action == "create"
    assert record.actor_id == roles.owner_member.pk
    assert record.changes["title"] == [None, "耐高温隔膜联合开发"]


def test_region_and_industry_codes_are_normalised(roles):
    data = valid_data(roles.owner_org.pk, region="370100", industry="C38")
    demand = services.demand_create(viewer=viewer_of(roles.owner_member), data=data)
    assert demand.region_id == "3701"
    assert demand.industry_id == "38"


def test_full_life_cycle_is_recorded_in_history(roles):
    owner = viewer_of(roles.owner_member)
    staff = viewer_of(roles.secretariat)
    demand = services.demand_create(viewer=owner, data=valid_data(roles.owner_org.pk))
    services.demand_transition(viewer=owner, pk=demand.pk, action="submit")
    services.demand_transition(viewer=staff, pk=demand.pk, action="return", reason="请补充指标")
    returned = Demand.objects.get(pk=demand.pk)
    assert returned.status == ListingStatus.RETURNED
    assert returned.return_reason == "请补充指标"
    services.demand_update(viewer=owner, pk=demand.pk, data={"target_indicators": "收缩率<2%"})
    services.demand_transition(viewer=owner, pk=demand.pk, action="submit")
    services.demand_transition(viewer=staff, pk=demand.pk, action="publish")
    services.demand_transition(viewer=owner, pk=demand.pk, action="reconfirm")
    services.demand_transition(viewer=owner, pk=demand.pk, action="archive")
    demand.refresh_from_db()
    assert demand.status == ListingStatus.ARCHIVED
    actions = [r.action for r in history_for(demand).order_by("created_at", "id")]
    assert actions == [
        "create",
        "submit",
        "return",
        "update",
        "submit",
        "publish",
        "reconfirm",
        "archive",
    ]
    returned_record = history_for(demand).get(action="return")
    assert returned_record.reason == "请补充指标"
    assert returned_record.actor_id == roles.secretariat.pk


def test_returned_demand_keeps_reason_until_resubmitted(roles):
    demand = DemandFactory(owner=roles.owner_org, status=ListingStatus.SUBMITTED)
    services.demand_transition(
        viewer=viewer_of(roles.secretariat), pk=demand.pk, action="return", reason="预算不清"
    )
    demand.refresh_from_db()
    assert demand.return_reason == "预算不清"
    services.demand_transition(viewer=viewer_of(roles.owner_admin), pk=demand.pk, action="submit")
    demand.refresh_from_db()
    assert demand.return_reason == ""


def test_return_without_reason_is_refused(roles):
    demand = DemandFactory(owner=roles.owner_org, status=ListingStatus.SUBMITTED)
    with pytest.raises(InvalidInput) as exc:
        services.demand_transition(
            viewer=viewer_of(roles.secretariat), pk=demand.pk, action="return", reason="  "
        )
    assert "reason" in exc.value.fields
    demand.refresh_from_db()
    assert demand.status == ListingStatus.SUBMITTED


def test_owner_cannot_publish_own_demand(roles):
    demand = DemandFactory(owner=roles.owner_org, status=ListingStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.demand_transition(
            viewer=viewer_of(roles.owner_admin), pk=demand.pk, action="publish"
        )


def test_publishing_twice_is_a_conflict(roles):
    demand = DemandFactory(owner=roles.owner_org, status=ListingStatus.SUBMITTED)
    staff = viewer_of(roles.secretariat)
    services.demand_transition(viewer=staff, pk=demand.pk, action="publish")
    with pytest.raises(Conflict):
        services.demand_transition(viewer=staff, pk=demand.pk, action="publish")


def test_publish_and_return_email_owner_admins(roles, django_capture_on_commit_callbacks):
    demand = DemandFactory(owner=roles.owner_org, status=ListingStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.demand_transition(
            viewer=viewer_of(roles.secretariat), pk=demand.pk, action="return", reason="缺少联系人"
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [roles.owner_admin.email]
    assert "缺少联系人" in mail.outbox[0].body


def test_submitting_with_a_passed_deadline_is_refused_and_rolled_back(roles):
    demand = DemandFactory(owner=roles.owner_org, deadline=in_days(-1))
    before = ChangeRecord.objects.count()
    with pytest.raises(InvalidInput) as exc:
        services.demand_transition(
            viewer=viewer_of(roles.owner_member), pk=demand.pk, action="submit"
        )
    assert list(exc.value.fields) == ["deadline"]
    demand.refresh_from_db()
    assert demand.status == ListingStatus.DRAFT
    assert ChangeRecord.objects.count() == before


def test_unknown_action_is_invalid(roles):
    demand = DemandFactory(owner=roles.owner_org)
    with pytest.raises(InvalidInput) as exc:
        services.demand_transition(
            viewer=viewer_of(roles.owner_member), pk=demand.pk, action="explode"
        )
    assert "action" in exc.value.fields


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "题" * 201}, "title"),
        ({"problem": ""}, "problem"),
        ({"problem": "长" * 5001}, "problem"),
        ({"target_indicators": "x" * 3001}, "target_indicators"),
        ({"existing_base": "x" * 3001}, "existing_base"),
        ({"budget_min_wan": 300, "budget_max_wan": 100}, "budget_max_wan"),
        ({"budget_min_wan": -1}, "budget_min_wan"),
        ({"budget_max_wan": Decimal("-0.5"), "budget_min_wan": None}, "budget_max_wan"),
        ({"budget_min_wan": "abc"}, "budget_min_wan"),
        ({"deadline": in_days(-1)}, "deadline"),
        ({"cooperation_modes": ["marriage"]}, "cooperation_modes"),
        ({"region": "999999"}, "region"),
        ({"industry": "Z99"}, "industry"),
        ({"keywords": ["k"] * 0 + [f"词{i}" for i in range(21)]}, "keywords"),
        ({"keywords": ["x" * 41]}, "keywords"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"visibility": "everyone"}, "visibility"),
    ],
)
def test_invalid_input_is_refused_and_nothing_written(roles, overrides, field):
    before = (Demand.objects.count(), ChangeRecord.objects.count())
    with pytest.raises(InvalidInput) as exc:
        services.demand_create(
            viewer=viewer_of(roles.owner_member), data=valid_data(roles.owner_org.pk, **overrides)
        )
    assert field in exc.value.fields
    assert (Demand.objects.count(), ChangeRecord.objects.count()) == before


def test_creating_for_a_foreign_organisation_is_forbidden(roles):
    with pytest.raises(PermissionDenied):
        services.demand_create(
            viewer=viewer_of(roles.owner_member), data=valid_data(roles.other_org.pk)
        )
    assert not Demand.objects.exists()


def test_anonymous_and_registered_cannot_create(roles):
    with pytest.raises(NotAuthenticated):
        services.demand_create(viewer=ANONYMOUS, data=valid_data(roles.owner_org.pk))
    with pytest.raises(PermissionDenied):
        services.demand_create(
            viewer=viewer_of(roles.registered), data=valid_data(roles.owner_org.pk)
        )


def test_secretariat_may_post_for_any_organisation_but_not_an_unknown_one(roles):
    staff = viewer_of(roles.secretariat)
    demand = services.demand_create(viewer=staff, data=valid_data(roles.other_org.pk))
    assert demand.owner_id == roles.other_org.pk
    with pytest.raises(InvalidInput) as exc:
        services.demand_create(viewer=staff, data=valid_data(999_999))
    assert "owner" in exc.value.fields


def test_owner_cannot_be_changed_by_update(roles):
    demand = DemandFactory(owner=roles.owner_org)
    with pytest.raises(InvalidInput) as exc:
        services.demand_update(
            viewer=viewer_of(roles.owner_admin), pk=demand.pk, data={"owner": roles.other_org.pk}
        )
    assert "owner" in exc.value.fields
    demand.refresh_from_db()
    assert demand.owner_id == roles.owner_org.pk


def test_update_records_only_changed_fields(roles):
    demand = DemandFactory(owner=roles.owner_org)
    services.demand_update(
        viewer=viewer_of(roles.owner_member),
        pk=demand.pk,
        data={"title": "新标题", "problem": demand.problem},
    )
    record = history_for(demand).get(action="update")
    assert record.changes == {"title": [demand.title, "新标题"]}


def test_update_keeps_a_passed_deadline_that_is_not_changed(roles):
    demand = PublishedDemandFactory(owner=roles.owner_org, deadline=in_days(-5))
    services.demand_update(
        viewer=viewer_of(roles.owner_member),
        pk=demand.pk,
        data={"title": "仍然有效", "deadline": demand.deadline},
    )
    with pytest.raises(InvalidInput) as exc:
        services.demand_update(
            viewer=viewer_of(roles.owner_member), pk=demand.pk, data={"deadline": in_days(-2)}
        )
    assert list(exc.value.fields) == ["deadline"]


def test_other_org_cannot_update_visible_demand(roles):
    demand = PublishedDemandFactory(owner=roles.owner_org, title="原标题")
    with pytest.raises(PermissionDenied):
        services.demand_update(
            viewer=viewer_of(roles.other_member), pk=demand.pk, data={"title": "篡改"}
        )
    demand.refresh_from_db()
    assert demand.title == "原标题"


def test_other_org_gets_not_found_for_a_draft(roles):
    demand = DemandFactory(owner=roles.owner_org)
    with pytest.raises(NotFound):
        services.demand_update(
            viewer=viewer_of(roles.other_member), pk=demand.pk, data={"title": "篡改"}
        )
    with pytest.raises(NotFound):
        services.demand_transition(
            viewer=viewer_of(roles.other_member), pk=demand.pk, action="archive"
        )


def test_archived_demand_cannot_be_edited(roles):
    demand = DemandFactory(owner=roles.owner_org, status=ListingStatus.ARCHIVED)
    with pytest.raises(Conflict):
        services.demand_update(
            viewer=viewer_of(roles.owner_member), pk=demand.pk, data={"title": "复活"}
        )


def test_stale_demands_are_reminded_once(roles, django_capture_on_commit_callbacks):
    old = timezone.now() - timedelta(days=400)
    stale = PublishedDemandFactory(owner=roles.owner_org, confirmed_at=old)
    PublishedDemandFactory(owner=roles.owner_org)  # fresh
    with django_capture_on_commit_callbacks(execute=True):
        assert services.demands_remind_stale() == 1
    assert [m.to for m in mail.outbox] == [[roles.owner_admin.email]]
    stale.refresh_from_db()
    assert stale.reconfirm_reminded_at is not None
    assert history_for(stale).filter(action="remind_reconfirm").count() == 1
    assert services.demands_remind_stale() == 0
    # Re-confirming clears the reminder so the next period reminds again.
    services.demand_transition(
        viewer=viewer_of(roles.owner_member), pk=stale.pk, action="reconfirm"
    )
    stale.refresh_from_db()
    assert stale.reconfirm_reminded_at is None


def test_management_command_and_periodic_task_remind(roles):
    from jieli.demands.tasks import remind_stale_demands

    PublishedDemandFactory(owner=roles.owner_org, confirmed_at=timezone.now() - timedelta(days=400))
    PublishedDemandFactory(owner=roles.owner_org, confirmed_at=timezone.now() - timedelta(days=400))
    call_command("jieli_remind_demands", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Demand.objects.filter(reconfirm_reminded_at__isnull=False).count() == 2
    PublishedDemandFactory(owner=roles.owner_org, confirmed_at=timezone.now() - timedelta(days=400))
    remind_stale_demands()
    assert Demand.objects.filter(reconfirm_reminded_at__isnull=False).count() == 3


def test_visibility_must_be_known_on_update(roles):
    demand = DemandFactory(owner=roles.owner_org)
    services.demand_update(
        viewer=viewer_of(roles.owner_member), pk=demand.pk, data={"visibility": Visibility.PRIVATE}
    )
    demand.refresh_from_db()
    assert demand.visibility == Visibility.PRIVATE


def test_contact_phone_must_look_like_a_phone_number(roles):
    from jieli.core.errors import InvalidInput
    from jieli.demands import services
    from jieli.demands.models import Demand
    from jieli.demands.tests.factories import valid_data
    from jieli.organisations.tests.factories import viewer_of

    with pytest.raises(InvalidInput) as exc:
        services.demand_create(
            viewer=viewer_of(roles.owner_member),
            data=valid_data(roles.owner_org.pk, contact_phone="abc<>"),
        )
    assert "contact_phone" in exc.value.fields
    assert not Demand.objects.exists()
