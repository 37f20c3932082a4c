import pytest
from django.test import Client
from django.urls import reverse

from jieli.core.listing import ListingStatus
from jieli.demands.forms import DemandForm
from jieli.demands.models import Demand
from jieli.demands.tests.factories import (
    DemandFactory,
    PublishedDemandFactory,
    in_days,
    page_form_data,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_list_page_shows_expired_tag_and_filters():
    PublishedDemandFactory(title="过期需求", deadline=in_days(-1))
    PublishedDemandFactory(title="开放需求")
    response = client_for(None).get(reverse("demands:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("开放需求") < html.index("过期需求")
    assert "已过期" in html or "expired" in html
    response = client_for(None).get(reverse("demands:list"), {"open_only": "on"})
    assert "过期需求" not in response.content.decode()


def test_list_page_rejects_bad_filters():
    response = client_for(None).get(reverse("demands:list"), {"budget_min": "-3"})
    assert response.status_code == 400
    response = client_for(None).get(reverse("demands:list"), {"industry": "Z9"})
    assert response.status_code == 400


def test_list_paginates():
    for _ in range(25):
        PublishedDemandFactory()
    page2 = client_for(None).get(reverse("demands:list"), {"page": 2})
    assert page2.status_code == 200
    assert len(page2.context["page"].object_list) == 5


def test_detail_locks_contact_for_anonymous(roles):
    demand = PublishedDemandFactory(owner=roles.owner_org)
    html = client_for(None).get(reverse("demands:detail", args=[demand.pk])).content.decode()
    assert "wang@example.com" not in html
    assert 'class="locked"' in html
    html = (
        client_for(roles.other_member)
        .get(reverse("demands:detail", args=[demand.pk]))
        .content.decode()
    )
    assert "wang@example.com" in html


def test_titles_are_escaped(roles):
    demand = PublishedDemandFactory(
        owner=roles.owner_org, title="<script>alert(1)</script>", problem="<b>x</b>"
    )
    for url in (reverse("demands:list"), reverse("demands:detail", args=[demand.pk])):
        html = client_for(None).get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_create_page_saves_a_draft(roles):
    client = client_for(roles.owner_member)
    assert client.get(reverse("demands:create")).status_code == 200
    response = client.post(reverse("demands:create"), page_form_data(roles.owner_org.pk))
    demand = Demand.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("demands:detail", args=[demand.pk])
    assert demand.keywords == ["隔膜", "耐高温"]
    assert demand.cooperation_modes == ["joint_development"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"problem": "x" * 5001}, "problem"),
        ({"budget_min_wan": "300", "budget_max_wan": "100"}, "budget_max_wan"),
        ({"budget_min_wan": "-1"}, "budget_min_wan"),
        ({"deadline": str(in_days(-1))}, "deadline"),
        ({"cooperation_modes": ["barter"]}, "cooperation_modes"),
        ({"region": "999999"}, "region"),
        ({"industry": "Z99"}, "industry"),
        ({"keywords": ",".join(f"k{i}" for i in range(21))}, "keywords"),
    ],
)
def test_create_page_shows_field_errors_and_writes_nothing(roles, overrides, field):
    response = client_for(roles.owner_member).post(
        reverse("demands:create"), page_form_data(roles.owner_org.pk, **overrides)
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Demand.objects.exists()


def test_create_page_refuses_foreign_owner(roles):
    response = client_for(roles.owner_member).post(
        reverse("demands:create"), page_form_data(roles.other_org.pk)
    )
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors
    assert not Demand.objects.exists()


def test_form_validates_without_a_request(roles):
    form = DemandForm(
        data=page_form_data(roles.owner_org.pk, title="", budget_min_wan="-1"),
        owner_choices=[(roles.owner_org.pk, "x")],
    )
    assert not form.is_valid()
    assert set(form.errors) == {"title", "budget_min_wan"}


def test_edit_page_updates_through_service(roles):
    demand = DemandFactory(owner=roles.owner_org)
    client = client_for(roles.owner_member)
    url = reverse("demands:edit", args=[demand.pk])
    assert client.get(url).status_code == 200
    data = page_form_data(roles.owner_org.pk, title="改过的标题")
    del data["owner"]
    assert client.post(url, data).status_code == 302
    demand.refresh_from_db()
    assert demand.title == "改过的标题"


def test_owner_submits_and_secretariat_returns_with_reason(roles):
    demand = DemandFactory(owner=roles.owner_org)
    url = reverse("demands:action", args=[demand.pk])
    client_for(roles.owner_member).post(url, {"action": "submit"})
    demand.refresh_from_db()
    assert demand.status == ListingStatus.SUBMITTED
    staff = client_for(roles.secretariat)
    html = staff.get(reverse("demands:detail", args=[demand.pk])).content.decode()
    assert 'value="publish"' in html and 'value="return"' in html
    staff.post(url, {"action": "return", "reason": ""})
    demand.refresh_from_db()
    assert demand.status == ListingStatus.SUBMITTED  # a reason is required
    staff.post(url, {"action": "return", "reason": "补充指标"})
    demand.refresh_from_db()
    assert (demand.status, demand.return_reason) == (ListingStatus.RETURNED, "补充指标")


def test_secretariat_approves_in_one_click(roles):
    demand = DemandFactory(owner=roles.owner_org, status=ListingStatus.SUBMITTED)
    response = client_for(roles.secretariat).post(
        reverse("demands:action", args=[demand.pk]), {"action": "publish", "reason": ""}
    )
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == ListingStatus.PUBLISHED
