"""Pages and API beyond the role matrices: the Enquire button, the daily limit as a form error
and as a 422, schema errors as 400, attachments by the page, brokers and introductions from
proposal to an enquiry, the secretariat's pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jieli.core.tests.matrix import client_for
from jieli.demands.tests.factories import PublishedDemandFactory
from jieli.enquiries import broker_services, services
from jieli.enquiries.models import Enquiry, EnquiryAttachment, Introduction, Stage
from jieli.enquiries.tests.factories import send
from jieli.organisations.models import OrganisationType
from jieli.organisations.tests.factories import (
    OrganisationFactory,
    UserFactory,
    member_of,
    viewer_of,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/enquiries"
JSON = "application/json"


def test_enquire_button_only_for_who_may_enquire(roles, demand, achievement):
    for kind, record, page in (
        ("demand", demand, reverse("demands:detail", args=[demand.pk])),
        ("achievement", achievement, reverse("achievements:detail", args=[achievement.pk])),
    ):
        new = reverse("enquiries:new", args=[kind, record.pk])
        assert new in client_for(roles.other_member).get(page).content.decode()
        assert new not in client_for(roles.owner_member).get(page).content.decode()
        assert new not in client_for(None).get(page).content.decode()


def test_rate_limit_is_a_form_error_and_a_422(roles, settings):
    settings.JIELI_ENQUIRIES_PER_DAY = 1
    first, second = (
        PublishedDemandFactory(owner=roles.owner_org),
        PublishedDemandFactory(owner=roles.owner_org),
    )
    client = client_for(roles.other_member)
    url = reverse("enquiries:new", args=["demand", first.pk])
    assert client.post(url, {"purpose": "licence", "message": "一"}).status_code == 302
    response = client.post(
        reverse("enquiries:new", args=["demand", second.pk]),
        {"purpose": "licence", "message": "二"},
    )
    assert response.status_code == 400
    assert "已达每日咨询上限" in response.content.decode()
    response = client.post(
        URL,
        {"target_kind": "demand", "target_id": second.pk, "purpose": "visit", "message": "三"},
        content_type=JSON,
    )
    assert response.status_code == 422 and "24" in response.json()["message"]
    assert Enquiry.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"target_kind": "demand", "purpose": "licence", "message": ""},
        {"target_kind": "demand", "purpose": "licence", "message": "字" * 5001},
        {"target_kind": "demand", "purpose": "bribe", "message": "x"},
        {"target_kind": "organisation", "purpose": "licence", "message": "x"},
        {"target_kind": "demand", "purpose": "licence", "message": "x", "extra": 1},
        {"target_kind": "demand", "purpose": "licence", "message": "x", "sender_organisation": "1"},
    ],
)
def test_api_outside_schema_is_400(roles, demand, body):
    response = client_for(roles.other_member).post(
        URL, {"target_id": demand.pk, **body}, content_type=JSON
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert Enquiry.objects.count() == 0


def test_whitespace_message_is_422(roles, demand):
    response = client_for(roles.other_member).post(
        URL,
        {"target_kind": "demand", "target_id": demand.pk, "purpose": "licence", "message": "  "},
        content_type=JSON,
    )
    assert response.status_code == 422 and "message" in response.json()["fields"]


def test_reply_page_with_attachment_and_refusal(roles, demand):
    enquiry = send(roles.other_member, "demand", demand.pk)
    client = client_for(roles.owner_member)
    url = reverse("enquiries:reply", args=[enquiry.pk])
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90")
    response = client.post(url, {"body": "见附件", "files": [bad]})
    assert response.status_code == 400 and "virus.exe" in response.content.decode()
    assert not enquiry.messages.exists()
    good = SimpleUploadedFile("方案.pdf", b"%PDF-1.7\n...")
    assert client.post(url, {"body": "见附件", "files": [good]}).status_code == 302
    attachment = EnquiryAttachment.objects.get()
    download = reverse("enquiries:file", args=[enquiry.pk, attachment.pk])
    response = client_for(roles.other_member).get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(roles.registered).get(download).status_code == 404
    # The API's multipart reply refuses the same way (422) and accepts the same.
    api = client_for(roles.other_member)
    response = api.post(
        f"{URL}/{enquiry.pk}/messages/upload",
        {"body": "x", "files": [SimpleUploadedFile("a.exe", b"MZ")]},
    )
    assert response.status_code == 422 and "files" in response.json()["fields"]
    response = api.post(
        f"{URL}/{enquiry.pk}/messages/upload",
        {"body": "x", "files": [SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n....")]},
    )
    assert response.status_code == 201 and response.json()["attachments"][0]["name"] == "b.png"


def test_contact_in_api_only_after_answer(roles, demand):
    enquiry = send(roles.other_member, "demand", demand.pk)
    client = client_for(roles.other_member)
    assert client.get(f"{URL}/{enquiry.pk}").json()["contact"] is None
    page = client.get(reverse("enquiries:detail", args=[enquiry.pk])).content.decode()
    assert demand.contact_phone not in page
    services.enquiry_reply(viewer=viewer_of(roles.owner_member), pk=enquiry.pk, body="您好")
    assert client.get(f"{URL}/{enquiry.pk}").json()["contact"]["phone"] == demand.contact_phone
    assert (
        demand.contact_phone
        in client.get(reverse("enquiries:detail", args=[enquiry.pk])).content.decode()
    )


def test_broker_register_rules(roles):
    agency = OrganisationFactory(org_type=OrganisationType.SERVICE_AGENCY)
    applying = OrganisationFactory(
        org_type=OrganisationType.SERVICE_AGENCY, membership_status="applying"
    )
    enterprise_person = member_of(OrganisationFactory())
    with pytest.raises(broker_services.NotFound):
        broker_services.broker_register(
            viewer=viewer_of(roles.owner_admin), user_id=member_of(agency).pk
        )
    sec = viewer_of(roles.secretariat)
    for user in (enterprise_person, member_of(applying)):
        with pytest.raises(broker_services.InvalidInput):
            broker_services.broker_register(viewer=sec, user_id=user.pk)
    assert (
        broker_services.broker_register(viewer=sec, user_id=member_of(agency).pk).organisation_id
        == agency.pk
    )
    assert (
        broker_services.broker_register(viewer=sec, user_id=roles.secretariat.pk).organisation_id
        is None
    )
    # The page: the secretariat registers, others get 404.
    person = member_of(agency, username="agency_person")
    assert client_for(roles.owner_admin).get(reverse("enquiries:brokers")).status_code == 404
    response = client_for(roles.secretariat).post(reverse("enquiries:brokers"), {"user": person.pk})
    assert response.status_code == 302 and person.broker_profile.is_active


def test_introduction_to_enquiry(roles, demand, broker):
    party_a = roles.other_org
    mine = PublishedDemandFactory(owner=party_a)
    client = client_for(broker.user)
    # Outsiders cannot introduce; the broker proposes from the page.
    assert (
        client_for(roles.registered)
        .get(reverse("enquiries:introduce", args=["demand", demand.pk]))
        .status_code
        == 404
    )
    response = client.post(
        reverse("enquiries:introduce", args=["demand", demand.pk]),
        {
            "party_a": party_a.pk,
            "purpose": "joint_development",
            "note": "方向一致",
            "link": f"demand:{mine.pk}",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    intro = Introduction.objects.get()
    assert intro.party_b_id == roles.owner_org.pk and intro.link_id == mine.pk
    assert (
        client_for(roles.registered)
        .get(reverse("enquiries:introduction", args=[intro.pk]))
        .status_code
        == 404
    )
    respond = reverse("enquiries:respond", args=[intro.pk])
    assert client_for(roles.registered).post(respond, {"consent": "yes"}).status_code == 404
    assert client_for(roles.other_member).post(respond, {"consent": "yes"}).status_code == 302
    assert not Enquiry.objects.exists()
    # Consenting twice for the same side changes nothing.
    client_for(roles.other_member).post(respond, {"consent": "yes"})
    response = client_for(roles.owner_admin).post(respond, {"consent": "yes"})
    enquiry = Enquiry.objects.get()
    assert response["Location"] == reverse("enquiries:detail", args=[enquiry.pk])
    assert (enquiry.introduction_id, enquiry.broker_id, enquiry.stage) == (
        intro.pk,
        broker.pk,
        Stage.NEW,
    )
    assert (
        enquiry.sender_id == roles.other_member.pk and enquiry.sender_organisation_id == party_a.pk
    )
    assert (enquiry.link_kind, enquiry.link_id) == ("demand", mine.pk)
    # The broker's workspace lists it; the API too.
    assert enquiry.target_title in client.get(reverse("enquiries:workspace")).content.decode()
    assert client.get(f"{URL}/workspace").json()["results"][0]["id"] == enquiry.pk
    assert client_for(roles.other_member).get(reverse("enquiries:workspace")).status_code == 404


def test_introduction_declined_creates_nothing(roles, demand, broker):
    intro = broker_services.introduction_propose(
        viewer=viewer_of(broker.user),
        party_a=roles.other_org.pk,
        target_kind="demand",
        target_id=demand.pk,
        purpose="licence",
        note="试试",
    )
    broker_services.introduction_respond(
        viewer=viewer_of(roles.owner_admin), pk=intro.pk, consent=False
    )
    with pytest.raises(broker_services.Conflict):
        broker_services.introduction_respond(
            viewer=viewer_of(roles.other_member), pk=intro.pk, consent=True
        )
    assert not Enquiry.objects.exists()
    with pytest.raises(broker_services.PermissionDenied):
        broker_services.introduction_propose(
            viewer=viewer_of(UserFactory()),
            party_a=roles.other_org.pk,
            target_kind="demand",
            target_id=demand.pk,
            purpose="licence",
            note="x",
        )


def test_listing_broker_follows_new_enquiries(roles, demand, broker):
    url = reverse("enquiries:listing_broker", args=["demand", demand.pk])
    assert client_for(roles.other_member).post(url, {"broker": broker.pk}).status_code == 403
    assert client_for(roles.owner_admin).post(url, {"broker": broker.pk}).status_code == 302
    enquiry = send(roles.registered, "demand", demand.pk)
    assert enquiry.broker_id == broker.pk
    assert "broker" in client_for(broker.user).get(f"{URL}/{enquiry.pk}").json()["sides"]


def test_secretariat_pages(roles, demand):
    enquiry = send(roles.other_member, "demand", demand.pk)
    services.enquiry_report(viewer=viewer_of(roles.owner_member), pk=enquiry.pk, reason="垃圾信息")
    sec = client_for(roles.secretariat)
    assert "垃圾信息" in sec.get(reverse("enquiries:reports")).content.decode()
    assert sec.get(reverse("enquiries:dropped")).status_code == 200
    for name in ("enquiries:reports", "enquiries:dropped"):
        assert client_for(roles.owner_admin).get(reverse(name)).status_code == 404


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_thread_page_in_both_languages(roles, demand, language):
    enquiry = send(roles.other_member, "demand", demand.pk)
    client = client_for(roles.owner_admin)
    client.cookies["django_language"] = language
    page = client.get(reverse("enquiries:detail", args=[enquiry.pk])).content.decode()
    words = ["新咨询", "回复", "谢绝"] if language == "zh-hans" else ["New", "Reply", "Decline"]
    assert all(w in page for w in words)
    assert "<script>" not in page and " style=" not in page


def test_thread_page_queries_do_not_grow_with_messages(roles, demand):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    enquiry = send(roles.other_member, "demand", demand.pk)
    client = client_for(roles.owner_member)
    url = reverse("enquiries:detail", args=[enquiry.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    services.enquiry_reply(viewer=viewer_of(roles.owner_member), pk=enquiry.pk, body="一")
    few = count()
    for n in range(20):
        services.enquiry_reply(viewer=viewer_of(roles.other_member), pk=enquiry.pk, body=f"{n}")
    assert count() == few, few
    print(f"thread page: {few} queries with 1 or 21 messages")


def test_fixed_paths_are_not_taken_for_an_enquiry_id(db):
    """/introductions, /brokers, /dropped and /workspace sit beside /{enquiry_id}: the id route
    only takes digits (fuzzing found GET /introductions answered 400 and POST /brokers 405)."""
    from django.test import Client

    from jieli.organisations.tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="fuzz_paths"))
    assert client.get("/api/v1/enquiries/introductions").status_code == 200
    assert client.post(
        "/api/v1/enquiries/brokers", {"user": 1}, content_type="application/json"
    ).status_code not in (400, 405)
    assert client.get("/api/v1/enquiries/workspace").status_code in (200, 404)
    assert client.get("/api/v1/enquiries/123456789").status_code == 404


def test_a_text_field_where_files_belong_is_a_400_not_a_plain_reply(db):
    from django.test import Client

    from jieli.organisations.tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="fuzz_files"))
    answer = client.post("/api/v1/enquiries/1/messages/upload", {"body": "你好", "files": "{}"})
    assert answer.status_code == 400
    assert "files" in answer.json()["fields"]
