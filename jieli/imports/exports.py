"""Exports: the records a viewer may see, as rows with headers in the viewer's language.

Everything goes through the apps' own list selectors, so an export never holds a record the
viewer could not open, and members-only columns are left out (or blank per row) for viewers
who may not see them. Every cell is neutralised against spreadsheet formula injection.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _

from jieli.core import registry
from jieli.core.errors import InvalidInput
from jieli.core.viewer import Viewer
from jieli.imports.converters import neutralise

EXPORT_FORMATS = ("csv", "xlsx")


def export_kinds() -> list[str]:
    """The kinds (plural names) that declare export columns in the registry."""
    return [spec.plural for spec in registry.kinds() if spec.export is not None]


def export_table(
    viewer: Viewer, kind: str, params: Mapping[str, Any] | None = None
) -> tuple[list[str], Iterator[list[str]]]:
    """Headers and neutralised rows of what ``viewer`` may see; InvalidInput for bad filters."""
    spec = registry.find_kind(kind)
    if spec is None or spec.export is None or kind != spec.plural:
        raise InvalidInput(
            _("Unknown kind “{kind}”; choose one of: {options}.").format(
                kind=kind, options=", ".join(export_kinds())
            )
        )
    columns, qs = spec.export(viewer, dict(params or {}))
    shows_members = viewer.sees_member_content or bool(viewer.organisation_ids)
    columns = [c for c in columns if shows_members or not c.members_only]

    def rows() -> Iterator[list[str]]:
        for obj in qs.iterator(chunk_size=500):
            yield [neutralise(_render(c.value(obj))) for c in columns]

    return [neutralise(c.header) for c in columns], rows()


def _render(value: Any) -> str:
    if value is None:
        return ""
    return str(value)


def write_csv(fh: Any, headers: list[str], rows: Iterable[list[str]]) -> None:
    writer = csv.writer(fh)
    writer.writerow(headers)
    writer.writerows(rows)


def csv_chunks(headers: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """CSV text in pieces for a streaming response, starting with a BOM for Excel."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    buf.write("\ufeff")
    writer.writerow(headers)
    for i, row in enumerate(rows):
        writer.writerow(row)
        if i % 200 == 199:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def write_xlsx(path: Any, headers: list[str], rows: Iterable[list[str]]) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
