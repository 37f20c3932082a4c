"""The record kinds the detector knows: their model, fields, owner and visibility.

Models are looked up lazily (``apps.get_model``) so this app does not import the others at
module load.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput
from jieli.core.viewer import Viewer


@dataclass(frozen=True)
class KindSpec:
    kind: str
    model_label: str
    title_field: str
    text_fields: tuple[str, ...]
    detail_url: str  # URL name taking ``pk``
    is_listing: bool

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)


SPECS: dict[str, KindSpec] = {
    "achievement": KindSpec(
        "achievement",
        "achievements.Achievement",
        "title",
        ("summary", "detail"),
        "achievements:detail",
        True,
    ),
    "demand": KindSpec(
        "demand",
        "demands.Demand",
        "title",
        ("problem", "target_indicators"),
        "demands:detail",
        True,
    ),
    "organisation": KindSpec(
        "organisation",
        "organisations.Organisation",
        "name",
        ("description",),
        "organisations:detail",
        False,
    ),
}


def kind_spec(kind: Any) -> KindSpec:
    spec = SPECS.get(kind) if isinstance(kind, str) else None
    if spec is None:
        raise InvalidInput(
            fields={"kind": [_("Choose one of: {options}.").format(options=", ".join(SPECS))]}
        )
    return spec


def owner_of(spec: KindSpec, record: models.Model) -> int | None:
    if spec.is_listing:
        return getattr(record, "owner_id", None)
    return record.pk


def record_title(spec: KindSpec, record: models.Model) -> str:
    return str(getattr(record, spec.title_field, "") or "")


def record_data(spec: KindSpec, record: models.Model) -> dict[str, Any]:
    """The fields the detector reads, from a saved record (IP records prefetched if possible)."""
    data: dict[str, Any] = {spec.title_field: record_title(spec, record)}
    if spec.kind == "organisation":
        data["title"] = data["name"]
        data["credit_code"] = getattr(record, "credit_code", "")
    for name in spec.text_fields:
        data[name] = getattr(record, name, "") or ""
    if spec.kind == "demand":
        data["summary"] = ""
    if spec.kind == "achievement":
        data["ip_numbers"] = [
            ip.number
            for ip in record.ip_records.all()  # type: ignore[attr-defined]
            if ip.number
        ]
    return data


def indexable(spec: KindSpec) -> models.QuerySet[Any]:
    """Records new ones are compared with: everything but archived listings."""
    qs = spec.model._default_manager.all()
    if spec.is_listing:
        qs = qs.exclude(status="archived")
    if spec.kind == "achievement":
        qs = qs.prefetch_related("ip_records")
    return qs


def visible_q(spec: KindSpec, viewer: Viewer) -> Q:
    """Which records of this kind the viewer may know about (the apps' own visibility rule)."""
    if spec.is_listing:
        from jieli.core.listing import visible_listing_q

        return visible_listing_q(viewer)
    from jieli.organisations.selectors import visible_organisations

    return Q(pk__in=visible_organisations(viewer).values("pk"))
