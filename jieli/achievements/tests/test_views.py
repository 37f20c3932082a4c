from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from jieli.achievements.models import TRL_BY_LEVEL, Achievement, IntellectualProperty
from jieli.achievements.tests.factories import (
    AchievementFactory,
    IntellectualPropertyFactory,
    page_form_data,
)
from jieli.core.history import history_for

pytestmark = pytest.mark.django_db


def test_list_page_filters_and_escapes(client):
    AchievementFactory(title="<script>alert(1)</script>钠电池", trl=3)
    AchievementFactory(title="氢能储运", trl=8)
    r = client.get(reverse("achievements:list"), {"trl_min": "5"})
    assert r.status_code == 200
    assert "氢能储运" in r.content.decode() and "钠电池" not in r.content.decode()
    page = client.get(reverse("achievements:list")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;钠电池" in page


@pytest.mark.parametrize(
    "params",
    [
        {"trl_min": "10"},
        {"maturity": "factory"},
        {"price_min": "-1"},
        {"price_min": "9", "price_max": "1"},
        {"published_since": "not-a-date"},
    ],
)
def test_list_page_bad_filter_is_400_with_message(client, params):
    r = client.get(reverse("achievements:list"), params)
    assert r.status_code == 400
    assert "errorlist" in r.content.decode()


def test_detail_page_escapes_and_shows_trl_names_and_locked_box(client, roles):
    a = AchievementFactory(
        owner=roles.owner_org, title="<script>x()</script>", trl=9, detail="<b>秘密</b>"
    )
    IntellectualPropertyFactory(achievement=a, number="ZL202110000009.9")
    page = client.get(reverse("achievements:detail", args=[a.pk])).content.decode()
    assert "<script>x()</script>" not in page and "&lt;script&gt;x()&lt;/script&gt;" in page
    assert "实际系统通过成功运行验证" in page
    english = client.get(reverse("achievements:detail", args=[a.pk]), HTTP_ACCEPT_LANGUAGE="en")
    with translation.override("en"):
        assert str(TRL_BY_LEVEL[9].name_en) in english.content.decode()
    assert 'class="locked"' in page and "ZL202110000009.9" not in page and "秘密" not in page
    client.force_login(roles.other_member)
    page = client.get(reverse("achievements:detail", args=[a.pk])).content.decode()
    assert "ZL202110000009.9" in page and "&lt;b&gt;秘密&lt;/b&gt;" in page


def _fact(page: str, term: str) -> str:
    found = re.search(rf"<dt>{term}</dt><dd>(.*?)</dd>", page, re.S)
    assert found, term
    return found.group(1).strip()


def test_english_detail_page_names_county_region_and_industry_class_in_english(client):
    a = AchievementFactory(region_id="370602", industry_id="3841", discipline_id="F0101")
    url = reverse("achievements:detail", args=[a.pk])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    cjk = re.compile(r"[\u3400-\u9fff]")
    region = _fact(english, "Region")
    assert region == "Zhifu District" and not cjk.search(region)
    industry = _fact(english, "Industry")
    assert industry == "3841 Manufacture of lithium-ion batteries" and not cjk.search(industry)
    assert not cjk.search(_fact(english, "Discipline"))
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<dd>芝罘区</dd>" in chinese


def test_owner_sees_history_and_owner_buttons_staff_sees_review_buttons(client, roles):
    a = AchievementFactory(owner=roles.owner_org, draft=True, status="submitted")
    history_url = reverse("achievements:action", args=[a.pk, "publish"])
    client.force_login(roles.owner_member)
    page = client.get(reverse("achievements:detail", args=[a.pk])).content.decode()
    assert history_url not in page
    assert reverse("achievements:action", args=[a.pk, "archive"]) in page
    client.force_login(roles.secretariat)
    page = client.get(reverse("achievements:detail", args=[a.pk])).content.decode()
    assert history_url in page and reverse("achievements:action", args=[a.pk, "return"]) in page
    r = client.post(reverse("achievements:action", args=[a.pk, "return"]), {"reason": ""})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == "submitted"  # a return needs a reason
    client.post(reverse("achievements:action", args=[a.pk, "return"]), {"reason": "补充材料"})
    a.refresh_from_db()
    assert (a.status, a.return_reason) == ("returned", "补充材料")
    page = client.get(reverse("achievements:detail", args=[a.pk])).content.decode()
    # History names the action and the changed fields in the reader's language.
    assert "补充材料" in page and "<td>已退回修改</td>" in page and "<td>return</td>" not in page


def test_create_page_saves_achievement_with_ip_records(client, roles):
    client.force_login(roles.owner_member)
    r = client.post(reverse("achievements:create"), page_form_data(roles.owner_org.pk))
    assert r.status_code == 302, r.content.decode()[:3000]
    a = Achievement.objects.get()
    assert (a.region_id, a.keywords, a.transfer_modes) == (
        "3710",
        ["储能", "电池"],
        ["licence", "joint"],
    )
    assert a.ip_records.get().number == "ZL202110123456.7"
    assert history_for(a).get().action == "create"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"trl": "0"}, "trl"),
        ({"trl": "10"}, "trl"),
        ({"price_wan": "-1"}, "price_wan"),
        ({"maturity": "x"}, "maturity"),
        ({"transfer_modes": ["gift"]}, "transfer_modes"),
        ({"industry": "Z99"}, "industry"),
        ({"region_1": "99", "region_2": None}, "region"),
        ({"ip-0-grant_date": "2020-01-01"}, "grant_date"),
        ({"ip-0-legal_status": "pending"}, "grant_date"),
        ({"price_wan": "", "price_negotiable": None}, "price_wan"),
    ],
)
def test_create_page_rejects_bad_input(client, roles, overrides, field):
    client.force_login(roles.owner_member)
    r = client.post(reverse("achievements:create"), page_form_data(roles.owner_org.pk, **overrides))
    assert r.status_code == 400
    form, formset = r.context["form"], r.context["formset"]
    errors = set(form.errors) | {name for f in formset.forms for name in f.errors}
    assert field in errors
    assert Achievement.objects.count() == 0 and IntellectualProperty.objects.count() == 0


def test_create_page_refuses_a_foreign_owner(client, roles):
    client.force_login(roles.owner_member)
    r = client.post(reverse("achievements:create"), page_form_data(roles.other_org.pk))
    assert r.status_code == 400 and "owner" in r.context["form"].errors
    assert Achievement.objects.count() == 0


def test_edit_page_updates_and_keeps_published(client, roles):
    a = AchievementFactory(owner=roles.owner_org)
    IntellectualPropertyFactory(achievement=a, number="ZL1")
    client.force_login(roles.owner_admin)
    page = client.get(reverse("achievements:edit", args=[a.pk]))
    assert page.status_code == 200 and 'value="ZL1"' in page.content.decode()
    data = page_form_data(
        None,
        title="编辑后的标题",
        owner=None,
        **{
            "ip-TOTAL_FORMS": "1",
            "ip-INITIAL_FORMS": "1",
            "ip-0-number": "ZL1",
            "ip-0-DELETE": "on",
        },
    )
    r = client.post(reverse("achievements:edit", args=[a.pk]), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    a.refresh_from_db()
    assert (a.title, a.status, a.ip_records.count()) == ("编辑后的标题", "published", 0)
    assert history_for(a).get().action == "update"
