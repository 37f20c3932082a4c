from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from jieli.achievements.models import TRL_BY_LEVEL, TRL_LEVELS, Achievement
from jieli.achievements.tests.factories import AchievementFactory, IntellectualPropertyFactory

pytestmark = pytest.mark.django_db


def test_trl_table_names_every_level_in_both_languages():
    assert [t.level for t in TRL_LEVELS] == list(range(1, 10))
    assert all(t.name_zh and str(t.name_en) for t in TRL_LEVELS)
    assert TRL_BY_LEVEL[9].name_zh == "实际系统通过成功运行验证"
    assert AchievementFactory.build(trl=3).trl_level == TRL_BY_LEVEL[3]


def test_database_refuses_both_price_and_negotiable():
    a = AchievementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Achievement.objects.filter(pk=a.pk).update(price_negotiable=True, price_wan=Decimal("1"))


def test_database_refuses_grant_before_filing():
    with pytest.raises(IntegrityError), transaction.atomic():
        IntellectualPropertyFactory(filing_date=date(2022, 1, 1), grant_date=date(2021, 1, 1))


def test_external_id_unique_per_source_only_when_set():
    AchievementFactory(source="sdip", external_id="")
    AchievementFactory(source="sdip", external_id="")
    AchievementFactory(source="sdip", external_id="A1")
    AchievementFactory(source="other", external_id="A1")
    with pytest.raises(IntegrityError), transaction.atomic():
        AchievementFactory(source="sdip", external_id="A1")
