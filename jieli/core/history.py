"""Change history shared by every record that keeps one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from jieli.core.bulk import insert_many
from jieli.core.models import ChangeRecord


def _render(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set | frozenset):
        return [_render(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Values of ``fields`` on ``obj`` in a JSON-friendly form, to diff before and after."""
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            out[name] = sorted(str(pk) for pk in getattr(obj, name).values_list("pk", flat=True))
        else:
            out[name] = _render(getattr(obj, getattr(field, "attname", name)))
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if before.get(name) != after.get(name)
    }


def change_record(
    *,
    target: models.Model,
    actor_id: int | None,
    action: str,
    changes: dict[str, list[Any]] | None = None,
    reason: str = "",
) -> ChangeRecord:
    entry = _entry(target, actor_id=actor_id, action=action, changes=changes, reason=reason)
    entry.save()
    return entry


def _entry(
    target: models.Model,
    *,
    actor_id: int | None,
    action: str,
    changes: dict[str, list[Any]] | None,
    reason: str,
) -> ChangeRecord:
    return ChangeRecord(
        content_type=ContentType.objects.get_for_model(type(target)),
        object_id=target.pk,
        actor_id=actor_id,
        action=action,
        changes=changes or {},
        reason=reason,
    )


def change_records_bulk(
    *,
    records: Iterable[tuple[models.Model, dict[str, list[Any]]]],
    actor_id: int | None,
    action: str,
    reason: str = "",
) -> list[ChangeRecord]:
    """One history entry per (target, changes), inserted together (batch services)."""
    entries = [
        _entry(target, actor_id=actor_id, action=action, changes=changes, reason=reason)
        for target, changes in records
    ]
    return insert_many(ChangeRecord, entries)


def history_for(target: models.Model) -> models.QuerySet[ChangeRecord]:
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(type(target)), object_id=target.pk
    ).select_related("actor")
