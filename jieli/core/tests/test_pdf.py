"""core.pdf: a document with Chinese text is a valid PDF whose extracted text keeps the Chinese."""

import shutil
import subprocess

import pytest

from jieli.core import pdf


def test_chinese_text_survives_extraction(tmp_path):
    st = pdf.styles()
    story = [
        pdf.para("科技成果评价报告", st["title"]),
        pdf.table([["指标", "得分"], ["技术成熟度", "7"]]),
    ]
    data = pdf.build_pdf(story, title="科技成果评价报告", footer="捷力")
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        pytest.skip("pdftotext missing: make pdf-fonts")
    target = tmp_path / "out.pdf"
    target.write_bytes(data)
    text = subprocess.run([pdftotext, str(target), "-"], capture_output=True, text=True, check=True)
    assert "科技成果评价报告" in text.stdout
    assert "技术成熟度" in text.stdout


def test_missing_font_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(pdf, "_registered", None)
    monkeypatch.setenv("JIELI_PDF_FONT", "/nonexistent/font.ttf")
    with pytest.raises(pdf.PdfFontMissing, match="make pdf-fonts"):
        pdf.register_font()
