"""Sending an enquiry and everything that refuses one, with nothing half-saved; contact details
only inside an accepted enquiry; attachments; block and report; the service-level job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jieli.core.history import history_for
from jieli.core.listing import ListingStatus, Visibility
from jieli.core.models import ChangeRecord
from jieli.demands.tests.factories import PublishedDemandFactory
from jieli.enquiries import selectors, services
from jieli.enquiries.models import (
    Enquiry,
    EnquiryAttachment,
    EnquiryMessage,
    EnquiryReport,
    SenderBlock,
    Stage,
)
from jieli.enquiries.tests.factories import send
from jieli.experts.tests.factories import ExpertFactory
from jieli.organisations.models import MembershipStatus
from jieli.organisations.tests.factories import (
    OrganisationFactory,
    UserFactory,
    member_of,
    viewer_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The messages below are matched in English (the pages' default is Chinese).
    with translation.override("en"):
        yield


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def state():
    return (
        sorted(Enquiry.objects.values_list("pk", "stage", "message")),
        EnquiryMessage.objects.count(),
        EnquiryAttachment.objects.count(),
        ChangeRecord.objects.count(),
    )


def test_send_records_owner_side_and_history(roles, demand):
    enquiry = send(roles.other_member, "demand", demand.pk, purpose="joint_development")
    assert enquiry.owner_organisation_id == roles.owner_org.pk
    assert enquiry.target_title == demand.title and enquiry.stage == Stage.NEW
    record = history_for(enquiry).get()
    assert record.action == "enquire" and record.changes["stage"] == [None, "new"]


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": ListingStatus.DRAFT},
        {"visibility": Visibility.PRIVATE},
        {"visibility": Visibility.MEMBERS},
        {"dual_use": True},
    ],
    ids=["draft", "private", "members-only", "dual-use"],
)
def test_hidden_achievement_is_404_for_a_non_member(roles, hidden):
    achievement = AchievementFactory(owner=roles.owner_org, **hidden)
    before = state()
    with pytest.raises(NotFound):
        send(roles.registered, "achievement", achievement.pk)
    assert state() == before


def test_dual_use_visible_to_members_may_be_enquired(roles):
    achievement = AchievementFactory(owner=roles.owner_org, dual_use=True)
    assert send(roles.other_member, "achievement", achievement.pk).pk


def test_missing_record_and_unknown_kind_are_404(roles):
    with pytest.raises(NotFound):
        send(roles.other_member, "demand", 999999)
    with pytest.raises(NotFound):
        send(roles.other_member, "organisation", roles.owner_org.pk)


def test_own_organisation_refused(roles, demand):
    before = state()
    with pytest.raises(InvalidInput) as exc:
        send(roles.owner_member, "demand", demand.pk)
    assert "own organisation" in exc.value.message
    assert state() == before


def test_expert_enquiry_goes_to_the_expert_and_not_to_oneself(roles):
    user = UserFactory(username="expert_person")
    expert = ExpertFactory(user=user, name="李专家", email="li@example.com")
    enquiry = send(roles.other_member, "expert", expert.pk, purpose="consultation")
    assert enquiry.owner_user_id == user.pk and enquiry.owner_organisation_id is None
    with pytest.raises(InvalidInput):
        send(user, "expert", expert.pk)
    no_account = ExpertFactory(user=None, name="无账号专家")
    with pytest.raises(InvalidInput):
        send(roles.other_member, "expert", no_account.pk)


@pytest.mark.parametrize("message", ["", "   \n ", "字" * 5001])
def test_empty_or_oversized_message_refused(roles, demand, message):
    before = state()
    with pytest.raises(InvalidInput) as exc:
        send(roles.other_member, "demand", demand.pk, message=message)
    assert "message" in exc.value.fields
    assert state() == before


def test_unknown_purpose_refused(roles, demand):
    with pytest.raises(InvalidInput) as exc:
        send(roles.other_member, "demand", demand.pk, purpose="marriage")
    assert "purpose" in exc.value.fields


def test_link_must_be_ones_own(roles, demand):
    mine = PublishedDemandFactory(owner=roles.other_org)
    theirs = PublishedDemandFactory(owner=OrganisationFactory())
    enquiry = send(roles.other_member, "demand", demand.pk, link_kind="demand", link_id=mine.pk)
    assert (enquiry.link_kind, enquiry.link_id) == ("demand", mine.pk)
    assert enquiry.sender_organisation_id == roles.other_org.pk
    with pytest.raises(InvalidInput) as exc:
        send(roles.other_member, "demand", demand.pk, link_kind="demand", link_id=theirs.pk)
    assert "link_id" in exc.value.fields
    with pytest.raises(InvalidInput):
        send(roles.other_member, "demand", demand.pk, sender_organisation=roles.owner_org.pk)


def test_rate_limit(roles, settings):
    settings.JIELI_ENQUIRIES_PER_DAY = 3
    demands = [PublishedDemandFactory(owner=roles.owner_org) for _ in range(5)]
    for d in demands[:3]:
        send(roles.other_member, "demand", d.pk)
    before = state()
    with pytest.raises(InvalidInput) as exc:
        send(roles.other_member, "demand", demands[3].pk)
    assert "24" in exc.value.message
    assert state() == before
    # Another user is not affected; a day later the sender may send again.
    assert send(roles.registered, "demand", demands[3].pk).pk
    Enquiry.objects.filter(sender=roles.other_member).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    assert send(roles.other_member, "demand", demands[4].pk).pk


def test_blocked_sender_refused(roles, demand):
    first = send(roles.other_member, "demand", demand.pk)
    with pytest.raises(PermissionDenied):
        services.enquiry_block_sender(viewer=viewer_of(roles.other_member), pk=first.pk)
    services.enquiry_block_sender(viewer=viewer_of(roles.owner_admin), pk=first.pk)
    assert SenderBlock.objects.filter(sender=roles.other_member).count() == 1
    assert history_for(first).first().action == "block_sender"
    with pytest.raises(Conflict):
        services.enquiry_block_sender(viewer=viewer_of(roles.owner_member), pk=first.pk)
    other_demand = PublishedDemandFactory(owner=roles.owner_org)
    before = state()
    with pytest.raises(InvalidInput) as exc:
        send(roles.other_member, "demand", other_demand.pk)
    assert "does not accept" in exc.value.message
    assert state() == before
    # Other senders, and the blocked sender towards other owners, are unaffected.
    assert send(roles.registered, "demand", other_demand.pk).pk
    assert send(roles.other_member, "demand", PublishedDemandFactory().pk).pk


def test_report_by_anyone_in_the_thread_seen_by_secretariat(roles, demand):
    enquiry = send(roles.other_member, "demand", demand.pk)
    with pytest.raises(NotFound):
        services.enquiry_report(viewer=viewer_of(roles.registered), pk=enquiry.pk, reason="x")
    with pytest.raises(InvalidInput):
        services.enquiry_report(viewer=viewer_of(roles.owner_member), pk=enquiry.pk, reason=" ")
    services.enquiry_report(viewer=viewer_of(roles.owner_member), pk=enquiry.pk, reason="骚扰")
    assert [r.reason for r in selectors.enquiry_reports(viewer_of(roles.secretariat))] == ["骚扰"]
    with pytest.raises(NotFound):
        selectors.enquiry_reports(viewer_of(roles.owner_admin))
    assert EnquiryReport.objects.count() == 1


# --- contact details --------------------------------------------------------------------------


def test_contact_details_only_after_acceptance(roles, demand):
    sender = UserFactory(username="engineer", email="engineer@example.com")
    enquiry = send(sender, "demand", demand.pk)

    def as_sender():
        return selectors.enquiry_detail_for(viewer_of(sender), Enquiry.objects.get(pk=enquiry.pk))

    def as_owner():
        owner = viewer_of(roles.owner_member)
        return selectors.enquiry_detail_for(owner, Enquiry.objects.get(pk=enquiry.pk))

    assert as_sender().contact is None and as_owner().contact is None
    services.enquiry_reply(viewer=viewer_of(roles.owner_member), pk=enquiry.pk, body="您好")
    contact = as_sender().contact
    assert contact is not None
    assert contact.phone == demand.contact_phone and contact.emails == [demand.contact_email]
    assert as_owner().contact.emails == ["engineer@example.com"]
    services.enquiry_move(
        viewer=viewer_of(roles.owner_member), pk=enquiry.pk, action="decline", reason="不合适"
    )
    assert as_sender().contact is None and as_owner().contact is None
    # The secretariat moderates; it is not a party and gets no contact card.
    assert selectors.enquiry_detail_for(viewer_of(roles.secretariat), enquiry).contact is None


# --- attachments ------------------------------------------------------------------------------


def _reply(roles, enquiry, *files):
    return services.enquiry_reply(
        viewer=viewer_of(roles.owner_member), pk=enquiry.pk, body="见附件", files=list(files)
    )


def test_attachment_stored(roles, demand):
    enquiry = send(roles.other_member, "demand", demand.pk)
    message = _reply(
        roles,
        enquiry,
        SimpleUploadedFile("报价.pdf", PDF),
        SimpleUploadedFile("a.txt", "说明".encode()),
    )
    names = [a.name for a in message.attachments.all()]
    assert names == ["报价.pdf", "a.txt"]
    assert message.attachments.first().file.read() == PDF


@pytest.mark.parametrize(
    "upload, words",
    [
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00"), "not accepted"),
        (SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf"), "not a valid PDF"),
        (SimpleUploadedFile("binary.txt", b"\x00\x01\x02"), "not a valid TXT"),
        (SimpleUploadedFile("empty.pdf", b""), "is empty"),
        (SimpleUploadedFile("noext", b"hello"), "not accepted"),
    ],
)
def test_attachment_refused_nothing_saved(roles, demand, upload, words):
    enquiry = send(roles.other_member, "demand", demand.pk)
    before = state()
    with pytest.raises(InvalidInput) as exc:
        _reply(roles, enquiry, SimpleUploadedFile("ok.pdf", PDF), upload)
    assert words in exc.value.message and "files" in exc.value.fields
    assert state() == before
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.NEW


def test_attachment_too_large_or_too_many(roles, demand, settings):
    settings.JIELI_DOCUMENT_MAX_BYTES = 100
    enquiry = send(roles.other_member, "demand", demand.pk)
    before = state()
    with pytest.raises(InvalidInput) as exc:
        _reply(roles, enquiry, SimpleUploadedFile("big.pdf", PDF + b"0" * 100))
    assert "too large" in exc.value.message
    with pytest.raises(InvalidInput) as exc:
        _reply(roles, enquiry, *[SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(6)])
    assert "At most 5" in exc.value.message
    assert state() == before


# --- service level ----------------------------------------------------------------------------


def test_service_level_reminds_once_then_escalates_once(roles, demand, settings):
    settings.JIELI_ENQUIRY_ANSWER_HOURS = 10
    now = timezone.now()
    late = send(roles.other_member, "demand", demand.pk)
    answered = send(roles.registered, "demand", demand.pk)
    fresh = send(UserFactory(), "demand", demand.pk)
    Enquiry.objects.filter(pk__in=[late.pk, answered.pk]).update(
        created_at=now - timedelta(hours=11)
    )
    services.enquiry_reply(viewer=viewer_of(roles.owner_member), pk=answered.pk, body="好")
    assert services.enquiries_check_service_level(now=now) == (1, 0)
    assert services.enquiries_check_service_level(now=now) == (0, 0)
    assert not selectors.dropped_batons(viewer_of(roles.secretariat)).exists()
    later = now + timedelta(hours=10)
    assert services.enquiries_check_service_level(now=later) == (0, 1)
    assert services.enquiries_check_service_level(now=later) == (0, 0)
    assert services.enquiries_check_service_level(now=later + timedelta(days=9)) == (1, 0)  # fresh
    dropped = list(selectors.dropped_batons(viewer_of(roles.secretariat)))
    assert dropped == [late]
    assert [r.action for r in history_for(late)] == ["dropped_baton", "remind_answer", "enquire"]
    assert not history_for(fresh).filter(action="dropped_baton").exists()
    with pytest.raises(NotFound):
        selectors.dropped_batons(viewer_of(roles.owner_admin))
    # Answered at last: it leaves the list.
    services.enquiry_reply(viewer=viewer_of(roles.owner_member), pk=late.pk, body="抱歉")
    assert not selectors.dropped_batons(viewer_of(roles.secretariat)).filter(pk=late.pk).exists()


def test_suspended_member_of_owner_is_still_owner_side(roles, demand):
    roles.owner_org.membership_status = MembershipStatus.SUSPENDED
    roles.owner_org.save()
    enquiry = send(roles.other_member, "demand", demand.pk)
    colleague = member_of(roles.owner_org)
    assert "owner" in selectors.sides_of(viewer_of(colleague), enquiry)
