"""Turning a service's ``data`` dict into field values of a platform, zone or cluster.

Each cleaner adds its field's errors to ``errors`` (``{field: [messages]}``) and never raises, so
one refusal names every bad field; the services raise ``InvalidInput`` once at the end.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput

MAX_CODES = 20
MAX_ITEMS = 30


def add(errors: dict[str, list[str]], name: str, message: object) -> None:
    errors.setdefault(name, []).append(str(message))


def text(value: Any, name: str, errors: dict[str, list[str]], *, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        add(errors, name, _("Enter text."))
        return ""
    cleaned = value.strip()
    if len(cleaned) > limit:
        add(errors, name, _("At most {n} characters.").format(n=limit))
    return cleaned


def whole(value: Any, name: str, errors: dict[str, list[str]], *, minimum: int = 0) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        add(errors, name, _("Enter a whole number."))
        return None
    if value < minimum:
        add(errors, name, _("Must be at least {n}.").format(n=minimum))
        return None
    if value > 2_000_000_000:
        add(errors, name, _("Must be at most {n}.").format(n=2_000_000_000))
        return None
    return value


def money(value: Any, name: str, errors: dict[str, list[str]]) -> Decimal | None:
    """An amount in 万元: a number or a decimal string, 0 or more, kept to 0.01."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        add(errors, name, _("Enter a number."))
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        add(errors, name, _("Enter a number."))
        return None
    if not amount.is_finite() or amount < 0 or amount > Decimal("99999999999999"):
        add(errors, name, _("Enter a number of 0 or more."))
        return None
    return amount.quantize(Decimal("0.01"))


def day(value: Any, name: str, errors: dict[str, list[str]]) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    add(errors, name, _("Enter a valid date (YYYY-MM-DD)."))
    return None


def region(value: Any, name: str, errors: dict[str, list[str]], *, current: str = "") -> str:
    from jieli.regions.selectors import validate_region_code

    if value in (None, ""):
        add(errors, name, _("This field is required."))
        return ""
    if not isinstance(value, str):
        add(errors, name, _("Enter text."))
        return ""
    try:
        return str(
            validate_region_code(value, min_level=1, allow_retired=value == current, field=name)
        )
    except InvalidInput as exc:
        errors.setdefault(name, []).extend(exc.fields.get(name) or [exc.message])
        return ""


def industries(value: Any, name: str, errors: dict[str, list[str]]) -> list[str]:
    from jieli.regions.selectors import validate_industry_code

    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        add(errors, name, _("Enter a list."))
        return []
    if len(value) > MAX_CODES:
        add(errors, name, _("At most {n} entries.").format(n=MAX_CODES))
        return []
    out: list[str] = []
    for code in value:
        try:
            normalised = validate_industry_code(code, min_level=1, allow_retired=False, field=name)
        except InvalidInput as exc:
            errors.setdefault(name, []).extend(exc.fields.get(name) or [exc.message])
            continue
        if normalised not in out:
            out.append(normalised)
    return out


def organisations(value: Any, name: str, errors: dict[str, list[str]]) -> list[int]:
    from jieli.organisations.models import Organisation

    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        add(errors, name, _("Enter a list of organisation IDs."))
        return []
    if len(value) > MAX_ITEMS:
        add(errors, name, _("At most {n} entries.").format(n=MAX_ITEMS))
        return []
    wanted = list(dict.fromkeys(value))
    known = set(Organisation.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if len(known) != len(wanted):
        add(errors, name, _("Unknown organisation."))
        return []
    return wanted


def names(value: Any, name: str, errors: dict[str, list[str]]) -> list[str]:
    """A short list of names (parties or enterprises that are not member organisations)."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.replace("，", ",").replace("\n", ",").split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        add(errors, name, _("Enter a list."))
        return []
    out = [v.strip() for v in value if v.strip()]
    if len(out) > MAX_ITEMS:
        add(errors, name, _("At most {n} entries.").format(n=MAX_ITEMS))
        return []
    if any(len(v) > 200 for v in out):
        add(errors, name, _("At most {n} characters.").format(n=200))
        return []
    return list(dict.fromkeys(out))
