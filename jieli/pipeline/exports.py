"""The portfolio as a table (CSV/XLSX): the same visible projects and filters as the page,
headers in the viewer's language, every cell neutralised against formula injection (the
imports app's writers and ``neutralise``; columns declared with ``core.exporting``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from jieli.core.exporting import Column, column_label
from jieli.core.money import format_wan
from jieli.core.viewer import Viewer
from jieli.imports.converters import neutralise
from jieli.pipeline.models import Project
from jieli.pipeline.selectors import current_stage, portfolio


def _current(project: Project) -> str:
    stage = current_stage(project)
    return f"{stage.get_key_display()} ({stage.get_status_display()})" if stage else ""


def columns() -> list[Column]:
    return [
        Column("ID", lambda p: p.pk),
        Column(column_label(Project, "title"), lambda p: p.title),
        Column(column_label(Project, "status"), lambda p: p.get_status_display()),
        Column(_("Current stage"), _current),
        Column(column_label(Project, "enterprise"), lambda p: p.enterprise.display_name),
        Column(column_label(Project, "agency"), lambda p: p.agency.display_name),
        Column(
            column_label(Project, "institute"),
            lambda p: p.institute.display_name if p.institute else "",
        ),
        Column(column_label(Project, "budget"), lambda p: format_wan(p.budget)),
        Column(column_label(Project, "created_at"), lambda p: p.created_at.date().isoformat()),
    ]


def portfolio_table(
    viewer: Viewer, filters: dict[str, Any]
) -> tuple[list[str], Iterator[list[str]]]:
    cols = columns()
    qs = portfolio(viewer, **filters)

    def rows() -> Iterator[list[str]]:
        for project in qs.iterator(chunk_size=200):
            yield [neutralise("" if (v := c.value(project)) is None else str(v)) for c in cols]

    return [neutralise(c.header) for c in cols], rows()
