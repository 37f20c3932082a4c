from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from jieli.core.listing import ListingStatus
from jieli.demands.tests.factories import DemandFactory, PublishedDemandFactory, in_days

pytestmark = pytest.mark.django_db


def test_published_demand_past_deadline_is_expired():
    assert PublishedDemandFactory(deadline=in_days(-1)).is_expired
    assert not PublishedDemandFactory(deadline=in_days(0)).is_expired
    assert not PublishedDemandFactory(deadline=None).is_expired


def test_draft_past_deadline_is_not_tagged_expired():
    assert not DemandFactory(deadline=in_days(-3), status=ListingStatus.DRAFT).is_expired


def test_published_demand_not_reconfirmed_for_a_year_is_stale(settings):
    settings.JIELI_RECONFIRM_MONTHS = 12
    demand = PublishedDemandFactory(confirmed_at=timezone.now() - timedelta(days=400))
    assert demand.is_stale


def test_source_and_external_id_are_unique_when_set():
    DemandFactory(source="import", external_id="X1")
    DemandFactory(source="import", external_id="")
    DemandFactory(source="import", external_id="")
    with pytest.raises(IntegrityError), transaction.atomic():
        DemandFactory(source="import", external_id="X1")


def test_cooperation_mode_labels_follow_the_choices():
    demand = DemandFactory(cooperation_modes=["transfer", "talent"])
    with translation.override("en"):
        assert demand.cooperation_mode_labels() == ["Technology transfer", "Talent recruitment"]
