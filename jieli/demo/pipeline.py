"""Demo turnkey projects: a dozen relays at different stages, all made through the pipeline's
services (opened from an enquiry with a signed intention, a demand's match and achievements),
with hand-offs, a refusal, a skipped stage, a contract with payments, outcomes, links to a zone
and a platform booking — and some dropped batons (a stage past due, a hand-off not answered in
time, stages with no owner person), so ``make run`` shows the relay and its alarms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jieli.core.viewer import Viewer

ORDER = [
    "needs",
    "selection",
    "maturation",
    "integration",
    "pilot",
    "industrialisation",
    "acceptance",
]
TITLES = [
    "固态电解质中试放大交钥匙工程",
    "高镍正极材料产业化项目",
    "钠离子电池储能系统集成",
    "锂电隔膜涂层技术熟化",
    "动力电池回收工艺中试",
    "光伏逆变器可靠性提升",
    "海洋工程防腐涂层转化",
    "先进材料轻量化部件",
    "储能电站热管理方案",
    "电池管理芯片联合开发",
]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% Jieli demo deliverable\n", "application/pdf")


def demo_pipeline(users: dict[str, Any], orgs: dict[str, Any], staff: Viewer) -> int:
    """Create the demo projects; returns how many."""
    from jieli.achievements.models import Achievement
    from jieli.achievements.selectors import visible_achievements
    from jieli.demands.models import Demand
    from jieli.enquiries.models import Enquiry
    from jieli.facilities.models import Booking, Zone
    from jieli.organisations.selectors import viewer_for_user
    from jieli.pipeline import contract_services, opening_services, services
    from jieli.pipeline.models import ProjectStage

    agency, company, university = orgs["agency_jingxi"], orgs["ent_newenergy"], orgs["uni_binhai"]
    people = {
        agency.pk: users["broker"],
        company.pk: users["member"],
        university.pk: users["orgadmin"],
    }
    runner = viewer_for_user(users["broker"])
    ours = list(
        Achievement.objects.filter(owner=university, status="published", dual_use=False).order_by(
            "pk"
        )[:10]
    )
    others = list(
        visible_achievements(runner)
        .filter(owner__in=[orgs["inst_materials"], orgs["inst_ocean"]], status="published")
        .order_by("pk")[:2]
    )
    if not ours:
        return 0
    demand = Demand.objects.filter(owner=company, status="published").order_by("pk").first()

    def step(project: Any, key: str, action: str, who: Any, **kw: Any) -> None:
        services.stage_move(
            viewer=viewer_for_user(who), project_id=project.pk, key=key, action=action, **kw
        )

    def owned(project: Any, key: str) -> Any:
        """Name the owner person of a stage (by the agency running the project)."""
        stage = project.stages.get(key=key)
        person = people.get(stage.owner_organisation_id)
        if person is not None and stage.owner_user_id is None:
            services.stage_update(
                viewer=runner, project_id=project.pk, key=key, owner_user_id=person.pk
            )
        return person

    def relay(project: Any, upto: int) -> None:
        """Hand the baton over stage by stage until stage ``upto`` is in progress."""
        stages = [s for s in ORDER if project.stages.get(key=s).status != "skipped"]
        for i, key in enumerate(stages[:upto]):
            giver = owned(project, key)
            receiver = owned(project, stages[i + 1]) if i + 1 < len(stages) else users["member"]
            step(project, key, "mark_ready", giver, files=[_pdf(f"{key}-交付物.pdf")])
            step(project, key, "accept", receiver)

    def open_from_achievement(achievement: Any, title: str) -> Any:
        return opening_services.project_open_from(
            viewer=runner,
            origin="achievement",
            origin_id=achievement.pk,
            title=title,
            achievement_ids=[achievement.pk],
            demand_id=demand.pk if demand else None,
            enterprise_id=company.pk,
            agency_id=agency.pk,
            summary="由联盟技术转移服务中心牵头，高校团队熟化，企业承接产业化。",
        )

    projects = []
    # 1. From the enquiry whose intention was signed (the broker's introduction).
    enquiry = Enquiry.objects.filter(stage="intention").order_by("pk").first()
    if enquiry is not None:
        p = opening_services.project_open_from(
            viewer=viewer_for_user(users["member"]),
            origin="enquiry",
            origin_id=enquiry.pk,
            title="",
            achievement_ids=[],
            demand_id=None,
            enterprise_id=None,
            agency_id=agency.pk,
        )
        relay(p, 1)
        projects.append(p)
    # 2. From the company's demand's match (one the demand's matches page lists).
    matched = None
    if demand is not None:
        from jieli.matching.selectors import demand_match_page

        page = demand_match_page(viewer_for_user(users["member"]), demand_id=demand.pk)
        # One of the university's (its people walk the stages below).
        mine = [m.pk for m in page.achievements if m.obj.owner_id == university.pk]
        matched = mine[0] if mine else None
    if demand is not None and matched is not None:
        p = opening_services.project_open_from(
            viewer=viewer_for_user(users["member"]),
            origin="match",
            origin_id=demand.pk,
            title=f"{demand.title}（匹配立项）",
            achievement_ids=[matched],
            demand_id=demand.pk,
            enterprise_id=None,
            agency_id=agency.pk,
        )
        relay(p, 2)
        projects.append(p)
    depths = [0, 2, 3, 4, 5, 7, 7, 4, 1, 6]
    made = []
    for i, (achievement, depth) in enumerate(zip(ours, depths, strict=False)):
        p = open_from_achievement(achievement, TITLES[i % len(TITLES)])
        if i == 3:  # integration judged unnecessary
            services.stage_move(
                viewer=runner,
                project_id=p.pk,
                key="integration",
                action="skip",
                reason="成果已完成系统集成验证，直接进入中试。",
            )
        relay(p, depth)
        made.append(p)
    projects += made
    today = timezone.localdate()
    if made:
        # A stage past its due date (a dropped baton): due a week ago.
        services.stage_update(
            viewer=runner, project_id=made[0].pk, key="needs", due_date=today - timedelta(days=7)
        )
    if len(made) > 2:
        # A hand-off not answered within its service level: handed over nine days ago.
        p = made[2]
        key = p.stages.filter(status="active").order_by("position").first().key
        step(p, key, "mark_ready", owned(p, key), files=[_pdf("中试方案.pdf")])
        now = timezone.now()
        ProjectStage.objects.filter(project=p, key=key).update(
            ready_at=now - timedelta(days=9), answer_due_at=now - timedelta(days=4)
        )
    if len(made) > 1:
        # A refused hand-off: the receiver wants more test data.
        p = made[1]
        key = p.stages.filter(status="active").order_by("position").first().key
        step(p, key, "mark_ready", owned(p, key), files=[_pdf("熟化报告.pdf")])
        stages = [s.key for s in p.stages.exclude(status="skipped").order_by("position")]
        receiver = owned(p, stages[stages.index(key) + 1])
        step(p, key, "refuse", receiver, reason="请补充 500 次循环寿命测试数据。")
    for p in made[5:7]:
        # Delivered: contract, payments, outcomes; the first is closed, the second was accepted
        # a year ago and is asked for its one-year outcomes.
        member = viewer_for_user(users["member"])
        contract = contract_services.contract_create(
            viewer=runner,
            project_id=p.pk,
            kind="licence",
            title=f"{p.title}技术许可合同",
            party_a=company.pk,
            party_b=university.pk,
            amount="180",
            signed_on=today - timedelta(days=120),
            starts_on=today - timedelta(days=120),
            ends_on=today + timedelta(days=600),
            registration_number="26370200001234",
        )
        contract_services.milestone_add(
            viewer=runner,
            contract_id=contract.pk,
            title="中试验收",
            due_on=today - timedelta(days=30),
            amount="60",
        )
        contract_services.payment_add(
            viewer=member,
            contract_id=contract.pk,
            amount="60",
            received_on=today - timedelta(days=20),
            note="首期款",
        )
        contract_services.funding_add(
            viewer=runner, project_id=p.pk, kind="government", amount="50", note="省重点研发计划"
        )
        contract_services.funding_add(
            viewer=member, project_id=p.pk, kind="enterprise", amount="130"
        )
        contract_services.outcome_record(
            viewer=member,
            project_id=p.pk,
            moment="acceptance",
            new_product="固态电池隔膜样品",
            revenue="320",
            jobs=18,
        )
    if len(made) > 5:
        services.project_close(viewer=runner, pk=made[5].pk)
    if len(made) > 6:
        type(made[6]).objects.filter(pk=made[6].pk).update(
            accepted_at=timezone.now() - timedelta(days=370)
        )
    # Links to an undertaking zone and a platform booking (the secretariat plans them).
    zones = list(Zone.objects.order_by("pk")[:2])
    booking = Booking.objects.filter(status="accepted").order_by("pk").first()
    for p, zone in zip(made[3:5], zones, strict=False):
        services.project_link_facilities(
            viewer=staff,
            pk=p.pk,
            booking_id=booking.pk if booking and p == made[3] else None,
            zone_id=zone.pk,
        )
    # Projects with an institute that has no one on the platform: stages with no owner person.
    for achievement, depth in zip(others, (1, 0), strict=False):
        p = opening_services.project_open_from(
            viewer=runner,
            origin="achievement",
            origin_id=achievement.pk,
            title=f"{achievement.title[:40]}转化工程",
            achievement_ids=[achievement.pk],
            demand_id=None,
            enterprise_id=orgs["ent_machinery"].pk,
            agency_id=agency.pk,
        )
        relay(p, depth)
        projects.append(p)
    return len(projects)
