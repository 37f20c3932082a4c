"""The evaluation flow through the services: request, consent, panel, scores, valuation,
issue; every refusal leaves nothing half-saved."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from jieli.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jieli.core.models import ChangeRecord
from jieli.evaluations import indexes, panel_services, report, services, valuation_services
from jieli.evaluations.models import (
    Evaluation,
    EvaluationReport,
    IndexSystem,
    PanelSeat,
    Score,
    SeatStatus,
    Stage,
)
from jieli.evaluations.tests.factories import SURVEY, build, experts, scores_for
from jieli.experts.tests.factories import ExpertFactory, expert_user
from jieli.organisations.tests.factories import OrganisationFactory, member_of, viewer_of

pytestmark = pytest.mark.django_db
FUTURE = timezone.localdate() + timedelta(days=20)


def request(viewer, achievement, **over):
    data = {"purpose": "licensing", "deadline": FUTURE, "confidentiality": "owner"}
    data.update(over)
    return services.evaluation_request(viewer=viewer, achievement_id=achievement.pk, **data)


def test_default_index_systems_are_installed():
    assert set(IndexSystem.objects.values_list("key", flat=True)) >= {"technology", "patent"}


def test_owner_request_goes_to_staffing_and_member_request_awaits_consent(roles, achievement):
    own = request(viewer_of(roles.owner_admin), achievement)
    assert (own.route, own.stage) == ("owner", Stage.STAFFING)
    theirs = request(viewer_of(roles.other_member), achievement)
    assert (theirs.route, theirs.stage) == ("member", Stage.AWAITING_CONSENT)
    with pytest.raises(PermissionDenied):  # the requester cannot consent for the owner
        services.evaluation_move(
            viewer=viewer_of(roles.other_member), evaluation_id=theirs.pk, action="consent"
        )
    with pytest.raises(InvalidInput):  # declining needs a reason
        services.evaluation_move(
            viewer=viewer_of(roles.owner_admin), evaluation_id=theirs.pk, action="decline"
        )
    services.evaluation_move(
        viewer=viewer_of(roles.owner_admin),
        evaluation_id=theirs.pk,
        action="decline",
        reason="暂不评估",
    )
    theirs.refresh_from_db()
    assert (theirs.stage, theirs.decline_reason) == (Stage.DECLINED, "暂不评估")


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"deadline": timezone.localdate()}, "deadline"),
        ({"purpose": "fun"}, "purpose"),
        ({"confidentiality": "world"}, "confidentiality"),
        ({"fee_wan": "-5"}, "fee_wan"),
        ({"index_key": "nope"}, "index_system"),
    ],
)
def test_bad_requests_are_refused_and_nothing_saved(roles, achievement, over, field):
    with pytest.raises(InvalidInput) as caught:
        request(viewer_of(roles.owner_admin), achievement, **over)
    assert field in caught.value.fields
    assert not Evaluation.objects.exists()


def test_registered_user_cannot_request(roles, achievement):
    with pytest.raises(PermissionDenied):
        request(viewer_of(roles.registered), achievement)


def test_conflicted_expert_needs_a_written_override_that_is_kept(roles, achievement):
    evaluation = request(viewer_of(roles.owner_admin), achievement)
    insider = ExpertFactory(
        user=member_of(roles.owner_org), organisation=roles.owner_org, willing_to_evaluate=True
    )
    sec = viewer_of(roles.secretariat)
    with pytest.raises(InvalidInput) as caught:
        panel_services.seat_invite(viewer=sec, evaluation_id=evaluation.pk, expert_id=insider.pk)
    assert "所有者机构" in caught.value.fields["override_reason"][0]
    assert not PanelSeat.objects.exists()
    seat = panel_services.seat_invite(
        viewer=sec,
        evaluation_id=evaluation.pk,
        expert_id=insider.pk,
        override_reason="唯一的领域专家",
    )
    assert seat.conflict_override == "唯一的领域专家"
    entry = ChangeRecord.objects.filter(action="seat_invite").get()
    assert entry.reason == "唯一的领域专家" and "conflict" in entry.changes


def test_conflicts_and_suggestions_leave_out_the_owners_people(roles, achievement):
    from jieli.evaluations.conflicts import conflicts_for

    evaluation = request(viewer_of(roles.owner_admin), achievement)
    insider = ExpertFactory(organisation=roles.owner_org)
    outsider = ExpertFactory()
    conflicts = conflicts_for(evaluation)
    assert insider.pk in conflicts and outsider.pk not in conflicts


def test_declined_seat_is_reoffered(roles, achievement):
    evaluation = request(viewer_of(roles.owner_admin), achievement)
    a, b = experts(2)
    sec = viewer_of(roles.secretariat)
    seat = panel_services.seat_invite(
        viewer=sec, evaluation_id=evaluation.pk, expert_id=a.expert_profile.pk, is_chair=True
    )
    with pytest.raises(InvalidInput):  # a decline needs a reason
        panel_services.seat_respond(viewer=viewer_of(a), evaluation_id=evaluation.pk, accept=False)
    panel_services.seat_respond(
        viewer=viewer_of(a), evaluation_id=evaluation.pk, accept=False, reason="时间冲突"
    )
    new = panel_services.seat_invite(
        viewer=sec, evaluation_id=evaluation.pk, expert_id=b.expert_profile.pk, replaces_id=seat.pk
    )
    assert new.replaces_id == seat.pk and new.is_chair
    # the expert who declined no longer sees the evaluation
    with pytest.raises(NotFound):
        panel_services.seat_respond(viewer=viewer_of(a), evaluation_id=evaluation.pk, accept=True)


def test_panel_size_limits(roles, achievement):
    evaluation = request(viewer_of(roles.owner_admin), achievement)
    sec = viewer_of(roles.secretariat)
    users = experts(8)
    for user in users[:2]:
        panel_services.seat_invite(
            viewer=sec, evaluation_id=evaluation.pk, expert_id=user.expert_profile.pk
        )
        panel_services.seat_respond(
            viewer=viewer_of(user), evaluation_id=evaluation.pk, accept=True
        )
    with pytest.raises(InvalidInput):  # fewer than 3 accepted
        services.evaluation_move(viewer=sec, evaluation_id=evaluation.pk, action="start_scoring")
    for user in users[2:7]:
        panel_services.seat_invite(
            viewer=sec, evaluation_id=evaluation.pk, expert_id=user.expert_profile.pk
        )
    with pytest.raises(InvalidInput):  # an eighth
        panel_services.seat_invite(
            viewer=sec, evaluation_id=evaluation.pk, expert_id=users[7].expert_profile.pk
        )


def test_scores_out_of_scale_refused_and_nothing_half_saved(roles, achievement):
    built = build(roles, achievement, upto="scoring")
    e, user = built.evaluation, built.experts[0]
    bad = scores_for(e, 60)
    bad["trl"]["value"] = 12
    with pytest.raises(InvalidInput) as caught:
        panel_services.scores_submit(viewer=viewer_of(user), evaluation_id=e.pk, scores=bad)
    assert "score_trl" in caught.value.fields
    missing = scores_for(e, 60)
    missing["team"]["justification"] = ""
    with pytest.raises(InvalidInput):
        panel_services.scores_submit(viewer=viewer_of(user), evaluation_id=e.pk, scores=missing)
    assert not Score.objects.exists()


def test_only_panel_members_score_and_not_twice(roles, achievement):
    built = build(roles, achievement, upto="scoring")
    e = built.evaluation
    outsider = expert_user("outsider")
    with pytest.raises(NotFound):
        panel_services.scores_submit(
            viewer=viewer_of(outsider), evaluation_id=e.pk, scores=scores_for(e, 50)
        )
    with pytest.raises(PermissionDenied):  # the owner sees it but is not on the panel
        panel_services.scores_submit(
            viewer=viewer_of(roles.owner_admin), evaluation_id=e.pk, scores=scores_for(e, 50)
        )
    user = built.experts[1]
    panel_services.scores_submit(
        viewer=viewer_of(user), evaluation_id=e.pk, scores=scores_for(e, 50)
    )
    with pytest.raises(Conflict):
        panel_services.scores_submit(
            viewer=viewer_of(user), evaluation_id=e.pk, scores=scores_for(e, 55)
        )


def test_outliers_asked_to_reconsider_once_then_scoring_closes(roles, achievement):
    built = build(roles, achievement, upto="scoring", panel=5)
    e = built.evaluation
    for number, user in enumerate(built.experts):
        base = 95 if number == 4 else 60 + number
        panel_services.scores_submit(
            viewer=viewer_of(user), evaluation_id=e.pk, scores=scores_for(e, base)
        )
    chair = viewer_of(built.experts[0])
    asked = panel_services.reconsider_ask(viewer=chair, evaluation_id=e.pk)
    assert [s.expert.user_id for s in asked] == [built.experts[4].pk]
    with pytest.raises(InvalidInput):
        panel_services.reconsider_ask(viewer=chair, evaluation_id=e.pk)
    panel_services.scores_submit(
        viewer=viewer_of(built.experts[4]), evaluation_id=e.pk, scores=scores_for(e, 66)
    )
    services.evaluation_move(viewer=chair, evaluation_id=e.pk, action="close_scoring")
    with pytest.raises(InvalidInput):  # scoring after close
        panel_services.scores_submit(
            viewer=viewer_of(built.experts[1]), evaluation_id=e.pk, scores=scores_for(e, 10)
        )


def test_valuation_refusals_save_nothing(roles, achievement):
    built = build(roles, achievement, upto="valuing")
    e = built.evaluation
    sec = viewer_of(roles.secretariat)
    before = e.valuations.get(method="income").result
    for inputs in (
        {"revenue": 100, "years": 0, "discount_rate": 0.1},
        {"revenue": 100, "years": 5, "discount_rate": -1.0},
        {"revenue": 100, "years": 5, "discount_rate": 0.1, "ranges": {"revenue": [120, 100, 90]}},
    ):
        with pytest.raises(InvalidInput):
            valuation_services.valuation_save(
                viewer=sec, evaluation_id=e.pk, method="income", inputs=inputs
            )
    assert e.valuations.get(method="income").result == before
    with pytest.raises(PermissionDenied):  # an ordinary panel member does not value
        valuation_services.valuation_save(
            viewer=viewer_of(built.experts[1]),
            evaluation_id=e.pk,
            method="cost",
            inputs={"base_cost": 10},
        )


def test_issue_freezes_a_version_and_reevaluation_makes_the_next(roles, achievement):
    built = build(roles, achievement)
    e = built.evaluation
    first = EvaluationReport.objects.get()
    assert first.version == 1 and first.snapshot["agreement"]["raters"] == 3
    first.snapshot["title"] = "改动"
    with pytest.raises(ValueError, match="immutable"):
        first.save()
    sec = viewer_of(roles.secretariat)
    with pytest.raises(InvalidInput):  # editing after issue: the stage refuses it
        valuation_services.survey_save(viewer=sec, evaluation_id=e.pk, data=SURVEY)
    services.evaluation_move(viewer=sec, evaluation_id=e.pk, action="reevaluate", reason="市场变化")
    for user in built.experts:
        panel_services.scores_submit(
            viewer=viewer_of(user), evaluation_id=e.pk, scores=scores_for(e, 70)
        )
    services.evaluation_move(viewer=sec, evaluation_id=e.pk, action="close_scoring")
    second = services.evaluation_issue(viewer=sec, evaluation_id=e.pk)
    assert second.version == 2
    assert EvaluationReport.objects.get(pk=first.pk).snapshot["title"] == "固态电解质制备技术"


def test_accreditation_only_by_the_secretariat_and_agency_staffs(roles, achievement):
    agency = OrganisationFactory(name="评估机构")
    agent = member_of(agency)
    with pytest.raises(PermissionDenied):
        services.accreditation_grant(viewer=viewer_of(roles.owner_admin), organisation_id=agency.pk)
    evaluation = request(viewer_of(roles.owner_admin), achievement)
    with pytest.raises(InvalidInput):  # not accredited yet
        services.evaluation_assign_agency(
            viewer=viewer_of(roles.secretariat), evaluation_id=evaluation.pk, agency_id=agency.pk
        )
    services.accreditation_grant(viewer=viewer_of(roles.secretariat), organisation_id=agency.pk)
    services.evaluation_assign_agency(
        viewer=viewer_of(roles.secretariat), evaluation_id=evaluation.pk, agency_id=agency.pk
    )
    (user,) = experts(1)
    seat = panel_services.seat_invite(
        viewer=viewer_of(agent), evaluation_id=evaluation.pk, expert_id=user.expert_profile.pk
    )
    assert seat.status == SeatStatus.INVITED


def test_editing_an_index_in_use_makes_a_new_version(roles, achievement):
    sec = viewer_of(roles.secretariat)
    request(viewer_of(roles.owner_admin), achievement)  # uses technology v1
    tree = dict(indexes.TECHNOLOGY_TREE)
    system = services.index_system_save(
        viewer=sec, key="technology", name_zh="技术指标", name_en="Tech", tree=tree, weight_sets={}
    )
    assert system.version == 2
    assert IndexSystem.objects.get(key="technology", version=1).is_current is False
    bad = {**tree, "children": [{**tree["children"][0], "weight": 0.9}, *tree["children"][1:]]}
    with pytest.raises(InvalidInput):
        services.index_system_save(
            viewer=sec, key="technology", name_zh="技术指标", name_en="", tree=bad, weight_sets={}
        )
    assert IndexSystem.objects.filter(key="technology").count() == 2


def test_pdf_is_valid_and_holds_the_chinese_title(roles, achievement, tmp_path):
    build(roles, achievement)
    with translation.override("zh-hans"):
        data = report.render_pdf(EvaluationReport.objects.get().snapshot)
    assert data.startswith(b"%PDF-")
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        pytest.skip("pdftotext missing: make pdf-fonts")
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "科技成果市场评价报告" in text
    assert "固态电解质制备技术" in text


def test_deadline_reminder_goes_once_to_the_experts_still_scoring(roles, achievement):
    from jieli.notifications.models import Notification

    built = build(roles, achievement, upto="scoring")
    e = built.evaluation
    panel_services.scores_submit(
        viewer=viewer_of(built.experts[0]), evaluation_id=e.pk, scores=scores_for(e, 60)
    )
    later = timezone.now() + timedelta(days=28)  # deadline is 30 days out: within 3 days
    assert services.evaluations_remind_deadlines(now=timezone.now()) == 0
    assert services.evaluations_remind_deadlines(now=later) == 1
    assert services.evaluations_remind_deadlines(now=later) == 0
    told = set(
        Notification.objects.filter(kind="evaluations.deadline").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {built.experts[1].pk, built.experts[2].pk}
    assert ChangeRecord.objects.filter(action="remind_deadline").count() == 1
