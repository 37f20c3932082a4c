import pytest
from django.test import Client

from jieli.core.history import history_for
from jieli.core.tests.matrix import ROLES, check, writes
from jieli.organisations.models import MembershipStatus, Organisation
from jieli.organisations.tests.factories import OrganisationFactory, UserFactory, role_users

pytestmark = pytest.mark.django_db

API = "/api/v1/organisations"


def client_for(user, **extra):
    client = Client(**extra)
    if user is not None:
        client.force_login(user)
    return client


def test_public_list_shows_admitted_members_only():
    OrganisationFactory(name="已入会")
    OrganisationFactory(name="申请中", membership_status=MembershipStatus.APPLYING)
    body = Client().get(API).json()
    assert [o["name"] for o in body["results"]] == ["已入会"]
    assert body["count"] == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("registered", 404),
        ("other_member", 404),
        ("owner_member", 200),
        ("owner_admin", 200),
        ("secretariat", 200),
    ],
)
def test_applying_organisation_detail_by_role(role, status):
    users = role_users()
    users.owner_org.membership_status = MembershipStatus.APPLYING
    users.owner_org.save()
    response = client_for(users.by_role()[role]).get(f"{API}/{users.owner_org.pk}")
    assert response.status_code == status


UPDATE = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(403, False),
    owner_member=(403, False),
    owner_admin=(200, True),
    secretariat=(200, True),
)
DECISION = writes(
    anonymous=(401, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(403, False),
    owner_admin=(403, False),
    secretariat=(200, True),
)


def _organisation_state(pk):
    org = Organisation.objects.get(pk=pk)
    return (org.address, org.membership_status, org.status_reason, history_for(org).count())


@pytest.mark.parametrize("role", ROLES)
def test_update_by_role(role):
    users = role_users()
    pk = users.owner_org.pk
    check(
        users,
        role,
        UPDATE,
        lambda c: c.patch(f"{API}/{pk}", {"address": "新地址"}, content_type="application/json"),
        state=lambda: _organisation_state(pk),
    )
    changed = Organisation.objects.get(pk=pk).address == "新地址"
    assert changed is UPDATE[role].changes


@pytest.mark.parametrize("role", ROLES)
def test_decision_by_role(role):
    users = role_users()
    pk = users.owner_org.pk
    check(
        users,
        role,
        DECISION,
        lambda c: c.post(
            f"{API}/{pk}/decision",
            {"action": "suspend", "reason": "测试"},
            content_type="application/json",
        ),
        state=lambda: _organisation_state(pk),
    )
    org = Organisation.objects.get(pk=pk)
    suspended = org.membership_status == MembershipStatus.SUSPENDED
    assert suspended is DECISION[role].changes
    if suspended:
        assert org.status_reason == "测试"
        assert history_for(org).get().action == "suspend"


def test_apply_returns_201_and_unknown_type_gives_field_error_in_chinese():
    client = client_for(UserFactory())
    ok = client.post(
        API, {"name": "新机构", "org_type": "university"}, content_type="application/json"
    )
    assert ok.status_code == 201
    bad = client.post(
        API, {"name": "x" * 201, "org_type": "spaceship"}, content_type="application/json"
    )
    assert bad.status_code == 400
    body = bad.json()
    assert body["code"] == "invalid" and set(body["fields"]) == {"name", "org_type"}
    assert body["message"] == "部分字段无效。"


def test_error_messages_follow_the_request_language():
    client = client_for(UserFactory(), HTTP_ACCEPT_LANGUAGE="en")
    body = client.post(API, {"org_type": "university"}, content_type="application/json").json()
    assert body["message"] == "Some fields are not valid."
    assert body["fields"]["name"] == ["This field is required."]


def test_invalid_json_and_bad_page_are_400_not_500():
    client = client_for(UserFactory())
    assert client.post(API, "{not json", content_type="application/json").status_code == 400
    assert Client().get(API, {"page": "abc"}).status_code == 400
    assert Client().get(API, {"page": 0}).status_code == 400
    assert Client().get(f"{API}/99999999").status_code == 404


def test_token_authentication_works_and_bad_token_is_401():
    users = role_users()
    client = client_for(users.owner_admin)
    token = client.post(
        "/api/v1/me/tokens", {"name": "脚本"}, content_type="application/json"
    ).json()["token"]
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bearer.get("/api/v1/me").json()["roles"] == ["organisation_admin", "organisation_member"]
    response = bearer.patch(
        f"{API}/{users.owner_org.pk}", {"address": "令牌"}, content_type="application/json"
    )
    assert response.status_code == 200
    wrong = Client(HTTP_AUTHORIZATION="Bearer nope").patch(
        f"{API}/{users.owner_org.pk}", {"address": "x"}, content_type="application/json"
    )
    assert wrong.status_code == 401


def test_session_writes_need_csrf():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(
        API, {"name": "新机构", "org_type": "university"}, content_type="application/json"
    )
    # A session without the CSRF token is refused as not allowed (not as "sign in first").
    assert response.status_code == 403
    assert not Organisation.objects.exists()


def test_absurd_page_numbers_are_400_not_500():
    huge = "1" * 30
    assert Client().get(API, {"page": huge}).status_code == 400
    assert Client().get(API, {"page": 100001}).status_code == 400
    assert Client().get(API, {"page_size": 1000}).status_code == 400
