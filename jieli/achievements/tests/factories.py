"""Factories for achievements; people and organisations come from the organisations app."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from jieli.achievements.models import Achievement, IntellectualProperty
from jieli.core.listing import ListingStatus, Visibility
from jieli.organisations.tests.factories import OrganisationFactory


class AchievementFactory(factory.django.DjangoModelFactory):
    """A fresh, published, public achievement unless told otherwise (``draft=True``)."""

    class Meta:
        model = Achievement

    class Params:
        draft = factory.Trait(status=ListingStatus.DRAFT, published_at=None, confirmed_at=None)

    title = factory.Sequence(lambda n: f"高能量密度固态电池技术{n}")
    summary = "一种用于储能的固态电池制备方法。"
    detail = "会员可见的详细技术方案。"
    team = "张三、李四"
    owner = factory.SubFactory(OrganisationFactory, region_id="3701")
    industry_id = "3841"
    discipline_id = None
    region_id = "3701"
    keywords = factory.LazyFunction(lambda: ["固态电池", "储能"])
    trl = 5
    maturity = "pilot"
    transfer_modes = factory.LazyFunction(lambda: ["licence", "assignment"])
    price_wan = Decimal("300.00")
    price_negotiable = False
    application_fields = "新能源汽车、储能电站"
    dual_use = False
    status = ListingStatus.PUBLISHED
    visibility = Visibility.PUBLIC
    published_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)


class IntellectualPropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntellectualProperty

    achievement = factory.SubFactory(AchievementFactory)
    number = factory.Sequence(lambda n: f"ZL2021101234{n:02d}.7")
    ip_type = "invention"
    legal_status = "in_force"
    filing_date = date(2021, 3, 1)
    grant_date = date(2023, 5, 9)
    expiry_date = date(2041, 3, 1)


def valid_data(**overrides: object) -> dict[str, object]:
    """A complete, valid ``data`` dict for achievement_create."""
    data: dict[str, object] = {
        "title": "一种海水淡化膜材料",
        "summary": "公开摘要",
        "detail": "会员可见的详细说明",
        "team": "王五",
        "industry": "3841",
        "discipline": "",
        "region": "3710",
        "keywords": ["海水淡化", "膜材料", "海水淡化"],
        "trl": 6,
        "maturity": "pilot",
        "transfer_modes": ["licence"],
        "price_wan": Decimal("120.5"),
        "price_negotiable": False,
        "application_fields": "海岛供水",
        "dual_use": False,
        "visibility": "public",
    }
    data.update(overrides)
    return data


IP_RECORD = {
    "number": "ZL202110123456.7",
    "ip_type": "invention",
    "legal_status": "in_force",
    "filing_date": date(2021, 1, 5),
    "grant_date": date(2022, 6, 1),
    "expiry_date": None,
}


def page_form_data(owner_id: int, **overrides: object) -> dict[str, object]:
    """A complete, valid POST for the create and edit pages (one IP record)."""
    data: dict[str, object] = {
        "owner": owner_id,
        "title": "页面新增成果",
        "summary": "摘要",
        "detail": "详细",
        "industry": "3841",
        "region_1": "37",
        "region_2": "3710",
        "keywords": "储能, 电池",
        "trl": "4",
        "maturity": "lab",
        "transfer_modes": ["licence", "joint"],
        "price_wan": "50",
        "visibility": "public",
        "ip-TOTAL_FORMS": "1",
        "ip-INITIAL_FORMS": "0",
        "ip-MIN_NUM_FORMS": "0",
        "ip-MAX_NUM_FORMS": "50",
        "ip-0-number": "ZL202110123456.7",
        "ip-0-ip_type": "invention",
        "ip-0-legal_status": "in_force",
        "ip-0-filing_date": "2021-01-05",
        "ip-0-grant_date": "2022-06-01",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
