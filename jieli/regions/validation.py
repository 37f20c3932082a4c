"""Validation of codes for other apps' services: known, current, and at the right level."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jieli.core.errors import InvalidInput
from jieli.regions.tables import (
    _NORMALISERS,
    _table,
)

# --- validation (used by other apps' services) ---------------------------------------------


_LEVEL_NAMES = {
    "region": {1: _("a province"), 2: _("a prefecture"), 3: _("a county")},
    "industry": {1: _("a section"), 2: _("a division"), 3: _("a group"), 4: _("a class")},
    "discipline": {1: _("a discipline"), 2: _("a sub-discipline"), 3: _("a research field")},
}


def _validate(
    kind: str, code: str, *, min_level: int, max_level: int | None, allow_retired: bool, field: str
) -> str:
    def fail(message: Any) -> InvalidInput:
        return InvalidInput(message, fields={field: [message]})

    table = _table(kind)
    normalised = _NORMALISERS[kind](code)
    entry = table.entries.get(normalised)
    if entry is None:
        raise fail(_("“{code}” is not a known code.").format(code=code))
    if entry.retired_in and not allow_retired:
        if entry.successor:
            raise fail(
                _(
                    "The code {code} was retired in edition {edition}; use {successor} instead."
                ).format(code=normalised, edition=entry.retired_in, successor=entry.successor)
            )
        raise fail(
            _("The code {code} was retired in edition {edition}.").format(
                code=normalised, edition=entry.retired_in
            )
        )
    if entry.level < min_level:
        raise fail(_("Choose at least {level}.").format(level=_LEVEL_NAMES[kind][min_level]))
    if max_level is not None and entry.level > max_level:
        raise fail(_("Choose at most {level}.").format(level=_LEVEL_NAMES[kind][max_level]))
    return normalised


def validate_region_code(
    code: str,
    *,
    min_level: int = 3,
    max_level: int | None = None,
    allow_retired: bool = False,
    field: str = "region",
) -> str:
    """Return the normalised code or raise InvalidInput (message also under ``field``).

    Pass ``allow_retired=True`` when re-saving a record that already had this code.
    """
    return _validate(
        "region",
        code,
        min_level=min_level,
        max_level=max_level,
        allow_retired=allow_retired,
        field=field,
    )


def validate_industry_code(
    code: str,
    *,
    min_level: int = 1,
    max_level: int | None = None,
    allow_retired: bool = False,
    field: str = "industry",
) -> str:
    return _validate(
        "industry",
        code,
        min_level=min_level,
        max_level=max_level,
        allow_retired=allow_retired,
        field=field,
    )


def validate_discipline_code(
    code: str,
    *,
    min_level: int = 1,
    max_level: int | None = None,
    allow_retired: bool = False,
    field: str = "discipline",
) -> str:
    return _validate(
        "discipline",
        code,
        min_level=min_level,
        max_level=max_level,
        allow_retired=allow_retired,
        field=field,
    )
