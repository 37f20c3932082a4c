from __future__ import annotations

import typing

import pytest

from jieli.achievements import api
from jieli.achievements.models import Achievement, IPType, LegalStatus, Maturity, TransferMode
from jieli.achievements.tests.factories import AchievementFactory, IntellectualPropertyFactory
from jieli.core.history import history_for
from jieli.core.listing import TRANSITIONS, ListingStatus, Visibility

pytestmark = pytest.mark.django_db
URL = "/api/v1/achievements"
JSON = "application/json"


def _client(client, user):
    if user is not None:
        client.force_login(user)
    return client


def _body(**overrides):
    body = {
        "title": "智能巡检机器人",
        "summary": "摘要",
        "detail": "详细",
        "industry": "3841",
        "region": "3710",
        "keywords": ["机器人"],
        "trl": 6,
        "maturity": "pilot",
        "transfer_modes": ["licence"],
        "price_wan": "88.5",
        "ip_records": [
            {
                "number": "ZL202110123456.7",
                "ip_type": "invention",
                "legal_status": "in_force",
                "filing_date": "2021-01-05",
                "grant_date": "2022-06-01",
            }
        ],
    }
    body.update(overrides)
    return body


def test_literal_enums_match_the_model_choices():
    pairs = [
        (api.MaturityT, Maturity),
        (api.TransferModeT, TransferMode),
        (api.IPTypeT, IPType),
        (api.LegalStatusT, LegalStatus),
        (api.VisibilityT, Visibility),
        (api.StatusT, ListingStatus),
    ]
    for literal, choices in pairs:
        assert [v for v in typing.get_args(literal) if v] == list(choices.values)
    assert list(typing.get_args(api.ActionT)) == list(TRANSITIONS)


def test_list_filters_and_pagination(client):
    for i in range(3):
        AchievementFactory(trl=3 + i)
    r = client.get(URL, {"trl_min": 4, "page_size": 1})
    assert r.status_code == 200
    data = r.json()
    assert (data["count"], data["pages"], len(data["results"])) == (2, 2, 1)
    item = data["results"][0]
    assert item["trl_name_zh"] and item["trl_name_en"]
    assert "detail" not in item


# 400: outside the documented parameters; 422: well-formed, refused by a rule (see core/api.py).
@pytest.mark.parametrize(
    ("params", "field", "status"),
    [
        ({"trl": 10}, "trl", 400),
        ({"trl_min": 0}, "trl_min", 400),
        ({"maturity": "factory"}, "maturity", 400),
        ({"transfer_mode": "gift"}, "transfer_mode", 400),
        ({"price_min": 5, "price_max": 1}, "price_max", 422),
        ({"price_min": -1}, "price_min", 400),
        ({"industry": "ZZ"}, "industry", 422),
        ({"published_since": "yesterday"}, "published_since", 400),
        ({"published_since": "0"}, "published_since", 400),  # not the epoch
        ({"price_min": "E"}, "price_min", 400),
        ({"page": 0}, "page", 400),
        ({"page_size": 1000}, "page_size", 400),
    ],
)
def test_bad_list_parameters_answer_400_or_422_with_the_field(client, params, field, status):
    r = client.get(URL, params)
    assert r.status_code == status
    assert r.json()["code"] == "invalid"
    assert field in r.json()["fields"]


def test_detail_hides_members_only_fields_from_anonymous(client, roles):
    a = AchievementFactory(owner=roles.owner_org, detail="秘密方案", team="张三")
    IntellectualPropertyFactory(achievement=a, number="ZL202110000001.1")
    data = client.get(f"{URL}/{a.pk}").json()
    assert data["sees_detail"] is False
    assert data["detail"] is None and data["team"] is None
    assert data["ip_records"][0]["number"] is None
    assert data["return_reason"] is None
    assert "秘密方案" not in str(data)
    data = _client(client, roles.other_member).get(f"{URL}/{a.pk}").json()
    assert data["detail"] == "秘密方案"
    assert data["ip_records"][0]["number"] == "ZL202110000001.1"


def test_create_returns_201_and_writes_history(client, roles):
    r = _client(client, roles.owner_member).post(
        URL, _body(owner_id=roles.owner_org.pk), content_type="application/json"
    )
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["status"] == "draft" and data["detail"] == "详细"
    assert data["ip_records"][0]["number"] == "ZL202110123456.7"
    assert history_for(Achievement.objects.get(pk=data["id"])).get().action == "create"


@pytest.mark.parametrize(
    ("overrides", "field", "status"),
    [
        ({"title": ""}, "title", 400),
        ({"title": "长" * 201}, "title", 400),
        ({"trl": 0}, "trl", 400),
        ({"trl": 10}, "trl", 400),
        ({"price_wan": "-1"}, "price_wan", 400),
        ({"maturity": "x"}, "maturity", 400),
        ({"transfer_modes": ["gift"]}, "transfer_modes.0", 400),
        ({"industry": "Z99"}, "industry", 422),
        ({"region": "999999"}, "region", 422),
        (
            {
                "ip_records": [
                    {
                        "number": "ZL1",
                        "ip_type": "invention",
                        "filing_date": "2022-01-01",
                        "grant_date": "2021-01-01",
                    }
                ]
            },
            "ip_records.0.grant_date",
            422,
        ),
        ({"price_wan": None}, "price_wan", 422),
    ],
)
def test_create_rejects_bad_input_and_writes_nothing(client, roles, overrides, field, status):
    body = _body(owner_id=roles.owner_org.pk, **overrides)
    if overrides.get("title") is None and "title" in overrides:
        body.pop("title")
    r = _client(client, roles.owner_member).post(URL, body, content_type="application/json")
    assert r.status_code == status, r.content
    assert field in r.json()["fields"]
    assert Achievement.objects.count() == 0


def test_create_missing_title_is_400(client, roles):
    body = _body(owner_id=roles.owner_org.pk)
    body.pop("title")
    r = _client(client, roles.owner_member).post(URL, body, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["fields"]["title"]


@pytest.mark.parametrize("owner", ["other", "missing"])
def test_create_for_foreign_or_unknown_organisation_is_403(client, roles, owner):
    owner_id = roles.other_org.pk if owner == "other" else 999999
    r = _client(client, roles.owner_member).post(
        URL, _body(owner_id=owner_id), content_type="application/json"
    )
    assert r.status_code == 403
    assert r.json()["message"]
    assert Achievement.objects.count() == 0


def test_create_needs_sign_in(client, roles):
    r = client.post(URL, _body(owner_id=roles.owner_org.pk), content_type="application/json")
    assert r.status_code == 401


def test_patch_keeps_status_and_replaces_ip_records(client, roles):
    a = AchievementFactory(owner=roles.owner_org)
    IntellectualPropertyFactory(achievement=a)
    r = _client(client, roles.owner_admin).patch(
        f"{URL}/{a.pk}", {"title": "改后标题", "ip_records": []}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "published" and r.json()["ip_records"] == []
    assert history_for(a).first().changes["title"][1] == "改后标题"


def test_actions_and_reason(client, roles):
    a = AchievementFactory(owner=roles.owner_org, draft=True)
    owner = _client(client, roles.owner_member)
    assert owner.post(f"{URL}/{a.pk}/actions/submit", content_type=JSON).status_code == 200
    client.force_login(roles.secretariat)
    r = client.post(f"{URL}/{a.pk}/actions/return", {}, content_type="application/json")
    assert r.status_code == 422 and "reason" in r.json()["fields"]
    r = client.post(
        f"{URL}/{a.pk}/actions/return", {"reason": "请补充"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["return_reason"] == "请补充"
    assert client.post(f"{URL}/{a.pk}/actions/fly", content_type=JSON).status_code == 400


def test_second_publish_is_409(client, roles):
    a = AchievementFactory(owner=roles.owner_org, draft=True, status="submitted")
    client.force_login(roles.secretariat)
    assert client.post(f"{URL}/{a.pk}/actions/publish", content_type=JSON).status_code == 200
    r = client.post(f"{URL}/{a.pk}/actions/publish", content_type=JSON)
    assert r.status_code == 409 and r.json()["code"] == "conflict"


def test_history_endpoint(client, roles):
    a = AchievementFactory(owner=roles.owner_org, draft=True)
    client.force_login(roles.owner_member)
    client.post(f"{URL}/{a.pk}/actions/submit", content_type=JSON)
    data = client.get(f"{URL}/{a.pk}/history").json()
    assert [h["action"] for h in data] == ["submit"]
    assert data[0]["actor"] == "owner_member"
