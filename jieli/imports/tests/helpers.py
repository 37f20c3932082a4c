"""Test files generated on the fly (no big fixtures)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

HEADER = [
    "外部编号",
    "成果名称",
    "成果简介",
    "所在地区",
    "技术领域",
    "成熟度",
    "转让价格",
    "合作方式",
    "专利号",
    "关键词",
]


def achievement_rows(n: int = 3, *, start: int = 1) -> list[list[str]]:
    return [
        [
            f"A{i}",
            f"一种新型电池材料{i}",
            f"摘要{i}",
            "山东省威海市",
            "C38",
            "中试",
            "50",
            "转让、许可",
            f"ZL20211012345{i}.7",
            "电池; 材料",
        ]
        for i in range(start, start + n)
    ]


def write_csv(
    path: Path, header: list[str], rows: list[list[Any]], *, encoding: str = "utf-8"
) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_jsonl(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False) + "\n")
    return path
