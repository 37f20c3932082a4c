"""Load the demo data set into an empty database (embedded mode only).

Organisations, people, experts and demands go through the apps' services, so they carry the
same validation and history as hand-made records. The thousands of real achievements (CSL,
ChinaXiv, NASA spinoffs; see ``data/ATTRIBUTION.md``) take a fast path: one ``bulk_create`` of
``Achievement`` rows plus one ``import`` change record each, with the same field rules the
services enforce (known codes only, price xor negotiable, TRL 1–9, ≤ 20 keywords of ≤ 40
characters). Everything runs in one transaction: a failed load leaves nothing behind.
"""

from __future__ import annotations

import gzip
import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jieli.core.validators import credit_code_check_char
from jieli.core.viewer import Viewer
from jieli.demo.enquiries import demo_enquiries
from jieli.demo.evaluations import demo_evaluations
from jieli.demo.events import demo_events
from jieli.demo.facilities import demo_facilities
from jieli.demo.pipeline import demo_pipeline

DATA_DIR = Path(__file__).resolve().parent / "data"
WORLD_FILE = DATA_DIR / "demo_world.json"
SOURCES = ("csl", "chinaxiv", "nasa")
DEMO_PASSWORD = "jieli-demo-2026"  # noqa: S105 — printed on purpose; embedded demo only
SEED = 20260101
BATCH = 500
RETURN_REASON = "（演示数据）请补充知识产权信息和可量化的技术指标后再提交。"


@dataclass
class DemoSummary:
    loaded: bool
    organisations: int = 0
    users: int = 0
    experts: int = 0
    demands: int = 0
    achievements: int = 0
    achievements_by_status: dict[str, int] = field(default_factory=dict)
    enquiries: int = 0
    evaluations: int = 0
    meetings: int = 0
    facilities: int = 0
    projects: int = 0
    seconds: float = 0.0
    sign_ins: list[tuple[str, str, str]] = field(default_factory=list)
    message: str = ""


class _Out:
    def __init__(self, stdout: TextIO | Any | None) -> None:
        self.stdout = stdout

    def __call__(self, text: str = "") -> None:
        if self.stdout is not None:
            self.stdout.write(text + ("" if text.endswith("\n") else "\n"))


def read_world() -> dict[str, Any]:
    return json.loads(WORLD_FILE.read_text(encoding="utf-8"))


def read_achievements(source: str, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """The records of one shipped source file, in file order (sorted by external ID)."""
    with gzip.open(DATA_DIR / f"achievements_{source}.jsonl.gz", "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit is not None and n >= limit:
                return
            yield json.loads(line)


def credit_code(prefix: str) -> str:
    return prefix + credit_code_check_char(prefix)


def demo_load(*, stdout: TextIO | Any | None = None, limit: int | None = None) -> DemoSummary:
    """Load the demo world when the database has no organisations; otherwise do nothing.

    ``limit`` caps the achievements read from each source (tests use a small number).
    """
    from jieli.organisations.models import Organisation

    out = _Out(stdout)
    if getattr(settings, "PRODUCTION", False):
        out("Production mode: demo data is never loaded.")
        return DemoSummary(loaded=False, message="production")
    if Organisation.objects.exists():
        out("The database already has organisations; demo data was not loaded.")
        return DemoSummary(loaded=False, message="not empty")
    started = time.monotonic()
    with transaction.atomic():
        summary = _load(out, limit=limit)
    summary.seconds = time.monotonic() - started
    out(
        f"Demo data loaded in {summary.seconds:.1f} s: {summary.organisations} organisations, "
        f"{summary.users} users, {summary.experts} experts, {summary.demands} demands, "
        f"{summary.achievements} achievements ("
        + ", ".join(f"{k} {v}" for k, v in sorted(summary.achievements_by_status.items()))
        + f"), {summary.enquiries} enquiries, {summary.evaluations} evaluations, "
        f"{summary.meetings} fair meetings, "
        f"{summary.facilities} facility records, {summary.projects} turnkey projects."
    )
    out("")
    out("Demo sign-ins (demo data only, never use in production):")
    out(f"  {'role':<12} {'user name':<12} password")
    for role, username, password in summary.sign_ins:
        out(f"  {role:<12} {username:<12} {password}")
    return summary


def _load(out: _Out, *, limit: int | None) -> DemoSummary:
    from jieli.organisations.selectors import viewer_for_user

    world = read_world()
    today = timezone.localdate()
    users, sign_ins = _create_users(world["users"])
    staff = viewer_for_user(users["secretariat"])
    orgs = _create_organisations(world["organisations"], staff, today)
    _add_memberships(world["users"], users, orgs, staff)
    experts = _create_experts(world["experts"], world["users"], users, orgs, staff, today)
    demands = _create_demands(world["demands"], users, orgs, staff, today)
    by_status = _import_achievements(world["organisations"], orgs, limit=limit)
    _create_watchlists(users["member"])
    enquiries = demo_enquiries(users, orgs, staff)
    evaluations, panel_sign_ins = demo_evaluations(users, staff, DEMO_PASSWORD)
    meetings = demo_events(users, orgs, staff)
    facilities = demo_facilities(users, orgs, staff)
    projects = demo_pipeline(users, orgs, staff)
    return DemoSummary(
        loaded=True,
        organisations=len(orgs),
        users=len(users),
        experts=experts,
        demands=demands,
        achievements=sum(by_status.values()),
        achievements_by_status=by_status,
        enquiries=enquiries,
        evaluations=evaluations,
        meetings=meetings,
        facilities=facilities,
        projects=projects,
        sign_ins=sign_ins + panel_sign_ins,
    )


def _create_watchlists(user: Any) -> None:
    """The member's shortlist (two demands, two achievements, with notes), a saved search and
    a followed demand, so that "Saved" shows what it does."""
    from jieli.achievements.models import Achievement
    from jieli.demands.models import Demand
    from jieli.organisations.selectors import viewer_for_user
    from jieli.watchlists import services

    viewer = viewer_for_user(user)
    published = {"status": "published", "visibility": "public"}
    demands = list(Demand.objects.filter(title__contains="电池", **published).order_by("pk")[:2])
    achievements = list(
        Achievement.objects.filter(title__contains="电池", **published).order_by("pk")[:2]
    )
    shortlist = services.shortlist_create(viewer=viewer, name="电池项目备选")
    notes = ("（演示）下周约对方技术负责人电话", "（演示）价格需再议", "", "")
    for (kind, listing), note in zip(
        [("demand", d) for d in demands] + [("achievement", a) for a in achievements],
        notes,
        strict=False,
    ):
        services.shortlist_item_add(
            viewer=viewer, kind=kind, object_id=listing.pk, shortlist_id=shortlist.pk, note=note
        )
    services.saved_search_create(
        viewer=viewer, data={"q": "锂电池 低温", "name": "锂电池低温性能（演示）"}
    )
    if demands:
        services.match_subscription_create(viewer=viewer, kind="demand", object_id=demands[0].pk)


# --- people ---------------------------------------------------------------------------------


def _create_users(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    from jieli.organisations.services import secretariat_group, user_register

    user_model = get_user_model()
    users: dict[str, Any] = {}
    sign_ins: list[tuple[str, str, str]] = []
    for row in rows:
        user: Any
        password: str
        existing = user_model.objects.filter(username=row["username"]).first()
        if existing is not None:  # e.g. a superuser made before the first start: keep it
            user, password = existing, "(unchanged)"
        else:
            user = user_register(
                username=row["username"],
                email=row["email"],
                password=DEMO_PASSWORD,
                display_name=row["display_name"],
            )
            password = DEMO_PASSWORD
        if row["role"] == "admin" and not (user.is_superuser and user.is_staff):
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
        if row["role"] == "secretariat":
            user.groups.add(secretariat_group())
        users[row["role"]] = user
        sign_ins.append((row["role"], user.get_username(), password))
    return users, sign_ins


def _add_memberships(
    rows: list[dict[str, Any]], users: dict[str, Any], orgs: dict[str, Any], staff: Viewer
) -> None:
    from jieli.organisations.services import membership_add

    for row in rows:
        if row.get("organisation"):
            membership_add(
                viewer=staff,
                organisation_id=orgs[row["organisation"]].pk,
                username_or_email=row["username"],
                role=row["member_role"],
            )


# --- organisations ----------------------------------------------------------------------------


def _create_organisations(rows: list[dict[str, Any]], staff: Viewer, today: date) -> dict[str, Any]:
    from jieli.organisations.models import MembershipStatus
    from jieli.organisations.services import organisation_create, organisation_decide

    orgs: dict[str, Any] = {}
    for row in rows:
        status = row["membership_status"]
        data = {
            "name": row["name"],
            "name_en": row.get("name_en", ""),
            "org_type": row["org_type"],
            "credit_code": credit_code(row["credit_prefix"]),
            "region": _region_or_none(row.get("region")),
            "address": row.get("address", ""),
            "website": "",
            "description": row.get("description", ""),
        }
        since = row.get("member_since_days")
        org = organisation_create(
            viewer=staff,
            data=data,
            membership_status=(
                MembershipStatus.MEMBER if status == MembershipStatus.SUSPENDED else status
            ),
            tier=row.get("tier", ""),
            member_since=today - timedelta(days=since) if since else None,
            is_demo=True,
        )
        if status == MembershipStatus.SUSPENDED:
            org = organisation_decide(
                viewer=staff,
                organisation_id=org.pk,
                action="suspend",
                reason=row.get("status_reason") or "（演示数据）",
            )
        orgs[row["key"]] = org
    return orgs


def _region_or_none(code: str | None) -> str | None:
    from jieli.regions.models import Region

    if code and Region.objects.filter(code=code, retired_in="").exists():
        return code
    return None


# --- experts ----------------------------------------------------------------------------------


def _create_experts(
    rows: list[dict[str, Any]],
    user_rows: list[dict[str, Any]],
    users: dict[str, Any],
    orgs: dict[str, Any],
    staff: Viewer,
    today: date,
) -> int:
    from jieli.experts.services import expert_affiliation_add, expert_create
    from jieli.regions.models import Discipline, Industry

    linked = {row["expert"]: users[row["role"]] for row in user_rows if "expert" in row}
    disciplines = set(Discipline.objects.filter(retired_in="").values_list("code", flat=True))
    industries = set(Industry.objects.filter(retired_in="").values_list("code", flat=True))
    for n, row in enumerate(rows):
        org = orgs.get(row.get("organisation") or "")
        willingness = set(row.get("willingness") or [])
        data: dict[str, Any] = {
            "name": row["name"],
            "name_en": row.get("name_en", ""),
            "title": row.get("title", ""),
            "organisation": org.pk if org else None,
            "organisation_name": "" if org else "（演示数据）独立专家",
            "industries": [c for c in [row.get("industry")] if c in industries],
            "disciplines": [c for c in [row.get("discipline")] if c in disciplines],
            "keywords": list(dict.fromkeys([*row.get("fields", []), *row.get("keywords", [])])),
            "region": org.region_id if org else None,
            "bio": row.get("bio") or "（演示数据）",
            "willing_to_consult": bool(willingness & {"consulting", "technical_service"}),
            "willing_to_evaluate": n % 3 != 2,
            "email": f"expert{n + 1:02d}@demo.example.com",
            "is_public": True,
            "source": "demo",
            "external_id": f"demo-expert-{n + 1:02d}",
        }
        if n in linked:
            data["user"] = linked[n].pk
        expert = expert_create(viewer=staff, data=data)
        for aff in row.get("affiliations", []):
            aff_org = orgs.get(aff.get("organisation") or "")
            expert_affiliation_add(
                viewer=staff,
                expert_id=expert.pk,
                data={
                    "organisation": aff_org.pk if aff_org else None,
                    "organisation_name": aff.get("organisation_name", ""),
                    "relation": aff["relation"],
                    "start_date": today - timedelta(days=aff["start_days"]),
                    "end_date": (
                        today - timedelta(days=aff["end_days"]) if aff.get("end_days") else None
                    ),
                },
            )
    return len(rows)


# --- demands ----------------------------------------------------------------------------------


def _create_demands(
    rows: list[dict[str, Any]],
    users: dict[str, Any],
    orgs: dict[str, Any],
    staff: Viewer,
    today: date,
) -> int:
    from jieli.demands.services import demand_create, demand_transition
    from jieli.organisations.selectors import viewer_for_user
    from jieli.regions.models import Industry

    member = viewer_for_user(users["member"])
    industries = set(Industry.objects.filter(retired_in="").values_list("code", flat=True))
    for n, row in enumerate(rows):
        owner = orgs[row["owner"]]
        # The enterprise member posts their own company's demands; the secretariat the rest.
        author = member if member.belongs_to(owner.pk) else staff
        negotiable = bool(row.get("budget_negotiable"))
        data: dict[str, Any] = {
            "owner": owner.pk,
            "title": row["title"],
            "problem": row["problem"],
            "target_indicators": row.get("target_indicators", ""),
            "existing_base": row.get("existing_base", ""),
            "industry": row.get("industry") if row.get("industry") in industries else None,
            "region": _region_or_none(row.get("region")) or owner.region_id,
            "cooperation_modes": row.get("cooperation_modes", []),
            "budget_min_wan": None if negotiable else row.get("budget_min_wan"),
            "budget_max_wan": None if negotiable else row.get("budget_max_wan"),
            "budget_negotiable": negotiable,
            "deadline": today + timedelta(days=int(row.get("deadline_days", 90))),
            "keywords": row.get("keywords", []),
            "contact_name": row.get("contact_name", ""),
            "contact_email": f"demand{n + 1:02d}@demo.example.com",
            "visibility": "public",
        }
        if author.is_staff_role:
            data.update(source="demo", external_id=f"demo-demand-{n + 1:02d}")
        demand = demand_create(viewer=author, data=data)
        if row.get("status") in ("submitted", "published"):
            demand_transition(viewer=author, pk=demand.pk, action="submit")
        if row.get("status") == "published":
            demand_transition(viewer=staff, pk=demand.pk, action="publish")
    return len(rows)


# --- achievements: the fast path ----------------------------------------------------------------

_MATURITY_TRL = {"research": (1, 3), "lab": (3, 5), "pilot": (5, 7), "mass": (7, 9)}
_TRANSFER_MODES = ("licence", "assignment", "joint", "service", "equity", "other")
_TRANSFER_WEIGHTS = (30, 25, 20, 15, 8, 2)
_STATUS_WEIGHTS = (
    ("published", 90),
    ("submitted", 4),
    ("draft", 3),
    ("returned", 2),
    ("archived", 1),
)
_VISIBILITY_WEIGHTS = (("public", 85), ("members", 12), ("private", 3))


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _w in weighted], weights=[w for _k, w in weighted])[0]


def _owners(rows: list[dict[str, Any]], orgs: dict[str, Any]) -> list[Any]:
    """Owner organisations repeated by their share, for a deterministic spread."""
    out = []
    for row in rows:
        out.extend([orgs[row["key"]]] * int(row.get("achievement_share") or 0))
    return out


def _import_achievements(
    org_rows: list[dict[str, Any]], orgs: dict[str, Any], *, limit: int | None
) -> dict[str, int]:
    from jieli.achievements.models import MAX_KEYWORD_LENGTH, MAX_KEYWORDS, Achievement
    from jieli.core.models import ChangeRecord
    from jieli.regions.models import Discipline, Industry

    rng = random.Random(SEED)
    now = timezone.now()
    reconfirm_days = 30 * settings.JIELI_RECONFIRM_MONTHS
    disciplines = set(Discipline.objects.filter(retired_in="").values_list("code", flat=True))
    industries = set(Industry.objects.filter(retired_in="").values_list("code", flat=True))
    owners = _owners(org_rows, orgs)
    content_type = ContentType.objects.get_for_model(Achievement)
    by_status: dict[str, int] = {}
    rows: list[Achievement] = []
    for source in SOURCES:
        for n, rec in enumerate(read_achievements(source, limit)):
            owner = owners[(n * 7 + len(rows)) % len(owners)]
            status = _pick(rng, _STATUS_WEIGHTS)
            visibility = _pick(rng, _VISIBILITY_WEIGHTS)
            if source == "nasa":  # spinoffs are products on the market
                maturity = rng.choices(("pilot", "mass"), weights=(35, 65))[0]
            else:
                maturity = rng.choices(
                    ("research", "lab", "pilot", "mass"), weights=(35, 30, 25, 10)
                )[0]
            low, high = _MATURITY_TRL[maturity]
            modes = sorted(
                set(
                    rng.choices(_TRANSFER_MODES, weights=_TRANSFER_WEIGHTS, k=rng.choice((1, 1, 2)))
                ),
                key=_TRANSFER_MODES.index,
            )
            negotiable = rng.random() < 0.4
            price = None
            if not negotiable:
                scale = {"research": 10, "lab": 30, "pilot": 80, "mass": 200}[maturity]
                price = Decimal(max(1, round(scale * rng.lognormvariate(0, 0.8))))
            created = now - timedelta(days=rng.randint(20, 540), minutes=rng.randint(0, 1439))
            keywords = [k for k in rec.get("keywords", []) if len(k) <= MAX_KEYWORD_LENGTH]
            achievement = Achievement(
                owner=owner,
                source=rec["source"],
                external_id=rec["external_id"],
                title=rec["title"][:200],
                summary=rec["summary"][:2000],
                detail=rec["detail"][:20000],
                industry_id=rec["industry"] if rec["industry"] in industries else None,
                discipline_id=rec["discipline"] if rec["discipline"] in disciplines else None,
                region_id=owner.region_id,
                keywords=keywords[:MAX_KEYWORDS],
                trl=rng.randint(low, high),
                maturity=maturity,
                transfer_modes=modes,
                price_wan=price,
                price_negotiable=negotiable,
                dual_use=rec["discipline"] == "E05" and rng.random() < 0.05,
                status=status,
                visibility=visibility,
            )
            _set_dates(achievement, rng, status, created, now, reconfirm_days)
            rows.append(achievement)
            by_status[status] = by_status.get(status, 0) + 1
    for start in range(0, len(rows), BATCH):
        batch = Achievement.objects.bulk_create(rows[start : start + BATCH])
        ChangeRecord.objects.bulk_create(
            ChangeRecord(
                content_type=content_type,
                object_id=a.pk,
                actor=None,
                action="import",
                changes={
                    "source": [None, a.source],
                    "external_id": [None, a.external_id],
                    "title": [None, a.title],
                    "status": [None, a.status],
                    "visibility": [None, a.visibility],
                    "owner": [None, str(a.owner_id)],
                },
                reason="（演示数据）",
            )
            for a in batch
        )
    # created_at is set to "now" by bulk_create; date submitted records back to submission.
    Achievement.objects.filter(submitted_at__isnull=False).update(created_at=F("submitted_at"))
    return by_status


def _set_dates(
    achievement: Any,
    rng: random.Random,
    status: str,
    created: datetime,
    now: datetime,
    reconfirm_days: int,
) -> None:
    if status in ("submitted", "returned", "published", "archived"):
        achievement.submitted_at = created + timedelta(days=rng.randint(0, 5))
    if status in ("published", "archived"):
        achievement.published_at = min(
            achievement.submitted_at + timedelta(days=rng.randint(1, 7)), now
        )
        # Published now, for the demo; a few are overdue for re-confirmation.
        achievement.confirmed_at = now
        if rng.random() < 0.01:
            achievement.confirmed_at = now - timedelta(days=reconfirm_days + rng.randint(1, 60))
    if status == "returned":
        achievement.return_reason = RETURN_REASON
    if status == "archived":
        achievement.archived_at = now
