"""Evaluations built through the services, up to a chosen stage, for the tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from jieli.evaluations import indexes, panel_services, services, valuation_services
from jieli.evaluations.models import Evaluation
from jieli.experts.tests.factories import expert_user
from jieli.organisations.tests.factories import RoleUsers, viewer_of

INCOME = {
    "basis": "profit",
    "revenue": 1000,
    "growth": 0.05,
    "years": 5,
    "margin": 0.2,
    "share_rate": 0.25,
    "discount_rate": 0.1,
    "risk_premium": 0.03,
    "ranges": {"revenue": [800, 1000, 1300], "share_rate": [0.2, 0.25, 0.3]},
    "draws": 5000,
}
SURVEY = {
    "customers": "储能电站集成商",
    "market_size_wan": 500000,
    "market_size_source": "行业协会",
    "market_size_year": 2025,
    "competitors": "液态锂电池",
    "price_points": "",
    "channels": "",
}


@dataclass
class Built:
    evaluation: Evaluation
    experts: list[AbstractUser] = field(default_factory=list)


def experts(count: int, prefix: str = "ev") -> list[AbstractUser]:
    return [expert_user(f"{prefix}{i}", willing_to_evaluate=True) for i in range(count)]


def scores_for(evaluation: Evaluation, base: float, spread: float = 0.0) -> dict:
    out = {}
    for number, leaf in enumerate(indexes.leaves(evaluation.index_system.tree)):
        low, high = leaf["scale"]
        value = min(high, max(low, low + (high - low) * (base + spread * number) / 100))
        out[leaf["key"]] = {
            "value": round(value) if high <= 9 else round(value, 1),
            "justification": "依据测试数据",
        }
    return out


def build(
    roles: RoleUsers, achievement, *, upto: str = "issued", panel: int = 3, prefix: str = "ev"
) -> Built:
    """Owner request → panel of ``panel`` → scores → valuation and survey → issued."""
    owner = viewer_of(roles.owner_admin)
    sec = viewer_of(roles.secretariat)
    evaluation = services.evaluation_request(
        viewer=owner,
        achievement_id=achievement.pk,
        purpose="licensing",
        deadline=timezone.localdate() + timedelta(days=30),
        confidentiality="members",
    )
    built = Built(evaluation=evaluation)
    if upto == "staffing":
        return built
    built.experts = experts(panel, prefix)
    for number, user in enumerate(built.experts):
        panel_services.seat_invite(
            viewer=sec,
            evaluation_id=evaluation.pk,
            expert_id=user.expert_profile.pk,
            is_chair=number == 0,
        )
        panel_services.seat_respond(
            viewer=viewer_of(user), evaluation_id=evaluation.pk, accept=True
        )
    services.evaluation_move(viewer=sec, evaluation_id=evaluation.pk, action="start_scoring")
    if upto == "scoring":
        return built
    for number, user in enumerate(built.experts):
        panel_services.scores_submit(
            viewer=viewer_of(user),
            evaluation_id=evaluation.pk,
            scores=scores_for(evaluation, 60 + 5 * number, 3),
        )
    services.evaluation_move(viewer=sec, evaluation_id=evaluation.pk, action="close_scoring")
    valuation_services.valuation_save(
        viewer=sec, evaluation_id=evaluation.pk, method="income", inputs=INCOME
    )
    valuation_services.survey_save(viewer=sec, evaluation_id=evaluation.pk, data=SURVEY)
    if upto == "valuing":
        return built
    services.evaluation_issue(viewer=sec, evaluation_id=evaluation.pk)
    return built
