"""Load (and upgrade) the reference code lists from the files under ``jieli/regions/data/``.

The loaders take the model classes as arguments so that a data migration can pass
``apps.get_model(...)``. Loading an edition is an upsert: new codes are inserted, names and
parents are updated, and codes the edition no longer contains are marked retired
(``retired_in``) — never deleted, so records that use them are not orphaned. Loading the same
edition twice changes nothing.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.db import models, transaction

from jieli.regions import cache
from jieli.regions.names_en import DIVISIONS_EN, PROVINCES_EN, SECTIONS_EN
from jieli.regions.place_names import WHOLE_NAMES_EN, place_name_en, proper_name

DATA_DIR = Path(__file__).resolve().parent / "data"
# Jieli's own English names for codes whose source has none (not upstream files).
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

REGION_EDITION = "2023"
INDUSTRY_EDITION = "2017"
DISCIPLINE_EDITION = "aminer-2019"

# An edition that would retire more than this share of the active codes is most likely the
# wrong file; the loader refuses it unless ``force=True``.
MAX_RETIRED_SHARE = 0.5

# Upstream GB/T 4754-2017 file errors, corrected at load time: (code, name) -> code.
_INDUSTRY_CODE_FIXES = {("0711", "海洋石油开采"): "0712"}


class CodeListLoadError(Exception):
    """The files are missing, malformed or would retire too many codes."""


@dataclass(frozen=True)
class CodeRow:
    code: str
    name: str
    level: int
    parent: str | None
    name_en: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class LoadStats:
    kind: str
    edition: str
    created: int = 0
    updated: int = 0
    retired: int = 0
    revived: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"{self.kind} {self.edition}: {self.created} new, {self.updated} updated, "
            f"{self.retired} retired, {self.revived} revived, {self.unchanged} unchanged"
        )


# --- readers -------------------------------------------------------------------------------


def _csv_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise CodeListLoadError(f"missing code list file: {path}")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def read_regions(data_dir: Path = DATA_DIR) -> list[CodeRow]:
    """Provinces, prefectures and counties, each with an English name: the provinces' from
    ``names_en``, the others romanised with their kind translated (``place_names``)."""
    base = data_dir / "admin_divisions"
    provinces = _csv_rows(base / "provinces.csv")
    cities = _csv_rows(base / "cities.csv")
    areas = _csv_rows(base / "areas.csv")
    # Zones are named after their province or prefecture (河北唐山芦台经济开发区).
    known = {
        proper_name(r["name"]): PROVINCES_EN.get(r["code"], "")
        for r in (*provinces, *cities)
        if r["name"] not in WHOLE_NAMES_EN
    }
    known = {stem: english for stem, english in known.items() if len(stem) >= 2}
    rows = [
        CodeRow(
            code=r["code"],
            name=r["name"],
            level=1,
            parent=None,
            name_en=PROVINCES_EN.get(r["code"]) or place_name_en(r["name"], known=known),
        )
        for r in provinces
    ]
    rows += [
        CodeRow(
            code=r["code"],
            name=r["name"],
            level=2,
            parent=r["provinceCode"],
            name_en=place_name_en(r["name"], known=known),
        )
        for r in cities
    ]
    rows += [
        CodeRow(
            code=r["code"],
            name=r["name"],
            level=3,
            parent=r["cityCode"],
            name_en=place_name_en(r["name"], known=known),
        )
        for r in areas
    ]
    for row in rows:
        if not row.code.isdigit() or len(row.code) != 2 * row.level:
            raise CodeListLoadError(f"unexpected region code {row.code!r} at level {row.level}")
    return rows


def read_industries(data_dir: Path = DATA_DIR) -> list[CodeRow]:
    raw = _csv_rows(data_dir / "gbt4754_2017" / "industry_GBT4754-2017.csv")
    section_of = {r["industry_id"]: r["parent_id"] for r in raw if len(r["industry_id"]) == 2}
    rows: list[CodeRow] = []
    for r in raw:
        code = _INDUSTRY_CODE_FIXES.get((r["industry_id"], r["name"]), r["industry_id"])
        if len(code) == 1 and code.isalpha():
            level, parent, section = 1, None, code
        elif code.isdigit() and 2 <= len(code) <= 4:
            level = len(code)
            if level == 2:
                parent = section = r["parent_id"]
            else:
                parent = code[:-1]
                section = section_of.get(code[:2], "")
        else:
            raise CodeListLoadError(f"unexpected industry code {code!r}")
        if not section:
            raise CodeListLoadError(f"industry code {code!r} has no division")
        rows.append(
            CodeRow(
                code=code,
                name=r["name"],
                level=level,
                parent=parent,
                extra={"section": section, "description": r["description"]},
            )
        )
    return _with_industry_names_en(rows)


def _with_industry_names_en(rows: list[CodeRow]) -> list[CodeRow]:
    """English names: sections and divisions from ``names_en``, groups and classes from
    ``translations/gbt4754_2017_en.tsv``; a group or class named exactly as its parent (134
    制糖业 under 13) has its parent's English name."""
    own = {**SECTIONS_EN, **DIVISIONS_EN, **read_translations("gbt4754_2017_en.tsv")}
    by_code = {row.code: row for row in rows}

    def english(row: CodeRow) -> str:
        if row.code in own:
            return own[row.code]
        parent = by_code.get(row.parent or "")
        return english(parent) if parent is not None and parent.name == row.name else ""

    return [replace(row, name_en=english(row)) for row in rows]


def read_translations(filename: str) -> dict[str, str]:
    """``code`` → ``name_en`` from one of Jieli's own translation files (tab-separated)."""
    path = TRANSLATIONS_DIR / filename
    if not path.exists():
        raise CodeListLoadError(f"missing translation file: {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        return {
            row["code"].strip(): row["name_en"].strip()
            for row in csv.DictReader(fh, delimiter="\t")
            if row.get("name_en")
        }


def _sentence_case(text: str) -> str:
    # 55 of the file's English names start in lower case ("mathematics"); labels do not.
    return text[:1].upper() + text[1:]


def read_disciplines(data_dir: Path = DATA_DIR) -> list[CodeRow]:
    path = data_dir / "nsfc" / "nsfc.jl"
    if not path.exists():
        raise CodeListLoadError(f"missing code list file: {path}")
    rows: list[CodeRow] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            item = json.loads(line)
            code = str(item["_id"]).strip().upper()
            if len(code) not in (3, 5, 7) or not code[0].isalpha() or not code[1:].isdigit():
                raise CodeListLoadError(f"unexpected discipline code {code!r}")
            parents = item.get("parents") or []
            rows.append(
                CodeRow(
                    code=code,
                    name=str(item["name"]).strip(),
                    level=(len(code) - 1) // 2,
                    parent=str(parents[0]).upper() if parents else None,
                    name_en=_sentence_case(str(item.get("name_en") or "").strip()),
                )
            )
    return rows


# --- upsert --------------------------------------------------------------------------------


def _check_unique(rows: Iterable[CodeRow], kind: str) -> None:
    seen: set[str] = set()
    for row in rows:
        if row.code in seen:
            raise CodeListLoadError(f"{kind}: duplicate code {row.code!r}")
        seen.add(row.code)


def upsert_edition(
    model: type[models.Model],
    rows: list[CodeRow],
    *,
    edition: str,
    kind: str = "",
    successors: Mapping[str, str] | None = None,
    force: bool = False,
    using: str = "default",
) -> LoadStats:
    """Bring ``model`` to ``edition``: insert, update, retire (never delete). Idempotent.

    ``successors`` maps retired codes to the code that replaces them. Must run inside a
    transaction (``load_reference_code_lists`` provides one).
    """
    kind = kind or model._meta.model_name or "codes"
    stats = LoadStats(kind=kind, edition=edition)
    if not rows:
        raise CodeListLoadError(f"{kind}: the edition {edition} has no codes")
    _check_unique(rows, kind)
    successors = dict(successors or {})
    manager = model._default_manager.db_manager(using)
    existing: dict[str, Any] = {obj.pk: obj for obj in manager.all()}
    new_codes = {row.code for row in rows}
    for old, new in successors.items():
        if new not in new_codes and new not in existing:
            raise CodeListLoadError(f"{kind}: successor {new!r} of {old!r} is not a known code")

    active_before = {code for code, obj in existing.items() if not obj.retired_in}
    to_retire = sorted(active_before - new_codes)
    if active_before and not force and len(to_retire) > MAX_RETIRED_SHARE * len(active_before):
        raise CodeListLoadError(
            f"{kind}: edition {edition} would retire {len(to_retire)} of {len(active_before)} "
            "codes; check the files or pass force=True"
        )

    fields = ["name", "level", "edition", "retired_in", "parent_id"]
    extra_fields = sorted({key for row in rows for key in row.extra})
    fields += extra_fields
    create: list[Any] = []
    update: list[Any] = []
    changed_fields: set[str] = set()
    for row in sorted(rows, key=lambda r: (r.level, r.code)):
        values: dict[str, Any] = {
            "name": row.name,
            "level": row.level,
            "edition": edition,
            "retired_in": "",
            "parent_id": row.parent,
            **row.extra,
        }
        if row.name_en:
            values["name_en"] = row.name_en
        obj = existing.get(row.code)
        if obj is None:
            create.append(model(pk=row.code, **values))
            continue
        changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
        if not changed:
            stats.unchanged += 1
            continue
        if obj.retired_in:
            stats.revived += 1
        else:
            stats.updated += 1
        changed_fields.update(changed)
        for key, value in changed.items():
            setattr(obj, key, value)
        update.append(obj)

    retire: list[Any] = []
    for code in to_retire:
        obj = existing[code]
        obj.retired_in = edition
        if code in successors:
            obj.successor_id = successors[code]
        retire.append(obj)
    for old, new in successors.items():
        obj = existing.get(old)
        if obj is not None and obj.retired_in and old not in to_retire:
            obj.successor_id = new
            retire.append(obj)

    if create:
        manager.bulk_create(create, batch_size=500)
    if update:
        # Only the columns that changed: an edition that only adds English names rewrites one.
        manager.bulk_update(
            update, [f for f in [*fields, "name_en"] if f in changed_fields], batch_size=500
        )
    if retire:
        manager.bulk_update(retire, ["retired_in", "successor_id"], batch_size=500)
    stats.created = len(create)
    stats.retired = len(to_retire)
    return stats


def load_reference_code_lists(
    *,
    region_model: type[models.Model] | None = None,
    industry_model: type[models.Model] | None = None,
    discipline_model: type[models.Model] | None = None,
    data_dir: Path = DATA_DIR,
    editions: Mapping[str, str] | None = None,
    successors: Mapping[str, Mapping[str, str]] | None = None,
    force: bool = False,
    using: str = "default",
) -> list[LoadStats]:
    """Load every list whose model is given, all in one transaction.

    ``editions`` and ``successors`` are keyed by ``"region"``, ``"industry"``, ``"discipline"``.
    """
    editions = {
        "region": REGION_EDITION,
        "industry": INDUSTRY_EDITION,
        "discipline": DISCIPLINE_EDITION,
        **(editions or {}),
    }
    successors = successors or {}
    plan = [
        ("region", region_model, read_regions),
        ("industry", industry_model, read_industries),
        ("discipline", discipline_model, read_disciplines),
    ]
    results: list[LoadStats] = []
    with transaction.atomic(using=using):
        for kind, model, reader in plan:
            if model is None:
                continue
            results.append(
                upsert_edition(
                    model,
                    reader(data_dir),
                    edition=editions[kind],
                    kind=kind,
                    successors=successors.get(kind),
                    force=force,
                    using=using,
                )
            )
    cache.invalidate()
    transaction.on_commit(cache.invalidate, using=using)
    return results
