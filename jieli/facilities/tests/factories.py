"""Test data for facilities: a published platform of the owner organisation with a calendar."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from jieli.facilities import booking_services, services
from jieli.facilities.models import Booking, Cluster, PilotPlatform, Zone
from jieli.organisations.tests.factories import viewer_of


def days_ahead(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def platform(
    admin: Any, operator_id: int, *, publish: bool = True, **overrides: Any
) -> PilotPlatform:
    data: dict[str, Any] = {
        "name": "中试放大平台",
        "name_en": "Scale-up pilot platform",
        "operator": operator_id,
        "region": "3701",
        "industries": ["C26"],
        "capabilities": "千升级反应釜放大、连续流工艺验证",
        "capacity_unit": "反应釜·天",
        "capacity_unit_en": "reactor-days",
        "capacity_per_day": 4,
        "offerings": [{"name": "工艺放大", "price_wan": "12.5", "price_basis": "每批"}],
        "windows": [
            {"start_date": days_ahead(1).isoformat(), "end_date": days_ahead(60).isoformat()}
        ],
    }
    data.update(overrides)
    record = services.platform_create(viewer=viewer_of(admin), data=data)
    if publish:
        services.facility_set_status(
            viewer=viewer_of(admin), kind="platform", pk=record.pk, action="publish"
        )
        record.refresh_from_db()
    return record


def request(user: Any, platform_id: int, **overrides: Any) -> Booking:
    data: dict[str, Any] = {
        "units": 2,
        "start_date": days_ahead(5),
        "end_date": days_ahead(7),
        "purpose": "电解液配方的公斤级放大验证",
    }
    data.update(overrides)
    return booking_services.booking_request(viewer=viewer_of(user), platform_id=platform_id, **data)


def zone(secretariat: Any, *, publish: bool = True, **overrides: Any) -> Zone:
    data: dict[str, Any] = {"name": "威海中试承接区", "region": "3710", "industries": ["C35"]}
    data.update(overrides)
    record = services.zone_create(viewer=viewer_of(secretariat), data=data)
    if publish:
        services.facility_set_status(
            viewer=viewer_of(secretariat), kind="zone", pk=record.pk, action="publish"
        )
        record.refresh_from_db()
    return record


def cluster(secretariat: Any, *, publish: bool = True, **overrides: Any) -> Cluster:
    data: dict[str, Any] = {"name": "承德钒钛新材料集群", "region": "1308", "industries": ["C32"]}
    data.update(overrides)
    record = services.cluster_create(viewer=viewer_of(secretariat), data=data)
    if publish:
        services.facility_set_status(
            viewer=viewer_of(secretariat), kind="cluster", pk=record.pk, action="publish"
        )
        record.refresh_from_db()
    return record
