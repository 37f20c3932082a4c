"""Amounts of money as people read them.

Prices and budgets are stored in 万元 (10,000 yuan), the unit Chinese listings use. Chinese pages
show them in 万元 ("40 万元", "40–90 万元"); English pages convert to yuan with thousands
separators ("CNY 400,000", "CNY 400,000–900,000"), because "10,000 yuan" as a unit reads
unnaturally in English.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

WAN = Decimal(10_000)


def _is_chinese() -> bool:
    return (get_language() or "").lower().startswith("zh")


def _plain(value: Decimal) -> str:
    """12.50 → "12.5", 40.00 → "40", 1234 → "1,234"."""
    text = f"{value.normalize():,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _number(value: Decimal) -> str:
    return _plain(value) if _is_chinese() else _plain(value * WAN)


def format_wan(value: Decimal | int | float | None) -> str:
    """One amount stored in 万元, in the active language; "" for None."""
    if value is None:
        return ""
    number = _number(Decimal(str(value)))
    if _is_chinese():
        return _("{amount} × 10,000 yuan").format(amount=number)
    return _("CNY {amount}").format(amount=number)


def format_wan_range(low: Decimal | int | None, high: Decimal | int | None) -> str:
    """A budget range stored in 万元; open ends read "up to …" / "from …"; "" when both are None."""
    if low is None and high is None:
        return ""
    if low is None:
        return _("up to {amount}").format(amount=format_wan(high))
    if high is None:
        return _("from {amount}").format(amount=format_wan(low))
    if Decimal(str(low)) == Decimal(str(high)):
        return format_wan(low)
    low_text, high_text = _number(Decimal(str(low))), _number(Decimal(str(high)))
    if _is_chinese():
        return _("{low}–{high} × 10,000 yuan").format(low=low_text, high=high_text)
    return _("CNY {low}–{high}").format(low=low_text, high=high_text)
