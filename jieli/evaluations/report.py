"""The report: a frozen snapshot of an evaluation (saved when it is issued), and its rendering
as page rows and as a PDF in the active language (Chinese by default)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from jieli.core import pdf
from jieli.core.money import format_wan
from jieli.evaluations import charts, indexes
from jieli.evaluations.models import Confidentiality, Evaluation, Method, Purpose, SeatStatus
from jieli.evaluations.selectors import panel_results

SNAPSHOT_VERSION = 1


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def build_snapshot(evaluation: Evaluation, *, version: int, issued_on: date) -> dict[str, Any]:
    """Everything the report shows, language-neutral (names in both languages, codes)."""
    results = panel_results(evaluation)
    system = evaluation.index_system
    names = {node["key"]: node for node, _d in indexes.walk(system.tree)}
    survey = getattr(evaluation, "survey", None)
    return {
        "format": SNAPSHOT_VERSION,
        "version": version,
        "issued_on": issued_on.isoformat(),
        "evaluation_id": evaluation.pk,
        "achievement_id": evaluation.achievement_id,  # type: ignore[attr-defined]
        "title": evaluation.title,
        "owner": evaluation.owner.name,
        "purpose": evaluation.purpose,
        "confidentiality": evaluation.confidentiality,
        "index": {
            "key": system.key,
            "version": system.version,
            "name_zh": system.name_zh,
            "name_en": system.name_en,
        },
        "nodes": [
            {
                "key": n.key,
                "name_zh": names[n.key].get("name_zh", n.key),
                "name_en": names[n.key].get("name_en", ""),
                "depth": n.depth,
                "weight": _r(n.weight),
                "leaf": n.is_leaf,
                "mean": _r(n.mean, 2),
                "median": _r(n.median, 2),
                "std": _r(n.std, 2),
                "low": _r(n.low, 2),
                "high": _r(n.high, 2),
                "outliers": sum(1 for r in n.raters if r[4]),
            }
            for n in results.nodes
        ],
        "agreement": {
            "raters": results.raters,
            "total": _r(results.total, 2),
            "kendall_w": _r(results.kendall_w),
            "icc": _r(results.icc),
        },
        "valuations": {
            v.method: {"inputs": v.inputs, "result": v.result} for v in evaluation.valuations.all()
        },
        "survey": None
        if survey is None
        else {
            "customers": survey.customers,
            "market_size_wan": str(survey.market_size_wan),
            "market_size_source": survey.market_size_source,
            "market_size_year": survey.market_size_year,
            "competitors": survey.competitors,
            "price_points": survey.price_points,
            "channels": survey.channels,
        },
        "panel": [
            {
                "name": s.expert.name,
                "name_en": s.expert.name_en,
                "title": s.expert.title,
                "affiliation": s.expert.affiliation_display,
                "chair": s.is_chair,
                "submitted_on": s.submitted_at.date().isoformat() if s.submitted_at else "",
            }
            for s in evaluation.seats.filter(status=SeatStatus.ACCEPTED).select_related(
                "expert__organisation"
            )
        ],
        "scoring_closed_on": (
            evaluation.scoring_closed_at.date().isoformat() if evaluation.scoring_closed_at else ""
        ),
    }


# --- rendering ---------------------------------------------------------------------------------


def input_labels() -> dict[str, str]:
    return {
        "basis": _("Basis"),
        "revenue": _("Licensee's incremental revenue, year 1"),
        "growth": _("Growth per year"),
        "years": _("Years"),
        "margin": _("Operating margin"),
        "share_rate": _("Technology share rate"),
        "royalty_rate": _("Royalty rate"),
        "discount_rate": _("Discount rate"),
        "risk_premium": _("Risk premium"),
        "tax_rate": _("Tax rate"),
        "draws": _("Monte Carlo draws"),
        "base": _("Cost basis"),
        "base_cost": _("Reproduction or replacement cost"),
        "profit_rate": _("Reasonable profit"),
        "physical": _("Physical obsolescence"),
        "functional": _("Functional obsolescence"),
        "economic": _("Economic obsolescence"),
    }


PERCENT = {
    "growth",
    "margin",
    "share_rate",
    "royalty_rate",
    "discount_rate",
    "risk_premium",
    "tax_rate",
    "profit_rate",
    "physical",
    "functional",
    "economic",
}
MONEY = {"revenue", "base_cost"}


def show(name: str, value: Any) -> str:
    if isinstance(value, int | float) and name in PERCENT:
        return f"{value * 100:.2f} %".replace(".00 %", " %")
    if isinstance(value, int | float) and name in MONEY:
        return format_wan(round(value, 2))
    if name == "basis":
        return str(_("Share of profit") if value == "profit" else _("Royalty on revenue"))
    if name == "base":
        return str(_("Replacement cost") if value == "replacement" else _("Reproduction cost"))
    return str(value)


def node_name(node: dict[str, Any]) -> str:
    zh = (get_language() or "zh-hans").startswith("zh")
    return str(node.get("name_zh") if zh or not node.get("name_en") else node["name_en"])


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def view_rows_valuations(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """Each saved approach with its inputs, result, Monte Carlo figures and charts."""
    labels = input_labels()
    valuations = []
    for method in Method.values:
        entry = snapshot["valuations"].get(method)
        if not entry:
            continue
        inputs = [
            (labels.get(k, k), show(k, v))
            for k, v in entry["inputs"].items()
            if k not in ("ranges", "comparables")
        ]
        result = entry["result"]
        extra: list[tuple[str, str]] = []
        if method == Method.INCOME:
            extra = [
                (_("Effective royalty rate"), show("royalty_rate", result["effective_royalty"])),
                (_("25 % rule: royalty"), show("royalty_rate", result["rule25_royalty"])),
                (_("25 % rule: value"), format_wan(round(result["rule25_value"], 2))),
            ]
        elif method == Method.MARKET:
            for row, adjusted in zip(
                entry["inputs"]["comparables"], result["adjusted"], strict=False
            ):
                extra.append(
                    (
                        row["name"],
                        _("{price} adjusted to {adjusted}").format(
                            price=format_wan(row["price"]), adjusted=format_wan(round(adjusted, 2))
                        ),
                    )
                )
        mc = result.get("monte_carlo")
        ranges = [
            (labels.get(k, k), " / ".join(show(k, v) for v in triple))
            for k, triple in entry["inputs"].get("ranges", {}).items()
        ]
        valuations.append(
            {
                "method": method,
                "label": str(Method(method).label),
                "value": format_wan(round(result["value"], 2)),
                "inputs": inputs,
                "extra": extra,
                "ranges": ranges,
                "mc": mc,
                "mc_rows": []
                if not mc
                else [
                    ("P10", format_wan(round(mc["p10"], 2))),
                    ("P50", format_wan(round(mc["p50"], 2))),
                    ("P90", format_wan(round(mc["p90"], 2))),
                    (_("Draws and seed"), f"{mc['draws']:,} / {mc['seed']}"),
                ],
                "histogram": None
                if not mc
                else charts.histogram_svg(
                    mc["histogram"],
                    {"P10": mc["p10"], "P50": mc["p50"], "P90": mc["p90"]},
                    _("Distribution of the income-approach value"),
                ),
                "tornado": None
                if not mc
                else charts.tornado_svg(mc["tornado"], labels, result["value"], _("Tornado chart")),
            }
        )
    return valuations


def view_rows(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What the page and the PDF show, formatted in the active language."""
    valuations = view_rows_valuations(snapshot)
    agreement = snapshot["agreement"]
    return {
        "purpose": str(Purpose(snapshot["purpose"]).label),
        "confidentiality": str(Confidentiality(snapshot["confidentiality"]).label),
        "index_name": node_name(snapshot["index"]) + f" v{snapshot['index']['version']}",
        "nodes": [dict(n, name=node_name(n)) for n in snapshot["nodes"]],
        "agreement": [
            (_("Evaluators"), str(agreement["raters"])),
            (_("Overall score (0–100)"), _fmt(agreement["total"])),
            (_("Kendall's W"), _fmt(agreement["kendall_w"], 3)),
            (_("ICC(2,k)"), _fmt(agreement["icc"], 3)),
        ],
        "valuations": valuations,
        "survey": None
        if not snapshot["survey"]
        else [
            (_("Target customers"), snapshot["survey"]["customers"]),
            (
                _("Market size"),
                _("{amount} ({source}, {year})").format(
                    amount=format_wan(snapshot["survey"]["market_size_wan"]),
                    source=snapshot["survey"]["market_size_source"],
                    year=snapshot["survey"]["market_size_year"],
                ),
            ),
            (_("Competitors and substitutes"), snapshot["survey"]["competitors"]),
            (_("Price points"), snapshot["survey"]["price_points"]),
            (_("Channels"), snapshot["survey"]["channels"]),
        ],
        "panel": snapshot["panel"],
    }


def disclaimer() -> str:
    return _(
        "This report states the opinion of the expert panel on the date of issue, from the "
        "information provided by the requester. It is not an asset appraisal report under the "
        "Asset Appraisal Law and must not be used as one; values depend on the stated inputs."
    )


def report_title() -> str:
    return _("Technology Achievement Market Evaluation Report")


def render_pdf(snapshot: dict[str, Any]) -> bytes:
    """The report as PDF bytes in the active language."""
    st = pdf.styles()
    font = pdf.register_font()
    rows = view_rows(snapshot)
    width = pdf.usable_width()
    story: list[Any] = [
        pdf.para(report_title(), st["title"]),
        pdf.para(snapshot["title"], st["subtitle"]),
        pdf.table(
            [
                [_("Owner"), snapshot["owner"]],
                [_("Purpose"), rows["purpose"]],
                [_("Report version"), str(snapshot["version"])],
                [_("Issued on"), snapshot["issued_on"]],
                [_("Report visible to"), rows["confidentiality"]],
                [_("Index system"), rows["index_name"]],
            ],
            col_widths=[width * 0.3, width * 0.7],
            header=False,
        ),
        pdf.para(_("Index scores and panel agreement"), st["h1"]),
        pdf.table(
            [
                [
                    _("Indicator"),
                    _("Weight"),
                    _("Weighted mean"),
                    _("Median"),
                    _("Spread (SD)"),
                    _("Outliers"),
                ]
            ]
            + [
                [
                    "\u00a0" * 4 * n["depth"] + n["name"],
                    _fmt(n["weight"], 2),
                    _fmt(n["mean"]),
                    _fmt(n["median"]),
                    _fmt(n["std"]),
                    str(n["outliers"]) if n["leaf"] else "",
                ]
                for n in rows["nodes"]
            ],
            col_widths=[width * 0.4] + [width * 0.12] * 5,
        ),
        Spacer(1, 3 * mm),
        pdf.para(" · ".join(f"{k}: {v}" for k, v in rows["agreement"]), st["body"]),
        pdf.para(_("Valuation"), st["h1"]),
    ]
    labels = input_labels()
    for v in rows["valuations"]:
        story.append(pdf.para(f"{v['label']}: {v['value']}", st["h2"]))
        story.append(
            pdf.table(
                [[_("Input"), _("Value")], *v["inputs"], *v["extra"]],
                col_widths=[width * 0.5, width * 0.5],
            )
        )
        if v["mc"]:
            mc = v["mc"]
            story.append(pdf.para(_("Monte Carlo (P10 / P50 / P90 of the inputs)"), st["h2"]))
            story.append(
                pdf.table(
                    [[_("Input"), "P10 / P50 / P90"], *v["ranges"], *v["mc_rows"]],
                    col_widths=[width * 0.5, width * 0.5],
                )
            )
            story.append(
                charts.histogram_drawing(
                    mc["histogram"],
                    {"P10": mc["p10"], "P50": mc["p50"], "P90": mc["p90"]},
                    font,
                    width=width,
                )
            )
            story.append(
                pdf.para(_("Distribution of the income-approach value (10,000 yuan)"), st["small"])
            )
            story.append(pdf.para(_("Tornado chart"), st["h2"]))
            story.append(
                charts.tornado_drawing(
                    mc["tornado"],
                    labels,
                    snapshot["valuations"]["income"]["result"]["value"],
                    font,
                    width=width,
                )
            )
    if rows["survey"]:
        story.append(pdf.para(_("Market survey"), st["h1"]))
        story.append(pdf.table(rows["survey"], col_widths=[width * 0.3, width * 0.7], header=False))
    story.append(pdf.para(_("Evaluation panel"), st["h1"]))
    story.append(
        pdf.table(
            [[_("Name"), _("Professional title"), _("Affiliation"), _("Scores submitted on")]]
            + [
                [
                    p["name"] + (f" ({_('chair')})" if p["chair"] else ""),
                    p["title"],
                    p["affiliation"],
                    p["submitted_on"],
                ]
                for p in rows["panel"]
            ],
            col_widths=[width * 0.25, width * 0.2, width * 0.35, width * 0.2],
        )
    )
    story.append(pdf.para(_("Disclaimer"), st["h1"]))
    story.append(pdf.para(disclaimer(), st["small"]))
    return pdf.build_pdf(
        story,
        title=report_title(),
        author="Jieli",
        footer=f"{report_title()} · {snapshot['title']} · v{snapshot['version']}",
    )
