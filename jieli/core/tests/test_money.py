from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from jieli.core.money import format_wan, format_wan_range


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("zh-hans", Decimal("40.00"), "40 万元"),
        ("zh-hans", Decimal("12.50"), "12.5 万元"),
        ("zh-hans", Decimal("1234"), "1,234 万元"),
        ("en", Decimal("40.00"), "CNY 400,000"),
        ("en", Decimal("0.55"), "CNY 5,500"),
        ("en", Decimal("12.5"), "CNY 125,000"),
    ],
)
def test_amounts_in_wan_read_naturally_in_each_language(language, value, expected):
    with translation.override(language):
        assert format_wan(value) == expected


@pytest.mark.parametrize(
    ("language", "low", "high", "expected"),
    [
        ("zh-hans", Decimal("40"), Decimal("90"), "40–90 万元"),
        ("en", Decimal("40"), Decimal("90"), "CNY 400,000–900,000"),
        ("zh-hans", None, Decimal("90"), "最高 90 万元"),
        ("en", Decimal("40"), None, "from CNY 400,000"),
        ("en", Decimal("40"), Decimal("40"), "CNY 400,000"),
        ("en", None, None, ""),
    ],
)
def test_budget_ranges(language, low, high, expected):
    with translation.override(language):
        assert format_wan_range(low, high) == expected


def test_template_filter_and_tag():
    template = Template("{% load jieli %}{{ p|wan }} / {% wan_range a b %}")
    with translation.override("en"):
        out = template.render(Context({"p": Decimal("3"), "a": 1, "b": 2}))
    assert out == "CNY 30,000 / CNY 10,000–20,000"
    assert "10,000 yuan" not in out
