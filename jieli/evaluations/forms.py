"""Forms of the evaluation pages. Rates are entered in percent and passed to the services as
fractions; the services check everything again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jieli.achievements.models import TRL_LEVELS
from jieli.core.http import MAX_ID
from jieli.evaluations import indexes
from jieli.evaluations.models import Confidentiality, Purpose

DATE = forms.DateInput(attrs={"type": "date"})


class RequestForm(forms.Form):
    purpose = forms.ChoiceField(label=_("purpose"), choices=Purpose.choices)
    index_key = forms.ChoiceField(
        label=_("index system"),
        choices=[("technology", _("Technology index")), ("patent", _("Patent value index"))],
    )
    deadline = forms.DateField(label=_("deadline"), widget=DATE)
    confidentiality = forms.ChoiceField(
        label=_("report visible to"),
        choices=Confidentiality.choices,
        initial=Confidentiality.OWNER,
    )
    fee_wan = forms.DecimalField(
        label=_("fee (10,000 yuan)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    fee_note = forms.CharField(label=_("fee arrangement"), required=False, max_length=300)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class InviteForm(forms.Form):
    expert_id = forms.IntegerField(label=_("expert number"), min_value=1, max_value=MAX_ID)
    is_chair = forms.BooleanField(label=_("chair"), required=False)
    override_reason = forms.CharField(
        label=_("reason to override a conflict of interest"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    replaces_id = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )


class ScoreForm(forms.Form):
    """One score and one justification per leaf of the evaluation's index tree."""

    def __init__(self, tree: dict[str, Any], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.leaves = indexes.leaves(tree)
        zh = (get_language() or "zh-hans").startswith("zh")
        for leaf in self.leaves:
            low, high = leaf["scale"]
            if leaf["key"] == "trl" and [low, high] == [1, 9]:
                # the platform's own TRL wording (achievements.models.TRL_LEVELS)
                self.fields["score_trl"] = forms.TypedChoiceField(
                    label=indexes.name(leaf),
                    coerce=int,
                    choices=[("", "—")]
                    + [
                        (t.level, f"TRL {t.level} · {t.name_zh if zh else t.name_en}")
                        for t in TRL_LEVELS
                    ],
                )
                self.fields["justification_trl"] = forms.CharField(
                    label=_("justification"),
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                continue
            self.fields[f"score_{leaf['key']}"] = forms.DecimalField(
                label=f"{indexes.name(leaf)} ({low}–{high})",
                min_value=low,
                max_value=high,
                max_digits=6,
                decimal_places=2,
            )
            self.fields[f"justification_{leaf['key']}"] = forms.CharField(
                label=_("justification"),
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[tuple[Any, Any]]:
        return [
            (self[f"score_{leaf['key']}"], self[f"justification_{leaf['key']}"])
            for leaf in self.leaves
        ]

    def scores(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {
            leaf["key"]: {
                "value": float(data[f"score_{leaf['key']}"]),
                "justification": data[f"justification_{leaf['key']}"],
            }
            for leaf in self.leaves
        }


def _pct(label: Any, required: bool = False, **kw: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, max_digits=8, decimal_places=3, **kw)


def _frac(value: Decimal | None) -> float | None:
    return None if value is None else float(value) / 100


RANGED = ("revenue", "growth", "share_rate", "royalty_rate", "discount_rate")


class IncomeForm(forms.Form):
    basis = forms.ChoiceField(
        label=_("basis"),
        choices=[("profit", _("Share of profit")), ("royalty", _("Royalty on revenue"))],
    )
    revenue = forms.DecimalField(
        label=_("licensee's incremental revenue, year 1 (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
    )
    growth = _pct(_("growth per year (%)"), initial=0)
    years = forms.IntegerField(label=_("years"), min_value=1, max_value=50)
    margin = _pct(_("operating margin (%)"), initial=0)
    share_rate = _pct(_("technology share rate of profit (%)"), initial=0)
    royalty_rate = _pct(_("royalty rate (%)"), initial=0)
    discount_rate = _pct(_("discount rate (%)"), required=True)
    risk_premium = _pct(_("risk premium (%)"), initial=0)
    tax_rate = _pct(_("tax rate (%)"), initial=0)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in RANGED:
            for p in ("p10", "p90"):
                self.fields[f"{name}_{p}"] = forms.DecimalField(
                    label=f"{self.fields[name].label} {p.upper()}",
                    required=False,
                    max_digits=14,
                    decimal_places=3,
                )

    def range_rows(self) -> list[tuple[Any, Any, Any]]:
        return [(self.fields[n].label, self[f"{n}_p10"], self[f"{n}_p90"]) for n in RANGED]

    def inputs(self) -> dict[str, Any]:
        d = self.cleaned_data
        out: dict[str, Any] = {
            "basis": d["basis"],
            "revenue": float(d["revenue"]),
            "years": d["years"],
        }
        for name in (
            "growth",
            "margin",
            "share_rate",
            "royalty_rate",
            "discount_rate",
            "risk_premium",
            "tax_rate",
        ):
            if d.get(name) is not None:
                out[name] = _frac(d[name])
        ranges = {}
        for name in RANGED:
            low, high = d.get(f"{name}_p10"), d.get(f"{name}_p90")
            if low is None and high is None:
                continue
            scale = (lambda v: float(v)) if name == "revenue" else _frac
            mid = out.get(name, 0.0)
            ranges[name] = [
                scale(low) if low is not None else mid,
                mid,
                scale(high) if high is not None else mid,
            ]
        if ranges:
            out["ranges"] = ranges
        return out


class CostForm(forms.Form):
    base = forms.ChoiceField(
        label=_("cost basis"),
        choices=[("replacement", _("Replacement cost")), ("reproduction", _("Reproduction cost"))],
    )
    base_cost = forms.DecimalField(label=_("cost (10,000 yuan)"), max_digits=14, decimal_places=2)
    profit_rate = _pct(_("reasonable profit (%)"), initial=0)
    physical = _pct(_("physical obsolescence (%)"), initial=0)
    functional = _pct(_("functional obsolescence (%)"), initial=0)
    economic = _pct(_("economic obsolescence (%)"), initial=0)

    def inputs(self) -> dict[str, Any]:
        d = self.cleaned_data
        out: dict[str, Any] = {"base": d["base"], "base_cost": float(d["base_cost"])}
        for name in ("profit_rate", "physical", "functional", "economic"):
            if d.get(name) is not None:
                out[name] = _frac(d[name])
        return out


COMPARABLE_ROWS = 3
FACTOR_FIELDS = ("technology", "time", "scale", "other")


class MarketForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        labels = {
            "technology": _("technology factor"),
            "time": _("time factor"),
            "scale": _("scale factor"),
            "other": _("other factor"),
        }
        for i in range(COMPARABLE_ROWS):
            self.fields[f"name_{i}"] = forms.CharField(
                label=_("comparable transaction"), required=False, max_length=200
            )
            self.fields[f"price_{i}"] = forms.DecimalField(
                label=_("price (10,000 yuan)"), required=False, max_digits=14, decimal_places=2
            )
            for f in FACTOR_FIELDS:
                self.fields[f"{f}_{i}"] = forms.DecimalField(
                    label=labels[f], required=False, max_digits=6, decimal_places=3, initial=1
                )

    def row_fields(self) -> list[list[Any]]:
        return [
            [self[f"name_{i}"], self[f"price_{i}"], *(self[f"{f}_{i}"] for f in FACTOR_FIELDS)]
            for i in range(COMPARABLE_ROWS)
        ]

    def inputs(self) -> dict[str, Any]:
        d = self.cleaned_data
        rows = []
        for i in range(COMPARABLE_ROWS):
            if not d.get(f"name_{i}") and d.get(f"price_{i}") is None:
                continue
            row: dict[str, Any] = {
                "name": d.get(f"name_{i}") or "",
                "price": None if d.get(f"price_{i}") is None else float(d[f"price_{i}"]),
            }
            for f in FACTOR_FIELDS:
                if d.get(f"{f}_{i}") is not None:
                    row[f] = float(d[f"{f}_{i}"])
            rows.append(row)
        return {"comparables": rows}


class SurveyForm(forms.Form):
    customers = forms.CharField(
        label=_("target customers"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    market_size_wan = forms.DecimalField(
        label=_("market size (10,000 yuan)"), min_value=0, max_digits=14, decimal_places=2
    )
    market_size_source = forms.CharField(label=_("source of the market size"), max_length=300)
    market_size_year = forms.IntegerField(
        label=_("year of the market size"), min_value=1990, max_value=2100
    )
    competitors = forms.CharField(
        label=_("competitors and substitutes"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    price_points = forms.CharField(label=_("price points"), required=False, max_length=1000)
    channels = forms.CharField(label=_("channels"), required=False, max_length=1000)

    def inputs(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["market_size_wan"] = str(d["market_size_wan"])
        return d
