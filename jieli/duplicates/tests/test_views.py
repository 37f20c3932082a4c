import pytest
from django.test import Client

from jieli.achievements.models import Achievement
from jieli.duplicates.tests.factories import (
    OLED_REWORDED_TEXT,
    OLED_REWORDED_TITLE,
    achievement,
    case_between,
)

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_check_view_renders_fragment_and_json(roles):
    target = achievement(roles.owner_org)
    client = client_for(roles.owner_member)
    data = {"title": OLED_REWORDED_TITLE, "summary": OLED_REWORDED_TEXT}
    html = client.post("/duplicates/check/", data).content.decode()
    assert f"/achievements/{target.pk}/" in html
    body = client.post("/duplicates/check/", {**data, "format": "json"}).json()
    assert body["suspects"][0]["target_id"] == target.pk


def test_check_view_bad_kind_is_400(roles):
    response = client_for(roles.registered).post(
        "/duplicates/check/", {"kind": "x", "format": "json"}
    )
    assert response.status_code == 400


def test_case_page_escapes_user_text_and_highlights(roles):
    a = achievement(roles.owner_org, title="<script>alert(1)</script>一种OLED器件")
    b = achievement(roles.other_org, title="<script>alert(1)</script>一种OLED器件的方法")
    case = case_between(a, b)
    html = client_for(roles.secretariat).get(f"/duplicates/{case.pk}/").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;" in html and "&gt;" in html
    assert "<mark>" in html


def test_queue_merge_button_archives_the_other(roles):
    a = achievement(roles.owner_org)
    b = achievement(roles.other_org, title=OLED_REWORDED_TITLE)
    case = case_between(a, b)
    client = client_for(roles.secretariat)
    assert f"/duplicates/{case.pk}/decision/" in client.get("/duplicates/").content.decode()
    response = client.post(
        f"/duplicates/{case.pk}/decision/", {"decision": "merge", "keep_id": a.pk}
    )
    assert response.status_code == 302
    assert Achievement.objects.get(pk=b.pk).status == "archived"
    again = client.post(f"/duplicates/{case.pk}/decision/", {"decision": "keep"})
    assert again.status_code == 409


def test_decide_view_unknown_decision_redirects_with_message(roles):
    case = case_between(achievement(roles.owner_org), achievement(roles.other_org, title="乙"))
    response = client_for(roles.secretariat).post(
        f"/duplicates/{case.pk}/decision/", {"decision": "bogus"}, follow=True
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == "pending"


def test_queue_kind_filter_shows_translated_kind_names(roles):
    html = client_for(roles.secretariat).get("/duplicates/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = html.content.decode()
    assert '<option value="achievement">科技成果</option>' in text
    assert ">achievement</option>" not in text
