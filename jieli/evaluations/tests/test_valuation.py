"""Worked examples of the three approaches; the Monte Carlo is reproducible with its seed."""

import time

import numpy as np
import pytest

from jieli.core.errors import InvalidInput
from jieli.evaluations import valuation
from jieli.evaluations.valuation_services import messages

BASE = {
    "revenue": 1000,
    "growth": 0,
    "years": 3,
    "margin": 0.2,
    "share_rate": 0.25,
    "discount_rate": 0.1,
}


def inputs(**over):
    return valuation.income_inputs({**BASE, **over}, messages())


def test_dcf_with_technology_share_of_profit():
    # 1000 × 20 % × 25 % = 50 a year; 50 × (1/1.1 + 1/1.21 + 1/1.331) = 124.3426
    result = valuation.income_value(inputs())
    assert result["flows"] == [50.0, 50.0, 50.0]
    assert result["value"] == pytest.approx(124.3426, abs=1e-4)
    # a 25 % share of profit is the 25 % rule itself
    assert result["rule25_royalty"] == pytest.approx(0.05)
    assert result["rule25_value"] == pytest.approx(result["value"])


def test_royalty_with_growth_tax_and_risk_premium():
    # y1: 1000 × 3 % × 75 % = 22.5; y2: 1100 × 3 % × 75 % = 24.75; r = 8 % + 2 %
    result = valuation.income_value(
        inputs(
            basis="royalty",
            royalty_rate=0.03,
            growth=0.1,
            years=2,
            discount_rate=0.08,
            risk_premium=0.02,
            tax_rate=0.25,
        )
    )
    assert result["value"] == pytest.approx(22.5 / 1.1 + 24.75 / 1.21)
    assert result["total_rate"] == pytest.approx(0.10)


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"discount_rate": -1.0}, "discount_rate"),
        ({"discount_rate": -0.95, "risk_premium": -0.06}, "discount_rate"),
        ({"years": 0}, "years"),
        ({"years": -3}, "years"),
        ({"share_rate": 1.5}, "share_rate"),
        ({"revenue": -1}, "revenue"),
        ({"basis": "magic"}, "basis"),
    ],
)
def test_income_refusals(over, field):
    with pytest.raises(InvalidInput) as caught:
        inputs(**over)
    assert field in caught.value.fields


def test_cost_approach():
    # 200 × 1.1 = 220, less 10 % physical, 20 % functional, 5 % economic
    result = valuation.cost_value(
        {
            "base_cost": 200,
            "profit_rate": 0.1,
            "physical": 0.1,
            "functional": 0.2,
            "economic": 0.05,
        },
        messages(),
    )
    assert result["value"] == pytest.approx(220 * 0.9 * 0.8 * 0.95)
    with pytest.raises(InvalidInput):
        valuation.cost_value({"base_cost": 200, "physical": 1.0}, messages())


def test_market_approach_median_of_adjusted_prices():
    result = valuation.market_value(
        [
            {"price": 100, "technology": 1.2, "time": 1.05},
            {"price": 80, "technology": 1.1},
            {"price": 150, "scale": 0.8},
        ],
        messages(),
    )
    assert result["adjusted"] == pytest.approx([126.0, 88.0, 120.0])
    assert result["value"] == pytest.approx(120.0)
    with pytest.raises(InvalidInput):
        valuation.market_value([], messages())
    with pytest.raises(InvalidInput):
        valuation.market_value([{"price": 100, "time": 9}], messages())


RANGES = {
    "revenue": (800.0, 1000.0, 1300.0),
    "discount_rate": (0.08, 0.1, 0.14),
    "share_rate": (0.2, 0.25, 0.3),
}


def test_monte_carlo_is_reproducible_with_its_seed():
    a = valuation.monte_carlo(inputs(), RANGES, draws=20_000, seed=7)
    b = valuation.monte_carlo(inputs(), RANGES, draws=20_000, seed=7)
    c = valuation.monte_carlo(inputs(), RANGES, draws=20_000, seed=8)
    assert a == b
    assert a["p50"] != c["p50"]
    assert a["p10"] < a["p50"] < a["p90"]
    assert sum(a["histogram"]["counts"]) == 20_000
    # the widest swing first; revenue (−20 %/+30 %) swings more than the share rate (±20 %)
    assert next(row["input"] for row in a["tornado"]) == "revenue"


def test_split_normal_honours_p10_p50_p90():
    draws = valuation.split_normal(np.random.default_rng(1), 80, 100, 130, 200_000)
    p10, p50, p90 = np.percentile(draws, [10, 50, 90])
    assert (p10, p50, p90) == pytest.approx((80, 100, 130), abs=0.5)


def test_range_refused_when_p10_above_p90():
    with pytest.raises(InvalidInput) as caught:
        valuation.check_range("revenue", 1200, 1000, 900, messages())
    assert "ranges.revenue" in caught.value.fields


def test_hundred_thousand_draws_are_quick():
    start = time.perf_counter()
    valuation.monte_carlo(inputs(years=10), RANGES, draws=100_000, seed=1)
    assert time.perf_counter() - start < 3  # the benchmark (docs/benchmarks.md) is < 1 s idle
