"""Server-side chart pieces shared by the apps that draw SVG (no script; CSP-safe presentation
attributes): the colours, cutting a label to the room it has, and horizontal bar charts.

``events`` (the fair report) and ``evaluations`` (valuation charts, also drawn for the PDF) are
sibling layers, so what both need lives here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

BAR = "#206bc4"
BAND = "#d63939"


def fit(text: str, room: float, size: float) -> str:
    """``text`` cut with "…" to about ``room`` units at font ``size`` (CJK ≈ 1 em, Latin ≈ ½)."""
    used, out = 0.0, ""
    for char in text:
        used += size if ord(char) > 0x2E7F else size * 0.55
        if used > room - size:
            return out + "…"
        out += char
    return out


# A bar chart in a 300-unit-wide box shown at most ~350 px wide: each row is its label on a
# line of its own (the whole width, so long Chinese or English labels stay whole at 375 px)
# over its bar (up to 230 units for the largest value) and the value.
ROW = 46  # chart units per row: a 14-unit label line, then a 14-unit bar
BAR_ROOM = 230
LABEL_ROOM = 296
LABEL_SIZE = 14


def bar_chart(rows: Sequence[tuple[str, int | float]]) -> dict[str, Any]:
    """The geometry of a horizontal bar chart for a template (``bars``: label, value, width,
    y, value_x; ``height``; ``fill``)."""
    top = max((n for _label, n in rows), default=0) or 1
    bars = []
    for i, (label, n) in enumerate(rows):
        width = round(BAR_ROOM * n / top, 1)
        bars.append(
            {
                "label": fit(label, LABEL_ROOM, LABEL_SIZE),
                "value": n,
                "width": width,
                "y": ROW * i,
                "value_x": width + 6,
            }
        )
    return {"bars": bars, "height": ROW * len(bars), "fill": BAR}
