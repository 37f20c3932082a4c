"""Change history shared by every record that keeps one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

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
    return ChangeRecord.objects.create(
        content_type=ContentType.objects.get_for_model(type(target)),
        object_id=target.pk,
        actor_id=actor_id,
        action=action,
        changes=changes or {},
        reason=reason,
    )


def history_for(target: models.Model) -> models.QuerySet[ChangeRecord]:
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(type(target)), object_id=target.pk
    ).select_related("actor")


# Every action a service writes to history, in the reader's language. An action missing here
# is shown as written (a test checks that every action the code writes is listed).
ACTION_LABELS: dict[str, Any] = {
    "create": _("created"),
    "update": _("edited"),
    "import": _("imported"),
    "submit": _("submitted for review"),
    "publish": _("published"),
    "return": _("returned for changes"),
    "reconfirm": _("re-confirmed"),
    "remind_reconfirm": _("re-confirmation reminder sent"),
    "archive": _("archived"),
    "apply": _("applied for membership"),
    "admit": _("admitted"),
    "suspend": _("suspended"),
    "remove": _("membership ended"),
    "member_add": _("member added"),
    "member_remove": _("member removed"),
    "deactivate": _("deactivated"),
    "affiliation_add": _("affiliation added"),
    "affiliation_remove": _("affiliation removed"),
    "merge": _("merged a duplicate into this record"),
    "merged": _("merged into another record"),
    "same_as_link": _("linked as the same as another record"),
    "duplicate_dismissed": _("marked as not a duplicate"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def field_label(model: type[models.Model] | None, name: str) -> str:
    """A changed field's name as the reader sees it: the field's verbose name."""
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    verbose = getattr(field, "verbose_name", None)
    related = field.related_model
    if verbose is None and isinstance(related, type) and issubclass(related, models.Model):
        verbose = related._meta.verbose_name_plural  # a reverse relation, e.g. ip_records
    return str(verbose) if verbose is not None else name
