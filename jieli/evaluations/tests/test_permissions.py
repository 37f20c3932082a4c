"""Roles × the evaluation pages and API: exact status AND side effect. The ``expert`` role is
the chair of the panel; ``other_member`` is an alliance member of another organisation; the
owner side is the achievement owner's people. Hidden evaluations answer 404."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from jieli.core.tests.matrix import EXPERT_ROLES, WithExpert, as_page, check, reads, writes
from jieli.evaluations.models import Evaluation, EvaluationReport, PanelSeat, Score
from jieli.evaluations.tests.factories import build, experts, scores_for
from jieli.organisations.tests.factories import viewer_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/evaluations"
JSON = "application/json"


def state():
    return (
        sorted(Evaluation.objects.values_list("pk", "stage", "decline_reason")),
        sorted(PanelSeat.objects.values_list("pk", "status", "expert_id")),
        Score.objects.count(),
        EvaluationReport.objects.count(),
    )


def _check(users, role, matrix, call, **kw):
    return check(users, role, matrix, call, state=state, **kw)


def staged(roles, achievement, upto):
    built = build(roles, achievement, upto=upto)
    chair = built.experts[0] if built.experts else experts(1, "solo")[0]
    return built.evaluation, WithExpert(users=roles, expert=chair), built


READ = reads(
    anonymous=401,
    registered=404,
    other_member=404,
    owner_member=200,
    owner_admin=200,
    secretariat=200,
    expert=200,
)


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_detail_page_and_api(roles, achievement, role):
    evaluation, users, _b = staged(roles, achievement, "scoring")
    response = _check(
        users,
        role,
        as_page(READ),
        lambda c: c.get(reverse("evaluations:detail", args=[evaluation.pk])),
    )
    if response.status_code == 404:
        assert evaluation.title not in response.content.decode()
    _check(users, role, READ, lambda c: c.get(f"{URL}/{evaluation.pk}"))
    _check(users, role, READ, lambda c: c.get(f"{URL}/{evaluation.pk}/results"))


SCORE = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(403, False),
    owner_admin=(403, False),
    secretariat=(403, False),
    expert=(200, True),
)


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_scores_api(roles, achievement, role):
    evaluation, users, _b = staged(roles, achievement, "scoring")
    body = json.dumps({"scores": scores_for(evaluation, 70)})
    _check(
        users,
        role,
        SCORE,
        lambda c: c.post(f"{URL}/{evaluation.pk}/scores", body, content_type=JSON),
    )


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_scores_page(roles, achievement, role):
    evaluation, users, _b = staged(roles, achievement, "scoring")
    data = {}
    for key, entry in scores_for(evaluation, 70).items():
        data[f"score_{key}"] = entry["value"]
        data[f"justification_{key}"] = entry["justification"]
    page = writes(
        anonymous=(302, False),
        registered=(404, False),
        other_member=(404, False),
        owner_member=(403, False),
        owner_admin=(403, False),
        secretariat=(403, False),
        expert=(302, True),
    )
    _check(
        users,
        role,
        page,
        lambda c: c.post(reverse("evaluations:scores", args=[evaluation.pk]), data),
    )


INVITE = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(403, False),
    owner_admin=(403, False),
    secretariat=(201, True),
    expert=(404, False),
)


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_invite_api(roles, achievement, role):
    evaluation, users, _b = staged(roles, achievement, "staffing")
    (candidate,) = experts(1, "cand")
    body = json.dumps({"expert_id": candidate.expert_profile.pk})
    _check(
        users,
        role,
        INVITE,
        lambda c: c.post(f"{URL}/{evaluation.pk}/seats", body, content_type=JSON),
    )


CONSENT = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(403, False),
    owner_member=(200, True),
    owner_admin=(200, True),
    secretariat=(403, False),
    expert=(404, False),
)


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_consent_api(roles, achievement, role):
    from jieli.evaluations import services
    from jieli.evaluations.tests.test_services import FUTURE

    evaluation = services.evaluation_request(
        viewer=viewer_of(roles.other_member),
        achievement_id=achievement.pk,
        purpose="investment",
        deadline=FUTURE,
        confidentiality="owner",
    )
    users = WithExpert(users=roles, expert=experts(1, "x")[0])
    body = json.dumps({"action": "consent"})
    _check(
        users,
        role,
        CONSENT,
        lambda c: c.post(f"{URL}/{evaluation.pk}/move", body, content_type=JSON),
    )


ISSUE = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(403, False),
    owner_admin=(403, False),
    secretariat=(201, True),
    expert=(403, False),
)


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_issue_api(roles, achievement, role):
    evaluation, users, _b = staged(roles, achievement, "valuing")
    _check(users, role, ISSUE, lambda c: c.post(f"{URL}/{evaluation.pk}/issue"))


# confidentiality "members": alliance members, vetted experts and the participants
REPORT = reads(
    anonymous=404,
    registered=404,
    other_member=200,
    owner_member=200,
    owner_admin=200,
    secretariat=200,
    expert=200,
)


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_report_page_pdf_and_api(roles, achievement, role):
    _e, users, _b = staged(roles, achievement, "issued")
    report = EvaluationReport.objects.get()
    _check(users, role, REPORT, lambda c: c.get(reverse("evaluations:report", args=[report.pk])))
    response = _check(
        users, role, REPORT, lambda c: c.get(reverse("evaluations:report_pdf", args=[report.pk]))
    )
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"
    api = dict(REPORT)
    _check(users, role, api, lambda c: c.get(f"{URL}/reports/{report.pk}"))


SUMMARY_SEEN = {
    "anonymous": False,
    "registered": False,
    "other_member": True,
    "owner_member": True,
    "owner_admin": True,
    "secretariat": True,
    "expert": True,
}


@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_achievement_page_and_api_show_the_summary_by_confidentiality(roles, achievement, role):
    _e, users, _b = staged(roles, achievement, "issued")
    from jieli.core.tests.matrix import client_for

    client = client_for(users.by_role()[role])
    page = client.get(reverse("achievements:detail", args=[achievement.pk]))
    assert page.status_code == 200
    assert ('data-testid="listing-summary"' in page.content.decode()) is SUMMARY_SEEN[role]
    data = client.get(f"/api/v1/achievements/{achievement.pk}").json()
    assert bool(data["summaries"]) is SUMMARY_SEEN[role]
    if data["summaries"]:
        assert data["summaries"][0]["kind"] == "evaluation"
