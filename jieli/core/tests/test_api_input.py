"""The API's input contract (docs/decisions/0006-api-input-contract.md).

A body outside its documented schema is a 400 in the one translated error shape, naming the
field; a well-formed body a business rule refuses is a 422; nothing is written either way.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from jieli.core.api import ApiDate, InputSchema, Money
from jieli.core.models import ChangeRecord
from jieli.demands.models import Demand
from jieli.demands.tests.factories import DemandFactory, in_days

URL = "/api/v1/demands"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _send(client: Client, method: str, url: str, body: object, **headers: str):
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", **headers
    )


def _valid(owner_id: int, **overrides: object) -> dict[str, object]:
    return {
        "owner": owner_id,
        "title": "耐高温隔膜",
        "problem": "需要耐 180℃ 的隔膜。",
        "budget_min_wan": 10,
        "budget_max_wan": "100.50",
        "deadline": str(in_days(30)),
        **overrides,
    }


@pytest.mark.parametrize("body", [[None, None], [], None, "text", 7, True])
def test_a_body_that_is_not_an_object_is_a_translated_400(roles, body):
    demand = DemandFactory(owner=roles.owner_org, title="原题")
    before = ChangeRecord.objects.count()
    r = _send(_client(roles.owner_member), "patch", f"{URL}/{demand.pk}", body)
    assert r.status_code == 400, r.content
    assert r.json() == {
        "code": "invalid",
        "message": "部分字段无效。",
        "fields": {"__all__": ["请发送 JSON 对象。"]},
    }
    demand.refresh_from_db()
    assert demand.title == "原题" and ChangeRecord.objects.count() == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"owner": "1"}, "owner", "Enter a whole number."),  # a string for an int
        ({"owner": True}, "owner", "Enter a whole number."),  # a boolean for an int
        ({"owner": 1.5}, "owner", "Enter a whole number."),
        ({"owner": 2**63}, "owner", "Must be at most 9223372036854775807."),
        ({"owner": 0}, "owner", "Must be at least 1."),
        ({"budget_negotiable": 1}, "budget_negotiable", "Enter true or false."),
        ({"budget_negotiable": "true"}, "budget_negotiable", "Enter true or false."),
        ({"budget_min_wan": True}, "budget_min_wan", "Enter a number."),
        ({"budget_min_wan": "1e3"}, "budget_min_wan", "Enter a number."),
        ({"budget_min_wan": "NaN"}, "budget_min_wan", "Enter a number."),
        ({"budget_min_wan": 10**11}, "budget_min_wan", "Must be at most 9999999999.99."),
        ({"deadline": "2031-02-30"}, "deadline", "Enter a valid date (YYYY-MM-DD)."),
        ({"deadline": "2031-01-01T00:00:00"}, "deadline", "Enter a valid date (YYYY-MM-DD)."),
        ({"deadline": 0}, "deadline", "Enter a valid date (YYYY-MM-DD)."),
        ({"visibility": "world"}, "visibility", "Choose one of: "),
        ({"cooperation_modes": ["barter"]}, "cooperation_modes.0", "Choose one of: "),
        ({"keywords": "电池"}, "keywords", "Enter a list."),
        ({"title": 5}, "title", "Enter text."),
        ({"status": "published"}, "status", "This field is not part of the request."),
    ],
)
def test_values_outside_the_schema_are_400_with_the_field(roles, overrides, field, message):
    r = _send(
        _client(roles.owner_member),
        "post",
        URL,
        _valid(roles.owner_org.pk, **overrides),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "invalid" and body["message"] == "Some fields are not valid."
    assert list(body["fields"]) == [field], body
    assert body["fields"][field][0].startswith(message), body
    assert not Demand.objects.exists()


def test_the_same_errors_come_in_chinese(roles):
    r = _send(_client(roles.owner_member), "post", URL, _valid(roles.owner_org.pk, extra=1))
    assert r.status_code == 400
    assert r.json()["fields"] == {"extra": ["此字段不属于该请求。"]}


def test_a_well_formed_body_refused_by_a_rule_is_422(roles):
    # An unknown region code and a deadline in the past fit the schema (a short string, a date).
    r = _send(
        _client(roles.owner_member),
        "post",
        URL,
        _valid(roles.owner_org.pk, region="999999", deadline=str(in_days(-1))),
    )
    assert r.status_code == 422, r.content
    assert r.json()["code"] == "invalid"
    assert {"region", "deadline"} <= set(r.json()["fields"])
    assert not Demand.objects.exists()


def test_a_valid_body_is_accepted_with_money_kept_to_the_cent(roles):
    r = _send(
        _client(roles.owner_member),
        "post",
        URL,
        # 7.0 is the JSON integer 7 (JSON Schema agrees): only 7.5 is not a whole number.
        _valid(float(roles.owner_org.pk), budget_min_wan=10.005, budget_max_wan="100.5"),
    )
    assert r.status_code == 201, r.content
    demand = Demand.objects.get()
    assert (str(demand.budget_min_wan), str(demand.budget_max_wan)) == ("10.01", "100.50")


def test_every_body_schema_is_strict_and_closed():
    """Every operation's JSON body forbids unknown fields, so the document says what is sent."""
    from jieli.api import api

    document = api.get_openapi_schema()
    schemas = document["components"]["schemas"]
    seen = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            ref = content.get("application/json", {}).get("schema", {}).get("$ref")
            if ref:
                seen += 1
                name = ref.rsplit("/", 1)[1]
                assert schemas[name].get("additionalProperties") is False, (method, path)
            statuses = {str(status) for status in operation["responses"]}
            assert {"400", "422"} <= statuses, (method, path)
    assert seen >= 10


def test_the_input_types_reject_what_json_would_coerce():
    class Sample(InputSchema):
        day: ApiDate | None = None
        amount: Money | None = None
        count: int = 0

    good = Sample.model_validate({"day": "2026-01-31", "amount": "0.5", "count": 3.0})
    assert (str(good.day), str(good.amount), good.count) == ("2026-01-31", "0.50", 3)
    for bad in ({"day": 20260131}, {"amount": False}, {"count": "3"}, {"other": 1}):
        with pytest.raises(ValueError):
            Sample.model_validate(bad)
