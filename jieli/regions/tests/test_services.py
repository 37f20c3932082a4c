from pathlib import Path

import pytest
from django.core.management import call_command

from jieli.core.errors import InvalidInput
from jieli.regions import selectors
from jieli.regions.loading import CodeListLoadError
from jieli.regions.models import Discipline, Industry, Region
from jieli.regions.services import code_lists_load

pytestmark = pytest.mark.django_db


def _drop_lines(path: Path, *codes: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if line.split(",", 1)[0] not in codes]
    assert len(kept) == len(lines) - len(codes)
    path.write_text("".join(kept), encoding="utf-8")


def test_migration_loaded_the_code_lists():
    assert Region.objects.filter(level=1).count() == 31
    assert Region.objects.filter(level=2).count() == 342
    assert Region.objects.filter(level=3).count() == 2978
    assert Region.objects.get(code="37").name_en == "Shandong"
    assert Region.objects.get(code="371003").parent_id == "3710"
    assert Industry.objects.filter(level=1).count() == 20
    assert Industry.objects.filter(level=2).exclude(name_en="").count() == 97
    assert Industry.objects.get(code="0712").name == "海洋石油开采"  # upstream duplicate fixed
    assert Industry.objects.get(code="8421").parent_id == "842"  # upstream parent fixed
    assert Industry.objects.get(code="3811").section == "C"
    assert Discipline.objects.count() == 2916
    assert Discipline.objects.get(code="A010101").level == 3
    assert Discipline.objects.get(code="A0101").name_en == "Number Theory"


def test_loading_twice_changes_nothing():
    results = code_lists_load()
    assert [s.kind for s in results] == ["region", "industry", "discipline"]
    for stats in results:
        assert stats.created == stats.updated == stats.retired == stats.revived == 0


def test_command_is_idempotent_and_says_so(capsys):
    call_command("jieli_load_reference")
    out = capsys.readouterr().out
    assert "already up to date" in out
    assert "region 2023: 0 new" in out


def test_upgrade_retires_dropped_codes_and_keeps_rows_that_use_them(data_copy: Path):
    # A record that points to 文登区 through a protected foreign key.
    from django.apps import apps

    organisation_model = apps.get_model("organisations", "Organisation")
    org = organisation_model.objects.create(
        name="威海某研究所", org_type="research_institute", region_id="371003"
    )
    _drop_lines(data_copy / "admin_divisions" / "areas.csv", "371003")

    stats = code_lists_load(
        kinds=["region"],
        data_dir=data_copy,
        editions={"region": "2024"},
        successors={"region": {"371003": "371002"}},
    )

    assert stats[0].retired == 1 and stats[0].created == 0
    retired = Region.objects.get(code="371003")
    assert retired.retired_in == "2024"
    assert retired.successor_id == "371002"
    org.refresh_from_db()
    assert org.region_id == "371003"
    assert org.region.name == "文登区"
    assert Region.objects.filter(code="37", edition="2024").exists()
    # Still valid for a record that already had it, not for a new one.
    assert selectors.validate_region_code("371003", allow_retired=True) == "371003"
    with pytest.raises(InvalidInput, match="371002"):
        selectors.validate_region_code("371003")
    # Free text no longer resolves to the retired code.
    result = selectors.region_resolve("文登区")
    assert result is None or result.code != "371003"
    # Reloading the shipped edition revives it.
    stats = code_lists_load(kinds=["region"])
    assert stats[0].revived == 1
    assert Region.objects.get(code="371003").retired_in == ""


def test_edition_that_would_retire_most_codes_is_refused(data_copy: Path):
    areas = data_copy / "admin_divisions" / "areas.csv"
    areas.write_text(areas.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(CodeListLoadError, match="would retire"):
        code_lists_load(kinds=["region"], data_dir=data_copy)
    assert not Region.objects.exclude(retired_in="").exists()


def test_missing_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CodeListLoadError, match="missing code list file"):
        code_lists_load(kinds=["industry"], data_dir=tmp_path)


def test_dropping_a_city_keeps_its_counties_pointing_to_it(data_copy: Path):
    _drop_lines(data_copy / "admin_divisions" / "cities.csv", "3710")
    code_lists_load(kinds=["region"], data_dir=data_copy, editions={"region": "2024"})
    assert Region.objects.get(code="3710").retired_in == "2024"
    assert Region.objects.get(code="371003").parent_id == "3710"
    assert selectors.region_label("371003") == "山东省 威海市 文登区"


def test_resolved_codes_are_forgotten_when_the_code_lists_are_reloaded(data_copy: Path):
    """An import after a reload must not reuse a code the new edition retired."""
    from jieli.imports.converters import _resolve

    assert _resolve("region", "山东省威海市文登区")[0] == "371003"
    _drop_lines(data_copy / "admin_divisions" / "areas.csv", "371003")
    code_lists_load(kinds=["region"], data_dir=data_copy, editions={"region": "2024"})
    assert _resolve("region", "山东省威海市文登区")[0] != "371003"
