import pytest
from django.core import mail

from jieli.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jieli.core.history import history_for
from jieli.organisations import services
from jieli.organisations.models import MemberRole, Membership, MembershipStatus, Organisation
from jieli.organisations.tests.factories import (
    OrganisationFactory,
    UserFactory,
    member_of,
    secretariat_user,
    viewer_of,
)

pytestmark = pytest.mark.django_db

VALID = {
    "name": "海岱新材料有限公司",
    "org_type": "enterprise",
    "credit_code": "91370000163044841F",
    "region": "371002",
}


def test_applying_makes_the_applicant_administrator_and_records_history():
    user = UserFactory()
    org = services.organisation_apply(viewer=viewer_of(user), data=VALID)
    assert org.membership_status == MembershipStatus.APPLYING
    assert Membership.objects.get(user=user, organisation=org).role == MemberRole.ADMIN
    assert [r.action for r in history_for(org)] == ["apply"]


def test_invalid_credit_code_is_rejected_and_nothing_written():
    user = UserFactory()
    with pytest.raises(InvalidInput) as exc:
        services.organisation_apply(
            viewer=viewer_of(user), data={**VALID, "credit_code": "91370000163044841G"}
        )
    assert "credit_code" in exc.value.fields
    assert not Organisation.objects.exists() and not Membership.objects.exists()


def test_unknown_region_is_rejected():
    with pytest.raises(InvalidInput) as exc:
        services.organisation_apply(
            viewer=viewer_of(UserFactory()), data={**VALID, "region": "999999"}
        )
    assert "region" in exc.value.fields


def test_duplicate_credit_code_is_a_conflict():
    OrganisationFactory(credit_code=VALID["credit_code"])
    with pytest.raises(Conflict):
        services.organisation_apply(viewer=viewer_of(UserFactory()), data=VALID)


def test_anonymous_cannot_apply():
    from jieli.core.viewer import ANONYMOUS

    with pytest.raises(PermissionDenied):
        services.organisation_apply(viewer=ANONYMOUS, data=VALID)


def test_secretariat_admits_with_reason_and_admins_are_told(django_capture_on_commit_callbacks):
    applicant = UserFactory()
    org = services.organisation_apply(viewer=viewer_of(applicant), data=VALID)
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_decide(
            viewer=viewer_of(secretariat_user()),
            organisation_id=org.pk,
            action="admit",
            reason="材料齐全",
            tier="director",
        )
    org.refresh_from_db()
    assert org.membership_status == MembershipStatus.MEMBER
    assert org.tier == "director" and org.member_since is not None
    record = history_for(org).first()
    assert record.action == "admit" and record.reason == "材料齐全"
    assert len(mail.outbox) == 1 and applicant.email in mail.outbox[0].to


def test_decision_without_reason_is_invalid():
    org = OrganisationFactory(membership_status=MembershipStatus.APPLYING)
    with pytest.raises(InvalidInput):
        services.organisation_decide(
            viewer=viewer_of(secretariat_user()), organisation_id=org.pk, action="admit", reason=" "
        )


def test_members_cannot_admit_themselves():
    org = OrganisationFactory(membership_status=MembershipStatus.APPLYING)
    admin = member_of(org, role=MemberRole.ADMIN)
    with pytest.raises(PermissionDenied):
        services.organisation_decide(
            viewer=viewer_of(admin), organisation_id=org.pk, action="admit", reason="please"
        )


def test_suspending_an_applicant_is_a_conflict():
    org = OrganisationFactory(membership_status=MembershipStatus.APPLYING)
    with pytest.raises(Conflict):
        services.organisation_decide(
            viewer=viewer_of(secretariat_user()),
            organisation_id=org.pk,
            action="suspend",
            reason="x",
        )


def test_suspended_member_loses_member_content_but_keeps_its_own():
    org = OrganisationFactory()
    user = member_of(org)
    assert viewer_of(user).is_alliance_member
    services.organisation_decide(
        viewer=viewer_of(secretariat_user()),
        organisation_id=org.pk,
        action="suspend",
        reason="未缴会费",
    )
    viewer = viewer_of(user)
    assert not viewer.is_alliance_member and viewer.belongs_to(org.pk)


def test_update_by_an_outsider_is_not_found_and_by_member_forbidden():
    org = OrganisationFactory()
    outsider = UserFactory()
    # An applicant is hidden from outsiders: 404. A public member organisation: 403.
    applicant = OrganisationFactory(membership_status="applying")
    with pytest.raises(NotFound):
        services.organisation_update(
            viewer=viewer_of(outsider), organisation_id=applicant.pk, data={"name": "x"}
        )
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            viewer=viewer_of(outsider), organisation_id=org.pk, data={"name": "x"}
        )
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            viewer=viewer_of(member_of(org)), organisation_id=org.pk, data={"name": "x"}
        )


def test_update_records_the_changed_fields():
    org = OrganisationFactory(name="旧名")
    admin = member_of(org, role=MemberRole.ADMIN)
    services.organisation_update(
        viewer=viewer_of(admin), organisation_id=org.pk, data={"name": "新名"}
    )
    assert history_for(org).first().changes == {"name": ["旧名", "新名"]}


def test_last_administrator_cannot_be_removed():
    org = OrganisationFactory()
    admin = member_of(org, role=MemberRole.ADMIN)
    membership = Membership.objects.get(user=admin)
    with pytest.raises(Conflict):
        services.membership_remove(viewer=viewer_of(admin), membership_id=membership.pk)


def test_admin_adds_a_person_once():
    org = OrganisationFactory()
    admin = member_of(org, role=MemberRole.ADMIN)
    newcomer = UserFactory(username="newcomer")
    services.membership_add(
        viewer=viewer_of(admin), organisation_id=org.pk, username_or_email="newcomer", role="member"
    )
    assert viewer_of(newcomer).belongs_to(org.pk)
    with pytest.raises(Conflict):
        services.membership_add(
            viewer=viewer_of(admin),
            organisation_id=org.pk,
            username_or_email="newcomer@example.com",
            role="member",
        )


def test_register_rejects_weak_password_and_taken_name():
    UserFactory(username="taken")
    with pytest.raises(InvalidInput) as exc:
        services.user_register(username="taken", email="a@example.com", password="123")
    assert set(exc.value.fields) >= {"username", "password"}
