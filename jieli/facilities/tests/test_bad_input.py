"""Bad input on every path: the API answers 400 outside the schema, 422 for a refused rule,
404 for what one may not see; pages answer with the form's errors; never a 500 and never a
half-written record."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jieli.core.tests.matrix import client_for
from jieli.facilities.models import AvailabilityWindow, Booking, PilotPlatform, PlatformService
from jieli.facilities.tests.factories import days_ahead

pytestmark = pytest.mark.django_db

URL = "/api/v1/facilities"
JSON = "application/json"


def _booking(pilot, **overrides):
    body = {
        "platform": pilot.pk,
        "units": 1,
        "start_date": days_ahead(3).isoformat(),
        "end_date": days_ahead(4).isoformat(),
        "purpose": "试验",
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"units": "2"}, 400, "units"),
        ({"units": 1.5}, 400, "units"),
        ({"units": 0}, 422, "units"),
        ({"units": -1}, 422, "units"),
        ({"units": 5}, 422, "units"),  # over capacity (4 a day)
        ({"start_date": "2027-13-01"}, 400, "start_date"),
        ({"start_date": "tomorrow"}, 400, "start_date"),
        ({"end_date": days_ahead(2).isoformat()}, 422, "end_date"),  # before the start
        (
            {"start_date": days_ahead(59).isoformat(), "end_date": days_ahead(70).isoformat()},
            422,
            "start_date",
        ),
        ({"purpose": ""}, 400, "purpose"),
        ({"extra": 1}, 400, "extra"),
        ({"platform": 0}, 400, "platform"),
    ],
)
def test_booking_request_api(roles, pilot, overrides, status, field):
    client = client_for(roles.other_member)
    response = client.post(f"{URL}/bookings", _booking(pilot, **overrides), content_type=JSON)
    assert response.status_code == status, response.content
    body = response.json()
    assert field in body["fields"], body
    assert Booking.objects.count() == 0


def test_booking_of_a_missing_platform_is_404(roles, pilot):
    client = client_for(roles.other_member)
    response = client.post(f"{URL}/bookings", _booking(pilot, platform=999999), content_type=JSON)
    assert response.status_code == 404
    assert client.get(f"{URL}/bookings/999999").status_code == 404
    assert client.get(f"{URL}/platforms/{2**63}").status_code in (400, 404)
    assert (
        client.post(f"{URL}/bookings/1/actions/approve", {}, content_type=JSON).status_code == 400
    )
    assert client.post(f"{URL}/bookings", "[1]", content_type=JSON).status_code == 400
    assert client.post(f"{URL}/bookings", "{", content_type=JSON).status_code == 400


def test_platform_create_refuses_everything_bad_at_once(roles):
    client = client_for(roles.owner_admin)
    body = {
        "name": "坏平台",
        "operator": roles.other_org.pk,  # not administered by this user
        "region": "9999",
        "industries": ["ZZ"],
        "capabilities": "x",
        "capacity_unit": "天",
        "capacity_per_day": 2,
        "contact_phone": "not a phone",
        "windows": [{"start_date": "2027-03-02", "end_date": "2027-03-01"}],
        "offerings": [{"name": "测试", "price_wan": -1}],
    }
    response = client.post(f"{URL}/platforms", body, content_type=JSON)
    assert response.status_code == 400  # a negative price is outside the schema
    body["offerings"] = [{"name": "测试", "price_wan": "1.5"}]
    response = client.post(f"{URL}/platforms", body, content_type=JSON)
    assert response.status_code == 422
    fields = response.json()["fields"]
    for name in ("operator", "region", "industries", "contact_phone", "windows.end_date"):
        assert name in fields, fields
    assert PilotPlatform.objects.count() == 0
    assert PlatformService.objects.count() == AvailabilityWindow.objects.count() == 0
    body["capacity_per_day"] = 0
    assert client.post(f"{URL}/platforms", body, content_type=JSON).status_code == 400


def test_directory_filters(roles, pilot):
    client = client_for(None)
    assert client.get(f"{URL}/platforms?region=9999").status_code == 422
    assert client.get(f"{URL}/platforms?industry=ZZ").status_code == 422
    assert client.get(f"{URL}/platforms?page=0").status_code == 400
    found = client.get(f"{URL}/platforms?region=37&industry=C&q=反应釜").json()
    assert [p["id"] for p in found["results"]] == [pilot.pk]
    assert client.get(f"{URL}/platforms?region=11").json()["count"] == 0
    assert client.get(f"{URL}/platforms?q=不存在的词").json()["count"] == 0
    page = client.get(reverse("facilities:platforms"), {"region": "9999"})
    assert page.status_code == 400
    assert page.context["form"].errors["region"]  # the refusal, not the echoed value


def test_free_days(roles, pilot):
    client = client_for(None)
    url = f"{URL}/platforms/{pilot.pk}/free"
    days = client.get(
        url, {"start_date": days_ahead(0).isoformat(), "end_date": days_ahead(2).isoformat()}
    ).json()
    assert [d["available"] for d in days] == [False, True, True]
    assert days[1]["free_units"] == 4
    assert (
        client.get(
            url, {"start_date": days_ahead(5).isoformat(), "end_date": days_ahead(1).isoformat()}
        ).status_code
        == 422
    )
    assert (
        client.get(
            url, {"start_date": days_ahead(0).isoformat(), "end_date": days_ahead(200).isoformat()}
        ).status_code
        == 422
    )


def test_booking_page_form_errors(roles, pilot):
    client = client_for(roles.other_member)
    data = {
        "organisation": roles.other_org.pk,
        "units": 9,
        "start_date": days_ahead(3).isoformat(),
        "end_date": days_ahead(4).isoformat(),
        "purpose": "试验",
    }
    response = client.post(reverse("facilities:book", args=[pilot.pk]), data)
    assert response.status_code == 400
    assert "每天仅有 4" in response.content.decode()
    data["units"] = "abc"
    assert client.post(reverse("facilities:book", args=[pilot.pk]), data).status_code == 400
    assert Booking.objects.count() == 0
    assert client.post(reverse("facilities:book", args=[999999]), data).status_code == 404


def test_move_page_bad_input(roles, pilot):
    from jieli.facilities.tests.factories import request

    booking = request(roles.other_member, pilot.pk)
    client = client_for(roles.owner_admin)
    url = reverse("facilities:move", args=[booking.pk])
    assert client.post(url, {"action": "nonsense"}).status_code == 302
    response = client.post(url, {"action": "propose", "proposed_start": "x"}, follow=True)
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.status == "requested"
    response = client.post(url, {"action": "decline"}, follow=True)
    booking.refresh_from_db()
    assert booking.status == "requested"
