"""The record kinds the detector knows, read from the listing registry (``core.registry``).

The owning apps declare model, fields and visibility selector; this module adds what the
detector reads from a record (owner, fingerprint fields).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from jieli.core import registry
from jieli.core.errors import InvalidInput
from jieli.core.registry import ListingKind
from jieli.core.viewer import Viewer

# The kinds the detector covers; what each is (model, fields, visibility) is declared once, in
# the listing registry, by the app that owns it.
DETECTED_KINDS = ("achievement", "demand", "organisation")
KindSpec = ListingKind


def detected_kinds() -> list[KindSpec]:
    return [spec for spec in registry.kinds() if spec.kind in DETECTED_KINDS]


def kind_spec(kind: Any) -> KindSpec:
    spec = registry.find_kind(kind) if kind in DETECTED_KINDS else None
    if spec is None:
        raise InvalidInput(
            fields={
                "kind": [_("Choose one of: {options}.").format(options=", ".join(DETECTED_KINDS))]
            }
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
    numbers = (
        [ip.number for ip in record.ip_records.all()]  # type: ignore[attr-defined]
        if spec.kind == "achievement"
        else []
    )
    return _data(spec, lambda name: getattr(record, name, ""), numbers)


def _data(spec: KindSpec, get: Any, ip_numbers: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {spec.title_field: str(get(spec.title_field) or "")}
    if spec.kind == "organisation":
        data["title"] = data["name"]
        data["credit_code"] = get("credit_code")
    for name in spec.text_fields:
        data[name] = get(name) or ""
    if spec.kind == "demand":
        data["summary"] = ""
    if spec.kind == "achievement":
        data["ip_numbers"] = [n for n in ip_numbers if n]
    return data


def indexable_data(spec: KindSpec, ids: list[int]) -> dict[int, dict[str, Any]]:
    """id → ``record_data`` of the ``indexable`` records among ``ids``, read as plain values
    (no model instances, IP numbers by one join): the bulk path of the duplicate check."""
    names = list(dict.fromkeys([spec.title_field, *spec.text_fields]))
    if spec.kind == "organisation":
        names.append("credit_code")
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        numbers: dict[int, list[str]] = {}
        if spec.kind == "achievement":
            pairs = _live(spec).filter(pk__in=chunk, ip_records__isnull=False)
            for pk, number in pairs.values_list("pk", "ip_records__number"):
                numbers.setdefault(pk, []).append(number)
        for row in _live(spec).filter(pk__in=chunk).values("pk", *names):
            out[row["pk"]] = _data(spec, row.get, numbers.get(row["pk"], []))
    return out


def _live(spec: KindSpec) -> models.QuerySet[Any]:
    qs = spec.model._default_manager.all()
    if spec.is_listing:
        qs = qs.exclude(status="archived")
    return qs


def indexable(spec: KindSpec) -> models.QuerySet[Any]:
    """Records new ones are compared with: everything but archived listings."""
    qs = _live(spec)
    if spec.kind == "achievement":
        qs = qs.prefetch_related("ip_records")
    return qs


def visible_q(spec: KindSpec, viewer: Viewer) -> Q:
    """Which records of this kind the viewer may know about: the owning app's own selector."""
    return Q(pk__in=spec.visible(viewer).values("pk"))
