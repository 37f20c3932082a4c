import pytest
from django.test import Client

from jieli.organisations.models import MembershipStatus, Organisation
from jieli.organisations.tests.factories import OrganisationFactory, UserFactory, role_users

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("registered", 403),
        ("other_member", 403),
        ("owner_member", 403),
        ("owner_admin", 200),
        ("secretariat", 200),
    ],
)
def test_edit_page_by_role(role, status):
    users = role_users()
    response = client_for(users.by_role()[role]).get(f"/organisations/{users.owner_org.pk}/edit/")
    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("registered", 403),
        ("other_member", 403),
        ("owner_member", 403),
        ("owner_admin", 200),
        ("secretariat", 200),
    ],
)
def test_people_page_by_role(role, status):
    users = role_users()
    response = client_for(users.by_role()[role]).get(
        f"/organisations/{users.owner_org.pk}/members/"
    )
    assert response.status_code == status


def test_list_page_is_chinese_by_default_and_escapes_names():
    OrganisationFactory(name="<script>alert(1)</script>")
    html = Client().get("/organisations/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_apply_form_shows_errors_and_writes_nothing():
    client = client_for(UserFactory())
    response = client.post(
        "/organisations/apply/", {"name": "新机构", "org_type": "enterprise", "credit_code": "123"}
    )
    assert response.status_code == 400
    assert not Organisation.objects.exists()
    assert "统一社会信用代码" in response.content.decode()


def test_secretariat_decision_through_the_page():
    users = role_users()
    users.owner_org.membership_status = MembershipStatus.APPLYING
    users.owner_org.save()
    client = client_for(users.secretariat)
    response = client.post(
        f"/organisations/{users.owner_org.pk}/decision/",
        {"action": "admit", "reason": "资料齐全", "tier": "member"},
    )
    assert response.status_code == 302
    users.owner_org.refresh_from_db()
    assert users.owner_org.membership_status == MembershipStatus.MEMBER


def test_decision_page_refuses_members():
    users = role_users()
    response = client_for(users.owner_admin).post(
        f"/organisations/{users.owner_org.pk}/decision/", {"action": "suspend", "reason": "x"}
    )
    assert response.status_code == 403
