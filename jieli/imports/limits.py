"""Limits on uploaded files, checked while streaming, before anything is read for real.

An XLSX file is a zip of XML parts. A small file can expand enormously (one 300 MB cell in a
307 KB file; 8 million shared strings in 351 KB; millions of rows), and openpyxl would load the
whole shared-string table and every cell's text into memory. So before openpyxl sees the file,
``check_xlsx`` refuses it when

* the parts declare more than ``max_unpacked_bytes`` in all (the zip directory's sizes are an
  upper bound: Python's zip reader stops at the declared size), or one large part expands more
  than ``max_ratio`` times (a decompression bomb; legitimate spreadsheets stay far below);
* streaming the shared strings and worksheets through expat in 64 KB pieces finds more than
  ``max_shared_strings`` strings, a cell or string longer than ``max_cell_chars`` (Excel's own
  limit is 32,767), more than ``max_rows`` rows, or a cell beyond ``max_columns``;
* the XML declares a document type (entities: XXE, billion laughs).

Memory stays bounded by the piece size: nothing is kept but counters. The limits come from
settings (``JIELI_IMPORT_*``); CSV and JSON Lines are bounded by the file size and the row limit.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput

_PIECE = 1 << 16
_COLUMN = re.compile(r"^([A-Z]{1,3})")


class ImportFileError(InvalidInput):
    """The file as a whole cannot be imported (nothing is written)."""


class FileRefused(ImportFileError):
    """The file breaks a limit (nothing is written; the upload is deleted)."""


@dataclass(frozen=True)
class UploadLimits:
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_shared_strings: int
    max_unpacked_bytes: int
    max_ratio: int  # 0: no ratio check
    rejected_bytes: int


def upload_limits() -> UploadLimits:
    return UploadLimits(
        max_rows=settings.JIELI_IMPORT_MAX_ROWS,
        max_columns=settings.JIELI_IMPORT_MAX_COLUMNS,
        max_cell_chars=settings.JIELI_IMPORT_MAX_CELL_CHARS,
        max_shared_strings=settings.JIELI_IMPORT_MAX_SHARED_STRINGS,
        max_unpacked_bytes=settings.JIELI_IMPORT_MAX_UNPACKED_BYTES,
        max_ratio=settings.JIELI_IMPORT_MAX_RATIO,
        rejected_bytes=settings.JIELI_IMPORT_REJECTED_MAX_BYTES,
    )


def too_many_rows(limit: int) -> FileRefused:
    return FileRefused(
        _("The file has more than {n} data rows; split it into smaller files.").format(n=limit)
    )


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f}"


def _column_number(ref: str) -> int:
    match = _COLUMN.match(ref)
    if not match:
        return 0
    number = 0
    for ch in match.group(1):
        number = number * 26 + ord(ch) - 64
    return number


class _Scan:
    """Counters for one XML part, fed to expat piece by piece."""

    def __init__(self, limits: UploadLimits, part: str):
        self.limits = limits
        self.part = part
        self.strings = 0
        self.rows = 0
        self.text = 0  # characters of the current cell / shared string
        self.in_text = False
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = False
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.chars
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.EntityDeclHandler = self.doctype

    def doctype(self, *args: Any) -> None:
        raise FileRefused(_("The spreadsheet contains a document type declaration; refused."))

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit(":", 1)[-1]
        limits = self.limits
        if local == "si":
            self.strings += 1
            self.text = 0
            if self.strings > limits.max_shared_strings:
                raise FileRefused(
                    _(
                        "The spreadsheet holds more than {n} different texts; split it into "
                        "smaller files."
                    ).format(n=limits.max_shared_strings)
                )
        elif local == "row":
            self.rows += 1
            number = attrs.get("r", "")
            # The header is row 1: max_rows data rows end at row max_rows + 1.
            if self.rows > limits.max_rows + 1 or (
                number.isdigit() and int(number) > limits.max_rows + 1
            ):
                raise too_many_rows(limits.max_rows)
        elif local == "c":
            self.text = 0
            if _column_number(attrs.get("r", "")) > limits.max_columns:
                raise FileRefused(
                    _("The spreadsheet has more than {n} columns.").format(n=limits.max_columns)
                )
        elif local in ("t", "v"):
            self.in_text = True

    def end(self, name: str) -> None:
        if name.rsplit(":", 1)[-1] in ("t", "v"):
            self.in_text = False

    def chars(self, data: str) -> None:
        if not self.in_text:
            return
        self.text += len(data)
        if self.text > self.limits.max_cell_chars:
            raise FileRefused(
                _("A cell holds more than {n} characters; the limit is {n}.").format(
                    n=self.limits.max_cell_chars
                )
            )

    def feed(self, stream: Any) -> None:
        try:
            while piece := stream.read(_PIECE):
                self.parser.Parse(piece, False)
            self.parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise FileRefused(
                _("This is not a valid XLSX file (it may be damaged or truncated).")
            ) from exc


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


def _count_rows_fast(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: UploadLimits) -> None:
    """Count row tags at C speed before the (slower) XML scan, so a file of millions of rows
    is refused in seconds. Text cannot hold a literal "<", so every match is a tag (a comment
    or CDATA section could only make the count too high, never too low)."""
    rows, carry = 0, b""
    with archive.open(info) as stream:
        while piece := stream.read(_PIECE):
            buf = carry + piece
            cut = max(0, len(buf) - 64)
            rows += sum(1 for m in _ROW_TAG.finditer(buf, 0, len(buf)) if m.start() < cut)
            carry = buf[cut:]
            if rows > limits.max_rows + 1:
                raise too_many_rows(limits.max_rows)
    rows += len(_ROW_TAG.findall(carry))
    if rows > limits.max_rows + 1:
        raise too_many_rows(limits.max_rows)


def _is_scanned(name: str) -> bool:
    lower = name.lower()
    return lower.endswith("sharedstrings.xml") or (
        lower.startswith("xl/worksheets/") and lower.endswith(".xml")
    )


def check_xlsx(path: Any, limits: UploadLimits | None = None) -> None:
    """Refuse an XLSX file that breaks a limit; see the module docstring."""
    limits = limits or upload_limits()
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            unpacked = sum(i.file_size for i in infos)
            if unpacked > limits.max_unpacked_bytes:
                raise FileRefused(
                    _(
                        "The spreadsheet unpacks to {size} MB; the limit is {limit} MB. Split "
                        "it into smaller files or save it as CSV."
                    ).format(size=_mb(unpacked), limit=_mb(limits.max_unpacked_bytes))
                )
            for info in infos:
                if (
                    limits.max_ratio
                    and info.file_size > 10 * 2**20
                    and info.file_size > limits.max_ratio * max(info.compress_size, 1)
                ):
                    raise FileRefused(
                        _(
                            "The spreadsheet expands from {packed} KB to {size} MB: it looks "
                            "like a decompression bomb and is refused."
                        ).format(packed=info.compress_size // 1024, size=_mb(info.file_size))
                    )
            # Shared strings first: openpyxl loads that table whole.
            parts = sorted(
                (i for i in infos if _is_scanned(i.filename)),
                key=lambda i: not i.filename.lower().endswith("sharedstrings.xml"),
            )
            for info in parts:
                if not info.filename.lower().endswith("sharedstrings.xml"):
                    _count_rows_fast(archive, info, limits)
                with archive.open(info) as stream:
                    _Scan(limits, info.filename).feed(stream)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
    ) as exc:
        raise FileRefused(
            _("This is not a valid XLSX file (it may be damaged or truncated).")
        ) from exc
