"""Writes for the valuation (income, cost, market; the Monte Carlo of the income approach) and
the market survey. Inputs and results are saved together, in one transaction with history."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput
from jieli.core.history import change_record
from jieli.core.viewer import Viewer
from jieli.evaluations import valuation
from jieli.evaluations.models import MarketSurvey, Method, Stage, Valuation
from jieli.evaluations.services import locked, require_side, require_user, text

VALUING = (Stage.VALUING,)
DEFAULT_DRAWS = 100_000
INCOME_FIELDS = (
    "basis",
    "revenue",
    "growth",
    "years",
    "margin",
    "share_rate",
    "royalty_rate",
    "discount_rate",
    "risk_premium",
    "tax_rate",
    "ranges",
    "draws",
)
COST_FIELDS = ("base", "base_cost", "profit_rate", "physical", "functional", "economic")


def messages() -> dict[str, str]:
    """The refusals of the calculators, in the active language."""
    return {
        "basis": _("Choose one of the options."),
        "years": _("The number of years must be between 1 and 50."),
        "discount": _("The discount rate plus the risk premium must be above −100 %."),
        "growth": _("Growth must be above −100 %."),
        "negative": _("Enter an amount of at least 0."),
        "fraction": _("Enter a rate between 0 and 100 %."),
        "profit": _("The reasonable profit must be between 0 and 500 %."),
        "obsolescence": _("Obsolescence must be at least 0 and below 100 %."),
        "comparables": _("Enter at least one comparable transaction."),
        "positive": _("Enter an amount above 0."),
        "factor": _("An adjustment factor must be between 0.2 and 5."),
        "range": _("The range must satisfy P10 ≤ P50 ≤ P90."),
    }


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise InvalidInput(fields={field: [_("Enter a number.")]})
    try:
        number = float(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        raise InvalidInput(fields={field: [_("Enter a number.")]}) from None
    if not math.isfinite(number) or abs(number) > 1e12:
        raise InvalidInput(fields={field: [_("Enter a number.")]})
    return number


def _numbers(data: Mapping[str, Any], fields: tuple[str, ...], skip: tuple[str, ...]) -> dict:
    unknown = set(data) - set(fields)
    if unknown:
        raise InvalidInput(
            fields={name: [_("This field cannot be changed here.")] for name in sorted(unknown)}
        )
    return {k: (v if k in skip else _number(v, k)) for k, v in data.items() if v not in (None, "")}


def _income(data: Mapping[str, Any], seed: int) -> tuple[dict, dict]:
    clean = _numbers(data, INCOME_FIELDS, skip=("basis", "ranges"))
    for required in ("revenue", "years", "discount_rate"):
        if required not in clean:
            raise InvalidInput(fields={required: [_("This field is required.")]})
    if clean["years"] != int(clean["years"]):
        raise InvalidInput(fields={"years": [_("Enter a whole number.")]})
    msgs = messages()
    inputs = valuation.income_inputs(clean, msgs)
    result = valuation.income_value(inputs)
    ranges_in = data.get("ranges") or {}
    if not isinstance(ranges_in, Mapping):
        raise InvalidInput(fields={"ranges": [_("Enter a number.")]})
    ranges: dict[str, tuple[float, float, float]] = {}
    for name, triple in ranges_in.items():
        if name not in valuation.UNCERTAIN:
            raise InvalidInput(fields={"ranges": [_("Unknown input: {name}.").format(name=name)]})
        if not isinstance(triple, list | tuple) or len(triple) != 3:
            raise InvalidInput(fields={f"ranges.{name}": [_("Give P10, P50 and P90.")]})
        p10, p50, p90 = (_number(v, f"ranges.{name}") for v in triple)
        valuation.check_range(name, p10, p50, p90, msgs)
        ranges[name] = (p10, p50, p90)
    draws = int(clean.get("draws", DEFAULT_DRAWS))
    if not 1000 <= draws <= 200_000:
        raise InvalidInput(fields={"draws": [_("Between 1,000 and 200,000 draws.")]})
    if ranges:
        result["monte_carlo"] = valuation.monte_carlo(inputs, ranges, draws=draws, seed=seed)
    saved = dict(
        clean,
        years=int(clean["years"]),
        basis=inputs.basis,
        ranges={k: list(v) for k, v in ranges.items()},
        draws=draws,
    )
    return saved, result


def _cost(data: Mapping[str, Any]) -> tuple[dict, dict]:
    clean = _numbers(data, COST_FIELDS, skip=("base",))
    base = clean.get("base", "replacement")
    if base not in ("replacement", "reproduction"):
        raise InvalidInput(fields={"base": [_("Choose one of the options.")]})
    if "base_cost" not in clean:
        raise InvalidInput(fields={"base_cost": [_("This field is required.")]})
    return clean, valuation.cost_value(clean, messages())


def _market(data: Mapping[str, Any], achievement_id: int) -> tuple[dict, dict]:
    rows = data.get("comparables")
    if set(data) - {"comparables"} or not isinstance(rows, list) or len(rows) > 20:
        raise InvalidInput(fields={"comparables": [_("Enter 1 to 20 comparable transactions.")]})
    clean = []
    for number, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise InvalidInput(
                fields={"comparables": [_("Enter 1 to 20 comparable transactions.")]}
            )
        name = text(row.get("name"), f"comparables.{number}.name", limit=200)
        values = _numbers(
            {k: v for k, v in row.items() if k != "name"},
            ("price", "year", *valuation.FACTORS),
            skip=(),
        )
        if "price" not in values:
            raise InvalidInput(
                fields={f"comparables.{number}.price": [_("This field is required.")]}
            )
        clean.append({"name": name, **values})
    platform = valuation.recorded_contract_comparables(achievement_id)
    result = valuation.market_value([*platform, *clean], messages())
    result["platform_comparables"] = len(platform)
    return {"comparables": clean}, result


@transaction.atomic
def valuation_save(
    *, viewer: Viewer, evaluation_id: int, method: str, inputs: Mapping[str, Any]
) -> Valuation:
    """Compute one approach from its inputs and save both (replacing that approach's last)."""
    user_id = require_user(viewer)
    evaluation = locked(viewer, evaluation_id)
    require_side(viewer, evaluation, "manager", "chair")
    if evaluation.stage not in VALUING:
        raise InvalidInput(_("This cannot be done at the evaluation's current stage."))
    if method not in Method.values:
        raise InvalidInput(fields={"method": [_("Choose one of the options.")]})
    if not isinstance(inputs, Mapping):
        raise InvalidInput(fields={"inputs": [_("Enter a number.")]})
    if method == Method.INCOME:
        saved, result = _income(inputs, evaluation.mc_seed)
    elif method == Method.COST:
        saved, result = _cost(inputs)
    else:
        saved, result = _market(inputs, evaluation.achievement_id)  # type: ignore[attr-defined]
    before = Valuation.objects.filter(evaluation=evaluation, method=method).first()
    previous = before.result.get("value") if before else None
    record, _created = Valuation.objects.update_or_create(
        evaluation=evaluation, method=method, defaults={"inputs": saved, "result": result}
    )
    change_record(
        target=evaluation,
        actor_id=user_id,
        action="valuation_save",
        changes={f"valuation_{method}": [previous, round(result["value"], 2)]},
    )
    return record


SURVEY_FIELDS = (
    "customers",
    "market_size_wan",
    "market_size_source",
    "market_size_year",
    "competitors",
    "price_points",
    "channels",
)


@transaction.atomic
def survey_save(*, viewer: Viewer, evaluation_id: int, data: Mapping[str, Any]) -> MarketSurvey:
    user_id = require_user(viewer)
    evaluation = locked(viewer, evaluation_id)
    require_side(viewer, evaluation, "manager", "panel")
    if evaluation.stage not in (Stage.STAFFING, Stage.SCORING, Stage.VALUING):
        raise InvalidInput(_("This cannot be done at the evaluation's current stage."))
    unknown = set(data) - set(SURVEY_FIELDS)
    if unknown:
        raise InvalidInput(
            fields={n: [_("This field cannot be changed here.")] for n in sorted(unknown)}
        )
    size = _number(data.get("market_size_wan"), "market_size_wan")
    if size < 0:
        raise InvalidInput(fields={"market_size_wan": [_("Enter an amount of at least 0.")]})
    year = data.get("market_size_year")
    if (
        isinstance(year, bool)
        or not isinstance(year, int | str)
        or not str(year).isdigit()
        or not (1990 <= int(year) <= 2100)
    ):
        raise InvalidInput(fields={"market_size_year": [_("Enter a year such as 2025.")]})
    values = {
        "customers": text(data.get("customers"), "customers", limit=2000),
        "market_size_wan": Decimal(str(round(size, 2))),
        "market_size_source": text(data.get("market_size_source"), "market_size_source", limit=300),
        "market_size_year": int(year),
        "competitors": text(data.get("competitors"), "competitors", limit=2000),
        "price_points": text(data.get("price_points"), "price_points", limit=1000, required=False),
        "channels": text(data.get("channels"), "channels", limit=1000, required=False),
    }
    survey, created = MarketSurvey.objects.update_or_create(evaluation=evaluation, defaults=values)
    change_record(
        target=evaluation,
        actor_id=user_id,
        action="survey_save",
        changes={"market_size_wan": [None if created else "…", str(values["market_size_wan"])]},
    )
    return survey
