"""The three valuation approaches and the Monte Carlo over the income approach (pure numpy).

Money is in 10,000 yuan (万元); rates are fractions (0.12 is 12 %).

Income approach (收益法): the licensee's incremental revenue grows from ``revenue`` in year 1 by
``growth`` a year for ``years`` years. The technology's yearly cash flow is either
``revenue_t × margin × share_rate`` (technology share of profit, 技术分成率, basis "profit") or
``revenue_t × royalty_rate`` (basis "royalty"), after ``tax_rate``; discounted at
``discount_rate + risk_premium``. The 25 % rule is shown beside it: a quarter of the licensee's
operating profit, i.e. a royalty of ``0.25 × margin`` and its present value.

Cost approach (成本法): reproduction or replacement cost × (1 + reasonable profit) less physical,
functional and economic obsolescence, applied multiplicatively.

Market approach (市场法): each comparable's price × its adjustment factors (technology, time,
scale, other); the value is the median of the adjusted prices (mean and range shown).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from jieli.core.errors import InvalidInput

# The inputs of the income approach that may carry a P10/P50/P90 range in the Monte Carlo.
UNCERTAIN = ("revenue", "growth", "margin", "share_rate", "royalty_rate", "discount_rate")
Z90 = 1.2815515655446004  # the standard normal's 90th percentile


@dataclass(frozen=True)
class IncomeInputs:
    basis: str  # "profit" (share rate of profit) or "royalty" (royalty rate of revenue)
    revenue: float
    growth: float
    years: int
    margin: float
    share_rate: float
    royalty_rate: float
    discount_rate: float
    risk_premium: float
    tax_rate: float


def _fail(field: str, message: str) -> InvalidInput:
    return InvalidInput(fields={field: [message]})


def income_inputs(data: Mapping[str, Any], messages: Mapping[str, str]) -> IncomeInputs:
    """Checked income inputs; ``messages`` holds the translated refusals (see services)."""
    basis = data.get("basis", "profit")
    if basis not in ("profit", "royalty"):
        raise _fail("basis", messages["basis"])
    inputs = IncomeInputs(
        basis=basis,
        revenue=float(data["revenue"]),
        growth=float(data.get("growth", 0)),
        years=int(data["years"]),
        margin=float(data.get("margin", 0)),
        share_rate=float(data.get("share_rate", 0)),
        royalty_rate=float(data.get("royalty_rate", 0)),
        discount_rate=float(data["discount_rate"]),
        risk_premium=float(data.get("risk_premium", 0)),
        tax_rate=float(data.get("tax_rate", 0)),
    )
    if inputs.years <= 0 or inputs.years > 50:
        raise _fail("years", messages["years"])
    if inputs.discount_rate + inputs.risk_premium <= -1:
        raise _fail("discount_rate", messages["discount"])
    if inputs.growth <= -1:
        raise _fail("growth", messages["growth"])
    if inputs.revenue < 0:
        raise _fail("revenue", messages["negative"])
    for name in ("margin", "share_rate", "royalty_rate", "tax_rate"):
        if not 0 <= getattr(inputs, name) <= 1:
            raise _fail(name, messages["fraction"])
    return inputs


def _annuity_factors(growth: np.ndarray, rate: np.ndarray, years: int) -> np.ndarray:
    """Σ_t (1+g)^(t−1) / (1+r)^t for t = 1..years, element-wise over arrays of g and r."""
    t = np.arange(1, years + 1, dtype=float)
    growth = np.asarray(growth, dtype=float)[..., None]
    rate = np.asarray(rate, dtype=float)[..., None]
    return np.sum((1 + growth) ** (t - 1) / (1 + rate) ** t, axis=-1)


def income_value_arrays(
    *,
    basis: str,
    revenue: np.ndarray,
    growth: np.ndarray,
    years: int,
    margin: np.ndarray,
    share_rate: np.ndarray,
    royalty_rate: np.ndarray,
    discount_rate: np.ndarray,
    risk_premium: float,
    tax_rate: float,
) -> np.ndarray:
    """The income-approach value for arrays of inputs (vectorised; the Monte Carlo's model)."""
    rate = np.asarray(royalty_rate) if basis == "royalty" else np.asarray(margin) * share_rate
    factor = _annuity_factors(growth, np.asarray(discount_rate) + risk_premium, years)
    return np.asarray(revenue) * rate * (1 - tax_rate) * factor


def income_value(inputs: IncomeInputs) -> dict[str, Any]:
    """Present value, the yearly flows and the 25 % rule reference."""
    rate = inputs.discount_rate + inputs.risk_premium
    t = np.arange(1, inputs.years + 1)
    revenue = inputs.revenue * (1 + inputs.growth) ** (t - 1)
    take = inputs.royalty_rate if inputs.basis == "royalty" else inputs.margin * inputs.share_rate
    flows = revenue * take * (1 - inputs.tax_rate)
    discount = (1 + rate) ** t
    value = float(np.sum(flows / discount))
    rule_rate = 0.25 * inputs.margin
    rule_value = float(np.sum(revenue * rule_rate * (1 - inputs.tax_rate) / discount))
    return {
        "value": value,
        "total_rate": rate,
        "effective_royalty": take,
        "flows": [round(float(f), 4) for f in flows],
        "rule25_royalty": rule_rate,
        "rule25_value": rule_value,
    }


def cost_value(data: Mapping[str, Any], messages: Mapping[str, str]) -> dict[str, Any]:
    base = float(data["base_cost"])
    if base < 0:
        raise _fail("base_cost", messages["negative"])
    profit = float(data.get("profit_rate", 0))
    if profit < 0 or profit > 5:
        raise _fail("profit_rate", messages["profit"])
    value = base * (1 + profit)
    remaining = 1.0
    for name in ("physical", "functional", "economic"):
        rate = float(data.get(name, 0))
        if not 0 <= rate < 1:
            raise _fail(name, messages["obsolescence"])
        remaining *= 1 - rate
    return {"value": value * remaining, "gross": value, "remaining": remaining}


FACTORS = ("technology", "time", "scale", "other")


def market_value(
    comparables: Sequence[Mapping[str, Any]], messages: Mapping[str, str]
) -> dict[str, Any]:
    if not comparables:
        raise _fail("comparables", messages["comparables"])
    adjusted = []
    for number, row in enumerate(comparables):
        price = float(row["price"])
        if price <= 0:
            raise _fail(f"comparables.{number}.price", messages["positive"])
        product = 1.0
        for name in FACTORS:
            factor = float(row.get(name, 1))
            if not 0.2 <= factor <= 5:
                raise _fail(f"comparables.{number}.{name}", messages["factor"])
            product *= factor
        adjusted.append(price * product)
    values = np.array(adjusted)
    return {
        "value": float(np.median(values)),
        "mean": float(values.mean()),
        "low": float(values.min()),
        "high": float(values.max()),
        "adjusted": [round(v, 4) for v in adjusted],
    }


# --- Monte Carlo ---------------------------------------------------------------------------


def check_range(name: str, p10: float, p50: float, p90: float, messages: Mapping[str, str]) -> None:
    if not (p10 <= p50 <= p90):
        raise _fail(f"ranges.{name}", messages["range"])


def split_normal(
    rng: np.random.Generator, p10: float, p50: float, p90: float, size: int
) -> np.ndarray:
    """Draws whose 10th, 50th and 90th percentiles are p10, p50, p90 (a two-piece normal)."""
    z = rng.standard_normal(size)
    left = (p50 - p10) / Z90
    right = (p90 - p50) / Z90
    return p50 + z * np.where(z < 0, left, right)


def monte_carlo(
    inputs: IncomeInputs,
    ranges: Mapping[str, tuple[float, float, float]],
    *,
    draws: int,
    seed: int,
    bins: int = 30,
) -> dict[str, Any]:
    """P10/P50/P90 and a histogram of the income value over the ranged inputs; a tornado.

    Inputs without a range keep their point value. Sampled rates are kept in their valid
    domain (fractions within [0, 1], growth and discount above −100 %).
    """
    rng = np.random.default_rng(seed)
    base = {name: getattr(inputs, name) for name in UNCERTAIN}
    sampled: dict[str, Any] = {}
    for name in UNCERTAIN:
        if name in ranges:
            p10, p50, p90 = ranges[name]
            sampled[name] = split_normal(rng, p10, p50, p90, draws)
        else:
            sampled[name] = np.full(draws, base[name])
    for name in ("margin", "share_rate", "royalty_rate"):
        sampled[name] = np.clip(sampled[name], 0.0, 1.0)
    sampled["revenue"] = np.clip(sampled["revenue"], 0.0, None)
    sampled["growth"] = np.clip(sampled["growth"], -0.99, None)
    sampled["discount_rate"] = np.clip(sampled["discount_rate"], -0.99 - inputs.risk_premium, None)
    values = income_value_arrays(
        basis=inputs.basis,
        years=inputs.years,
        risk_premium=inputs.risk_premium,
        tax_rate=inputs.tax_rate,
        **sampled,
    )
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    counts, edges = np.histogram(values, bins=bins)
    return {
        "draws": draws,
        "seed": seed,
        "p10": float(p10),
        "p50": float(p50),
        "p90": float(p90),
        "mean": float(values.mean()),
        "histogram": {"counts": counts.tolist(), "edges": [float(e) for e in edges]},
        "tornado": tornado(inputs, ranges),
    }


def tornado(
    inputs: IncomeInputs, ranges: Mapping[str, tuple[float, float, float]]
) -> list[dict[str, Any]]:
    """Each ranged input at its P10 and P90 with the others at their point values, by swing."""
    point = {name: getattr(inputs, name) for name in UNCERTAIN}
    rows = []
    for name, (low, _mid, high) in ranges.items():
        outcome = []
        for value in (low, high):
            args = dict(point, **{name: value})
            outcome.append(
                float(
                    income_value_arrays(
                        basis=inputs.basis,
                        years=inputs.years,
                        risk_premium=inputs.risk_premium,
                        tax_rate=inputs.tax_rate,
                        **{k: np.asarray(v) for k, v in args.items()},
                    )
                )
            )
        rows.append(
            {
                "input": name,
                "low": outcome[0],
                "high": outcome[1],
                "swing": abs(outcome[1] - outcome[0]),
            }
        )
    return sorted(rows, key=lambda row: -row["swing"])


def recorded_contract_comparables(achievement_id: int) -> list[dict[str, Any]]:
    """Comparable transactions recorded on the platform for the market approach.

    Empty on purpose (docs/decisions/0007): a pipeline contract's amount is visible only to its
    project's parties, and a report may be public, so contracts become comparables only once
    their parties opt in to sharing them anonymised. Until then the market approach uses the
    comparables the panel enters.
    """
    return []
