"""The experts export: columns in the viewer's language, rows from the app's list selector.

Registered in the listing registry; ``imports.exports`` renders it. Members-only columns are
blank for rows the viewer may not see in detail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jieli.core.exporting import (
    Column,
    code_name,
    column_label,
    form_filters,
    only_fields,
)
from jieli.core.viewer import Viewer


def expert_export_columns(viewer: Viewer, params: Mapping[str, Any]) -> tuple[list[Column], Any]:
    from jieli.experts import selectors
    from jieli.experts.forms import ExpertFilterForm
    from jieli.experts.models import Expert

    filters = only_fields(selectors.ExpertFilters, form_filters(ExpertFilterForm, params))
    qs = selectors.expert_list(viewer, filters).prefetch_related("industries", "disciplines")

    def sees(e: Expert) -> bool:
        return selectors.may_edit_expert(viewer, e) or viewer.sees_member_content

    def label(name: str) -> str:
        return column_label(Expert, name)

    columns = [
        Column("ID", lambda e: e.pk),
        Column(label("external_id"), lambda e: e.external_id),
        Column(label("name"), lambda e: e.name),
        Column(label("organisation_name"), lambda e: e.affiliation_display),
        Column(label("title"), lambda e: e.title),
        Column(label("industries"), lambda e: "; ".join(code_name(i) for i in e.industries.all())),
        Column(
            label("disciplines"), lambda e: "; ".join(code_name(i) for i in e.disciplines.all())
        ),
        Column(label("region"), lambda e: code_name(e.region)),
        Column(label("keywords"), lambda e: "; ".join(e.keywords or [])),
        Column(label("bio"), lambda e: e.bio),
        Column(label("email"), lambda e: e.email if sees(e) else "", members_only=True),
        Column(label("phone"), lambda e: e.phone if sees(e) else "", members_only=True),
    ]
    return columns, qs
