"""The code lists in memory: normal forms of codes and the per-process lookup tables.

The tables (entries, names, aliases, bigrams) are built once per process from the database and
kept in ``jieli.regions.cache``, which drops them when the loader runs (here at once, in other
processes within a few seconds).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from jieli.core.names import localised_name
from jieli.regions import cache
from jieli.regions.models import Discipline, Industry, Region
from jieli.regions.names_en import PROVINCE_ALIASES_EN

Kind = Literal["region", "industry", "discipline"]
KINDS: tuple[Kind, ...] = ("region", "industry", "discipline")
MAX_RESOLVE_LENGTH = 200
MAX_CANDIDATES = 10

# Prefecture-level rows that only group counties (under municipalities and provinces).
REGION_PLACEHOLDER_NAMES = frozenset(
    {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
)

_MODELS: dict[str, type[Region] | type[Industry] | type[Discipline]] = {
    "region": Region,
    "industry": Industry,
    "discipline": Discipline,
}


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    code: str
    name: str
    label: str
    level: int


@dataclass(frozen=True)
class ResolveResult:
    """What free text resolved to.

    ``code`` is the most specific code the text certainly means. When the text is ambiguous
    (鼓楼区 exists in several cities) ``ambiguous`` is true, ``candidates`` lists the
    possibilities and ``code`` is their deepest common ancestor (or None). ``unmatched`` is the
    text left over after the part that was understood (e.g. a street address).
    """

    kind: str
    code: str | None
    name: str = ""
    label: str = ""
    level: int | None = None
    ambiguous: bool = False
    candidates: tuple[Candidate, ...] = ()
    unmatched: str = ""

    @property
    def exact(self) -> bool:
        return self.code is not None and not self.ambiguous and not self.unmatched


# --- in-memory tables ----------------------------------------------------------------------


@dataclass
class _Entry:
    code: str
    name: str
    name_en: str
    level: int
    parent: str | None
    retired_in: str
    successor: str | None

    def display(self) -> str:
        return localised_name(self.name, self.name_en)


@dataclass
class _Table:
    kind: str
    entries: dict[str, _Entry]
    children: dict[str | None, list[str]] = field(default_factory=dict)
    # normalised name or alias -> [(code, is_full_name)]
    names: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    max_name: int = 0
    bigrams: dict[str, frozenset[str]] = field(default_factory=dict)
    names_en: dict[str, list[str]] = field(default_factory=dict)

    def label(self, code: str) -> str:
        return " ".join(e.display() for e in self.path(code))

    def path(self, code: str) -> list[_Entry]:
        out: list[_Entry] = []
        entry = self.entries.get(code)
        while entry is not None:
            if not (
                self.kind == "region"
                and entry.level == 2
                and entry.name in REGION_PLACEHOLDER_NAMES
            ):
                out.append(entry)
            entry = self.entries.get(entry.parent) if entry.parent else None
        return out[::-1]

    def candidate(self, code: str) -> Candidate:
        entry = self.entries[code]
        return Candidate(code=code, name=entry.display(), label=self.label(code), level=entry.level)

    def is_ancestor(self, ancestor: str, code: str) -> bool:
        entry = self.entries.get(code)
        while entry is not None and entry.parent:
            if entry.parent == ancestor:
                return True
            entry = self.entries.get(entry.parent)
        return False


_ETHNIC_GROUPS = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 "
    "拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 "
    "怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
)
_ETHNIC = sorted(_ETHNIC_GROUPS.split(" "), key=len, reverse=True)
_AUTONOMOUS = ("自治区", "自治州", "自治县", "自治旗")
_REGION_SUFFIXES = (
    "特别行政区",
    "地区",
    "林区",
    "新区",
    "矿区",
    "省",
    "市",
    "盟",
    "区",
    "县",
    "旗",
)
_COUNTRY_PREFIXES = ("中华人民共和国", "中国")
_EN_SUFFIXES = (
    " autonomous region",
    " province",
    " municipality",
    " city",
    " sar",
    " sheng",
    " shi",
)
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)
_SEPARATORS = re.compile(r"\s*(?:——|—|--|>|»|→|/|\||\\|;|；)\s*")


def _norm(text: str) -> str:
    """NFKC, no spaces or punctuation, lower case (for names)."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text)).lower()


def _region_aliases(name: str) -> set[str]:
    aliases = {name}
    for suffix in _AUTONOMOUS:
        if name.endswith(suffix):
            base = name[: -len(suffix)]
            stripped = True
            while stripped:
                stripped = False
                for group in _ETHNIC:
                    if base.endswith(group + "族") and len(base) > len(group) + 1:
                        base = base[: -len(group) - 1]
                        stripped = True
                        break
            if len(base) >= 2:
                aliases.add(base)
            return aliases
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            aliases.add(name[: -len(suffix)])
    return aliases


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset({text})


def _build(kind: str) -> _Table:
    model = _MODELS[kind]
    rows = model.objects.values_list(
        "code", "name", "name_en", "level", "parent_id", "retired_in", "successor_id"
    )
    table = _Table(kind=kind, entries={r[0]: _Entry(*r) for r in rows})
    for entry in table.entries.values():
        table.children.setdefault(entry.parent, []).append(entry.code)
        if entry.retired_in:
            continue
        if kind == "region" and entry.level == 2 and entry.name in REGION_PLACEHOLDER_NAMES:
            continue  # "市辖区" / "Districts" name no place
        if entry.name_en:
            table.names_en.setdefault(entry.name_en.lower(), []).append(entry.code)
        if kind == "region":
            for alias in _region_aliases(entry.name):
                table.names.setdefault(alias, []).append((entry.code, alias == entry.name))
                table.max_name = max(table.max_name, len(alias))
        else:
            key = _norm(entry.name)
            table.names.setdefault(key, []).append((entry.code, True))
            table.bigrams[entry.code] = _bigrams(key)
    if kind == "region":
        for alias, code in PROVINCE_ALIASES_EN.items():
            if code in table.entries:
                table.names_en.setdefault(alias, []).append(code)
    for codes in table.children.values():
        codes.sort()
    return table


def _table(kind: str) -> _Table:
    store = cache.tables()
    table = store.get(kind)
    if table is None:
        table = store[kind] = _build(kind)
    return table


def invalidate_lookup_tables() -> None:
    cache.invalidate()


# --- codes ---------------------------------------------------------------------------------


def normalise_region_code(code: str) -> str:
    """``"370000"``, ``"370000000000"`` → ``"37"``; ``"371002"`` stays."""
    code = unicodedata.normalize("NFKC", str(code or "")).strip()
    if code.isdigit() and len(code) in (6, 9, 12):
        code = code[:6]
        while len(code) > 2 and code.endswith("00"):
            code = code[:-2]
    return code


def normalise_industry_code(code: str) -> str:
    """``"C38"`` → ``"38"``, ``"c"`` → ``"C"``; a wrong section letter is kept (and fails)."""
    code = unicodedata.normalize("NFKC", str(code or "")).strip().upper()
    match = re.fullmatch(r"([A-T])(\d{2,4})", code)
    if match:
        entry = _table("industry").entries.get(match.group(2))
        if entry is not None and _industry_section(entry.code) == match.group(1):
            return match.group(2)
    return code


def normalise_discipline_code(code: str) -> str:
    return unicodedata.normalize("NFKC", str(code or "")).strip().upper()


_NORMALISERS = {
    "region": normalise_region_code,
    "industry": normalise_industry_code,
    "discipline": normalise_discipline_code,
}


def _industry_section(code: str) -> str:
    table = _table("industry")
    entry = table.entries.get(code)
    while entry is not None and entry.parent:
        entry = table.entries.get(entry.parent)
    return entry.code if entry is not None else ""
