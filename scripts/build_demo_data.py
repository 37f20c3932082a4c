#!/usr/bin/env python3
"""Build the demo achievement files under ``jieli/demo/data/`` from the shared public sources.

    python scripts/build_demo_data.py [--shared /work/shared/data]

Reads CSL (Apache-2.0), ChinaXiv (CC BY 4.0) and NASA spinoff stories (US government work),
cleans them, maps them onto NSFC discipline codes and GB/T 4754-2017 industry codes and writes
one gzip JSON-lines file per source, plus copies of the licence texts. The Zhibei folder is
never read (its rights are unclear). The output is deterministic: running the script twice
gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import html
import json
import re
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "jieli" / "demo" / "data"
DEFAULT_SHARED = Path("/work/shared/data")

SUMMARY_MAX = 300
MIN_ABSTRACT = 60

# CSL discipline (67 in the benchmark) -> (NSFC discipline code, GB/T 4754-2017 industry code).
# None drops the record: humanities and social sciences have no NSFC code and no place on a
# technology-transfer platform. Basic sciences, medicine and management keep their codes here
# (so the mapping stays complete) but are left out by ``is_applied`` below.
CSL_DISCIPLINES: dict[str, tuple[str, str] | None] = {
    "作物学": ("C13", "01"),
    "农业资源利用": ("C15", "01"),
    "园艺学": ("C15", "01"),
    "林学/林业工程": ("C16", "02"),
    "植物保护": ("C14", "01"),
    "水产": ("C19", "04"),
    "畜牧学/兽医学": ("C17", "03"),
    "中医学/中药学": ("H27", "27"),
    "公共卫生与预防医学": ("H26", "84"),
    "口腔医学": ("H14", "84"),
    "基础医学/临床医学": ("H16", "84"),
    "药学": ("H30", "27"),
    "交通运输工程": ("E08", "G"),
    "信息与通信工程": ("F01", "63"),
    "光学工程": ("F05", "40"),
    "兵器科学与技术": ("E05", "C"),
    "农业工程": ("E05", "35"),
    "冶金工程": ("E04", "31"),
    "力学": ("A02", "73"),
    "动力工程及工程热物理": ("E06", "44"),
    "化学/化学工程与技术": ("B06", "26"),
    "土木工程": ("E08", "48"),
    "建筑学": ("E08", "47"),
    "控制科学与工程": ("F03", "40"),
    "机械工程": ("E05", "34"),
    "材料科学与工程": ("E02", "C"),
    "核科学与技术": ("A05", "44"),
    "水利工程": ("E09", "76"),
    "测绘科学与技术": ("D01", "74"),
    "环境科学与工程": ("B07", "77"),
    "电子科学与技术": ("F04", "39"),
    "电气工程": ("E07", "38"),
    "石油与天然气工程": ("E04", "07"),
    "矿业工程": ("E04", "B"),
    "纺织科学与工程": ("E03", "17"),
    "航空宇航科学与技术": ("E05", "37"),
    "船舶与海洋工程": ("E09", "37"),
    "计算机科学与技术": ("F02", "65"),
    "食品科学与工程": ("C20", "14"),
    "心理学": ("C09", "73"),
    "地球物理学": ("D04", "74"),
    "地理学": ("D01", "74"),
    "地质学/地质资源与地质工程": ("D02", "74"),
    "大气科学": ("D05", "74"),
    "天文学": ("A03", "73"),
    "数学": ("A01", "73"),
    "海洋科学": ("D06", "73"),
    "物理学": ("A04", "73"),
    "生物学/生物科学与工程": ("C05", "73"),
    "公共管理": ("G03", "72"),
    "农林经济管理": ("G03", "05"),
    "图书馆、情报与档案管理": ("G01", "65"),
    "工商管理": ("G02", "72"),
    "应用经济学": ("G03", "72"),
    "理论经济学": None,
    "军事学": None,
    "历史学": None,
    "哲学": None,
    "中国语言文学": None,
    "新闻传播学": None,
    "政治学": None,
    "民族学": None,
    "法学": None,
    "社会学": None,
    "艺术学": None,
    "教育学": None,
    "体育学": None,
}

# Chinese Library Classification prefix -> (NSFC code, industry code); the longest prefix wins.
CLC_PREFIXES: dict[str, tuple[str, str]] = {
    "TP3": ("F02", "65"),
    "TP1": ("F03", "40"),
    "TP2": ("F03", "40"),
    "TP7": ("F01", "74"),
    "TP": ("F02", "65"),
    "TN2": ("F05", "39"),
    "TN": ("F01", "39"),
    "TK": ("E06", "44"),
    "TM": ("E07", "38"),
    "TH7": ("E05", "40"),
    "TH": ("E05", "34"),
    "TG": ("E01", "33"),
    "TB": ("E02", "C"),
    "TQ": ("B06", "26"),
    "TS": ("C20", "14"),
    "TU": ("E08", "47"),
    "TV": ("E09", "76"),
    "TD": ("E04", "B"),
    "TE": ("E04", "07"),
    "TF": ("E04", "32"),
    "TJ": ("E05", "C"),
    "TL": ("A05", "44"),
    "T": ("E05", "C"),
    "S1": ("C15", "01"),
    "S2": ("C13", "05"),
    "S3": ("C13", "01"),
    "S4": ("C14", "01"),
    "S5": ("C13", "01"),
    "S6": ("C15", "01"),
    "S7": ("C16", "02"),
    "S85": ("C18", "03"),
    "S8": ("C17", "03"),
    "S9": ("C19", "04"),
    "S": ("C13", "01"),
    "Q14": ("C03", "73"),
    "Q78": ("C06", "73"),
    "Q81": ("C05", "27"),
    "Q93": ("C01", "73"),
    "Q94": ("C02", "73"),
    "Q95": ("C04", "73"),
    "Q96": ("C04", "73"),
    "Q": ("C05", "73"),
    "P1": ("A03", "73"),
    "P2": ("D01", "74"),
    "P3": ("D04", "74"),
    "P4": ("D05", "74"),
    "P5": ("D02", "74"),
    "P7": ("D06", "73"),
    "P9": ("D01", "74"),
    "P": ("D01", "74"),
    "X": ("B07", "77"),
    "F3": ("G03", "05"),
    "F": ("G02", "72"),
    "V": ("E05", "37"),
    "U": ("E08", "G"),
    "R2": ("H27", "27"),
    "R9": ("H30", "27"),
    "R": ("H16", "84"),
    "O1": ("A01", "73"),
    "O3": ("A02", "73"),
    "O4": ("A04", "73"),
    "O6": ("B03", "26"),
    "G2": ("G01", "65"),
    "K9": ("D01", "74"),
}

# ChinaXiv records without a CLC code: a few unambiguous title words -> codes, else no code.
TITLE_RULES: list[tuple[str, tuple[str, str]]] = [
    (r"心理|情绪|认知|记忆|焦虑|人格|注意|自我|信任", ("C09", "73")),
    (r"算法|神经网络|深度学习|机器学习|数据库|软件|区块链|推荐|检索|知识图谱", ("F02", "65")),
    (r"图书馆|情报|文献计量|科研数据|学科服务", ("G01", "65")),
    (r"降水|暴雨|气候|大气|气象|云", ("D05", "74")),
    (r"土壤|施肥|作物|小麦|水稻|玉米", ("C13", "01")),
    (r"猪|鸡|牛|羊|饲料|畜禽", ("C17", "03")),
    (r"鱼|虾|水产", ("C19", "04")),
    (r"基因|蛋白|细胞|酶", ("C05", "73")),
    (r"癌|肿瘤|患者|临床|病例", ("H16", "84")),
    (r"地震|断层|构造|岩", ("D02", "74")),
    (r"生态|植被|土地利用|流域", ("D01", "74")),
    (r"化石|古生物|中新世|更新世", ("D02", "73")),
    (r"电池|储能|光伏|风电", ("E07", "38")),
    (r"材料|合金|薄膜|涂层", ("E02", "C")),
]

NASA_CATEGORIES: dict[str, tuple[str, str]] = {
    "computer technology": ("F02", "65"),
    "health and medicine": ("H18", "35"),
    "environment and resource management": ("B07", "77"),
    "consumer home recreation": ("E05", "24"),
    "industrial productivity": ("E05", "34"),
    "industrial productivity manufacturing technology": ("E05", "34"),
    "public safety": ("E05", "C"),
    "transportation": ("E05", "37"),
}
NASA_CATEGORY_NAMES = {
    "computer technology": "Computer Technology",
    "health and medicine": "Health and Medicine",
    "environment and resource management": "Environment and Resource Management",
    "consumer home recreation": "Consumer/Home/Recreation",
    "industrial productivity": "Industrial Productivity",
    "industrial productivity manufacturing technology": "Industrial Productivity/Manufacturing",
    "public safety": "Public Safety",
    "transportation": "Transportation",
}

CJK = re.compile(r"[\u4e00-\u9fff]")
HEADING = re.compile(
    r"^([0-9一二三四五六七八九十]+[.．、\s]|[（(]?\d+[)）]|第.{1,3}[章节])|材料与方法|引言|前言|"
    r"摘要|关键词|参考文献|专题|结论|^附录|致谢"
)
NOISE = re.compile(r"[$\\{}|¹²³」「]|\*\*|DOCUMENTATION|mathrm|mathsf")


def _cjk_share(text: str) -> float:
    return len(CJK.findall(text)) / max(len(text), 1)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _fullwidth_punct(text: str) -> str:
    """CSL abstracts use ASCII ``,`` and ``.`` between Chinese clauses; use the Chinese marks."""
    text = re.sub(r"(?<=[\u4e00-\u9fff）)%”]),(?!\d)", "，", text)
    text = re.sub(r"(?<=[\u4e00-\u9fff）)%”])\.(?=[\u4e00-\u9fff（(“]|$)", "。", text)
    text = re.sub(r"(?<=[\u4e00-\u9fff）)%”]);", "；", text)
    text = re.sub(r"(?<=[\u4e00-\u9fff]):(?!\d)", "：", text)
    return text


_SENTENCE_END = re.compile(r"(?<=[。！？；!?])|(?<=\.)\s+")


def make_summary(text: str, limit: int = SUMMARY_MAX) -> str:
    """The first sentences of ``text`` up to ``limit`` characters, cut at a sentence end."""
    if len(text) <= limit:
        return text
    out = ""
    for sentence in _SENTENCE_END.split(text):
        if not sentence:
            continue
        joiner = " " if out and not CJK.search(out[-1]) and out[-1] in ".!?" else ""
        candidate = out + joiner + sentence if out else sentence
        if len(candidate) > limit:
            break
        out = candidate
    if len(out) < limit // 3:  # one long first sentence: cut at a clause mark or a word
        cut = text[: limit - 1]
        for mark in ("，", "、", ", ", " "):
            pos = cut.rfind(mark)
            if pos > limit // 2:
                cut = cut[:pos]
                break
        out = cut.rstrip("，、,; ") + "…"
    elif out.endswith(("；", ";")):
        out = out[:-1] + "…"
    return out.strip()


# What a technology-transfer platform lists as 科技成果: engineering and materials (E), information
# science (F), chemical and environmental engineering (B06, B07), agriculture, forestry, animal
# husbandry, aquaculture and food (C13–C20) and nuclear technology (A05). Basic science, clinical
# medicine, psychology and management papers are research results, not transferable technology,
# and made the demo look like a library catalogue (issue 8).
APPLIED_PREFIXES = ("E", "F", "B06", "B07", "A05", *(f"C{n}" for n in range(13, 21)))
# CSL disciplines whose NSFC code is shared with a basic science but which are engineering.
CSL_APPLIED_EXTRA = frozenset({"测绘科学与技术"})


def is_applied(discipline: str) -> bool:
    return bool(discipline) and discipline.startswith(APPLIED_PREFIXES)


def _record(
    source: str,
    external_id: str,
    title: str,
    abstract: str,
    keywords: Iterable[str],
    codes: tuple[str, str] | None,
    language: str,
) -> dict[str, object]:
    discipline, industry = codes or ("", "")
    return {
        "source": source,
        "external_id": external_id,
        "title": title,
        "summary": make_summary(abstract),
        "detail": abstract,
        "keywords": [k for k in (_squash(k) for k in keywords) if k][:8],
        "discipline": discipline,
        "industry": industry,
        "language": language,
    }


def build_csl(shared: Path) -> list[dict[str, object]]:
    out = []
    seen: set[str] = set()
    path = shared / "csl" / "csl_benchmark_joined_dev_test.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["discipline"] not in CSL_DISCIPLINES:
            raise SystemExit(f"unmapped CSL discipline: {row['discipline']}")
        codes = CSL_DISCIPLINES[row["discipline"]]
        title = _squash(row["title"])
        abstract = _fullwidth_punct(_squash(row["abstract"]))
        if codes is None or len(abstract) < MIN_ABSTRACT or title in seen:
            continue
        if not (is_applied(codes[0]) or row["discipline"] in CSL_APPLIED_EXTRA):
            continue
        seen.add(title)
        out.append(_record("csl", row["id"], title, abstract, row["keywords"], codes, "zh-hans"))
    return out


def _clean_chinaxiv_title(title: str) -> str | None:
    title = _squash(title)
    title = re.sub(r"(?<=[\u4e00-\u9fff）)])[\d*∗\\]+$", "", title)  # footnote marks
    if not 8 <= len(title) <= 60 or HEADING.search(title) or NOISE.search(title):
        return None
    if _cjk_share(title) < 0.5:
        return None
    return title


def _clean_chinaxiv_abstract(abstract: str) -> str | None:
    text = _squash(abstract)
    text = re.sub(r"^[\]】\[:：\s]+", "", text)
    text = re.sub(r"^(摘\s*要|\[?摘要\]?)[:：\s]*", "", text)
    text = re.sub(
        r"(图\s*\d+\s*[。，,]?\s*)?(表\s*\d+\s*[。，,]?\s*)?参考文献\s*\d+\s*[。.]?$", "", text
    )
    text = re.split(r"关键词[:：]|关键字[:：]|Key\s*words", text)[0].strip()
    if len(text) < MIN_ABSTRACT or len(text) > 3000 or NOISE.search(text):
        return None
    if _cjk_share(text) < 0.6 or not text.endswith(("。", ".", "）", ")")):
        return None
    return text


def _clc_codes(clc: str) -> tuple[str, str] | None:
    code = (clc or "").strip().upper()
    for length in range(min(len(code), 3), 0, -1):
        hit = CLC_PREFIXES.get(code[:length])
        if hit:
            return hit
    return None


def _title_codes(title: str) -> tuple[str, str] | None:
    for pattern, codes in TITLE_RULES:
        if re.search(pattern, title):
            return codes
    return None


def build_chinaxiv(shared: Path) -> list[dict[str, object]]:
    out = []
    seen: set[str] = set()
    path = shared / "chinaxiv" / "chinaxiv_dev.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        title = _clean_chinaxiv_title(row["title"])
        abstract = _clean_chinaxiv_abstract(row["abstract"])
        if not title or not abstract or title in seen:
            continue
        seen.add(title)
        codes = _clc_codes(row.get("clc") or "") or _title_codes(title)
        if codes is None or not is_applied(codes[0]):
            continue
        out.append(_record("chinaxiv", row["id"], title, abstract, [], codes, "zh-hans"))
    return out


def _strip_markup(text: str) -> str:
    text = re.sub(r"<[^>]+>", "", text)
    return _squash(html.unescape(html.unescape(text)))


def build_nasa(shared: Path) -> list[dict[str, object]]:
    data = json.loads((shared / "nasa" / "nasa_spinoff.json").read_text(encoding="utf-8"))
    out = []
    seen: set[str] = set()
    for row in data["results"]:
        external_id, title, text, category, center = row[1], row[2], row[3], row[5], row[9]
        title = _strip_markup(title)
        text = _strip_markup(text)
        key = re.sub(r"[^a-z ]+", " ", (category or "").lower())
        key = _squash(key)
        if len(text) < MIN_ABSTRACT or not title or title.lower() in seen:
            continue
        seen.add(title.lower())
        codes = NASA_CATEGORIES.get(key)
        keywords = [NASA_CATEGORY_NAMES[key]] if key in NASA_CATEGORY_NAMES else []
        if center:
            keywords.append("NASA " + center.upper().replace("LARC", "LaRC"))
        out.append(_record("nasa", external_id, title, text, keywords, codes, "en"))
    return out


def _check_codes(records: list[dict[str, object]], shared: Path) -> None:
    disciplines = {
        json.loads(line)["_id"]
        for line in (shared / "nsfc_discipline_codes_aminer" / "nsfc.jl").read_text().splitlines()
    }
    with (shared / "gbt4754_2017" / "industry_GBT4754-2017.csv").open(encoding="utf-8") as fh:
        industries = {row["industry_id"] for row in csv.DictReader(fh)}
    for rec in records:
        if rec["discipline"] and rec["discipline"] not in disciplines:
            raise SystemExit(f"unknown NSFC code {rec['discipline']}")
        if rec["industry"] and rec["industry"] not in industries:
            raise SystemExit(f"unknown GB/T 4754 code {rec['industry']}")


def _write(path: Path, records: list[dict[str, object]]) -> None:
    records = sorted(records, key=lambda r: str(r["external_id"]))
    payload = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as fh,
    ):
        fh.write(payload.encode("utf-8"))


LICENCES = {
    "LICENSE-CSL-Apache-2.0.txt": "csl/LICENSE_from_readme_Apache-2.0.txt",
    "LICENSE-ChinaXiv-CC-BY-4.0.txt": "chinaxiv/LICENSE_CC-BY-4.0.txt",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, builder in (("csl", build_csl), ("chinaxiv", build_chinaxiv), ("nasa", build_nasa)):
        records = builder(args.shared)
        _check_codes(records, args.shared)
        path = args.out / f"achievements_{name}.jsonl.gz"
        _write(path, records)
        coded = sum(1 for r in records if r["discipline"])
        print(
            f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
            f"{len(records)} records, {coded} with a discipline, {path.stat().st_size:,} bytes"
        )
    for target, source in LICENCES.items():
        shutil.copyfile(args.shared / source, args.out / target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
