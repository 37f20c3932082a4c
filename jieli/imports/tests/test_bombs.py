"""Hostile uploads: decompression bombs are refused with a clear message, in bounded memory.

The bombs are built at test time, streamed into the zip (never held in memory): one 300 MB cell
in a ~300 KB file, 8 million shared strings, 3 million rows. Each is refused twice: with the
default settings (the expansion-ratio check, or the row limit), and with the ratio check off by
the limit checked while streaming the XML (cell length, shared strings, rows). Peak memory is
Python's (tracemalloc) while the file is opened.
"""

from __future__ import annotations

import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from jieli.achievements.models import Achievement
from jieli.imports.engine import Options, run_import
from jieli.imports.readers import ImportFileError, open_rows
from jieli.imports.tests.helpers import HEADER, achievement_rows, write_csv

pytestmark = pytest.mark.django_db

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    ),
}
_HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>成果名称</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>成果简介</t></is></c></row>'
)


def _xlsx(path: Path, sheet: Iterator[str], strings: Iterator[str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        for name, pieces in (
            ("xl/sharedStrings.xml", strings),
            ("xl/worksheets/sheet1.xml", sheet),
        ):
            with archive.open(name, "w", force_zip64=True) as out:
                for piece in pieces:
                    out.write(piece.encode("utf-8"))
    return path


def _sheet(rows: Iterator[str]) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>{_HEADER_ROW}'
    yield from rows
    yield "</sheetData></worksheet>"


def _strings(items: Iterator[str], count: int) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS} count="{count}" uniqueCount="{count}">'
    yield from items
    yield "</sst>"


def _big_cell() -> Iterator[str]:
    yield "<si><t>"
    chunk = "A" * (1 << 20)
    for _ in range(300):  # 300 MB of text in one shared string
        yield chunk
    yield "</t></si>"


def _many_strings(n: int) -> Iterator[str]:
    block = "<si><t>x</t></si>" * 10_000
    for _ in range(n // 10_000):
        yield block


def _many_rows(n: int) -> Iterator[str]:
    for start in range(2, n + 2, 10_000):
        yield "".join(
            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>'
            for r in range(start, min(start + 10_000, n + 2))
        )


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bombs")
    one_ref = iter(['<row r="2"><c r="A2" t="s"><v>0</v></c></row>'])
    return {
        "cell": _xlsx(folder / "cell.xlsx", _sheet(one_ref), _strings(_big_cell(), 1)),
        "strings": _xlsx(
            folder / "strings.xlsx",
            _sheet(iter(['<row r="2"><c r="A2" t="s"><v>7999999</v></c></row>'])),
            _strings(_many_strings(8_000_000), 8_000_000),
        ),
        "rows": _xlsx(folder / "rows.xlsx", _sheet(_many_rows(3_000_000)), _strings(iter([]), 0)),
    }


def _refusal(path: Path) -> tuple[str, float]:
    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError) as caught:
            source = open_rows(path)
            for _ in source.rows:
                pass
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return caught.value.message, peak / 2**20


def test_the_bombs_are_small_files(bombs):
    assert bombs["cell"].stat().st_size < 1_000_000
    assert bombs["strings"].stat().st_size < 1_000_000
    assert bombs["rows"].stat().st_size < 20_000_000


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cell", "decompression bomb"),
        ("strings", "decompression bomb"),
        # Numbered rows compress less than 200:1; the row limit refuses this one.
        ("rows", "more than 1000000 data rows"),
    ],
)
def test_bombs_are_refused_with_the_default_limits(bombs, name, expected):
    message, peak_mib = _refusal(bombs[name])
    assert expected in message
    assert peak_mib < 20


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cell", "A cell holds more than 32767 characters"),
        ("strings", "more than 100000 different texts"),
        ("rows", "more than 100000 data rows"),
    ],
)
def test_bombs_are_refused_while_streaming(bombs, name, expected, settings):
    settings.JIELI_IMPORT_MAX_RATIO = 0  # only the streaming limits
    settings.JIELI_IMPORT_MAX_SHARED_STRINGS = 100_000
    settings.JIELI_IMPORT_MAX_ROWS = 100_000
    message, peak_mib = _refusal(bombs[name])
    assert expected in message
    assert peak_mib < 20


def test_the_message_is_translated(bombs, settings):
    from django.utils import translation

    settings.JIELI_IMPORT_MAX_RATIO = 0
    with translation.override("zh-hans"):
        message, _peak = _refusal(bombs["cell"])
    assert "32767" in message and "字" in message


def test_too_many_csv_rows_are_refused_before_writing(tmp_path, staff_viewer, owner_org, settings):
    settings.JIELI_IMPORT_MAX_ROWS = 5
    path = write_csv(tmp_path / "a.csv", HEADER, achievement_rows(6))
    with pytest.raises(ImportFileError, match="more than 5 data rows"):
        run_import(
            viewer=staff_viewer,
            path=path,
            options=Options(kind="achievements", mode="valid-rows", owner_id=owner_org.pk),
        )
    assert Achievement.objects.count() == 0


def test_the_rejected_rows_file_is_capped(tmp_path, staff_viewer, owner_org, settings):
    settings.JIELI_IMPORT_REJECTED_MAX_BYTES = 4000
    rows = achievement_rows(300)
    for row in rows:
        row[3] = "火星" + "某地" * 40  # unknown region: every row rejected
    out = tmp_path / "rejected.csv"
    result = run_import(
        viewer=staff_viewer,
        path=write_csv(tmp_path / "a.csv", HEADER, rows),
        options=Options(
            kind="achievements", mode="valid-rows", owner_id=owner_org.pk, rejected_out=str(out)
        ),
    )
    assert result.rejected == 300
    assert 4000 < out.stat().st_size < 4000 + 2000
    assert any("rejected-rows file stops" in note for note in result.notes)


def test_a_refused_upload_is_deleted(media, staff_viewer, owner_org, bombs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jieli.imports.models import JobStatus
    from jieli.imports.services import import_job_create

    upload = SimpleUploadedFile("bomb.xlsx", bombs["cell"].read_bytes())
    job = import_job_create(
        viewer=staff_viewer, kind="achievements", upload=upload, owner=owner_org.pk
    )
    assert job.status == JobStatus.FAILED
    assert "decompression bomb" in job.error
    assert not job.upload
    assert not list((Path(media) / "imports" / "uploads").glob("*"))
    assert Achievement.objects.count() == 0


def test_old_upload_files_are_purged_after_the_configured_days(
    media, staff_viewer, owner_org, settings
):
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from jieli.imports.models import ImportJob
    from jieli.imports.running import import_files_purge
    from jieli.imports.services import import_job_create

    settings.JIELI_IMPORT_KEEP_DAYS = 7
    rows = achievement_rows(2)
    rows[1][3] = "火星"  # one rejected row: a rejected-rows file too
    data = write_csv(Path(media).parent / "a.csv", HEADER, rows).read_bytes()
    old = import_job_create(
        viewer=staff_viewer,
        kind="achievements",
        upload=SimpleUploadedFile("old.csv", data),
        owner=owner_org.pk,
        mode="valid-rows",
    )
    new = import_job_create(
        viewer=staff_viewer,
        kind="achievements",
        upload=SimpleUploadedFile("new.csv", data),
        owner=owner_org.pk,
        mode="valid-rows",
    )
    old_files = [Path(old.upload.path), Path(old.rejected_file.path)]
    assert all(p.exists() for p in old_files)
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert import_files_purge() == 2
    assert not any(p.exists() for p in old_files)
    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.upload and not old.rejected_file and old.report  # the report stays
    assert Path(new.upload.path).exists()
