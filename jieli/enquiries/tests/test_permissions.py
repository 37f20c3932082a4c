"""Roles × the enquiry pages and API: exact status AND side effect. The sender is
``other_member`` (of another organisation); the owner side is the listing owner's people; the
secretariat sees every thread; everyone else gets a 404 — for a thread, and for a listing they
may not see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.tests.matrix import ROLES, as_page, check, client_for, reads, writes
from jieli.enquiries import services
from jieli.enquiries.models import Enquiry, EnquiryMessage, Stage
from jieli.enquiries.tests.factories import send
from jieli.organisations.tests.factories import UserFactory, member_of, viewer_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/enquiries"
JSON = "application/json"


def enquiries_state():
    return (
        sorted(Enquiry.objects.values_list("pk", "stage", "broker_id", "decline_reason")),
        sorted(EnquiryMessage.objects.values_list("pk", "body")),
    )


def _check(roles, role, matrix, call, **kw):
    return check(roles, role, matrix, call, state=enquiries_state, **kw)


@pytest.fixture
def thread(roles, demand):
    return send(roles.other_member, "demand", demand.pk)


@pytest.fixture
def answered(roles, thread):
    services.enquiry_reply(viewer=viewer_of(roles.owner_member), pk=thread.pk, body="您好")
    return thread


THREAD_API = reads(
    anonymous=401,
    registered=404,
    other_member=200,
    owner_member=200,
    owner_admin=200,
    secretariat=200,
)


@pytest.mark.parametrize("role", ROLES)
def test_thread_page(roles, thread, role):
    response = _check(
        roles,
        role,
        as_page(THREAD_API),
        lambda c: c.get(reverse("enquiries:detail", args=[thread.pk])),
    )
    if response.status_code == 404:
        assert thread.target_title not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_thread_api(roles, thread, role):
    response = _check(roles, role, THREAD_API, lambda c: c.get(f"{URL}/{thread.pk}"))
    if response.status_code == 404:
        assert response.json()["code"] == "not_found"
        assert thread.target_title not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_messages_api(roles, thread, role):
    _check(roles, role, THREAD_API, lambda c: c.get(f"{URL}/{thread.pk}/messages"))


REPLY_API = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(201, True),
    owner_member=(201, True),
    owner_admin=(201, True),
    secretariat=(201, True),
)


@pytest.mark.parametrize("role", ROLES)
def test_reply_api(roles, thread, role):
    _check(
        roles,
        role,
        REPLY_API,
        lambda c: c.post(f"{URL}/{thread.pk}/messages", {"body": "问题"}, content_type=JSON),
        history=None,
    )


@pytest.mark.parametrize("role", ROLES)
def test_reply_page(roles, thread, role):
    _check(
        roles,
        role,
        as_page(REPLY_API),
        lambda c: c.post(reverse("enquiries:reply", args=[thread.pk]), {"body": "问题"}),
        history=None,
    )


DISCUSS_API = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(200, True),
    owner_member=(200, True),
    owner_admin=(200, True),
    secretariat=(403, False),
)


@pytest.mark.parametrize("role", ROLES)
def test_move_api(roles, answered, role):
    response = _check(
        roles,
        role,
        DISCUSS_API,
        lambda c: c.post(f"{URL}/{answered.pk}/actions/discuss", {}, content_type=JSON),
    )
    if response.status_code == 200:
        assert response.json()["stage"] == Stage.DISCUSSION


@pytest.mark.parametrize("role", ROLES)
def test_move_page(roles, answered, role):
    _check(
        roles,
        role,
        as_page(DISCUSS_API),
        lambda c: c.post(reverse("enquiries:move", args=[answered.pk]), {"action": "discuss"}),
    )


CREATE_API = writes(
    anonymous=(401, False),
    registered=(201, True),
    other_member=(201, True),
    owner_member=(422, False),
    owner_admin=(422, False),
    secretariat=(201, True),
)
BODY = {"target_kind": "demand", "purpose": "licence", "message": "想了解授权条件"}


@pytest.mark.parametrize("role", ROLES)
def test_create_api(roles, demand, role):
    response = _check(
        roles,
        role,
        CREATE_API,
        lambda c: c.post(URL, {**BODY, "target_id": demand.pk}, content_type=JSON),
    )
    if response.status_code == 422:
        assert response.json()["message"] == "不能向本机构发送咨询。"


CREATE_PAGE = writes(
    anonymous=(302, False),
    registered=(302, True),
    other_member=(302, True),
    owner_member=(400, False),
    owner_admin=(400, False),
    secretariat=(302, True),
)


@pytest.mark.parametrize("role", ROLES)
def test_create_page(roles, demand, role):
    url = reverse("enquiries:new", args=["demand", demand.pk])
    _check(
        roles, role, CREATE_PAGE, lambda c: c.post(url, {"purpose": "licence", "message": "你好"})
    )


# A dual-use achievement: outsiders (not members, experts or the secretariat) may not see it.
HIDDEN_API = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(201, True),
    owner_member=(422, False),
    owner_admin=(422, False),
    secretariat=(201, True),
)


@pytest.mark.parametrize("role", ROLES)
def test_dual_use_enquiry_api(roles, role):
    achievement = AchievementFactory(owner=roles.owner_org, dual_use=True, title="军民两用材料")
    response = _check(
        roles,
        role,
        HIDDEN_API,
        lambda c: c.post(
            URL,
            {**BODY, "target_kind": "achievement", "target_id": achievement.pk},
            content_type=JSON,
        ),
    )
    if response.status_code == 404:
        assert "军民两用" not in response.content.decode()


HIDDEN_FORM = reads(
    anonymous=302,
    registered=404,
    other_member=200,
    owner_member=200,
    owner_admin=200,
    secretariat=200,
)
HIDDEN_PAGE = writes(
    anonymous=(302, False),
    registered=(404, False),
    other_member=(302, True),
    owner_member=(400, False),
    owner_admin=(400, False),
    secretariat=(302, True),
)


@pytest.mark.parametrize("role", ROLES)
def test_dual_use_enquiry_page(roles, role):
    achievement = AchievementFactory(owner=roles.owner_org, dual_use=True, title="军民两用材料")
    url = reverse("enquiries:new", args=["achievement", achievement.pk])
    response = _check(roles, role, HIDDEN_FORM, lambda c: c.get(url))
    if response.status_code == 404:
        assert "军民两用" not in response.content.decode()
    response = _check(
        roles, role, HIDDEN_PAGE, lambda c: c.post(url, {"purpose": "licence", "message": "你好"})
    )
    if response.status_code == 404:
        assert "军民两用" not in response.content.decode()


def test_broker_sees_and_posts_outsider_does_not(roles, thread, broker):
    outsider = member_of(
        roles.other_org.__class__.objects.create(name="第三方", org_type="enterprise")
    )
    assert (
        client_for(broker.user).get(reverse("enquiries:detail", args=[thread.pk])).status_code
        == 404
    )
    services.enquiry_assign_broker(
        viewer=viewer_of(roles.owner_admin), pk=thread.pk, broker_id=broker.pk
    )
    assert (
        client_for(broker.user).get(reverse("enquiries:detail", args=[thread.pk])).status_code
        == 200
    )
    response = client_for(broker.user).post(
        f"{URL}/{thread.pk}/messages", {"body": "我来跟进"}, content_type=JSON
    )
    assert response.status_code == 201 and response.json()["side"] == "broker"
    for user in (outsider, UserFactory()):
        assert client_for(user).get(f"{URL}/{thread.pk}").status_code == 404
        before = enquiries_state()
        assert (
            client_for(user)
            .post(f"{URL}/{thread.pk}/actions/close", {}, content_type=JSON)
            .status_code
            == 404
        )
        assert (
            client_for(user)
            .post(f"{URL}/{thread.pk}/report", {"reason": "x"}, content_type=JSON)
            .status_code
            == 404
        )
        assert enquiries_state() == before
    # Sent on behalf of the organisation, the sender's colleagues see it (sender side); sent
    # as oneself, they do not.
    colleague = member_of(roles.other_org)
    assert client_for(colleague).get(f"{URL}/{thread.pk}").status_code == 404
    on_behalf = send(
        roles.other_member, "demand", thread.target_id, sender_organisation=roles.other_org.pk
    )
    assert client_for(colleague).get(f"{URL}/{on_behalf.pk}").json()["sides"] == ["sender"]
