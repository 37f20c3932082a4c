"""Demo market evaluations on real demo achievements, made through the services: two issued
reports (technology index with all three approaches and a Monte Carlo; patent index for pledge
financing), one in scoring where the demo ``expert`` still has to score, and a member's request
awaiting the owner's consent — so ``make run`` shows the whole flow and
``jieli report evaluation --demo`` has a report to print."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from jieli.core.viewer import Viewer

INCOME = {
    "basis": "profit",
    "revenue": 2400,
    "growth": 0.08,
    "years": 8,
    "margin": 0.18,
    "share_rate": 0.25,
    "discount_rate": 0.08,
    "risk_premium": 0.04,
    "tax_rate": 0.15,
    "ranges": {
        "revenue": [1800, 2400, 3200],
        "growth": [0.03, 0.08, 0.12],
        "share_rate": [0.2, 0.25, 0.3],
        "discount_rate": [0.07, 0.08, 0.1],
    },
    "draws": 100_000,
}
COST = {
    "base": "replacement",
    "base_cost": 420,
    "profit_rate": 0.15,
    "physical": 0.0,
    "functional": 0.2,
    "economic": 0.1,
}
MARKET = {
    "comparables": [
        {
            "name": "（演示数据）同类电池材料专利许可",
            "price": 650,
            "year": 2024,
            "technology": 1.1,
            "time": 1.03,
        },
        {
            "name": "（演示数据）储能隔膜技术转让",
            "price": 900,
            "year": 2023,
            "technology": 0.9,
            "scale": 0.85,
        },
        {"name": "（演示数据）电解液配方许可", "price": 520, "year": 2025, "technology": 1.2},
    ]
}
SURVEY = {
    "customers": "（演示数据）储能电站集成商、动力电池企业",
    "market_size_wan": 3_200_000,
    "market_size_source": "（演示数据）行业协会年度报告",
    "market_size_year": 2025,
    "competitors": "（演示数据）液态电解质体系、进口材料",
    "price_points": "（演示数据）每吨 8–12 万元",
    "channels": "（演示数据）直销与技术许可",
}
JUSTIFICATIONS = (
    "（演示数据）依据中试报告与专利检索结果",
    "（演示数据）对比国内外同类技术",
    "（演示数据）参考团队以往转化记录",
)


def _panel_users(owner_org: int, count: int, password: str) -> list[Any]:
    """Demo experts willing to evaluate, outside the owner organisation, given sign-ins."""
    from django.contrib.auth import get_user_model

    from jieli.experts.models import Expert

    users = []
    candidates = (
        Expert.objects.filter(willing_to_evaluate=True, is_active=True, user__isnull=True)
        .exclude(organisation_id=owner_org)
        .order_by("pk")[:count]
    )
    for number, expert in enumerate(candidates, start=1):
        user = get_user_model().objects.create_user(
            username=f"panel{number}", password=password, email=f"panel{number}@example.com"
        )
        Expert.objects.filter(pk=expert.pk).update(user=user)
        users.append(user)
    return users


PROFILE = (78, 62, 70, 55, 84, 66, 73, 59, 81, 64, 69)  # how good each indicator is (0-100)


def _scores(evaluation: Any, base: float, number: int) -> dict[str, Any]:
    """A shared view of the indicators, each evaluator a little stricter or kinder (an agreeing
    panel: Kendall's W and the ICC come out high)."""
    from jieli.evaluations import indexes

    out = {}
    for i, leaf in enumerate(indexes.leaves(evaluation.index_system.tree)):
        low, high = leaf["scale"]
        noise = (i * 5 + number * 3) % 7 - 3
        value = PROFILE[i % len(PROFILE)] + (base - 70) / 2 + 2 * number + noise
        share = min(1.0, max(0.0, value / 100))
        out[leaf["key"]] = {
            "value": round(low + (high - low) * share, 0 if high <= 9 else 1),
            "justification": JUSTIFICATIONS[(i + number) % 3],
        }
    return out


def demo_evaluations(users: dict[str, Any], staff: Viewer, password: str) -> tuple[int, list]:
    """Create the demo evaluations; returns how many, and the sign-ins of the panel experts."""
    from jieli.achievements.models import Achievement
    from jieli.evaluations import panel_services, services, valuation_services
    from jieli.organisations.selectors import viewer_for_user

    owner = viewer_for_user(users["orgadmin"])
    member = viewer_for_user(users["member"])
    owned = list(
        Achievement.objects.filter(
            owner_id__in=owner.organisation_ids, status="published"
        ).order_by("pk")[:4]
    )
    if len(owned) < 3:
        return 0, []
    owner_org = owned[0].owner_id
    panel = _panel_users(owner_org, 3, password)
    expert_user = users.get("expert")
    if len(panel) < 3:
        return 0, []
    deadline = timezone.localdate() + timedelta(days=30)

    def staffed(
        achievement: Any, purpose: str, index: str, confidentiality: str, seats: list[Any]
    ) -> Any:
        e = services.evaluation_request(
            viewer=owner,
            achievement_id=achievement.pk,
            purpose=purpose,
            deadline=deadline,
            confidentiality=confidentiality,
            index_key=index,
            fee_wan="3.00",
            fee_note="（演示数据）由所有者支付",
        )
        for number, user in enumerate(seats):
            panel_services.seat_invite(
                viewer=staff,
                evaluation_id=e.pk,
                expert_id=user.expert_profile.pk,
                is_chair=number == 0,
                override_reason="（演示数据）领域内专家较少",
            )
            panel_services.seat_respond(
                viewer=viewer_for_user(user), evaluation_id=e.pk, accept=True
            )
        services.evaluation_move(viewer=staff, evaluation_id=e.pk, action="start_scoring")
        return e

    def finish(e: Any, valuations: list[tuple[str, dict[str, Any]]]) -> None:
        for number, user in enumerate(panel):
            panel_services.scores_submit(
                viewer=viewer_for_user(user),
                evaluation_id=e.pk,
                scores=_scores(e, 68 + 4 * number, number),
            )
        services.evaluation_move(viewer=staff, evaluation_id=e.pk, action="close_scoring")
        for method, inputs in valuations:
            valuation_services.valuation_save(
                viewer=staff, evaluation_id=e.pk, method=method, inputs=inputs
            )
        valuation_services.survey_save(viewer=staff, evaluation_id=e.pk, data=SURVEY)
        services.evaluation_issue(viewer=staff, evaluation_id=e.pk)

    first = staffed(owned[0], "licensing", "technology", "public", panel)
    finish(first, [("income", INCOME), ("cost", COST), ("market", MARKET)])
    second = staffed(owned[1], "pledge", "patent", "members", panel)
    finish(
        second,
        [
            (
                "income",
                dict(
                    INCOME,
                    revenue=1500,
                    ranges={"revenue": [1100, 1500, 2000], "discount_rate": [0.07, 0.08, 0.11]},
                ),
            ),
            ("cost", COST),
        ],
    )
    made = 2
    if expert_user is not None and hasattr(expert_user, "expert_profile"):
        third = staffed(owned[2], "investment", "technology", "owner", [*panel[:2], expert_user])
        for number, user in enumerate(panel[:2]):
            panel_services.scores_submit(
                viewer=viewer_for_user(user),
                evaluation_id=third.pk,
                scores=_scores(third, 70, number),
            )
        made += 1
    if len(owned) > 3:
        services.evaluation_request(
            viewer=member,
            achievement_id=owned[3].pk,
            purpose="investment",
            deadline=deadline,
            confidentiality="owner",
            fee_note="（演示数据）由请求方支付",
        )
        made += 1
    return made, [("panel", u.get_username(), password) for u in panel]
