"""The admin's one rule for every model: it reads; writes go through services, with history."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from jieli.core.admin import ServiceOnlyAdmin
from jieli.core.history import history_for
from jieli.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

JIELI_ADMINS = sorted(
    (model._meta.label, model_admin)
    for model, model_admin in admin.site._registry.items()
    if model.__module__.startswith("jieli.")
)


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(("label", "model_admin"), JIELI_ADMINS, ids=[a[0] for a in JIELI_ADMINS])
def test_every_admin_is_view_only(label, model_admin, superuser_client):
    assert isinstance(model_admin, ServiceOnlyAdmin), label
    opts = model_admin.model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert superuser_client.get(changelist).status_code == 200
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert superuser_client.get(add).status_code == 403
    for inline in model_admin.inlines:
        assert not inline(model_admin.model, admin.site).has_add_permission(None, None)


def _change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def test_posting_an_admin_form_changes_nothing(superuser_client, roles):
    from jieli.achievements.tests.factories import AchievementFactory

    a = AchievementFactory(owner=roles.owner_org, title="原标题")
    page = superuser_client.get(_change_url(a))
    assert page.status_code == 200 and "原标题" in page.content.decode()
    response = superuser_client.post(_change_url(a), {"title": "后台改的标题"})
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.title == "原标题" and not history_for(a).exists()
    delete = reverse("admin:achievements_achievement_delete", args=[a.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert type(a).objects.filter(pk=a.pk).exists()


def _act(client, obj, action):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return client.post(url, {"action": action, "_selected_action": [obj.pk]})


def test_demand_actions_write_history(superuser_client, roles):
    from jieli.demands.tests.factories import DemandFactory

    demand = DemandFactory(owner=roles.owner_org, status="submitted")
    _act(superuser_client, demand, "publish_selected")
    demand.refresh_from_db()
    assert demand.status == "published"
    assert history_for(demand).get().action == "publish"


def test_organisation_actions_write_history(superuser_client, roles):
    org = roles.other_org
    org.membership_status = "applying"
    org.save()
    _act(superuser_client, org, "admit_selected")
    org.refresh_from_db()
    assert org.membership_status == "member"
    assert history_for(org).get().action == "admit"


def test_expert_actions_write_history(superuser_client):
    from jieli.experts.tests.factories import ExpertFactory

    expert = ExpertFactory()
    _act(superuser_client, expert, "deactivate_selected")
    expert.refresh_from_db()
    assert expert.is_active is False
    assert history_for(expert).get().action == "deactivate"


def test_history_column_is_translated(superuser_client, roles):
    from jieli.achievements import services
    from jieli.achievements.models import Achievement
    from jieli.achievements.tests.factories import valid_data
    from jieli.organisations.tests.factories import viewer_of

    a = services.achievement_create(
        viewer=viewer_of(roles.owner_member), owner_id=roles.owner_org.pk, data=valid_data()
    )
    page = superuser_client.get(_change_url(a), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    rows = re.findall(r"<div>\d{4}-\d\d-\d\d \d\d:\d\d · [^<]*</div>", page)
    assert len(rows) == 1
    assert "· 新建 " in rows[0] and "price_wan" not in rows[0]
    assert str(Achievement._meta.get_field("price_wan").verbose_name) in rows[0]
