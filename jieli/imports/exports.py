"""Exports: the records a viewer may see, as rows with headers in the viewer's language.

Everything goes through the apps' own list selectors, so an export never holds a record the
viewer could not open, and members-only columns are left out (or blank per row) for viewers
who may not see them. Every cell is neutralised against spreadsheet formula injection.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput
from jieli.core.viewer import Viewer
from jieli.imports.converters import neutralise
from jieli.imports.mapping import KINDS

EXPORT_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    members_only: bool = False


def _label(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


def _code_name(obj: Any) -> str:
    return f"{obj.pk} {obj.name}" if obj is not None else ""


def _choice_list(values: Iterable[str], choices: list[tuple[str, Any]]) -> str:
    labels = dict(choices)
    return "; ".join(str(labels.get(v, v)) for v in values or [])


def _form_filters(form_class: Any, params: Mapping[str, Any], **kwargs: Any) -> dict[str, Any]:
    if not params:
        return {}
    form = form_class(params, **kwargs)
    if not form.is_valid():
        raise InvalidInput(fields={k: [str(m) for m in v] for k, v in form.errors.items()})
    return dict(form.cleaned_data)


def _only(dataclass_type: Any, data: dict[str, Any]) -> Any:
    names = {f.name for f in fields(dataclass_type)}
    return dataclass_type(**{k: v for k, v in data.items() if k in names})


# --- per kind ------------------------------------------------------------------------------


def _achievements(viewer: Viewer, params: Mapping[str, Any]) -> tuple[list[Column], Any]:
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
        return _label(Achievement, name)

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
        Column(label("industry"), lambda a: _code_name(a.industry)),
        Column(label("discipline"), lambda a: _code_name(a.discipline)),
        Column(label("region"), lambda a: _code_name(a.region)),
        Column(label("keywords"), lambda a: "; ".join(a.keywords or [])),
        Column(label("trl"), lambda a: a.trl or ""),
        Column(label("maturity"), lambda a: a.get_maturity_display() if a.maturity else ""),
        Column(
            label("transfer_modes"), lambda a: _choice_list(a.transfer_modes, TransferMode.choices)
        ),
        Column(
            label("price_wan"), lambda a: _("negotiable") if a.price_negotiable else a.price_wan
        ),
        Column(label("status"), lambda a: a.get_status_display()),
        Column(label("published_at"), lambda a: a.published_at.date() if a.published_at else ""),
    ]
    return columns, qs


def _demands(viewer: Viewer, params: Mapping[str, Any]) -> tuple[list[Column], Any]:
    from jieli.core.listing import viewer_sees_detail
    from jieli.demands import selectors
    from jieli.demands.forms import DemandFilterForm
    from jieli.demands.models import CooperationMode, Demand

    filters = _only(selectors.DemandFilters, _form_filters(DemandFilterForm, params))
    qs = selectors.demand_list(viewer, filters)

    def gated(get: Callable[[Demand], Any]) -> Callable[[Demand], Any]:
        return lambda d: get(d) if viewer_sees_detail(viewer, d, d.owner_id) else ""

    def label(name: str) -> str:
        return _label(Demand, name)

    columns = [
        Column("ID", lambda d: d.pk),
        Column(label("external_id"), lambda d: d.external_id),
        Column(label("title"), lambda d: d.title),
        Column(label("owner"), lambda d: d.owner.name),
        Column(label("problem"), lambda d: d.problem),
        Column(label("target_indicators"), lambda d: d.target_indicators),
        Column(label("industry"), lambda d: _code_name(d.industry)),
        Column(label("region"), lambda d: _code_name(d.region)),
        Column(
            label("cooperation_modes"),
            lambda d: _choice_list(d.cooperation_modes, CooperationMode.choices),
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


def _experts(viewer: Viewer, params: Mapping[str, Any]) -> tuple[list[Column], Any]:
    from jieli.experts import selectors
    from jieli.experts.forms import ExpertFilterForm
    from jieli.experts.models import Expert

    filters = _only(selectors.ExpertFilters, _form_filters(ExpertFilterForm, params))
    qs = selectors.expert_list(viewer, filters).prefetch_related("industries", "disciplines")

    def sees(e: Expert) -> bool:
        return selectors.may_edit_expert(viewer, e) or viewer.sees_member_content

    def label(name: str) -> str:
        return _label(Expert, name)

    columns = [
        Column("ID", lambda e: e.pk),
        Column(label("external_id"), lambda e: e.external_id),
        Column(label("name"), lambda e: e.name),
        Column(label("organisation_name"), lambda e: e.affiliation_display),
        Column(label("title"), lambda e: e.title),
        Column(label("industries"), lambda e: "; ".join(_code_name(i) for i in e.industries.all())),
        Column(
            label("disciplines"), lambda e: "; ".join(_code_name(i) for i in e.disciplines.all())
        ),
        Column(label("region"), lambda e: _code_name(e.region)),
        Column(label("keywords"), lambda e: "; ".join(e.keywords or [])),
        Column(label("bio"), lambda e: e.bio),
        Column(label("email"), lambda e: e.email if sees(e) else "", members_only=True),
        Column(label("phone"), lambda e: e.phone if sees(e) else "", members_only=True),
    ]
    return columns, qs


def _organisations(viewer: Viewer, params: Mapping[str, Any]) -> tuple[list[Column], Any]:
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
        return _label(Organisation, name)

    columns = [
        Column("ID", lambda o: o.pk),
        Column(label("name"), lambda o: o.name),
        Column(label("org_type"), lambda o: o.get_org_type_display()),
        Column(label("credit_code"), lambda o: o.credit_code),
        Column(label("region"), lambda o: _code_name(o.region)),
        Column(label("address"), lambda o: o.address),
        Column(label("website"), lambda o: o.website),
        Column(label("description"), lambda o: o.description),
        Column(label("membership_status"), lambda o: o.get_membership_status_display()),
        Column(label("tier"), lambda o: o.get_tier_display() if o.tier else ""),
    ]
    return columns, qs


_KINDS = {
    "achievements": _achievements,
    "demands": _demands,
    "experts": _experts,
    "organisations": _organisations,
}


def export_table(
    viewer: Viewer, kind: str, params: Mapping[str, Any] | None = None
) -> tuple[list[str], Iterator[list[str]]]:
    """Headers and neutralised rows of what ``viewer`` may see; InvalidInput for bad filters."""
    if kind not in _KINDS:
        raise InvalidInput(
            _("Unknown kind “{kind}”; choose one of: {options}.").format(
                kind=kind, options=", ".join(KINDS)
            )
        )
    columns, qs = _KINDS[kind](viewer, dict(params or {}))
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
