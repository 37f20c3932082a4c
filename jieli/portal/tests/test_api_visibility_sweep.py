"""Every operation of the OpenAPI document × every role, against records the role may not see.

A hidden record must be indistinguishable from one that does not exist: the same status code
and error code as for an id that was never used (so never a 403 where a 404 is due, never a
200), and its title must never appear in any answer — lists, search, matches, the duplicate
check included. The operations are read from ``api.get_openapi_schema()``, so a new endpoint is
swept without anyone remembering to add it.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client

from jieli.achievements.tests.factories import AchievementFactory
from jieli.api import api
from jieli.core.listing import ListingStatus
from jieli.core.models import ApiToken
from jieli.demands.tests.factories import DemandFactory
from jieli.duplicates.models import DuplicateCase
from jieli.enquiries.models import Broker, Enquiry, Introduction
from jieli.evaluations.models import Evaluation, EvaluationReport, IndexSystem
from jieli.experts.tests.factories import ExpertFactory, expert_user
from jieli.facilities.models import Booking, Cluster, PilotPlatform, Zone
from jieli.imports.models import ImportJob
from jieli.notifications.models import Notification
from jieli.notifications.services import notification_send
from jieli.organisations.models import MemberRole, MembershipStatus
from jieli.organisations.selectors import viewer_for_user
from jieli.organisations.tests.factories import (
    OrganisationFactory,
    UserFactory,
    member_of,
    secretariat_user,
)
from jieli.pipeline.models import Contract, Milestone, Project, ProjectStage
from jieli.watchlists import services as watch

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "registered", "member", "org_admin", "expert", "secretariat"]
MISSING = 987654321
JSON = "application/json"
ACTIONS = ["submit", "publish", "return", "reconfirm", "archive"]
ENQUIRY_ACTIONS = ["discuss", "sign_intention", "sign_contract", "decline", "close"]
PIPELINE_ACTIONS = ["mark_ready", "accept", "refuse", "skip", "reinstate"]
BOOKING_ACTIONS = [
    "accept",
    "decline",
    "propose",
    "accept_proposal",
    "decline_proposal",
    "cancel",
    "withdraw",
]
STATUS_ACTIONS = ["publish", "unpublish", "hide"]


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.JIELI_RATELIMIT_ENABLED = False
    settings.JIELI_RESULT_CACHE_SECONDS = 0


def _world() -> dict[str, Any]:
    """An applicant organisation (not public) holding a draft achievement, a draft demand, a
    published dual-use achievement, a private expert, an import job, a duplicate case, a
    token and its administrator's notification; plus one user per role, none of them in that
    organisation."""
    hidden_org = OrganisationFactory(
        name="隐秘申请机构", membership_status=MembershipStatus.APPLYING, region_id="3701"
    )
    hidden_admin = member_of(hidden_org, role=MemberRole.ADMIN, username="hidden_admin")
    draft = AchievementFactory(
        owner=hidden_org,
        draft=True,
        title="隐秘草稿成果甲",
        summary="隐秘草稿的摘要：钠离子电池正极材料。",
    )
    dual = AchievementFactory(
        owner=hidden_org,
        title="军民两用装备乙",
        summary="两用装备的摘要：高强度碳纤维复合材料。",
        dual_use=True,
    )
    member_org = OrganisationFactory(name="联盟成员机构", region_id="3701")
    demand = DemandFactory(
        owner=hidden_org, title="隐秘草稿需求丙", problem="隐秘需求：耐高温密封材料。"
    )
    expert = ExpertFactory(name="隐秘专家丁", is_public=False, bio="隐秘专家的简介。")
    job = ImportJob.objects.create(
        user=hidden_admin, kind="achievement", owner=hidden_org, file_name="隐秘文件戊.xlsx"
    )
    case = DuplicateCase.objects.create(
        kind="achievement",
        record_a_id=draft.pk,
        record_b_id=dual.pk,
        owner_a_id=hidden_org.pk,
        owner_b_id=hidden_org.pk,
        score=0.9,
        certainty="suspected",
    )
    token = ApiToken.objects.create(
        user=hidden_admin, name="隐秘令牌己", prefix="jl_hidden", key_hash="0" * 64
    )
    notification_send(
        kind="organisations.membership_decided",
        recipient_ids=[hidden_admin.pk],
        target=hidden_org,
        params={"action": "suspend", "reason": "隐秘通知庚", "status": "applying"},
    )
    notification = Notification.objects.get(recipient=hidden_admin)
    own = viewer_for_user(hidden_admin)
    item = watch.shortlist_item_add(
        viewer=own, kind="achievement", object_id=draft.pk, note="隐秘备注壬"
    )
    watch.shortlist_rename(viewer=own, shortlist_id=item.shortlist_id, name="隐秘收藏夹辛")
    search = watch.saved_search_create(viewer=own, data={"q": "隐秘 钠离子", "name": "隐秘搜索癸"})
    # An enquiry between two outsiders about the dual-use listing, and a broker's introduction:
    # only their parties (none of the roles below) and the secretariat see them.
    enquiry = Enquiry.objects.create(
        target_kind="achievement",
        target_id=dual.pk,
        target_title=dual.title,
        owner_organisation=hidden_org,
        sender=UserFactory(username="hidden_sender"),
        purpose="licence",
        message="隐秘咨询辛",
    )
    introduction = Introduction.objects.create(
        broker=Broker.objects.create(user=UserFactory(username="hidden_broker")),
        party_a=hidden_org,
        party_b=hidden_org,
        target_kind="achievement",
        target_id=draft.pk,
        purpose="licence",
        note="隐秘引荐壬",
    )
    # An evaluation the hidden organisation asked for, and its issued report (owner only).
    evaluation = Evaluation.objects.create(
        achievement=dual,
        title="隐秘评价子",
        route="owner",
        requested_by=hidden_admin,
        requester_organisation=hidden_org,
        owner=hidden_org,
        purpose="licensing",
        deadline=date(2030, 1, 1),
        confidentiality="owner",
        index_system=IndexSystem.objects.get(key="technology", version=1),
        stage="issued",
    )
    report = EvaluationReport.objects.create(
        evaluation=evaluation,
        achievement=dual,
        version=1,
        issued_by=hidden_admin,
        confidentiality="owner",
        snapshot={"title": "隐秘报告丑"},
    )
    # A draft fair of the hidden organisation: its people and the secretariat see it.
    from django.utils import timezone

    from jieli.events.models import Event

    now = timezone.now()
    event = Event.objects.create(
        name="隐秘对接会子",
        kind="fair",
        organiser=hidden_org,
        created_by=hidden_admin,
        registration_opens=now,
        registration_closes=now,
        booking_opens=now,
        booking_closes=now,
    )
    # A turnkey project between outsiders, with a contract: only its parties and the secretariat.
    project = Project.objects.create(
        title="隐秘工程子", origin="achievement", enterprise=hidden_org, agency=hidden_org
    )
    ProjectStage.objects.create(
        project=project, key="needs", position=0, status="active", owner_organisation=hidden_org
    )
    contract = Contract.objects.create(
        project=project,
        kind="licence",
        title="隐秘合同丑",
        party_a=hidden_org,
        party_b=hidden_org,
        amount=1,
        signed_on="2026-01-01",
    )
    milestone = Milestone.objects.create(
        contract=contract, title="隐秘里程碑寅", due_on="2026-06-01"
    )
    # Facilities: a draft platform of the hidden organisation with a booking between outsiders,
    # a draft zone and a draft cluster (only the secretariat sees drafts it manages).
    platform = PilotPlatform.objects.create(
        name="隐秘平台子",
        operator=hidden_org,
        region_id="3701",
        capabilities="隐秘能力",
        capacity_unit="天",
        capacity_per_day=3,
    )
    booking = Booking.objects.create(
        platform=platform,
        requester=UserFactory(username="hidden_requester"),
        requester_organisation=hidden_org,
        units=1,
        start_date="2030-01-01",
        end_date="2030-01-02",
        purpose="隐秘预约卯",
    )
    zone = Zone.objects.create(name="隐秘承接区丑", region_id="3710")
    cluster = Cluster.objects.create(name="隐秘集群寅", region_id="1308")
    users = {
        "anonymous": None,
        "registered": UserFactory(username="registered"),
        "member": member_of(member_org, username="member"),
        "org_admin": member_of(member_org, role=MemberRole.ADMIN, username="org_admin"),
        "expert": expert_user("expert"),
        "secretariat": secretariat_user(),
    }
    assert draft.status == ListingStatus.DRAFT and dual.status == ListingStatus.PUBLISHED
    return {
        "org": hidden_org,
        "draft": draft,
        "dual": dual,
        "demand": demand,
        "expert": expert,
        "job": job,
        "case": case,
        "token": token,
        "notification": notification,
        "shortlist": item.shortlist,
        "item": item,
        "search": search,
        "enquiry": enquiry,
        "introduction": introduction,
        "evaluation": evaluation,
        "report": report,
        "event": event,
        "project": project,
        "contract": contract,
        "milestone": milestone,
        "platform": platform,
        "booking": booking,
        "zone": zone,
        "cluster": cluster,
        "users": users,
    }


def _hidden_from(role: str) -> set[str]:
    """Which of the world's records ``role`` may not see (written out, not computed by the
    selectors under test)."""
    # A person's own things (tokens, notifications, shortlists, saved searches) are theirs alone.
    own = {"token", "notification", "shortlist", "item", "search"}
    if role == "secretariat":
        return own
    hidden = {"org", "draft", "demand", "expert", "job", "case", *own}
    hidden |= {"enquiry", "introduction", "evaluation", "report"}
    hidden |= {"event", "project", "contract", "milestone"}
    hidden |= {"platform", "booking", "zone", "cluster"}
    if role in ("anonymous", "registered"):
        hidden.add("dual")
    return hidden


# Path parameter -> the world's records it can point at.
TARGETS = {
    "achievement_id": ["draft", "dual"],
    "demand_id": ["demand"],
    "expert_id": ["expert"],
    "org_id": ["org"],
    "job_id": ["job"],
    "case_id": ["case"],
    "token_id": ["token"],
    "notification_id": ["notification"],
    "shortlist_id": ["shortlist"],
    "item_id": ["item"],
    "subscription_id": ["search"],
    "enquiry_id": ["enquiry"],
    "introduction_id": ["introduction"],
    "evaluation_id": ["evaluation"],
    "report_id": ["report"],
    "event_id": ["event"],
    # Inside an event's path: the event is what is hidden; these point at nothing (1).
    "request_id": [],
    "run_id": [],
    "project_id": ["project"],
    "contract_id": ["contract"],
    "milestone_id": ["milestone"],
    "platform_id": ["platform"],
    "booking_id": ["booking"],
    "zone_id": ["zone"],
    "cluster_id": ["cluster"],
}
TITLES = {
    "org": "隐秘申请机构",
    "draft": "隐秘草稿成果甲",
    "dual": "军民两用装备乙",
    "demand": "隐秘草稿需求丙",
    "expert": "隐秘专家丁",
    "job": "隐秘文件戊",
    "token": "隐秘令牌己",
    "notification": "隐秘通知庚",
    "shortlist": "隐秘收藏夹辛",
    "item": "隐秘备注壬",
    "search": "隐秘搜索癸",
    "enquiry": "隐秘咨询辛",
    "introduction": "隐秘引荐壬",
    "evaluation": "隐秘评价子",
    "report": "隐秘报告丑",
    "event": "隐秘对接会子",
    "project": "隐秘工程子",
    "contract": "隐秘合同丑",
    "milestone": "隐秘里程碑寅",
    "platform": "隐秘平台子",
    "booking": "隐秘预约卯",
    "zone": "隐秘承接区丑",
    "cluster": "隐秘集群寅",
}


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    ]


def _body(method: str, path: str, world: dict[str, Any], ref: int | None) -> dict[str, Any]:
    """A plausible body for the operation; ``ref`` is the hidden (or missing) record's id where
    the body names one."""
    org = world["org"].pk if ref is None else ref
    if path.endswith("/duplicates/check"):
        return {}  # swept separately below, with the hidden records' own text
    bodies: dict[str, dict[str, Any]] = {
        "/api/v1/achievements": {"owner_id": org, "title": "新成果"},
        "/api/v1/demands": {"owner": org, "title": "新需求", "problem": "问题"},
        "/api/v1/experts": {"name": "新专家", "organisation": org},
        "/api/v1/organisations": {"name": "新机构", "org_type": "enterprise"},
        "/api/v1/matching/classify": {"text": "钠离子电池"},
        "/api/v1/me/tokens": {"name": "脚本"},
        "/api/v1/enquiries": {
            "target_kind": "achievement",
            "target_id": ref or world["draft"].pk,
            "purpose": "licence",
            "message": "问",
        },
        "/api/v1/enquiries/introductions": {
            "party_a": org,
            "target_kind": "achievement",
            "target_id": ref or world["draft"].pk,
            "purpose": "licence",
            "note": "引荐",
        },
        "/api/v1/enquiries/brokers": {"user": ref or world["users"]["registered"].pk},
        "/api/v1/evaluations": {
            "achievement_id": ref or world["draft"].pk,
            "purpose": "licensing",
            "deadline": "2030-01-01",
            "confidentiality": "owner",
        },
        "/api/v1/facilities/bookings": {
            "platform": ref or world["platform"].pk,
            "units": 1,
            "start_date": "2030-01-01",
            "end_date": "2030-01-02",
            "purpose": "试验",
        },
        "/api/v1/matching/feedback": {
            "source_kind": "achievement",
            "source_id": ref or world["draft"].pk,
            "target_kind": "achievement",
            "target_id": ref or world["dual"].pk,
            "useful": True,
        },
    }
    watch = {
        "/api/v1/watch/shortlists": {"name": "新收藏夹"},
        "/api/v1/watch/searches": {"q": "钠离子 正极材料"},
        "/api/v1/watch/follows": {"kind": "achievement", "listing_id": ref or world["draft"].pk},
        "/api/v1/watch/shortlists/{shortlist_id}": {"name": "改"},
        "/api/v1/watch/shortlists/{shortlist_id}/items": {
            "kind": "achievement",
            "listing_id": world["dual"].pk,
        },
        "/api/v1/watch/items/{item_id}": {"note": "改"},
        "/api/v1/watch/subscriptions/{subscription_id}": {"is_active": False},
    }
    if path in watch:
        return watch[path]
    if path in bodies:
        return bodies[path]
    if path.endswith("/decision") and "organisations" in path:
        return {"action": "admit", "reason": "理由"}
    if path.endswith("/decision"):
        return {"decision": "keep", "note": "理由"}
    if "/actions/" in path or "/status/" in path:
        return {"reason": "理由"}
    if path.startswith("/api/v1/evaluations/"):
        for end, body in (
            ("/move", {"action": "cancel", "reason": "理由"}),
            ("/seats", {"expert_id": world["expert"].pk}),
            ("/respond", {"accept": True}),
        ):
            if path.endswith(end):
                return body
    if method == "PATCH" and path.startswith("/api/v1/facilities/"):
        return {"name": "改"}
    if path.startswith("/api/v1/enquiries/"):
        for end, body in (
            ("/messages", {"body": "问"}),
            ("/report", {"reason": "理由"}),
            ("/broker", {"broker": None}),
            ("/consent", {"consent": True}),
        ):
            if path.endswith(end):
                return body
    if path.startswith("/api/v1/events/"):
        for end, body in (
            ("/requests", {"recipient": 1}),
            ("/answer", {"accept": True}),
            ("/schedule", {"method": "greedy"}),
        ):
            if path.endswith(end):
                return body
    if method == "PATCH":
        return {"title": "改", "name": "改", "address": "改"}
    return {}


def _query(path: str) -> str:
    # List and search endpoints get the hidden titles as the query, and ask for drafts too.
    if path.endswith("/matching/experts"):
        return "?text=隐秘专家丁"
    if path.endswith("/regions/resolve"):
        return "?kind=region&text=济南"
    return "?q=隐秘&status=draft"


def _call(client: Client, method: str, url: str, body: dict[str, Any]):
    if method == "GET":
        return client.get(url)
    if method == "DELETE":
        return client.delete(url)
    return client.generic(method, url, json.dumps(body, ensure_ascii=False), content_type=JSON)


def _leaks(text: str, role: str) -> list[str]:
    return [name for name in _hidden_from(role) if TITLES.get(name) and TITLES[name] in text]


def _client(world: dict[str, Any], role: str) -> Client:
    client = Client()
    if world["users"][role] is not None:
        client.force_login(world["users"][role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_hides_what_the_role_may_not_see(role):
    world = _world()
    client = _client(world, role)
    hidden = _hidden_from(role)
    checked = 0
    reached: set[tuple[str, str]] = set()
    visible_only: set[tuple[str, str]] = set()
    problems: list[str] = []
    for method, path, _op in _operations():
        names = re.findall(r"{(\w+)}", path)
        id_params = [n for n in names if n in TARGETS]
        assert set(names) <= set(TARGETS) | {"action", "stage"}, f"new path parameter in {path}"
        if "action" not in names:
            actions: list[str | None] = [None]
        elif "enquiries" in path:
            actions = list(ENQUIRY_ACTIONS)
        elif "/pipeline/" in path:
            actions = list(PIPELINE_ACTIONS)
        elif "/facilities/bookings/" in path:
            actions = list(BOOKING_ACTIONS)
        elif "/facilities/" in path:
            actions = list(STATUS_ACTIONS)
        else:
            actions = list(ACTIONS)
        if not id_params:
            url = path + (_query(path) if method == "GET" else "")
            r = _call(client, method, url, _body(method, path, world, None))
            checked += 1
            reached.add((method, path))
            if r.status_code >= 500:
                problems.append(f"{method} {url}: {r.status_code}")
            leaked = _leaks(r.content.decode(), role)
            if leaked:
                problems.append(f"{method} {url} shows {leaked}")
            continue
        param = id_params[0]
        for target in TARGETS[param]:
            if target not in hidden:
                visible_only.add((method, path))
                continue  # visible to this role: not what this test is about
            for action in actions:

                def url_for(
                    pk: int, path: str = path, param: str = param, action: str | None = action
                ) -> str:
                    url = path.replace("{" + param + "}", str(pk)).replace("{stage}", "needs")
                    url = url.replace("{action}", action) if action else url
                    return re.sub(r"{\w+}", "1", url)

                hidden_url = url_for(world[target].pk)
                got = _call(client, method, hidden_url, _body(method, path, world, None))
                missing = _call(client, method, url_for(MISSING), _body(method, path, world, None))
                checked += 1
                reached.add((method, path))
                if got.status_code == 200 or got.status_code >= 500:
                    problems.append(f"{method} {hidden_url} ({target}): {got.status_code}")
                if got.status_code != missing.status_code:
                    problems.append(
                        f"{method} {hidden_url} ({target}): {got.status_code} but "
                        f"{missing.status_code} for an id that does not exist"
                    )
                leaked = _leaks(got.content.decode(), role)
                if leaked:
                    problems.append(f"{method} {hidden_url} shows {leaked}")
    assert not problems, "\n".join(problems)
    # Every operation was reached, unless all it can point at is visible to this role.
    every = {(m, p) for m, p, _ in _operations()}
    assert every - reached <= visible_only, every - reached - visible_only
    print(f"{role}: {len(reached)} operations, {checked} requests (and as many for missing ids)")


@pytest.mark.parametrize("role", ROLES)
def test_body_ids_and_duplicate_check_hide_what_the_role_may_not_see(role):
    world = _world()
    client = _client(world, role)
    hidden = _hidden_from(role)
    problems: list[str] = []
    # Operations naming a record in their body: a hidden one answers like a missing one.
    for path in (
        "/api/v1/achievements",
        "/api/v1/demands",
        "/api/v1/matching/feedback",
        "/api/v1/enquiries",
        "/api/v1/facilities/bookings",
    ):
        ref_target = "org" if path.endswith(("achievements", "demands")) else "draft"
        if path.endswith("/bookings"):
            ref_target = "platform"
        if ref_target not in hidden:
            continue
        got = _call(client, "POST", path, _body("POST", path, world, world[ref_target].pk))
        missing = _call(client, "POST", path, _body("POST", path, world, MISSING))
        if got.status_code == 200 or got.status_code != missing.status_code:
            problems.append(f"POST {path}: {got.status_code} vs {missing.status_code}")
    # The duplicate check with a hidden record's own text names neither its id nor its title.
    for target, kind in (("draft", "achievement"), ("dual", "achievement"), ("demand", "demand")):
        record = world[target]
        data = {"title": record.title, "summary": getattr(record, "summary", "")}
        if kind == "demand":
            data["problem"] = record.problem
        r = client.post("/api/v1/duplicates/check", {"kind": kind, "data": data}, content_type=JSON)
        if role == "anonymous":
            assert r.status_code == 401
            continue
        assert r.status_code == 200, r.content
        suspects = r.json()["suspects"]
        ids = {s["target_id"] for s in suspects}
        if target in hidden:
            if record.pk in ids or record.title in r.content.decode():
                problems.append(f"duplicate check names hidden {target}")
            assert suspects, "a hidden duplicate is still hinted at (without its id)"
        else:
            assert record.pk in ids
    assert not problems, "\n".join(problems)
