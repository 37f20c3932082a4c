"""Demo facilities: pilot-test platforms run by demo organisations (with services, prices and
an availability calendar), undertaking zones (Weihai, Chengde and others), industrial clusters
of several regions, and bookings in every state — all made through the services, so ``make
run`` shows the capability with its history and notifications."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from jieli.core.viewer import Viewer


def _window(start: date, days: int, note: str = "") -> dict[str, str]:
    return {
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=days)).isoformat(),
        "note": note,
    }


PLATFORMS: list[dict[str, Any]] = [
    {
        "operator": "uni_binhai",
        "name": "滨海示范新能源材料中试平台（演示）",
        "name_en": "Binhai new-energy materials pilot platform (demo)",
        "region": "370212",
        "industries": ["C26", "C38"],
        "capabilities": (
            "正极材料、固态电解质的公斤级至百公斤级放大；连续流合成工艺验证；"
            "电池扣式与软包电芯试制。"
        ),
        "equipment": "50 L / 200 L 反应釜各 2 台，喷雾干燥机，气氛保护烧结炉，软包电芯试制线。",
        "qualifications": "CNAS 认可实验室；安全生产标准化三级。",
        "capacity_unit": "反应釜·天",
        "capacity_unit_en": "reactor-days",
        "capacity_per_day": 4,
        "contact_name": "王工",
        "contact_phone": "0532-88880001",
        "contact_email": "pilot@binhai.demo.example.com",
        "offerings": [
            {
                "name": "工艺放大验证",
                "name_en": "Process scale-up",
                "price_wan": "12",
                "price_basis": "每批",
                "price_basis_en": "per batch",
            },
            {
                "name": "软包电芯试制",
                "name_en": "Pouch-cell prototyping",
                "price_wan": "3.5",
                "price_basis": "每 10 只",
                "price_basis_en": "per 10 cells",
            },
            {"name": "工艺安全评估", "name_en": "Process safety review", "price_wan": None},
        ],
    },
    {
        "operator": "pilot_bohai",
        "name": "渤海示范精细化工中试基地（演示）",
        "name_en": "Bohai fine-chemicals pilot base (demo)",
        "region": "120116",
        "industries": ["C26", "C27"],
        "capabilities": "精细化学品、医药中间体的中试放大与工艺优化；GMP 条件下的小批量试生产。",
        "equipment": "500 L–3000 L 搪玻璃与不锈钢反应釜 12 台，精馏塔，离心机，双锥干燥机。",
        "qualifications": "危险化学品安全使用许可；GMP 符合性检查通过。",
        "capacity_unit": "釜·天",
        "capacity_unit_en": "reactor-days",
        "capacity_per_day": 10,
        "contact_name": "李经理",
        "contact_phone": "022-66660002",
        "offerings": [
            {
                "name": "中试放大（千升级）",
                "name_en": "Pilot scale-up (1,000 L)",
                "price_wan": "25",
                "price_basis": "每批",
                "price_basis_en": "per batch",
            },
            {
                "name": "工艺优化",
                "name_en": "Process optimisation",
                "price_wan": "8",
                "price_basis": "每周",
                "price_basis_en": "per week",
            },
        ],
    },
    {
        "operator": "inst_materials",
        "name": "齐鲁示范先进材料成型中试线（演示）",
        "name_en": "Qilu advanced-materials forming pilot line (demo)",
        "region": "370112",
        "industries": ["C30", "C33"],
        "capabilities": "陶瓷基复合材料与金属粉末的成型、烧结中试；热等静压与性能检测。",
        "equipment": "热等静压机，真空烧结炉，3D 打印（SLM）设备 2 台，万能材料试验机。",
        "capacity_unit": "机时",
        "capacity_unit_en": "machine-hours",
        "capacity_per_day": 16,
        "contact_name": "赵研究员",
        "contact_email": "pilot@qilu.demo.example.com",
        "offerings": [
            {
                "name": "热等静压",
                "name_en": "Hot isostatic pressing",
                "price_wan": "0.6",
                "price_basis": "每机时",
                "price_basis_en": "per machine-hour",
            },
            {
                "name": "金属 3D 打印试制",
                "name_en": "Metal 3D-printing prototypes",
                "price_wan": "1.2",
                "price_basis": "每机时",
                "price_basis_en": "per machine-hour",
            },
        ],
    },
    {
        "operator": "inst_nanshan",
        "name": "南山示范智能装备验证平台（演示）",
        "name_en": "Nanshan smart-equipment validation platform (demo)",
        "region": "440305",
        "industries": ["C34", "C39"],
        "capabilities": "工业机器人、智能传感器的可靠性验证与小批量试产；产线联调。",
        "equipment": "环境试验箱，振动台，EMC 预测试暗室，柔性装配试验线。",
        "capacity_unit": "工位·天",
        "capacity_unit_en": "bench-days",
        "capacity_per_day": 6,
        "contact_name": "陈工",
        "contact_phone": "0755-86660003",
        "offerings": [
            {
                "name": "可靠性验证",
                "name_en": "Reliability testing",
                "price_wan": "2",
                "price_basis": "每工位·天",
                "price_basis_en": "per bench-day",
            },
        ],
    },
]

ZONES: list[dict[str, Any]] = [
    {
        "name": "威海示范中试承接区（演示）",
        "name_en": "Weihai pilot-test undertaking zone (demo)",
        "region": "3710",
        "industries": ["C35", "C38", "C27"],
        "parties": ["ent_newenergy", "hitech_zone"],
        "party_names": ["威海市人民政府（演示）"],
        "description": (
            "联盟与威海市共建，承接海洋装备、新能源与医疗器械成果的中试熟化和产业化落地。"
        ),
        "policies": "入驻项目享受中试用房三年租金减免；成果转化项目优先纳入市级科技计划。",
        "incentives": "中试设备购置补贴最高 30%；落地产业化项目一次性奖励最高 200 万元。",
        "space_m2": 42000,
        "agreement_days_ago": 420,
        "contact_name": "威海承接区服务中心",
        "contact_phone": "0631-5550001",
    },
    {
        "name": "承德示范中试承接区（演示）",
        "name_en": "Chengde pilot-test undertaking zone (demo)",
        "region": "1308",
        "industries": ["C32", "C31"],
        "party_names": ["承德市人民政府（演示）", "承德高新技术产业开发区（演示）"],
        "description": "联盟与承德市、承德高新区共建，聚焦钒钛新材料与绿色冶金技术的中试验证。",
        "policies": "钒钛新材料中试项目纳入省级重点项目库；用地、用能指标优先保障。",
        "incentives": "中试平台建设补助最高 500 万元；首台（套）产品保险补偿。",
        "space_m2": 30000,
        "agreement_days_ago": 200,
        "contact_name": "承德承接区办公室",
        "contact_phone": "0314-2220002",
    },
    {
        "name": "姑苏示范中试承接区（演示）",
        "name_en": "Gusu pilot-test undertaking zone (demo)",
        "region": "320505",
        "industries": ["C39", "C40"],
        "parties": ["zone_gusu"],
        "description": "与姑苏高新区共建，承接电子信息与仪器仪表成果的中试和首批量产。",
        "policies": "中试载体按面积给予运营补贴。",
        "incentives": "孵化转化项目最高 100 万元启动资金。",
        "space_m2": 18000,
        "agreement_days_ago": 90,
    },
]

CLUSTERS: list[dict[str, Any]] = [
    {
        "name": "承德钒钛新材料产业集群（演示）",
        "name_en": "Chengde vanadium-titanium materials cluster (demo)",
        "region": "1308",
        "industries": ["C32", "C31"],
        "leading_enterprise_names": [
            "承德示范钒钛股份有限公司（演示）",
            "冀北示范新材料有限公司（演示）",
        ],
        "description": "以钒钛磁铁矿综合利用为基础，发展钒电池材料、钛合金和高端钢材。",
        "output_value_wan": "3600000",
        "enterprise_count": 126,
        "employee_count": 48000,
    },
    {
        "name": "威海海洋装备产业集群（演示）",
        "name_en": "Weihai marine equipment cluster (demo)",
        "region": "3710",
        "industries": ["C37", "C35"],
        "leading_enterprises": ["ent_newenergy"],
        "leading_enterprise_names": ["威海示范船舶重工有限公司（演示）"],
        "description": "船舶与海洋工程装备、渔业装备及配套零部件。",
        "output_value_wan": "2100000",
        "enterprise_count": 310,
        "employee_count": 62000,
    },
    {
        "name": "潍坊动力装备产业集群（演示）",
        "name_en": "Weifang power equipment cluster (demo)",
        "region": "3707",
        "industries": ["C34"],
        "leading_enterprises": ["ent_machinery"],
        "description": "内燃机、农业机械与精密传动部件。",
        "output_value_wan": "5200000",
        "enterprise_count": 540,
        "employee_count": 150000,
    },
    {
        "name": "光谷激光产业集群（演示）",
        "name_en": "Optics Valley laser cluster (demo)",
        "region": "4201",
        "industries": ["C39", "C40"],
        "leading_enterprises": ["ent_guanggu"],
        "description": "激光器、激光加工装备与光通信器件。",
        "output_value_wan": "4800000",
        "enterprise_count": 260,
        "employee_count": 70000,
    },
]


def demo_facilities(users: dict[str, Any], orgs: dict[str, Any], staff: Viewer) -> int:
    """Create the demo platforms, zones, clusters and bookings; returns how many records."""
    from jieli.facilities import booking_services, services
    from jieli.facilities.models import Booking
    from jieli.organisations.selectors import viewer_for_user

    today = timezone.localdate()
    calendar = [
        _window(today + timedelta(days=1), 45, "春季开放"),
        _window(today + timedelta(days=60), 90, ""),
    ]
    made = 0
    platforms = []
    for spec in PLATFORMS:
        data = {k: v for k, v in spec.items() if k != "operator"}
        data["operator"] = orgs[spec["operator"]].pk
        data["windows"] = calendar
        platform = services.platform_create(viewer=staff, data=data)
        services.facility_set_status(
            viewer=staff, kind="platform", pk=platform.pk, action="publish"
        )
        platforms.append(platform)
        made += 1
    for spec in ZONES:
        data = {k: v for k, v in spec.items() if k != "agreement_days_ago"}
        data["parties"] = [orgs[key].pk for key in spec.get("parties", [])]
        data["agreement_date"] = (today - timedelta(days=spec["agreement_days_ago"])).isoformat()
        zone = services.zone_create(viewer=staff, data=data)
        services.facility_set_status(viewer=staff, kind="zone", pk=zone.pk, action="publish")
        made += 1
    for spec in CLUSTERS:
        data = dict(spec)
        data["leading_enterprises"] = [orgs[key].pk for key in spec.get("leading_enterprises", [])]
        cluster = services.cluster_create(viewer=staff, data=data)
        services.facility_set_status(viewer=staff, kind="cluster", pk=cluster.pk, action="publish")
        made += 1
    # Bookings by the demo company's member on the university's platform (whose administrator
    # is ``orgadmin``) and on the pilot base: one in each state.
    member = viewer_for_user(users["member"])
    operator = viewer_for_user(users["orgadmin"])
    binhai, bohai = platforms[0], platforms[1]

    def ask(platform: Any, start: int, days: int, units: int, purpose: str) -> Any:
        return booking_services.booking_request(
            viewer=member,
            platform_id=platform.pk,
            units=units,
            start_date=today + timedelta(days=start),
            end_date=today + timedelta(days=start + days),
            purpose=purpose,
        )

    ask(binhai, 10, 4, 2, "高镍正极材料的 20 公斤级放大验证，自带前驱体。")
    b = ask(binhai, 20, 2, 3, "固态电解质浆料涂布工艺验证。")
    booking_services.booking_move(
        viewer=operator,
        pk=b.pk,
        move="propose",
        proposed_start=today + timedelta(days=25),
        proposed_end=today + timedelta(days=27),
        reason="原定时段设备检修，建议顺延五天。",
    )
    b = ask(binhai, 5, 2, 1, "电芯试制：软包 20 只。")
    booking_services.booking_move(viewer=operator, pk=b.pk, move="accept")
    b = ask(binhai, 30, 1, 4, "整线包场试验。")
    booking_services.booking_move(
        viewer=operator, pk=b.pk, move="decline", reason="该时段整线已为校内项目预留。"
    )
    b = ask(bohai, 12, 3, 2, "医药中间体千升级试生产。")
    booking_services.booking_move(viewer=member, pk=b.pk, move="cancel")
    # A request nobody answered before its window started: the hourly job expired it.
    b = ask(bohai, 1, 1, 1, "溶剂回收工艺验证。")
    Booking.objects.filter(pk=b.pk).update(
        start_date=today - timedelta(days=3), end_date=today - timedelta(days=2)
    )
    booking_services.bookings_expire(today=today)
    return made + 6
