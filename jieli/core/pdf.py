"""PDF documents with Chinese text: one embedded CJK TrueType font, paragraph styles, a builder.

ReportLab embeds a subset of a TrueType font (glyf outlines; Noto CJK is CFF and cannot be
embedded by ReportLab). The font comes from a Debian package installed by the project's own
``scripts/pdf-fonts.sh`` (``make pdf-fonts``): WenQuanYi Zen Hei, with AR PL UMing as a fallback;
``JIELI_PDF_FONT=/path/font.ttc[#index]`` points elsewhere. Every function here is pure: callers
build a story of flowables with :func:`para` / :func:`table` and get bytes from :func:`build_pdf`.

    from jieli.core import pdf
    st = pdf.styles()
    story = [pdf.para("评价报告", st["title"]), pdf.table([["指标", "得分"], ["TRL", "7"]])]
    data = pdf.build_pdf(story, title="评价报告", footer="捷力")
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

FONT_NAME = "JieliCJK"
# (path, subfont index inside a .ttc collection)
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)
_lock = threading.Lock()
_registered: str | None = None


class PdfFontMissing(RuntimeError):
    """No CJK TrueType font is installed: run ``make pdf-fonts`` (scripts/pdf-fonts.sh)."""


def _candidates() -> list[tuple[str, int]]:
    override = os.environ.get("JIELI_PDF_FONT", "").strip()
    if override:
        path, _, index = override.partition("#")
        return [(path, int(index or 0))]
    return list(FONT_CANDIDATES)


def register_font() -> str:
    """Register the CJK font with ReportLab once per process; return its ReportLab name."""
    global _registered
    with _lock:
        if _registered is not None:
            return FONT_NAME
        for path, index in _candidates():
            if Path(path).is_file():
                pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=index))
                _registered = path
                return FONT_NAME
    tried = ", ".join(path for path, _ in _candidates())
    raise PdfFontMissing(f"no CJK TrueType font found (tried {tried}); run `make pdf-fonts`")


def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles in the CJK font: title, h1, h2, body, small, cell, cell_head."""
    font = register_font()
    base = ParagraphStyle("body", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=6 * mm
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=11, alignment=TA_CENTER, spaceAfter=6 * mm
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontSize=14,
            leading=20,
            spaceBefore=5 * mm,
            spaceAfter=2 * mm,
            textColor=colors.HexColor("#1d3557"),
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontSize=11.5, leading=17, spaceBefore=3 * mm, spaceAfter=1.5 * mm
        ),
        "body": base,
        "small": ParagraphStyle(
            "small", parent=base, fontSize=8, leading=11, textColor=colors.HexColor("#555555")
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=12),
        "cell_head": ParagraphStyle(
            "cell_head", parent=base, fontSize=8.5, leading=12, textColor=colors.white
        ),
    }


def para(text: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped; newlines kept as line breaks)."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def table(
    rows: Sequence[Sequence[object]],
    *,
    col_widths: Sequence[float] | None = None,
    header: bool = True,
) -> Table:
    """A grid of plain-text cells that wrap; the first row is a shaded header if ``header``."""
    st = styles()
    body: list[list[Any]] = []
    for number, row in enumerate(rows):
        style = st["cell_head"] if header and number == 0 else st["cell"]
        body.append([cell if isinstance(cell, Flowable) else para(cell, style) for cell in row])
    result = Table(
        body, colWidths=list(col_widths) if col_widths else None, repeatRows=1 if header else 0
    )
    commands: list[Any] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#adb5bd")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header and rows:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1d3557")))
    result.setStyle(TableStyle(commands))
    return result


def build_pdf(
    story: list[Flowable],
    *,
    title: str,
    author: str = "",
    footer: str = "",
    pagesize: tuple[float, float] = A4,
) -> bytes:
    """Lay the story out on A4 pages with a footer (text and page number); return the PDF bytes."""
    font = register_font()
    buffer = io.BytesIO()

    def _footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(pagesize[0] - 18 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=author,
        creator="Jieli",
    )
    doc.build(list(story), onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()


def usable_width(pagesize: tuple[float, float] = A4) -> float:
    """Width between the margins :func:`build_pdf` uses."""
    return pagesize[0] - 36 * mm
