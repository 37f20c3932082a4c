"""Charts drawn on the server: SVG for the pages (no script; CSP-safe presentation attributes)
and ReportLab drawings for the PDF, from the same data (histogram, tornado). The colours and
the label cutting are ``core.charts``, shared with the events report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors

from jieli.core.charts import BAND, BAR, fit


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def histogram_svg(
    hist: Mapping[str, Sequence[float]], marks: Mapping[str, float], label: str
) -> SafeString:
    """Bars of the Monte Carlo histogram with P10/P50/P90 lines; scales to its container."""
    counts, edges = list(hist["counts"]), list(hist["edges"])
    width, height, pad = 600, 220, 28
    top = max(counts) or 1
    span = (edges[-1] - edges[0]) or 1
    bar_w = (width - 2 * pad) / len(counts)
    parts = [
        f'<svg class="ev-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, count in enumerate(counts):
        h = (height - 2 * pad) * count / top
        parts.append(
            f'<rect x="{pad + i * bar_w:.1f}" y="{height - pad - h:.1f}" '
            f'width="{bar_w * 0.92:.1f}" height="{h:.1f}" fill="{BAR}"/>'
        )
    for name, value in marks.items():
        x = pad + (value - edges[0]) / span * (width - 2 * pad)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{pad - 8}" y2="{height - pad}" '
            f'stroke="{BAND}" stroke-width="2"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{pad - 12}" font-size="15" text-anchor="middle" '
            f'fill="{BAND}">{escape(name)} {_fmt(value)}</text>'
        )
    parts.append(
        f'<text x="{pad}" y="{height - 8}" font-size="14" fill="#555">{_fmt(edges[0])}</text>'
    )
    parts.append(
        f'<text x="{width - pad}" y="{height - 8}" font-size="14" fill="#555" '
        f'text-anchor="end">{_fmt(edges[-1])}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped text only


def tornado_svg(
    rows: Sequence[Mapping[str, Any]], labels: Mapping[str, str], base: float, label: str
) -> SafeString:
    """One bar per input from its value at P10 to its value at P90, widest first."""
    width, row_h, left, pad = 640, 28, 230, 20
    height = pad * 2 + row_h * len(rows)
    values = [v for r in rows for v in (r["low"], r["high"])] + [base]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1

    def x(value: float) -> float:
        return left + (value - lo) / span * (width - left - pad)

    parts = [
        f'<svg class="ev-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, row in enumerate(rows):
        y = pad + i * row_h
        a, b = sorted((x(row["low"]), x(row["high"])))
        parts.append(
            f'<text x="{left - 6}" y="{y + 17}" font-size="15" text-anchor="end">'
            f"{escape(fit(labels.get(row['input'], row['input']), left - 10, 15))}</text>"
        )
        parts.append(
            f'<rect x="{a:.1f}" y="{y + 4}" width="{max(b - a, 1):.1f}" '
            f'height="{row_h - 8}" fill="{BAR}"/>'
        )
    parts.append(
        f'<line x1="{x(base):.1f}" x2="{x(base):.1f}" y1="{pad - 4}" '
        f'y2="{height - pad + 4}" stroke="{BAND}" stroke-width="2"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped text only


def histogram_drawing(
    hist: Mapping[str, Sequence[float]],
    marks: Mapping[str, float],
    font: str,
    width: float = 480,
    height: float = 160,
) -> Drawing:
    counts, edges = list(hist["counts"]), list(hist["edges"])
    pad = 20
    drawing = Drawing(width, height)
    top = max(counts) or 1
    span = (edges[-1] - edges[0]) or 1
    bar_w = (width - 2 * pad) / len(counts)
    for i, count in enumerate(counts):
        h = (height - 2 * pad) * count / top
        drawing.add(
            Rect(
                pad + i * bar_w,
                pad,
                bar_w * 0.92,
                h,
                fillColor=colors.HexColor(BAR),
                strokeColor=None,
            )
        )
    for name, value in marks.items():
        xpos = pad + (value - edges[0]) / span * (width - 2 * pad)
        drawing.add(Line(xpos, pad, xpos, height - pad + 6, strokeColor=colors.HexColor(BAND)))
        drawing.add(
            String(
                xpos,
                height - pad + 9,
                f"{name} {_fmt(value)}",
                fontName=font,
                fontSize=8,
                textAnchor="middle",
                fillColor=colors.HexColor(BAND),
            )
        )
    drawing.add(String(pad, 6, _fmt(edges[0]), fontName=font, fontSize=7))
    drawing.add(
        String(width - pad, 6, _fmt(edges[-1]), fontName=font, fontSize=7, textAnchor="end")
    )
    return drawing


def tornado_drawing(
    rows: Sequence[Mapping[str, Any]],
    labels: Mapping[str, str],
    base: float,
    font: str,
    width: float = 480,
) -> Drawing:
    row_h, left, pad = 18, 150, 10
    height = pad * 2 + row_h * len(rows)
    values = [v for r in rows for v in (r["low"], r["high"])] + [base]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1
    drawing = Drawing(width, height)

    def x(value: float) -> float:
        return left + (value - lo) / span * (width - left - pad)

    for i, row in enumerate(rows):
        y = height - pad - (i + 1) * row_h
        a, b = sorted((x(row["low"]), x(row["high"])))
        drawing.add(
            String(
                left - 4,
                y + 5,
                fit(labels.get(row["input"], row["input"]), left - 8, 8),
                fontName=font,
                fontSize=8,
                textAnchor="end",
            )
        )
        drawing.add(
            Rect(
                a, y + 2, max(b - a, 1), row_h - 5, fillColor=colors.HexColor(BAR), strokeColor=None
            )
        )
    drawing.add(
        Line(x(base), pad / 2, x(base), height - pad / 2, strokeColor=colors.HexColor(BAND))
    )
    return drawing
