"""The achievements export: columns in the viewer's language, rows from the app's list selector.

Registered in the listing registry; ``imports.exports`` renders it. Members-only columns are
blank for rows the viewer may not see in detail.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput
from jieli.core.exporting import (
    Column,
    choice_list,
    code_name,
    column_label,
)
from jieli.core.viewer import Viewer


def achievement_export_columns(
    viewer: Viewer, params: Mapping[str, Any]
) -> tuple[list[Column], Any]:
    from jieli.achievements import selectors
    from jieli.achievements.forms import AchievementFilterForm
    from jieli.achievements.models import Achievement, TransferMode

    show_status = viewer.is_staff_role or bool(viewer.organisation_ids)
    if params:
        form = AchievementFilterForm(params, show_status=show_status)
        if not form.is_valid():
            raise InvalidInput(fields={k: [str(m) for m in v] for k, v in form.errors.items()})
        filters = form.to_filters()
    else:
        filters = selectors.AchievementFilters()
    qs = (
        selectors.achievement_list(viewer, filters)
        .select_related("owner", "industry", "discipline", "region")
        .prefetch_related("ip_records")
    )

    def sees(a: Achievement) -> bool:
        return selectors.achievement_sees_detail(viewer, a)

    def gated(get: Callable[[Achievement], Any]) -> Callable[[Achievement], Any]:
        return lambda a: get(a) if sees(a) else ""

    def label(name: str) -> str:
        return column_label(Achievement, name)

    columns = [
        Column("ID", lambda a: a.pk),
        Column(label("external_id"), lambda a: a.external_id),
        Column(label("title"), lambda a: a.title),
        Column(label("owner"), lambda a: a.owner.name),
        Column(label("summary"), lambda a: a.summary),
        Column(label("detail"), gated(lambda a: a.detail), members_only=True),
        Column(label("team"), gated(lambda a: a.team), members_only=True),
        Column(
            _("Patent numbers"),
            gated(lambda a: "; ".join(r.number for r in a.ip_records.all() if r.number)),
            members_only=True,
        ),
        Column(label("industry"), lambda a: code_name(a.industry)),
        Column(label("discipline"), lambda a: code_name(a.discipline)),
        Column(label("region"), lambda a: code_name(a.region)),
        Column(label("keywords"), lambda a: "; ".join(a.keywords or [])),
        Column(label("trl"), lambda a: a.trl or ""),
        Column(label("maturity"), lambda a: a.get_maturity_display() if a.maturity else ""),
        Column(
            label("transfer_modes"), lambda a: choice_list(a.transfer_modes, TransferMode.choices)
        ),
        Column(
            label("price_wan"), lambda a: _("negotiable") if a.price_negotiable else a.price_wan
        ),
        Column(label("status"), lambda a: a.get_status_display()),
        Column(label("published_at"), lambda a: a.published_at.date() if a.published_at else ""),
    ]
    return columns, qs
