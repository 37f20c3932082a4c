"""Who is notified of what (through the notifications app), exactly once, rendered in the
recipient's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from jieli.enquiries import broker_services, notify, services
from jieli.enquiries.models import Enquiry
from jieli.enquiries.tests.factories import send
from jieli.notifications.models import Notification
from jieli.notifications.selectors import render
from jieli.organisations.tests.factories import member_of, secretariat_user, viewer_of

pytestmark = pytest.mark.django_db


def got(kind: str) -> list[str]:
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def test_new_enquiry_notifies_the_owner_side_only(roles, demand):
    send(roles.other_member, "demand", demand.pk)
    assert got(notify.RECEIVED) == ["owner_admin", "owner_member"]


def test_reply_notifies_the_other_side_and_moves_notify_all_but_the_mover(roles, demand, broker):
    colleague = member_of(roles.other_org, username="sender_colleague")
    enquiry = send(roles.other_member, "demand", demand.pk, sender_organisation=roles.other_org.pk)
    services.enquiry_assign_broker(
        viewer=viewer_of(roles.owner_admin), pk=enquiry.pk, broker_id=broker.pk
    )
    services.enquiry_reply(viewer=viewer_of(roles.owner_member), pk=enquiry.pk, body="您好")
    assert got(notify.MESSAGE) == ["broker", "other_member", "sender_colleague"]
    Notification.objects.all().delete()
    services.enquiry_reply(viewer=viewer_of(roles.other_member), pk=enquiry.pk, body="谢谢")
    assert got(notify.MESSAGE) == ["broker", "owner_admin", "owner_member"]
    services.enquiry_move(viewer=viewer_of(colleague), pk=enquiry.pk, action="discuss")
    assert got(notify.STAGE) == ["broker", "other_member", "owner_admin", "owner_member"]
    assert colleague.username not in got(notify.STAGE)


def test_service_level_notifies_once_across_runs(roles, demand, settings):
    settings.JIELI_ENQUIRY_ANSWER_HOURS = 1
    secretariat_user("secretariat2")
    enquiry = send(roles.other_member, "demand", demand.pk)
    Enquiry.objects.filter(pk=enquiry.pk).update(created_at=timezone.now() - timedelta(hours=2))
    now = timezone.now()
    for _ in range(3):
        services.enquiries_check_service_level(now=now)
    assert got(notify.REMINDER) == ["owner_admin", "owner_member"]
    assert got(notify.DROPPED) == []
    for _ in range(3):
        services.enquiries_check_service_level(now=now + timedelta(hours=1))
    assert got(notify.DROPPED) == ["secretariat", "secretariat2"]
    assert got(notify.REMINDER) == ["owner_admin", "owner_member"]


def test_report_and_introduction_notices(roles, demand, broker):
    enquiry = send(roles.other_member, "demand", demand.pk)
    services.enquiry_report(viewer=viewer_of(roles.owner_admin), pk=enquiry.pk, reason="广告")
    assert got(notify.REPORTED) == ["secretariat"]
    broker_services.introduction_propose(
        viewer=viewer_of(broker.user),
        party_a=roles.other_org.pk,
        target_kind="demand",
        target_id=demand.pk,
        purpose="joint_development",
        note="双方方向一致",
    )
    assert got(notify.INTRODUCED) == ["other_member", "owner_admin", "owner_member"]


@pytest.mark.parametrize(
    "language, words",
    [("zh-hans", ["新的咨询", "许可"]), ("en", ["New enquiry about", "Licence"])],
)
def test_rendered_in_the_recipients_language(roles, demand, language, words):
    enquiry = send(roles.other_member, "demand", demand.pk)
    notification = Notification.objects.get(kind=notify.RECEIVED, recipient=roles.owner_admin)
    with translation.override(language):
        shown = render(notification)
    assert all(w in shown.title + shown.body for w in words), shown
    assert shown.url == f"/enquiries/{enquiry.pk}/"
