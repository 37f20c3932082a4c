from __future__ import annotations

import pytest
from django.urls import reverse

from jieli.achievements.tests.factories import AchievementFactory, IntellectualPropertyFactory
from jieli.core.history import history_for
from jieli.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_search_filters_and_bulk_publish_go_through_services(client, roles):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    a = AchievementFactory(owner=roles.owner_org, draft=True, status="submitted")
    IntellectualPropertyFactory(achievement=a, number="ZL202199999999.9")
    url = reverse("admin:achievements_achievement_changelist")
    for params in (
        {"q": "ZL202199999999.9"},
        {"q": "储能"},
        {"status": "submitted"},
        {"section": "C"},
        {"trl": "5"},
    ):
        r = client.get(url, params)
        assert r.status_code == 200 and a.title in r.content.decode(), params
    assert (
        client.get(reverse("admin:achievements_achievement_change", args=[a.pk])).status_code == 200
    )
    client.post(url, {"action": "publish_selected", "_selected_action": [a.pk]})
    a.refresh_from_db()
    assert a.status == "published"
    assert history_for(a).get().action == "publish"
