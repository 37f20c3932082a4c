"""The editors' pages: what a form posts reaches the services whole (lines of services and
windows, picked codes, organisations), and what they refuse is shown on the form, unsaved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from jieli.core.history import history_for
from jieli.core.tests.matrix import client_for
from jieli.facilities.models import Cluster, FacilityStatus, PilotPlatform, Zone
from jieli.facilities.tests.factories import days_ahead

pytestmark = pytest.mark.django_db


def test_operator_adds_a_platform_with_services_and_calendar(roles):
    client = client_for(roles.owner_admin)
    data = {
        "operator": roles.owner_org.pk,
        "name": "连续流中试平台",
        "region": "3701",
        "industries": "C26, C27",
        "capabilities": "连续流微反应工艺放大",
        "capacity_unit": "通道·天",
        "capacity_per_day": 3,
        "offerings": "工艺放大 | 8 | 每批\n安全评估 |  | ",
        "windows": f"{days_ahead(1)} {days_ahead(30)} 首期\n{days_ahead(40)} {days_ahead(50)}",
    }
    response = client.post(reverse("facilities:platform_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    platform = PilotPlatform.objects.get(name="连续流中试平台")
    assert platform.status == FacilityStatus.DRAFT
    assert sorted(platform.industries.values_list("code", flat=True)) == ["26", "27"]
    assert [(s.name, s.price_wan) for s in platform.services.all()] == [
        ("工艺放大", Decimal("8.00")),
        ("安全评估", None),
    ]
    assert platform.windows.count() == 2
    assert history_for(platform).first().action == "create"
    # The edit page shows the same lines back.
    page = client.get(reverse("facilities:platform_edit", args=[platform.pk])).content.decode()
    assert "工艺放大 | 8 | 每批" in page


def test_platform_form_refusals_are_shown_and_nothing_is_saved(roles):
    client = client_for(roles.owner_admin)
    data = {
        "operator": roles.owner_org.pk,
        "name": "坏平台",
        "region": "3701",
        "capabilities": "x",
        "capacity_unit": "天",
        "capacity_per_day": 0,
        "offerings": "名称 | 不是数字 | 每批",
        "windows": "2027-02-30 2027-03-01",
    }
    with translation.override("zh-hans"):
        response = client.post(
            reverse("facilities:platform_new"), data, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    assert response.status_code == 400
    text = response.content.decode()
    assert "价格不是数字" in text and "YYYY-MM-DD" in text
    assert not PilotPlatform.objects.filter(name="坏平台").exists()
    # Someone who administers no organisation may not add one.
    assert client_for(roles.owner_member).get(reverse("facilities:platform_new")).status_code == 403


def test_secretariat_adds_a_zone_and_a_cluster(roles):
    client = client_for(roles.secretariat)
    response = client.post(
        reverse("facilities:zone_new"),
        {
            "name": "威海中试承接区",
            "region": "3710",
            "industries": "C35",
            "agreement_date": "2026-03-01",
            "parties": [roles.owner_org.pk],
            "party_names": "威海市人民政府，威海火炬高新区",
            "space_m2": 42000,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    zone = Zone.objects.get()
    assert zone.party_names == ["威海市人民政府", "威海火炬高新区"]
    assert list(zone.parties.all()) == [roles.owner_org]
    response = client.post(
        reverse("facilities:cluster_new"),
        {
            "name": "承德钒钛集群",
            "region": "1308",
            "industries": "C32",
            "leading_enterprise_names": "某钒钛公司",
            "output_value_wan": "3600000",
            "enterprise_count": 120,
        },
    )
    assert response.status_code == 302
    cluster = Cluster.objects.get()
    assert cluster.output_value_wan == Decimal("3600000.00")
    # Published, the cluster's output value reads as money in each language.
    client.post(reverse("facilities:status", args=["cluster", cluster.pk]), {"action": "publish"})
    page = client_for(None).get(
        reverse("facilities:cluster", args=[cluster.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "CNY 36,000,000,000" in page.content.decode()
    # Others may not open the editors.
    assert client_for(roles.owner_admin).get(reverse("facilities:zone_new")).status_code == 403
