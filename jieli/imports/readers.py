"""Reading import files as a stream of rows: CSV, XLSX and JSON Lines, any common encoding.

Nothing here materialises the file: CSV and JSON Lines are decoded line by line, XLSX is read
with openpyxl's read-only (streaming) mode. Every problem with the file as a whole raises
``ImportFileError`` with a translated message; problems of single rows are the converters' job.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from jieli.imports.limits import (
    FileRefused,
    ImportFileError,
    check_xlsx,
    too_many_rows,
    upload_limits,
)

__all__ = ["FileRefused", "ImportFileError", "RowSource", "open_rows"]

_CHUNK = 1 << 16


@dataclass
class RowSource:
    """The header of a file and an iterator over its data rows.

    ``rows`` yields ``(row_number, {header: value})``; the header is row 1, so row numbers
    match what a spreadsheet shows.
    """

    format: str
    encoding: str
    header: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]
    estimated_rows: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def check_size(path: str | os.PathLike[str]) -> int:
    size = Path(path).stat().st_size
    limit = settings.JIELI_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportFileError(
            _("The file is too large ({size} bytes); the limit is {limit} bytes.").format(
                size=size, limit=limit
            )
        )
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    return size


def detect_format(path: str | os.PathLike[str], name: str = "") -> str:
    """The format from the file name, checked against the first bytes of the content."""
    name = (name or str(path)).lower()
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    with open(path, "rb") as fh:
        head = fh.read(8)
    is_zip = head.startswith(b"PK\x03\x04")
    if ext in ("xlsx", "xlsm"):
        if not is_zip:
            raise ImportFileError(
                _("This is not a valid XLSX file (it may be damaged or truncated).")
            )
        return "xlsx"
    if ext in ("csv", "txt", "tsv", "jsonl", "ndjson", "json"):
        if is_zip:
            raise ImportFileError(
                _("The file looks like an Excel workbook; save it with the extension .xlsx.")
            )
        return "jsonl" if ext in ("jsonl", "ndjson", "json") else "csv"
    if ext == "xls":
        raise ImportFileError(
            _("Old Excel files (.xls) are not supported; save the file as .xlsx or CSV.")
        )
    raise ImportFileError(
        _("Unsupported file type “{ext}”; use CSV, XLSX or JSON Lines.").format(ext=ext or "?")
    )


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bool(sample) and controls / len(sample) > 0.05


def detect_encoding(path: str | os.PathLike[str]) -> str:
    """UTF-8 (with or without BOM) or GB18030 (a superset of GBK), by strict decoding.

    A file whose non-ASCII lines are partly valid UTF-8 and partly not is mixed: rejected.
    """
    with open(path, "rb") as fh:
        sample = fh.read(_CHUNK)
    if _looks_binary(sample):
        raise ImportFileError(
            _("The file is not a text file (it looks binary). Upload CSV, XLSX or JSON Lines.")
        )
    if _decodes(path, "utf-8-sig"):
        return "utf-8-sig"
    utf8_lines, other_lines, first_other = 0, 0, 0
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            if line.isascii():
                continue
            try:
                line.decode("utf-8-sig" if number == 1 else "utf-8")
                utf8_lines += 1
            except UnicodeDecodeError:
                other_lines += 1
                first_other = first_other or number
    if utf8_lines and other_lines:
        raise ImportFileError(
            _(
                "The file mixes encodings (some lines are UTF-8, line {line} is "
                "not). Save the whole file in one encoding, e.g. UTF-8."
            ).format(line=first_other)
        )
    if _decodes(path, "gb18030"):
        return "gb18030"
    guess = _charset_guess(sample)
    raise ImportFileError(
        _("The file's encoding could not be recognised{guess}; save it as UTF-8 or GBK.").format(
            guess=f" ({guess})" if guess else ""
        )
    )


def _charset_guess(sample: bytes) -> str:
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
    except Exception:
        return ""
    return best.encoding if best is not None else ""


def _decodes(path: str | os.PathLike[str], encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _count_lines(path: str | os.PathLike[str]) -> int:
    count = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            count += chunk.count(b"\n")
    return count


def _count_nonblank(path: str | os.PathLike[str]) -> int:
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())


def _clean_header(header: list[Any]) -> list[str]:
    out: list[str] = []
    for i, cell in enumerate(header):
        text = "" if cell is None else str(cell).strip().lstrip("\ufeff")
        out.append(text or f"column{i + 1}")
    return out


def _check_header(header: list[str]) -> None:
    if not any(h and not h.startswith("column") for h in header):
        raise ImportFileError(_("The first row must hold the column headers."))
    seen: set[str] = set()
    for h in header:
        if h in seen:
            raise ImportFileError(
                _("The column “{column}” appears twice in the header.").format(column=h)
            )
        seen.add(h)


def _csv_source(path: str | os.PathLike[str]) -> RowSource:
    encoding = detect_encoding(path)
    fh = open(path, encoding=encoding, newline="")  # noqa: SIM115 - closed by the generator
    try:
        first = fh.readline()
        dialect: type[csv.Dialect] = csv.excel
        if first.count("\t") > first.count(",") and first.count("\t") > 0:
            dialect = csv.excel_tab
        fh.seek(0)
        reader = csv.reader(fh, dialect)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise ImportFileError(
                _("The CSV file cannot be read: {error}").format(error=exc)
            ) from exc
        if header is None or not any(c.strip() for c in header):
            raise ImportFileError(_("The file is empty."))
    except BaseException:
        fh.close()
        raise
    names = _clean_header(header)
    _check_header(names)

    limit = upload_limits().max_rows
    lines = _count_lines(path)
    if lines - 1 > limit and _count_records(path, encoding, dialect) > limit:
        fh.close()
        raise too_many_rows(limit)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        number = 1
        try:
            for cells in reader:
                number += 1
                if number - 1 > limit:
                    raise too_many_rows(limit)
                if not any(c.strip() for c in cells):
                    continue
                yield (
                    number,
                    {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(names)},
                )
        except csv.Error as exc:
            raise ImportFileError(
                _("The CSV file cannot be read near row {row}: {error}").format(
                    row=number, error=exc
                )
            ) from exc
        finally:
            fh.close()

    return RowSource("csv", encoding, names, rows(), max(0, lines - 1))


def _count_records(path: str | os.PathLike[str], encoding: str, dialect: Any) -> int:
    """Data records of a CSV file (cells may span lines); only when the line count is high."""
    with open(path, encoding=encoding, newline="") as fh:
        return max(0, sum(1 for _ in csv.reader(fh, dialect)) - 1)


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _xlsx_broken() -> ImportFileError:
    return ImportFileError(_("This is not a valid XLSX file (it may be damaged or truncated)."))


def _xlsx_source(path: str | os.PathLike[str]) -> RowSource:
    import openpyxl

    # Sizes, cell lengths, shared strings and rows are checked by streaming the XML first:
    # openpyxl keeps the whole shared-string table and each cell's text in memory.
    check_xlsx(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        header_cells = next(iterator, None)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, EOFError) as exc:
        raise _xlsx_broken() from exc
    except Exception as exc:
        raise _xlsx_broken() from exc
    if header_cells is None or not any(c not in (None, "") for c in header_cells):
        workbook.close()
        raise ImportFileError(_("The file is empty."))
    names = _clean_header(list(header_cells))
    while names and names[-1].startswith("column"):
        names.pop()
    _check_header(names)
    estimated = max(0, (sheet.max_row or 1) - 1)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        number = 1
        try:
            for cells in iterator:
                number += 1
                values = [_xlsx_value(c) for c in cells]
                if not any(v not in ("", None) for v in values):
                    continue
                yield (
                    number,
                    {name: (values[i] if i < len(values) else "") for i, name in enumerate(names)},
                )
        except ImportFileError:
            raise
        except Exception as exc:
            raise _xlsx_broken() from exc
        finally:
            workbook.close()

    return RowSource("xlsx", "", names, rows(), estimated)


def _jsonl_source(path: str | os.PathLike[str]) -> RowSource:
    encoding = detect_encoding(path)
    fh = open(path, encoding=encoding)  # noqa: SIM115 - closed by the generator

    def parse(line: str, number: int) -> dict[str, Any]:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            fh.close()
            raise ImportFileError(_("Line {row} is not valid JSON.").format(row=number)) from exc
        if not isinstance(obj, dict):
            fh.close()
            raise ImportFileError(_("Line {row} is not a JSON object.").format(row=number))
        return obj

    number, first = 0, None
    for line in fh:
        number += 1
        if line.strip():
            first = parse(line, number)
            break
    if first is None:
        fh.close()
        raise ImportFileError(_("The file is empty."))
    names = _clean_header([str(k) for k in first])
    _check_header(names)
    first_number = number

    limit = upload_limits().max_rows
    lines = _count_lines(path)
    if lines > limit and _count_nonblank(path) > limit:
        fh.close()
        raise too_many_rows(limit)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        nonlocal number
        count = 1
        try:
            yield first_number, first
            for line in fh:
                number += 1
                if line.strip():
                    count += 1
                    if count > limit:
                        raise too_many_rows(limit)
                    yield number, parse(line, number)
        finally:
            fh.close()

    return RowSource("jsonl", encoding, names, rows(), lines)


def open_rows(path: str | os.PathLike[str], *, name: str = "") -> RowSource:
    """Check the size, detect the format and encoding, and return the header and rows."""
    check_size(path)
    fmt = detect_format(path, name)
    if fmt == "xlsx":
        return _xlsx_source(path)
    if fmt == "jsonl":
        return _jsonl_source(path)
    return _csv_source(path)
