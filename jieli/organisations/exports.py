"""The organisations export: columns in the viewer's language, from its list selector.

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
)
from jieli.core.viewer import Viewer


def organisation_export_columns(
    viewer: Viewer, params: Mapping[str, Any]
) -> tuple[list[Column], Any]:
    from jieli.organisations import selectors
    from jieli.organisations.models import Organisation

    def param(name: str, limit: int) -> str:
        return str(params.get(name, "") or "")[:limit]

    filters = selectors.OrganisationFilters(
        q=param("q", 200),
        org_type=param("org_type", 30),
        region=param("region", 12),
        tier=param("tier", 12),
        membership_status=param("membership_status", 12),
    )
    qs = selectors.organisation_list(viewer, filters)

    def label(name: str) -> str:
        return column_label(Organisation, name)

    columns = [
        Column("ID", lambda o: o.pk),
        Column(label("name"), lambda o: o.name),
        Column(label("org_type"), lambda o: o.get_org_type_display()),
        Column(label("credit_code"), lambda o: o.credit_code),
        Column(label("region"), lambda o: code_name(o.region)),
        Column(label("address"), lambda o: o.address),
        Column(label("website"), lambda o: o.website),
        Column(label("description"), lambda o: o.description),
        Column(label("membership_status"), lambda o: o.get_membership_status_display()),
        Column(label("tier"), lambda o: o.get_tier_display() if o.tier else ""),
    ]
    return columns, qs
