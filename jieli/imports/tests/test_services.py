"""The import run: mapping, resolution, modes, idempotent re-import, history, injection."""

from __future__ import annotations

import csv
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jieli.achievements.models import Achievement
from jieli.core.errors import PermissionDenied
from jieli.core.history import history_for
from jieli.core.models import ChangeRecord
from jieli.imports.engine import Options, run_import
from jieli.imports.mapping import ERROR_COLUMN
from jieli.imports.tests.helpers import HEADER, achievement_rows, write_csv
from jieli.organisations.tests.factories import OrganisationFactory, viewer_of

pytestmark = pytest.mark.django_db


def _run(viewer, path, owner=None, kind="achievements", **kwargs):
    return run_import(
        viewer=viewer,
        path=path,
        options=Options(kind=kind, owner_id=owner.pk if owner else None, **kwargs),
    )


def test_headers_map_and_values_resolve_to_codes(tmp_path, staff_viewer, owner_org):
    path = write_csv(tmp_path / "a.csv", HEADER, achievement_rows(1))
    result = _run(staff_viewer, path, owner_org)
    assert result.ignored_columns == []
    a = Achievement.objects.get(external_id="A1")
    assert a.region_id is not None and a.region_id.startswith("3710")
    assert a.industry_id == "38"
    assert a.maturity == "pilot"
    assert a.transfer_modes == ["assignment", "licence"]
    assert str(a.price_wan) == "50.00" and not a.price_negotiable
    assert [(r.number, r.ip_type) for r in a.ip_records.all()] == [
        ("ZL202110123451.7", "invention")
    ]
    assert a.keywords == ["电池", "材料"]
    assert a.status == "draft"
    assert a.source == "import"


def test_english_headers_and_negotiable_price(tmp_path, staff_viewer, owner_org):
    header = ["ID", "Title", "Summary", "Region", "Industry", "Maturity", "Price", "TRL"]
    rows = [["E1", "Solar glass", "abc", "370100", "C", "量产", "面议", "TRL 6"]]
    _run(staff_viewer, write_csv(tmp_path / "a.csv", header, rows), owner_org)
    a = Achievement.objects.get(external_id="E1")
    assert (a.maturity, a.price_negotiable, a.price_wan, a.trl, a.industry_id) == (
        "mass",
        True,
        None,
        6,
        "C",
    )


def test_mapping_file_maps_unusual_headers(tmp_path, staff, owner_org):
    header = ["项目代号", "名目", "地点"]
    path = write_csv(tmp_path / "a.csv", header, [["M1", "自定义标题", "济南市"]])
    mapping = tmp_path / "map.json"
    mapping.write_text(
        json.dumps(
            {"项目代号": "external_id", "名目": "title", "地点": "region"}, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    call_command(
        "jieli_import",
        "achievements",
        str(path),
        "--as",
        staff.username,
        "--owner",
        str(owner_org.pk),
        "--mapping",
        str(mapping),
        "--no-progress",
    )
    a = Achievement.objects.get(external_id="M1")
    assert a.title == "自定义标题"
    assert a.region_id is not None and a.region_id.startswith("3701")


def test_mapping_to_an_unknown_field_is_an_error(tmp_path, staff, owner_org):
    path = write_csv(tmp_path / "a.csv", HEADER, achievement_rows(1))
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"成果名称": "no_such_field"}), encoding="utf-8")
    with pytest.raises(CommandError, match="no_such_field"):
        call_command(
            "jieli_import",
            "achievements",
            str(path),
            "--as",
            staff.username,
            "--owner",
            str(owner_org.pk),
            "--mapping",
            str(mapping),
            "--no-progress",
        )
    assert Achievement.objects.count() == 0


def test_unresolved_values_are_reported_per_row(tmp_path, staff_viewer, owner_org):
    rows = achievement_rows(3)
    rows[1][3] = "火星省奥林匹斯市"
    rows[2][4] = "完全不存在的行业分类"
    rows[2][5] = "不清楚"
    result = _run(
        staff_viewer,
        write_csv(tmp_path / "a.csv", HEADER, rows),
        owner_org,
        mode="valid-rows",
        rejected_out=str(tmp_path / "rej.csv"),
    )
    assert result.created == 1 and result.rejected == 2
    problems = {(e["row"], e["column"]) for e in result.errors}
    assert (3, "所在地区") in problems
    assert (4, "技术领域") in problems
    assert (4, "成熟度") in problems
    region_error = next(e for e in result.errors if e["row"] == 3)
    assert region_error["value"] == "火星省奥林匹斯市"
    assert region_error["reason"]


def test_all_or_nothing_writes_nothing_when_one_row_is_bad(tmp_path, staff_viewer, owner_org):
    rows = achievement_rows(5)
    rows[3][1] = ""  # title missing
    result = _run(staff_viewer, write_csv(tmp_path / "a.csv", HEADER, rows), owner_org)
    assert result.rejected == 1 and result.created == 0 and not result.written
    assert result.errors[0]["row"] == 5
    assert Achievement.objects.count() == 0
    assert ChangeRecord.objects.count() == 0


def test_all_or_nothing_rolls_back_when_a_service_rejects_a_row(tmp_path, staff_viewer, owner_org):
    rows = achievement_rows(4)
    rows[2][1] = "长" * 250  # over the title limit: only the service's validation sees it
    result = _run(staff_viewer, write_csv(tmp_path / "a.csv", HEADER, rows), owner_org)
    assert result.rejected == 1
    assert result.errors[0]["row"] == 4 and result.errors[0]["column"] == "成果名称"
    assert Achievement.objects.count() == 0
    assert ChangeRecord.objects.count() == 0


def test_valid_rows_writes_the_good_rows_and_a_fixable_rejected_file(
    tmp_path, staff_viewer, owner_org
):
    rows = achievement_rows(4)
    rows[1][6] = "-3"  # negative price
    rows[3][3] = "不存在的地方"
    rejected = tmp_path / "rejected.csv"
    result = _run(
        staff_viewer,
        write_csv(tmp_path / "a.csv", HEADER, rows),
        owner_org,
        mode="valid-rows",
        rejected_out=str(rejected),
    )
    assert (result.created, result.rejected) == (2, 2)
    raw = rejected.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(rejected, encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == [*HEADER, ERROR_COLUMN]
    assert [r[0] for r in table[1:]] == ["A2", "A4"]
    assert all(r[-1] for r in table[1:])
    # Fix the rows and import the rejected file itself.
    for r in table[1:]:
        r[6], r[3] = "30", "山东省济南市"
    with open(rejected, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(table)
    again = _run(staff_viewer, rejected, owner_org, mode="valid-rows")
    assert (again.created, again.rejected) == (2, 0)
    assert Achievement.objects.count() == 4


def test_reimport_is_idempotent_and_records_history_with_the_importer(tmp_path, staff, owner_org):
    viewer = viewer_of(staff)
    path = write_csv(tmp_path / "a.csv", HEADER, achievement_rows(3))
    first = _run(viewer, path, owner_org)
    assert first.created == 3
    a2 = Achievement.objects.get(external_id="A2")
    assert [h.action for h in history_for(a2)] == ["import"]
    updated_at = {a.pk: a.updated_at for a in Achievement.objects.all()}
    history_before = ChangeRecord.objects.count()

    rows = achievement_rows(3)
    rows[1][2] = "新的摘要"
    rows[1][8] = "ZL202110123452.7; ZL202120999999.1"
    second = _run(viewer, write_csv(tmp_path / "b.csv", HEADER, rows), owner_org)
    assert (second.created, second.updated, second.unchanged) == (0, 1, 2)
    assert Achievement.objects.count() == 3
    assert ChangeRecord.objects.count() == history_before + 1
    a2.refresh_from_db()
    assert a2.summary == "新的摘要"
    assert sorted(a2.ip_records.values_list("ip_type", flat=True)) == ["invention", "utility"]
    entry = history_for(a2).first()
    assert entry is not None
    assert (entry.action, entry.actor_id) == ("import", staff.pk)
    assert entry.changes["summary"] == ["摘要2", "新的摘要"]
    for a in Achievement.objects.exclude(pk=a2.pk):
        assert a.updated_at == updated_at[a.pk]  # unchanged rows are untouched


def test_repeated_external_id_in_one_file_is_rejected(tmp_path, staff_viewer, owner_org):
    rows = achievement_rows(2)
    rows[1][0] = "A1"
    result = _run(staff_viewer, write_csv(tmp_path / "a.csv", HEADER, rows), owner_org)
    assert result.rejected == 1 and "row 2" in result.errors[0]["reason"]
    assert Achievement.objects.count() == 0


def test_publish_flag_publishes_new_records(tmp_path, staff_viewer, owner_org):
    _run(
        staff_viewer,
        write_csv(tmp_path / "a.csv", HEADER, achievement_rows(1)),
        owner_org,
        publish=True,
    )
    a = Achievement.objects.get()
    assert a.status == "published" and a.confirmed_at is not None


def test_formula_cells_are_stored_as_text_and_flagged(tmp_path, staff_viewer, owner_org):
    rows = achievement_rows(2)
    rows[0][1] = "=cmd|' /C calc'!A0"
    rows[1][2] = "@SUM(A1:A2)"
    rejected = tmp_path / "rej.csv"
    rows_bad = [*rows, ["A9", "+1+cmd", "", "无此地区", "", "", "", "", "", ""]]
    result = _run(
        staff_viewer,
        write_csv(tmp_path / "a.csv", HEADER, rows_bad),
        owner_org,
        mode="valid-rows",
        rejected_out=str(rejected),
    )
    assert result.created == 2
    assert Achievement.objects.get(external_id="A1").title == "=cmd|' /C calc'!A0"
    flagged = {(w["row"], w["column"]) for w in result.warnings}
    assert {(2, "成果名称"), (3, "成果简介"), (4, "成果名称")} <= flagged
    assert all(not w["value"].startswith(("=", "+", "@")) for w in result.warnings)
    text = rejected.read_text(encoding="utf-8-sig")
    assert "'+1+cmd" in text and ",+1+cmd" not in text


def test_organisation_admin_imports_only_into_own_organisation(tmp_path, owner_org, org_admin):
    viewer = viewer_of(org_admin)
    other = OrganisationFactory(name="别家单位")
    path = write_csv(tmp_path / "a.csv", HEADER, achievement_rows(1))
    with pytest.raises(PermissionDenied):
        _run(viewer, path, other)
    result = _run(viewer, path)  # defaults to the one organisation they administer
    assert result.created == 1
    a = Achievement.objects.get()
    assert a.owner_id == owner_org.pk
    assert (a.source, a.external_id) == ("import", "A1")
    header = [*HEADER, "第一完成单位"]
    rows = [[*achievement_rows(1, start=5)[0], "别家单位"]]
    result = _run(viewer, write_csv(tmp_path / "b.csv", header, rows))
    assert result.rejected == 1 and result.errors[0]["column"] == "第一完成单位"
    with pytest.raises(PermissionDenied):
        _run(viewer, path, owner_org, kind="organisations")


def test_owner_column_resolves_organisations_by_name(tmp_path, staff_viewer, owner_org):
    header = [*HEADER, "第一完成单位"]
    rows = [[*achievement_rows(1)[0], "威海研究院"]]
    _run(staff_viewer, write_csv(tmp_path / "a.csv", header, rows))
    assert Achievement.objects.get().owner_id == owner_org.pk


def test_dry_run_reports_but_saves_nothing(tmp_path, staff_viewer, owner_org):
    result = _run(
        staff_viewer,
        write_csv(tmp_path / "a.csv", HEADER, achievement_rows(3)),
        owner_org,
        dry_run=True,
    )
    assert result.created == 3 and not result.written
    assert Achievement.objects.count() == 0 and ChangeRecord.objects.count() == 0


def test_command_exits_nonzero_when_rows_are_rejected(tmp_path, staff, owner_org):
    rows = achievement_rows(2)
    rows[0][1] = ""
    path = write_csv(tmp_path / "a.csv", HEADER, rows)
    with pytest.raises(CommandError) as info:
        call_command(
            "jieli_import",
            "achievements",
            str(path),
            "--as",
            staff.username,
            "--owner",
            str(owner_org.pk),
            "--no-progress",
        )
    assert info.value.returncode == 1
    assert Achievement.objects.count() == 0


def test_demands_import_with_budget_range_and_modes(tmp_path, staff_viewer, owner_org):
    from jieli.demands.models import Demand

    header = ["编号", "需求名称", "需求描述", "预算", "合作方式", "截止日期", "联系人", "所在地区"]
    deadline = (timezone.localdate() + timedelta(days=30)).isoformat()
    rows = [
        [
            "D1",
            "求高效电机",
            "需要提升效率",
            "50-100万元",
            "委托开发、技术咨询",
            deadline,
            "王工",
            "威海市",
        ],
        ["D2", "求新材料", "耐高温", "面议", "合作开发", "", "", ""],
    ]
    result = _run(
        staff_viewer, write_csv(tmp_path / "d.csv", header, rows), owner_org, kind="demands"
    )
    assert result.created == 2, result.errors
    d1 = Demand.objects.get(external_id="D1")
    assert (str(d1.budget_min_wan), str(d1.budget_max_wan)) == ("50.00", "100.00")
    assert d1.cooperation_modes == ["commissioned_development", "consulting"]
    assert d1.contact_name == "王工"
    assert Demand.objects.get(external_id="D2").budget_negotiable is True


def test_organisations_import_for_the_secretariat(tmp_path, staff_viewer):
    from jieli.organisations.models import Organisation

    header = ["单位名称", "单位类型", "统一社会信用代码", "所在地区", "外部编号"]
    rows = [["山东某大学", "高校", "", "370102", "O1"], ["某某科技有限公司", "公司", "", "", "O2"]]
    result = _run(staff_viewer, write_csv(tmp_path / "o.csv", header, rows), kind="organisations")
    assert result.created == 2, result.errors
    org = Organisation.objects.get(external_id="O1")
    assert (org.org_type, org.source) == ("university", "import")
    again = _run(staff_viewer, write_csv(tmp_path / "o.csv", header, rows), kind="organisations")
    assert again.unchanged == 2


def test_experts_import_for_the_secretariat(tmp_path, staff_viewer, owner_org):
    from jieli.experts.models import Expert

    header = ["姓名", "工作单位", "职称", "行业", "学科", "愿意咨询", "邮箱", "外部编号"]
    rows = [
        ["张三", "威海研究院", "研究员", "C38; C", "F01", "是", "z@example.com", "X1"],
        ["李四", "外单位", "教授", "", "", "否", "", "X2"],
    ]
    result = _run(staff_viewer, write_csv(tmp_path / "x.csv", header, rows), kind="experts")
    assert result.created == 2, result.errors
    zhang = Expert.objects.get(external_id="X1")
    assert zhang.organisation_id == owner_org.pk and zhang.willing_to_consult
    assert sorted(zhang.industries.values_list("code", flat=True)) == ["38", "C"]
    assert Expert.objects.get(external_id="X2").organisation_name == "外单位"


def test_suspected_duplicates_are_reported_queued_and_not_blocking(
    tmp_path, staff_viewer, owner_org
):
    """Real detector: a row repeating an existing record, and a row repeating an earlier row
    of the same file (same batch), are both reported and put in the review queue."""
    from jieli.achievements.services import achievement_create
    from jieli.duplicates.models import DuplicateCase

    text = "本发明公开了一种锂离子电池正极材料的制备方法，通过高温固相反应得到高容量材料。" * 3
    existing = achievement_create(
        viewer=staff_viewer,
        owner_id=owner_org.pk,
        data={"title": "一种锂离子电池正极材料", "summary": text, "price_negotiable": True},
    )
    rows = achievement_rows(3)
    rows[0][1], rows[0][2] = "一种锂离子电池正极材料", text
    rows[2][1], rows[2][2] = "一种新型电池材料2", rows[1][2] + "。" + "一种新型电池材料2的摘要" * 5
    rows[1][2] = rows[2][2]
    result = _run(staff_viewer, write_csv(tmp_path / "a.csv", HEADER, rows), owner_org)
    assert result.created == 3, result.errors
    by_row = {d["row"]: d["suspects"] for d in result.duplicates}
    assert by_row[2][0].startswith(f"#{existing.pk} ")
    first = Achievement.objects.get(external_id="A2")
    assert by_row[4][0].startswith(f"#{first.pk} ")
    new = Achievement.objects.get(external_id="A1")
    pairs = set(DuplicateCase.objects.values_list("record_a_id", "record_b_id"))
    assert (existing.pk, new.pk) in pairs
    assert (first.pk, Achievement.objects.get(external_id="A3").pk) in pairs
