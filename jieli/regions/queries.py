"""Query building: "a code and everything under it" as a range of codes.

Region, industry and discipline codes are hierarchical by prefix, so the ranges work on a
``CharField`` holding a code and on a ``ForeignKey`` to the code list alike.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jieli.core.errors import InvalidInput
from jieli.regions.tables import (
    _NORMALISERS,
    _table,
)

# --- hierarchy filters ---------------------------------------------------------------------


def _increment(prefix: str) -> str | None:
    """The smallest string greater than every string starting with ``prefix`` (digits/A–Z)."""
    chars = list(prefix)
    while chars:
        last = chars.pop()
        if last not in "9Z":
            return "".join(chars) + chr(ord(last) + 1)
    return None


def _prefix_range_q(field_name: str, prefix: str) -> Q:
    q = Q(**{f"{field_name}__gte": prefix})
    upper = _increment(prefix)
    if upper is not None:
        q &= Q(**{f"{field_name}__lt": upper})
    return q


def _descendant_q(kind: str, field_name: str, code: str) -> Q:
    table = _table(kind)
    normalised = _NORMALISERS[kind](code)
    entry = table.entries.get(normalised)
    if entry is None:
        raise InvalidInput(
            _("Unknown code: {code}.").format(code=code),
            fields={field_name.removesuffix("_id"): [str(_("Unknown code."))]},
        )
    if kind == "industry" and entry.level == 1:
        divisions = table.children.get(entry.code) or []
        q = Q(**{field_name: entry.code})
        if divisions:
            q |= (
                _prefix_range_q(field_name, divisions[0])
                if len(divisions) == 1
                else (
                    Q(**{f"{field_name}__gte": divisions[0]})
                    & Q(**{f"{field_name}__lt": _increment(divisions[-1]) or "\uffff"})
                )
            )
        return q
    return _prefix_range_q(field_name, normalised)


def region_descendant_q(field_name: str, code: str) -> Q:
    """Matches ``code`` and every region under it (a province matches its cities and counties).

    ``field_name`` is a lookup path to a code: a ``CharField`` (``"region_code"``) or a foreign
    key to Region (``"region"``, ``"region_id"``, ``"owner__region_id"``).
    """
    return _descendant_q("region", field_name, code)


def industry_descendant_q(field_name: str, code: str) -> Q:
    """Matches ``code`` and everything under it; a section letter matches all its divisions."""
    return _descendant_q("industry", field_name, code)


def discipline_descendant_q(field_name: str, code: str) -> Q:
    return _descendant_q("discipline", field_name, code)
