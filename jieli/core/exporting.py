"""Small helpers the listing apps use to declare their export columns (see ``core.registry``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.db import models

from jieli.core.errors import InvalidInput


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    members_only: bool = False


def column_label(model: type[models.Model], name: str) -> str:
    """The field's verbose name in the active language: the column header."""
    return str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


def code_name(obj: Any) -> str:
    return f"{obj.pk} {obj.name}" if obj is not None else ""


def choice_list(values: Iterable[str], choices: list[tuple[str, Any]]) -> str:
    labels = dict(choices)
    return "; ".join(str(labels.get(v, v)) for v in values or [])


def form_filters(form_class: Any, params: Mapping[str, Any], **kwargs: Any) -> dict[str, Any]:
    """The cleaned filter form for ``params``; InvalidInput with the form's errors."""
    if not params:
        return {}
    form = form_class(params, **kwargs)
    if not form.is_valid():
        raise InvalidInput(fields={k: [str(m) for m in v] for k, v in form.errors.items()})
    return dict(form.cleaned_data)


def only_fields(dataclass_type: Any, data: dict[str, Any]) -> Any:
    """``dataclass_type`` built from the keys of ``data`` it declares."""
    names = {f.name for f in fields(dataclass_type)}
    return dataclass_type(**{k: v for k, v in data.items() if k in names})
