"""The demands export: columns in the viewer's language, rows from the app's list selector.

Registered in the listing registry; ``imports.exports`` renders it. Members-only columns are
blank for rows the viewer may not see in detail.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from jieli.core.exporting import (
    Column,
    choice_list,
    code_name,
    column_label,
    form_filters,
    only_fields,
)
from jieli.core.viewer import Viewer


def demand_export_columns(viewer: Viewer, params: Mapping[str, Any]) -> tuple[list[Column], Any]:
    from jieli.core.listing import viewer_sees_detail
    from jieli.demands import selectors
    from jieli.demands.forms import DemandFilterForm
    from jieli.demands.models import CooperationMode, Demand

    filters = only_fields(selectors.DemandFilters, form_filters(DemandFilterForm, params))
    qs = selectors.demand_list(viewer, filters)

    def gated(get: Callable[[Demand], Any]) -> Callable[[Demand], Any]:
        return lambda d: get(d) if viewer_sees_detail(viewer, d, d.owner_id) else ""

    def label(name: str) -> str:
        return column_label(Demand, name)

    columns = [
        Column("ID", lambda d: d.pk),
        Column(label("external_id"), lambda d: d.external_id),
        Column(label("title"), lambda d: d.title),
        Column(label("owner"), lambda d: d.owner.name),
        Column(label("problem"), lambda d: d.problem),
        Column(label("target_indicators"), lambda d: d.target_indicators),
        Column(label("industry"), lambda d: code_name(d.industry)),
        Column(label("region"), lambda d: code_name(d.region)),
        Column(
            label("cooperation_modes"),
            lambda d: choice_list(d.cooperation_modes, CooperationMode.choices),
        ),
        Column(label("budget_min_wan"), lambda d: d.budget_min_wan or ""),
        Column(label("budget_max_wan"), lambda d: d.budget_max_wan or ""),
        Column(label("budget_negotiable"), lambda d: _("yes") if d.budget_negotiable else ""),
        Column(label("deadline"), lambda d: d.deadline or ""),
        Column(label("keywords"), lambda d: "; ".join(d.keywords or [])),
        Column(label("contact_name"), gated(lambda d: d.contact_name), members_only=True),
        Column(label("contact_phone"), gated(lambda d: d.contact_phone), members_only=True),
        Column(label("contact_email"), gated(lambda d: d.contact_email), members_only=True),
        Column(label("status"), lambda d: d.get_status_display()),
    ]
    return columns, qs
