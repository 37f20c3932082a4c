from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from jieli.core.listing import ListingStatus, Visibility
from jieli.demands.models import CooperationMode, Demand
from jieli.organisations.tests.factories import OrganisationFactory


def in_days(days: int):  # type: ignore[no-untyped-def]
    return timezone.localdate() + timedelta(days=days)


class DemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Demand

    title = factory.Sequence(lambda n: f"高能量密度电池隔膜需求{n}")
    problem = "现有隔膜耐热性不足，需要提升到 180℃ 不收缩。"
    target_indicators = "热收缩率 < 2%"
    owner = factory.SubFactory(OrganisationFactory)
    industry_id = "38"
    region_id = "3701"
    cooperation_modes = factory.LazyFunction(lambda: [CooperationMode.JOINT_DEVELOPMENT.value])
    budget_min_wan = 50
    budget_max_wan = 200
    deadline = factory.LazyFunction(lambda: in_days(90))
    keywords = factory.LazyFunction(lambda: ["隔膜", "锂电池"])
    keywords_text = "隔膜 锂电池"
    contact_name = "王工"
    contact_phone = "0531-88880000"
    contact_email = "wang@example.com"
    status = ListingStatus.DRAFT
    visibility = Visibility.PUBLIC


class PublishedDemandFactory(DemandFactory):
    status = ListingStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)


def valid_data(owner_id: int, **overrides: object) -> dict:
    data = {
        "owner": owner_id,
        "title": "耐高温隔膜联合开发",
        "problem": "需要耐 180℃ 的隔膜。",
        "target_indicators": "",
        "existing_base": "中试线一条",
        "industry": "38",
        "region": "3701",
        "cooperation_modes": ["joint_development", "licensing"],
        "budget_min_wan": 10,
        "budget_max_wan": 100,
        "budget_negotiable": False,
        "deadline": in_days(60),
        "keywords": ["隔膜", "耐高温"],
        "contact_name": "王工",
        "contact_phone": "0531-88880000",
        "contact_email": "wang@example.com",
        "visibility": "public",
    }
    data.update(overrides)
    return data


def page_form_data(owner_id: int, **overrides: object) -> dict:
    """A complete, valid POST for the create and edit pages."""
    data = {
        "owner": str(owner_id),
        "title": "耐高温隔膜",
        "problem": "需要耐 180℃ 的隔膜。",
        "industry": "38",
        "region": "3701",
        "cooperation_modes": ["joint_development"],
        "budget_min_wan": "10",
        "budget_max_wan": "100",
        "deadline": str(in_days(30)),
        "keywords": "隔膜, 耐高温",
        "visibility": "public",
        "contact_email": "a@example.com",
    }
    data.update(overrides)
    return data
