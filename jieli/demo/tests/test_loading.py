from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from jieli.achievements.models import Achievement
from jieli.achievements.selectors import visible_achievements
from jieli.core.listing import ListingStatus, Visibility
from jieli.core.models import ChangeRecord
from jieli.core.validators import is_valid_credit_code
from jieli.core.viewer import ANONYMOUS
from jieli.demands.models import Demand
from jieli.demo.loading import DEMO_PASSWORD, SOURCES, demo_load, read_achievements
from jieli.experts.models import Expert
from jieli.organisations.models import MembershipStatus, Organisation, OrganisationType
from jieli.organisations.selectors import viewer_for_user
from jieli.organisations.tests.factories import OrganisationFactory
from jieli.regions.models import Discipline, Industry

pytestmark = pytest.mark.django_db

LIMIT = 40  # achievements per source: enough for every status, fast enough for a unit test
ZHIBEI = Path("/work/shared/data/zhibei")


@pytest.fixture
def loaded():
    return demo_load(limit=LIMIT)


def test_load_creates_every_organisation_type_all_flagged_demo(loaded):
    assert loaded.loaded
    orgs = Organisation.objects.all()
    assert {o.org_type for o in orgs} == set(OrganisationType.values)
    assert all(o.is_demo and "演示" in o.name for o in orgs)
    assert all(is_valid_credit_code(o.credit_code) for o in orgs)
    assert all(o.region_id and len(o.region_id) == 6 for o in orgs)
    statuses = {o.membership_status for o in orgs}
    assert {
        MembershipStatus.APPLYING,
        MembershipStatus.SUSPENDED,
        MembershipStatus.MEMBER,
    } <= statuses


def test_load_creates_one_user_per_role_with_the_right_viewer(loaded):
    everyone = get_user_model().objects.all()
    # The fair's extra participants (demo/events.py) cannot sign in.
    assert all(not u.has_usable_password() for u in everyone if u.username.startswith("fair_"))
    users = {u.username: u for u in everyone if not u.username.startswith("fair_")}
    assert set(users) == {
        "admin",
        "secretariat",
        "orgadmin",
        "member",
        "expert",
        "user",
        "broker",
        "panel1",
        "panel2",
        "panel3",  # the demo evaluation panel (demo/evaluations.py)
    }
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())
    admin = viewer_for_user(users["admin"])
    assert admin.is_platform_admin and users["admin"].is_staff
    assert viewer_for_user(users["secretariat"]).is_secretariat
    orgadmin = viewer_for_user(users["orgadmin"])
    (uni_id,) = orgadmin.admin_organisation_ids
    assert Organisation.objects.get(pk=uni_id).org_type == OrganisationType.UNIVERSITY
    member = viewer_for_user(users["member"])
    (company_id,) = member.organisation_ids
    assert not member.admin_organisation_ids and member.is_alliance_member
    assert Organisation.objects.get(pk=company_id).org_type == OrganisationType.ENTERPRISE
    expert = viewer_for_user(users["expert"])
    assert expert.is_expert and not expert.organisation_ids
    assert viewer_for_user(users["user"]).role_names == ["registered"]
    assert loaded.sign_ins == [
        (r, r, DEMO_PASSWORD)
        for r in ("admin", "secretariat", "orgadmin", "member", "expert", "user", "broker")
    ] + [("panel", f"panel{n}", DEMO_PASSWORD) for n in (1, 2, 3)]


def test_published_achievements_are_visible_to_anonymous_and_the_rest_are_not(loaded):
    total = Achievement.objects.count()
    assert total == LIMIT * len(SOURCES) == loaded.achievements
    visible = visible_achievements(ANONYMOUS)
    assert visible.count() > total * 0.6
    assert set(visible.values_list("status", flat=True)) == {ListingStatus.PUBLISHED}
    assert set(visible.values_list("visibility", flat=True)) == {Visibility.PUBLIC}
    assert set(Achievement.objects.values_list("source", flat=True)) == set(SOURCES)
    owner_types = set(Achievement.objects.values_list("owner__org_type", flat=True))
    assert owner_types == {OrganisationType.UNIVERSITY, OrganisationType.RESEARCH_INSTITUTE}
    # The review queue and workspaces have content too.
    assert Achievement.objects.filter(status=ListingStatus.SUBMITTED).exists()
    assert Achievement.objects.exclude(visibility=Visibility.PUBLIC).exists()
    returned = Achievement.objects.filter(status=ListingStatus.RETURNED)
    assert all(a.return_reason for a in returned)


def test_every_imported_achievement_has_one_import_record(loaded):
    ids = set(Achievement.objects.values_list("pk", flat=True))
    records = ChangeRecord.objects.filter(action="import")
    assert sorted(records.values_list("object_id", flat=True)) == sorted(ids)
    assert not records.exclude(actor=None).exists()


def test_achievements_obey_the_price_and_trl_rules(loaded):
    for a in Achievement.objects.all():
        assert (a.price_wan is None) == a.price_negotiable
        assert 1 <= a.trl <= 9 and a.maturity
        assert a.transfer_modes and a.summary and a.detail
        assert a.published_at is not None or a.status != ListingStatus.PUBLISHED


def test_demands_and_experts_are_demo_labelled(loaded):
    demands = Demand.objects.all()
    assert demands.count() == loaded.demands == 38
    assert demands.filter(status=ListingStatus.PUBLISHED).count() >= 20
    assert demands.filter(status=ListingStatus.SUBMITTED).exists()
    assert all(d.deadline and d.cooperation_modes for d in demands)
    experts = Expert.objects.all()
    assert experts.count() == loaded.experts == 30
    assert all("演示" in e.name and "（演示数据）" in e.bio for e in experts)
    assert experts.filter(user__username="expert", is_active=True).exists()
    assert experts.filter(affiliations__isnull=False).exists()


def test_second_load_does_nothing(loaded):
    counts = (Organisation.objects.count(), Achievement.objects.count(), Demand.objects.count())
    out = io.StringIO()
    again = demo_load(stdout=out, limit=LIMIT)
    assert not again.loaded
    assert "not loaded" in out.getvalue()
    assert counts == (
        Organisation.objects.count(),
        Achievement.objects.count(),
        Demand.objects.count(),
    )


def test_database_with_a_real_organisation_is_left_alone():
    OrganisationFactory()
    assert not demo_load(limit=LIMIT).loaded
    assert not get_user_model().objects.exists()
    assert not Achievement.objects.exists()


def test_production_mode_never_loads(settings):
    settings.PRODUCTION = True
    assert not demo_load(limit=LIMIT).loaded
    assert not Organisation.objects.exists()


def test_command_loads_and_prints_the_sign_ins():
    out = io.StringIO()
    call_command("jieli_demo", "load", "--limit", "5", stdout=out)
    text = out.getvalue()
    for role in ("admin", "secretariat", "orgadmin", "member", "expert", "user"):
        assert f"  {role:<12} {role:<12} {DEMO_PASSWORD}" in text
    assert Achievement.objects.count() == 5 * len(SOURCES)


def test_shipped_records_use_existing_codes():
    disciplines = set(Discipline.objects.values_list("code", flat=True))
    industries = set(Industry.objects.values_list("code", flat=True))
    seen = 0
    for source in SOURCES:
        for rec in read_achievements(source):
            seen += 1
            assert rec["source"] == source and rec["external_id"] and rec["title"]
            assert len(rec["summary"]) <= 300 and len(rec["detail"]) >= 60
            assert not rec["discipline"] or rec["discipline"] in disciplines
            assert not rec["industry"] or rec["industry"] in industries
            assert "<span" not in rec["detail"] and "&apos;" not in rec["detail"]
    assert seen > 4000


@pytest.mark.skipif(not ZHIBEI.exists(), reason="the Zhibei reference data is not available")
def test_no_zhibei_text_is_shipped():
    names = set()
    for name in ("achievements_dev.json", "demands.json"):
        for row in json.loads((ZHIBEI / name).read_text(encoding="utf-8")):
            if len(row.get("name") or "") >= 8:
                names.add(row["name"].strip())
    shipped = {rec["title"] for source in SOURCES for rec in read_achievements(source)}
    world = (Path(__file__).resolve().parents[1] / "data" / "demo_world.json").read_text(
        encoding="utf-8"
    )
    assert not names & shipped
    assert not [n for n in names if n in world]


def test_demo_organisations_and_experts_have_english_names(loaded):
    from django.utils import translation

    from jieli.organisations.models import Organisation

    org = Organisation.objects.exclude(name_en="").first()
    assert org is not None and Organisation.objects.filter(name_en="").count() == 0
    assert Expert.objects.filter(name_en="").count() == 0
    with translation.override("en"):
        assert org.display_name == org.name_en
    with translation.override("zh-hans"):
        assert org.display_name == org.name


def test_the_member_has_a_shortlist_a_saved_search_and_a_followed_demand(loaded):
    from jieli.organisations.selectors import viewer_for_user
    from jieli.watchlists import selectors as watch

    member = get_user_model().objects.get(username="member")
    viewer = viewer_for_user(member)
    [shortlist] = watch.visible_shortlists(viewer)
    assert watch.shortlist_items(viewer, shortlist).count() >= 2
    assert sorted(watch.visible_subscriptions(viewer).values_list("type", flat=True)) == [
        "matches",
        "search",
    ]


def test_demo_enquiries_show_every_part(loaded):
    from jieli.enquiries.models import Broker, Enquiry, Introduction
    from jieli.enquiries.selectors import broker_leads, dropped_batons

    users = {u.username: u for u in get_user_model().objects.all()}
    assert loaded.enquiries == Enquiry.objects.count() == 3
    assert Broker.objects.get().user == users["broker"]
    stages = sorted(Enquiry.objects.values_list("stage", flat=True))
    assert stages == ["discussion", "intention", "new"]
    assert sorted(Introduction.objects.values_list("status", flat=True)) == [
        "connected",
        "proposed",
    ]
    leads, introductions = broker_leads(viewer_for_user(users["broker"]))
    assert leads.count() == 2 and introductions.count() == 2
    assert dropped_batons(viewer_for_user(users["secretariat"])).count() == 1


def test_demo_evaluations_issue_reports_on_real_demo_achievements(loaded):
    from jieli.evaluations.models import Evaluation, EvaluationReport, Stage

    assert loaded.evaluations >= 2
    reports = list(EvaluationReport.objects.order_by("pk"))
    assert len(reports) >= 2
    first = reports[0].snapshot
    assert first["agreement"]["raters"] == 3
    assert set(first["valuations"]) == {"income", "cost", "market"}
    assert first["valuations"]["income"]["result"]["monte_carlo"]["draws"] == 100_000
    assert Evaluation.objects.filter(stage=Stage.SCORING).exists()


def test_load_creates_a_finished_fair_with_schedule_and_outcomes_and_an_open_one(loaded):
    from jieli.events.models import Event, Meeting
    from jieli.events.selectors import event_report

    finished, upcoming = Event.objects.order_by("created_at")
    assert finished.status == "closed" and upcoming.status == "open"
    assert Meeting.objects.filter(event=finished).exclude(starts_at=None).count() >= 5
    report = event_report(finished)
    assert sum(n for _label, n in report.outcomes) >= 3 and report.requests["declined"] >= 1
    assert upcoming.registrations.count() >= 2 and upcoming.requests.count() == 1


def test_demo_facilities_show_every_part(loaded):
    from jieli.facilities.models import Booking, BookingStatus, Cluster, PilotPlatform, Zone
    from jieli.facilities.selectors import clusters_in_region, zones_in_region

    assert loaded.facilities == (
        PilotPlatform.objects.count() + Zone.objects.count() + Cluster.objects.count() + 6
    )
    assert PilotPlatform.objects.filter(status="published").count() >= 4
    assert {z.region_id for z in zones_in_region(ANONYMOUS, "1308")} == {"1308"}
    assert zones_in_region(ANONYMOUS, "3710").exists()  # Weihai
    assert clusters_in_region(ANONYMOUS, "13").exists()  # Hebei: Chengde
    assert set(Booking.objects.values_list("status", flat=True)) == set(BookingStatus.values)


def test_demo_projects_show_the_relay_and_its_dropped_batons(loaded):
    from jieli.pipeline.models import Project, ProjectStage
    from jieli.pipeline.reminders import batons_remind, outcomes_followup
    from jieli.pipeline.selectors import baton_kinds, dropped_batons

    assert loaded.projects == Project.objects.count() >= 12
    staff = viewer_for_user(get_user_model().objects.get(username="secretariat"))
    batons = list(dropped_batons(staff))
    kinds = {k for s in batons for k, _since in baton_kinds(s, timezone.now())}
    assert kinds == {"overdue", "handoff", "no_owner"}
    current = set(
        ProjectStage.objects.filter(status__in=["active", "ready"]).values_list("key", flat=True)
    )
    assert len(current) >= 5  # projects at many different stages
    assert Project.objects.filter(status="closed").count() == 1
    assert Project.objects.exclude(zone=None).count() == 2
    assert ProjectStage.objects.filter(status="skipped").exists()
    assert batons_remind() > 0 and outcomes_followup() == 1
