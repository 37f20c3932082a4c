"""Creating an achievement that looks like an existing one: suspects first, then a choice."""

import pytest
from django.test import Client

from jieli.achievements.models import Achievement
from jieli.achievements.tests.factories import AchievementFactory, IntellectualPropertyFactory
from jieli.core.listing import ListingStatus
from jieli.duplicates.models import CaseStatus, DuplicateCase
from jieli.organisations.tests.factories import role_users

pytestmark = pytest.mark.django_db


def form_data(org_id, **extra):
    data = {
        "owner": org_id,
        "title": "一种锂离子电池低温电解液添加剂及其制备方法",
        "summary": "提高锂电池零下二十度的容量保持率。",
        "detail": "",
        "team": "",
        "industry": "38",
        "discipline": "",
        "region": "3701",
        "keywords": "电解液",
        "trl": "6",
        "maturity": "pilot",
        "transfer_modes": ["licence"],
        "price_wan": "100",
        "application_fields": "",
        "visibility": "public",
        "ip-TOTAL_FORMS": "1",
        "ip-INITIAL_FORMS": "0",
        "ip-MIN_NUM_FORMS": "0",
        "ip-MAX_NUM_FORMS": "20",
        "ip-0-number": "ZL 2021 1 0123456.7",
        "ip-0-ip_type": "invention",
        "ip-0-legal_status": "in_force",
    }
    data.update(extra)
    return data


@pytest.fixture
def world():
    users = role_users()
    existing = AchievementFactory(
        owner=users.owner_org,
        title="一种锂离子电池低温电解液添加剂及其制备方法",
        summary="提高锂电池零下二十度的容量保持率。",
    )
    IntellectualPropertyFactory(achievement=existing, number="ZL202110123456.7")
    return users, existing


def test_suspects_are_shown_before_anything_is_written(world):
    users, existing = world
    client = Client()
    client.force_login(users.owner_admin)
    response = client.post("/achievements/new/", form_data(users.owner_org.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"#{existing.pk}" in html and 'name="duplicate_choice"' in html
    assert Achievement.objects.count() == 1


def test_merge_choice_folds_the_new_record_into_the_existing_one(world):
    users, existing = world
    client = Client()
    client.force_login(users.owner_admin)
    response = client.post(
        "/achievements/new/", form_data(users.owner_org.pk, duplicate_choice="merge")
    )
    assert response.status_code == 302
    new = Achievement.objects.exclude(pk=existing.pk).get()
    assert new.status == ListingStatus.ARCHIVED
    case = DuplicateCase.objects.get()
    assert case.status == CaseStatus.MERGED


def test_other_organisations_choice_waits_for_the_secretariat(world):
    users, _existing = world
    client = Client()
    client.force_login(users.other_member)
    response = client.post(
        "/achievements/new/", form_data(users.other_org.pk, duplicate_choice="link")
    )
    assert response.status_code == 302
    case = DuplicateCase.objects.get()
    new = Achievement.objects.exclude(pk=_existing.pk).get()
    # The secretariat decides; the creator's choice waits in the case's note.
    assert case.status == CaseStatus.PENDING
    assert f"#{new.pk}" in case.note and "关联" in case.note


def test_unknown_choice_is_refused_and_nothing_is_kept(world):
    users, _existing = world
    client = Client()
    client.force_login(users.owner_admin)
    response = client.post(
        "/achievements/new/", form_data(users.owner_org.pk, duplicate_choice="explode")
    )
    assert response.status_code == 400
    assert Achievement.objects.count() == 1
