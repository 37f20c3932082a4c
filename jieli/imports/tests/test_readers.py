"""Reading files: formats, encodings and bad files (nothing is written for a bad file)."""

from __future__ import annotations

import zipfile

import pytest
from django.core.management import CommandError, call_command

from jieli.achievements.models import Achievement
from jieli.core.models import ChangeRecord
from jieli.imports.engine import Options, run_import
from jieli.imports.readers import ImportFileError, open_rows
from jieli.imports.tests.helpers import (
    HEADER,
    achievement_rows,
    write_csv,
    write_jsonl,
    write_xlsx,
)

pytestmark = pytest.mark.django_db


def _import(viewer, path, owner, **kwargs):
    return run_import(
        viewer=viewer, path=path, options=Options(kind="achievements", owner_id=owner.pk, **kwargs)
    )


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_csv_in_each_encoding_imports_the_chinese_text(tmp_path, staff_viewer, owner_org, encoding):
    path = write_csv(tmp_path / "a.csv", HEADER, achievement_rows(2), encoding=encoding)
    result = _import(staff_viewer, path, owner_org)
    assert result.created == 2
    achievement = Achievement.objects.get(external_id="A1")
    assert achievement.title == "一种新型电池材料1"
    assert achievement.summary == "摘要1"


def test_bom_does_not_end_up_in_the_first_header(tmp_path):
    path = write_csv(tmp_path / "a.csv", HEADER, achievement_rows(1), encoding="utf-8-sig")
    source = open_rows(path)
    assert source.encoding == "utf-8-sig"
    assert source.header[0] == "外部编号"


def test_gbk_is_detected_as_gb18030(tmp_path):
    path = write_csv(tmp_path / "a.csv", HEADER, achievement_rows(1), encoding="gbk")
    assert open_rows(path).encoding == "gb18030"


def test_xlsx_imports(tmp_path, staff_viewer, owner_org):
    rows = achievement_rows(3)
    rows[0][6] = 12.5  # a number cell
    path = write_xlsx(tmp_path / "a.xlsx", HEADER, rows)
    result = _import(staff_viewer, path, owner_org)
    assert result.created == 3
    assert str(Achievement.objects.get(external_id="A1").price_wan) == "12.50"


def test_jsonl_imports_and_accepts_lists(tmp_path, staff_viewer, owner_org):
    rows = achievement_rows(2)
    path = write_jsonl(tmp_path / "a.jsonl", HEADER, rows)
    text = path.read_text(encoding="utf-8").replace('"电池; 材料"', '["电池", "材料"]')
    path.write_text(text, encoding="utf-8")
    result = _import(staff_viewer, path, owner_org)
    assert result.created == 2
    assert Achievement.objects.get(external_id="A2").keywords == ["电池", "材料"]


def _assert_untouched():
    assert Achievement.objects.count() == 0
    assert ChangeRecord.objects.count() == 0


def test_truncated_xlsx_is_a_clear_error(tmp_path, staff_viewer, owner_org):
    path = write_xlsx(tmp_path / "a.xlsx", HEADER, achievement_rows(50))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImportFileError, match="XLSX"):
        _import(staff_viewer, path, owner_org)
    _assert_untouched()


def test_binary_file_renamed_csv_is_a_clear_error(tmp_path, staff_viewer, owner_org):
    path = tmp_path / "a.csv"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(ImportFileError, match="binary"):
        _import(staff_viewer, path, owner_org)
    _assert_untouched()


def test_workbook_renamed_csv_is_a_clear_error(tmp_path, staff_viewer, owner_org):
    path = write_xlsx(tmp_path / "a.xlsx", HEADER, achievement_rows(1))
    renamed = path.rename(tmp_path / "a.csv")
    assert zipfile.is_zipfile(renamed)
    with pytest.raises(ImportFileError, match="xlsx"):
        _import(staff_viewer, renamed, owner_org)
    _assert_untouched()


def test_oversized_file_is_refused_before_reading(
    tmp_path, settings, staff_viewer, owner_org, monkeypatch
):
    settings.JIELI_IMPORT_MAX_BYTES = 100
    path = write_csv(tmp_path / "a.csv", HEADER, achievement_rows(5))

    def must_not_read(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr("jieli.imports.readers.detect_format", must_not_read)
    with pytest.raises(ImportFileError, match="too large"):
        _import(staff_viewer, path, owner_org)
    _assert_untouched()


def test_mixed_encodings_are_a_clear_error(tmp_path, staff_viewer, owner_org):
    path = tmp_path / "a.csv"
    head = write_csv(tmp_path / "h.csv", HEADER, achievement_rows(1)).read_bytes()
    gbk = (
        write_csv(tmp_path / "g.csv", HEADER, achievement_rows(1, start=2), encoding="gbk")
        .read_bytes()
        .split(b"\n", 1)[1]
    )
    path.write_bytes(head + gbk)
    with pytest.raises(ImportFileError, match="mixes encodings"):
        _import(staff_viewer, path, owner_org)
    _assert_untouched()


def test_empty_file_is_a_clear_error(tmp_path, staff_viewer, owner_org):
    path = tmp_path / "a.csv"
    path.write_bytes(b"")
    with pytest.raises(ImportFileError, match="empty"):
        _import(staff_viewer, path, owner_org)


def test_header_only_file_is_a_clear_error(tmp_path, staff_viewer, owner_org):
    path = write_csv(tmp_path / "a.csv", HEADER, [])
    with pytest.raises(ImportFileError, match="no data rows"):
        _import(staff_viewer, path, owner_org)
    _assert_untouched()


def test_unknown_kind_fails_the_command_with_nonzero_exit(tmp_path, staff, owner_org):
    path = write_csv(tmp_path / "a.csv", HEADER, achievement_rows(1))
    with pytest.raises(CommandError, match="Unknown kind") as info:
        call_command("jieli_import", "patents", str(path), "--as", staff.username, "--no-progress")
    assert info.value.returncode == 1
    _assert_untouched()


def test_bad_file_fails_the_command_and_leaves_the_database(tmp_path, staff, owner_org):
    path = tmp_path / "a.csv"
    path.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(CommandError):
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
    _assert_untouched()


def test_error_messages_are_translated(tmp_path, staff_viewer, owner_org):
    from django.utils import translation

    path = tmp_path / "a.csv"
    path.write_bytes(b"")
    with translation.override("en"), pytest.raises(ImportFileError) as info:
        _import(staff_viewer, path, owner_org)
    assert info.value.message == "The file is empty."
