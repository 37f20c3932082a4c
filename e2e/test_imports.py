"""An organisation admin imports a small CSV through the upload page and reads the report; a
list is exported and the file holds the rows the list shows."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.helpers import unique
from e2e.i18n import LANGS, exactly, tr

# Chinese headers for the Chinese run, English ones for the English run: both are recognised.
HEADERS = {
    "zh-hans": ["外部编号", "成果名称", "成果简介", "成熟度", "技术就绪度", "转让价格", "关键词"],
    "en": ["external_id", "title", "summary", "maturity", "trl", "price", "keywords"],
}
TITLES = {
    "zh-hans": ["导入测试：海水淡化反渗透膜", "导入测试：农机北斗自动驾驶系统"],
    "en": ["Import test: graphene heat spreader film", "Import test: low-noise gearbox"],
}


def _csv(lang: str, titles: list[str]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADERS[lang])
    for n, title in enumerate(titles, start=1):
        writer.writerow([f"e2e-{lang}-{n}", title, f"{title}。", "中试", "6", "80", "e2e"])
    # The third row is not valid (a TRL must be 1-9): the report names it, the rest go in.
    writer.writerow([f"e2e-{lang}-3", "导入测试：无效行", "摘要", "中试", "12", "80", "e2e"])
    return buf.getvalue().encode("utf-8")


@pytest.mark.parametrize("lang", LANGS)
def test_org_admin_imports_a_csv_and_reads_the_report(open_as, lang):
    titles = [unique(t) for t in TITLES[lang]]
    page = open_as("orgadmin", lang, path="/imports/")
    expect(page.get_by_role("heading", level=1)).to_have_text(exactly(lang, "Import data"))
    form = page.get_by_role("main")
    form.locator("[name=kind]").select_option("achievements")
    form.locator("input[type=file][name=file]").set_input_files(
        {"name": f"e2e-{lang}.csv", "mimeType": "text/csv", "buffer": _csv(lang, titles)}
    )
    form.locator("[name=mode]").select_option("valid-rows")
    form.locator("[name=source]").fill(unique(f"e2e-{lang}"))
    form.get_by_role("button", name=exactly(lang, "Start import")).click()

    expect(page).to_have_url(re.compile(r"/imports/jobs/\d+/$"))
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=exactly(lang, "Validation report"))).to_be_visible()
    counts = tr(lang, "%(t)s rows: %(c)s created, %(u)s updated, %(n)s unchanged, %(r)s rejected.")
    counts %= {"t": 3, "c": 2, "u": 0, "n": 0, "r": 1}
    expect(main).to_contain_text(counts)
    report_row = main.get_by_role("row").filter(has_text="12")
    expect(report_row).to_have_count(1)
    expect(
        main.get_by_role("link", name=tr(lang, "Download the rejected rows (CSV)"))
    ).to_be_visible()

    # The valid rows are the organisation's drafts now.
    page.goto("/workspace/")
    for title in titles:
        expect(page.get_by_role("main").get_by_role("link", name=title, exact=True)).to_be_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_visitor_exports_the_filtered_list_as_csv(open_as, lang):
    page = open_as(None, lang, path="/achievements/")
    main = page.get_by_role("main")
    expect(main.locator("a[href^='/achievements/']").first).to_be_visible()
    page.wait_for_load_state()
    shown = {
        link.inner_text().strip()
        for link in main.locator("a[href^='/achievements/']").all()
        if re.search(r"/achievements/\d+/$", link.get_attribute("href") or "")
    }
    with page.expect_download() as download_info:
        main.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert re.fullmatch(r"jieli-achievements-\d{8}-\d{4}\.csv", download.suggested_filename)
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > len(shown) >= 1
    assert rows[0][0] == "ID"
    exported = {cell for row in rows[1:] for cell in row}
    assert shown <= exported
