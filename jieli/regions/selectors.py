"""Reads of the reference code lists: lookups, hierarchy filters, free-text resolution, validation.

Free-text resolution uses in-memory tables built once per process (``jieli.regions.cache``) and
dropped when the loader runs. Region, industry and discipline codes are hierarchical by prefix,
so "a code and everything under it" is a range of codes (see ``*_descendant_q``); the ranges work
on a ``CharField`` holding a code and on a ``ForeignKey`` to the code list alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from jieli.core.errors import InvalidInput, NotFound
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
        if self.name_en and translation.get_language() == "en":
            return self.name_en
        return self.name


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
        if entry.name_en:
            table.names_en.setdefault(entry.name_en.lower(), []).append(entry.code)
        if kind == "region":
            if entry.level == 2 and entry.name in REGION_PLACEHOLDER_NAMES:
                continue
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


def _get(kind: str, code: str) -> Any:
    model = _MODELS[kind]
    obj = model.objects.filter(pk=_NORMALISERS[kind](code)).first()
    if obj is None:
        raise NotFound(_("Unknown code: {code}.").format(code=code))
    return obj


def region_get(code: str) -> Region:
    result: Region = _get("region", code)
    return result


def industry_get(code: str) -> Industry:
    result: Industry = _get("industry", code)
    return result


def discipline_get(code: str) -> Discipline:
    result: Discipline = _get("discipline", code)
    return result


def _children(kind: str, parent_code: str | None, include_retired: bool) -> QuerySet[Any]:
    model = _MODELS[kind]
    qs: QuerySet[Any] = model.objects.all()
    if parent_code:
        code = _NORMALISERS[kind](parent_code)
        if code not in _table(kind).entries:
            raise NotFound(_("Unknown code: {code}.").format(code=parent_code))
        qs = qs.filter(parent_id=code)
    else:
        qs = qs.filter(parent__isnull=True)
    if not include_retired:
        qs = qs.filter(retired_in="")
    return qs.order_by("code")


def region_children(parent_code: str | None, *, include_retired: bool = False) -> QuerySet[Region]:
    """Provinces when ``parent_code`` is empty, else the direct children of that region."""
    return _children("region", parent_code, include_retired)


def industry_children(
    parent_code: str | None, *, include_retired: bool = False
) -> QuerySet[Industry]:
    return _children("industry", parent_code, include_retired)


def discipline_children(
    parent_code: str | None, *, include_retired: bool = False
) -> QuerySet[Discipline]:
    return _children("discipline", parent_code, include_retired)


def _path(kind: str, code: str) -> list[Any]:
    table = _table(kind)
    normalised = _NORMALISERS[kind](code)
    if normalised not in table.entries:
        raise NotFound(_("Unknown code: {code}.").format(code=code))
    codes = [e.code for e in table.path(normalised)]
    objs = _MODELS[kind].objects.in_bulk(codes)
    return [objs[c] for c in codes if c in objs]


def region_path(code: str) -> list[Region]:
    """Province, prefecture, county down to ``code``, skipping the 市辖区/县 placeholders."""
    return _path("region", code)


def industry_path(code: str) -> list[Industry]:
    return _path("industry", code)


def discipline_path(code: str) -> list[Discipline]:
    return _path("discipline", code)


def code_label(kind: Kind, code: str | None) -> str:
    """Display path such as "北京市 东城区" or "制造业 电气机械和器材制造业"; "" if unknown."""
    if not code:
        return ""
    table = _table(kind)
    normalised = _NORMALISERS[kind](code)
    return table.label(normalised) if normalised in table.entries else ""


def region_label(code: str | None) -> str:
    return code_label("region", code)


def industry_label(code: str | None) -> str:
    return code_label("industry", code)


def discipline_label(code: str | None) -> str:
    return code_label("discipline", code)


def code_list_search(
    kind: Kind, *, parent: str = "", q: str = "", include_retired: bool = False
) -> QuerySet[Any]:
    """Direct children of ``parent`` (top level when empty); with ``q``, any code under
    ``parent`` whose code starts with ``q`` or whose name contains it."""
    model = _MODELS[kind]
    q = q.strip()
    if not q:
        return _children(kind, parent or None, include_retired)
    qs: QuerySet[Any] = model.objects.all()
    if parent:
        if _NORMALISERS[kind](parent) not in _table(kind).entries:
            raise NotFound(_("Unknown code: {code}.").format(code=parent))
        qs = qs.filter(_descendant_q(kind, "code", parent))
    code = _NORMALISERS[kind](q)
    qs = qs.filter(Q(code__startswith=code) | Q(name__icontains=q) | Q(name_en__icontains=q))
    if not include_retired:
        qs = qs.filter(retired_in="")
    return qs.order_by("level", "code")


# --- hierarchy filters ---------------------------------------------------------------------


def _increment(prefix: str) -> str | None:
    """The smallest string greater than every string starting with ``prefix`` (digits/A–Z)."""
    chars = list(prefix)
    while chars:
        last = chars.pop()
        if last not in "9Z":
            return "".join(chars) + chr(ord(last) + 1)
    return None


def _prefix_range_q(field_name: str, prefix: str) -> Q:
    q = Q(**{f"{field_name}__gte": prefix})
    upper = _increment(prefix)
    if upper is not None:
        q &= Q(**{f"{field_name}__lt": upper})
    return q


def _descendant_q(kind: str, field_name: str, code: str) -> Q:
    table = _table(kind)
    normalised = _NORMALISERS[kind](code)
    entry = table.entries.get(normalised)
    if entry is None:
        raise InvalidInput(
            _("Unknown code: {code}.").format(code=code),
            fields={field_name.removesuffix("_id"): [str(_("Unknown code."))]},
        )
    if kind == "industry" and entry.level == 1:
        divisions = table.children.get(entry.code) or []
        q = Q(**{field_name: entry.code})
        if divisions:
            q |= (
                _prefix_range_q(field_name, divisions[0])
                if len(divisions) == 1
                else (
                    Q(**{f"{field_name}__gte": divisions[0]})
                    & Q(**{f"{field_name}__lt": _increment(divisions[-1]) or "\uffff"})
                )
            )
        return q
    return _prefix_range_q(field_name, normalised)


def region_descendant_q(field_name: str, code: str) -> Q:
    """Matches ``code`` and every region under it (a province matches its cities and counties).

    ``field_name`` is a lookup path to a code: a ``CharField`` (``"region_code"``) or a foreign
    key to Region (``"region"``, ``"region_id"``, ``"owner__region_id"``).
    """
    return _descendant_q("region", field_name, code)


def industry_descendant_q(field_name: str, code: str) -> Q:
    """Matches ``code`` and everything under it; a section letter matches all its divisions."""
    return _descendant_q("industry", field_name, code)


def discipline_descendant_q(field_name: str, code: str) -> Q:
    return _descendant_q("discipline", field_name, code)


# --- free-text resolution ------------------------------------------------------------------


@dataclass(frozen=True)
class _Parse:
    codes: tuple[str, ...]
    consumed: int
    full_names: int


def _region_parses(table: _Table, text: str, pos: int, scope: str, depth: int) -> list[_Parse]:
    out: list[_Parse] = []
    if depth >= 3:
        return out
    for length in range(min(table.max_name, len(text) - pos), 1, -1):
        for code, full in table.names.get(text[pos : pos + length], ()):
            if scope and not (code.startswith(scope) and len(code) > len(scope)):
                continue
            subs = _region_parses(table, text, pos + length, code, depth + 1)
            out.append(_Parse((code,), length, int(full)))
            out.extend(
                _Parse((code, *s.codes), length + s.consumed, int(full) + s.full_names)
                for s in subs
            )
    return out


def _common_ancestor(table: _Table, codes: Iterable[str]) -> str | None:
    paths = [[e.code for e in _full_path(table, c)] for c in codes]
    if not paths:
        return None
    common: str | None = None
    for level_codes in zip(*paths, strict=False):
        if len(set(level_codes)) != 1:
            break
        common = level_codes[0]
    return common


def _full_path(table: _Table, code: str) -> list[_Entry]:
    out: list[_Entry] = []
    entry = table.entries.get(code)
    while entry is not None:
        out.append(entry)
        entry = table.entries.get(entry.parent) if entry.parent else None
    return out[::-1]


def _result(table: _Table, codes: list[str], unmatched: str = "") -> ResolveResult | None:
    codes = sorted(set(codes))
    if not codes:
        return None
    if len(codes) == 1:
        entry = table.entries[codes[0]]
        return ResolveResult(
            kind=table.kind,
            code=entry.code,
            name=entry.display(),
            label=table.label(entry.code),
            level=entry.level,
            unmatched=unmatched,
        )
    common = _common_ancestor(table, codes)
    candidates = tuple(table.candidate(c) for c in codes[:MAX_CANDIDATES])
    if common is None:
        return ResolveResult(
            kind=table.kind, code=None, ambiguous=True, candidates=candidates, unmatched=unmatched
        )
    entry = table.entries[common]
    return ResolveResult(
        kind=table.kind,
        code=common,
        name=entry.display(),
        label=table.label(common),
        level=entry.level,
        ambiguous=True,
        candidates=candidates,
        unmatched=unmatched,
    )


def _check_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).strip()
    if len(text) > MAX_RESOLVE_LENGTH:
        raise InvalidInput(
            _("At most {n} characters.").format(n=MAX_RESOLVE_LENGTH),
            fields={"text": [_("At most {n} characters.").format(n=MAX_RESOLVE_LENGTH)]},
        )
    return text


def region_resolve(text: str) -> ResolveResult | None:
    """Free text (山东省威海市, 威海, 山东威海文登区, 北京, Shandong, 371002) → region code.

    Returns None when nothing is recognised. Raises InvalidInput for overlong text.
    """
    text = _check_text(text)
    table = _table("region")
    code = normalise_region_code(text)
    if code.isdigit():
        return _result(table, [code]) if code in table.entries else None
    if text.isascii():
        key = " ".join(re.sub(r"[^a-z]+", " ", text.lower()).split())
        for suffix in _EN_SUFFIXES:
            key = key.removesuffix(suffix)
        codes = table.names_en.get(key) or table.names_en.get(key.replace(" ", ""))
        if codes:
            return _result(table, codes)
        first = key.split(" ")[0] if key else ""
        if first and table.names_en.get(first):
            return _result(table, table.names_en[first], unmatched=key[len(first) :].strip())
        return None
    compact = re.sub(r"[\s,，、.。·/\-]+", "", text)
    for prefix in _COUNTRY_PREFIXES:
        if compact.startswith(prefix) and len(compact) > len(prefix):
            compact = compact[len(prefix) :]
            break
    parses = _region_parses(table, compact, 0, "", 0)
    if not parses:
        return None
    best_consumed = max(p.consumed for p in parses)
    parses = [p for p in parses if p.consumed == best_consumed]
    best_full = max(p.full_names for p in parses)
    parses = [p for p in parses if p.full_names == best_full]
    top_level = min(table.entries[p.codes[-1]].level for p in parses)
    finals = [p.codes[-1] for p in parses if table.entries[p.codes[-1]].level == top_level]
    return _result(table, finals, unmatched=compact[best_consumed:])


def _resolve_name(table: _Table, part: str, scope: str | None) -> list[str]:
    key = _norm(part)
    if not key:
        return []

    def in_scope(code: str) -> bool:
        return scope is None or code == scope or table.is_ancestor(scope, code)

    def active(codes: Iterable[str]) -> list[str]:
        return [c for c in codes if not table.entries[c].retired_in and in_scope(c)]

    exact = active(code for code, _full in table.names.get(key, ()))
    if not exact:
        exact = active(table.names_en.get(part.strip().lower(), ()))
    if exact:
        return exact
    if len(key) >= 2:
        for test in (str.startswith, str.__contains__):
            hits = active(
                k_code
                for name, pairs in table.names.items()
                if test(name, key)
                for k_code, _f in pairs
            )
            if hits:
                return _narrow(table, hits)
        lowered = part.strip().lower()
        if len(lowered) >= 4:
            hits = active(
                c for name, codes in table.names_en.items() if lowered in name for c in codes
            )
            if hits:
                return _narrow(table, hits)
    grams = _bigrams(key)
    scored = sorted(
        (
            (2 * len(grams & g) / (len(grams) + len(g)), code)
            for code, g in table.bigrams.items()
            if not table.entries[code].retired_in and in_scope(code)
        ),
        reverse=True,
    )
    if not scored or scored[0][0] < 0.5:
        return []
    best = scored[0][0]
    return _narrow(table, [code for score, code in scored if score >= best - 0.05])


def _narrow(table: _Table, codes: list[str]) -> list[str]:
    """Keep the most general hits: a hit whose ancestor also hit is dropped; then the top level
    wins if it is a single code."""
    hit = set(codes)
    roots = [c for c in hit if not any(table.is_ancestor(other, c) for other in hit)]
    top = min(table.entries[c].level for c in roots)
    at_top = [c for c in roots if table.entries[c].level == top]
    return at_top if len(at_top) == 1 else roots


_CODE_PATTERNS: dict[str, re.Pattern[str]] = {
    "industry": re.compile(r"^([A-Ta-t])?(\d{2,4})(?=\D|$)|^([A-Ta-t])(?=[\s:：._\-]|$)"),
    "discipline": re.compile(r"^([A-Za-z]\d{2}(?:\d{2}){0,2})(?=\D|$)"),
}


def _code_resolve(kind: str, text: str) -> ResolveResult | None:
    text = _check_text(text)
    table = _table(kind)
    match = _CODE_PATTERNS[kind].match(text)
    if match:
        if kind == "industry":
            letter, digits, lone = match.group(1), match.group(2), match.group(3)
            code = (digits or lone or "").upper()
            if code in table.entries and (not letter or _industry_section(code) == letter.upper()):
                return _result(table, [code], unmatched=text[match.end() :].strip())
        else:
            code = match.group(1).upper()
            if code in table.entries:
                return _result(table, [code], unmatched=text[match.end() :].strip())
        return None
    parts = [p for p in _SEPARATORS.split(text) if _norm(p)]
    scope: str | None = None
    result: list[str] = []
    for part in parts:
        hits = _resolve_name(table, part, scope)
        if not hits and scope is not None:
            hits = _resolve_name(table, part, None)
        if not hits:
            continue
        result = hits
        if len(hits) == 1:
            scope = hits[0]
    if not result:
        return None
    if len(result) > 1 and scope is not None and scope not in result:
        result = [c for c in result if table.is_ancestor(scope, c)] or result
    return _result(table, result)


def industry_resolve(text: str) -> ResolveResult | None:
    """ "C38", "3811", "电气机械", "制造业——通用设备制造业" → GB/T 4754 code."""
    return _code_resolve("industry", text)


def discipline_resolve(text: str) -> ResolveResult | None:
    """ "F02", "计算机科学", "Number theory" → NSFC discipline code."""
    return _code_resolve("discipline", text)


def code_resolve(kind: str, text: str) -> ResolveResult | None:
    if kind not in KINDS:
        raise InvalidInput(
            _("Choose one of: {options}.").format(options=", ".join(KINDS)),
            fields={"kind": [_("Choose one of: {options}.").format(options=", ".join(KINDS))]},
        )
    resolvers = {
        "region": region_resolve,
        "industry": industry_resolve,
        "discipline": discipline_resolve,
    }
    return resolvers[kind](text)


# --- validation (used by other apps' services) ---------------------------------------------


_LEVEL_NAMES = {
    "region": {1: _("a province"), 2: _("a prefecture"), 3: _("a county")},
    "industry": {1: _("a section"), 2: _("a division"), 3: _("a group"), 4: _("a class")},
    "discipline": {1: _("a discipline"), 2: _("a sub-discipline"), 3: _("a research field")},
}


def _validate(
    kind: str, code: str, *, min_level: int, max_level: int | None, allow_retired: bool, field: str
) -> str:
    def fail(message: Any) -> InvalidInput:
        return InvalidInput(message, fields={field: [message]})

    table = _table(kind)
    normalised = _NORMALISERS[kind](code)
    entry = table.entries.get(normalised)
    if entry is None:
        raise fail(_("“{code}” is not a known code.").format(code=code))
    if entry.retired_in and not allow_retired:
        if entry.successor:
            raise fail(
                _(
                    "The code {code} was retired in edition {edition}; use {successor} instead."
                ).format(code=normalised, edition=entry.retired_in, successor=entry.successor)
            )
        raise fail(
            _("The code {code} was retired in edition {edition}.").format(
                code=normalised, edition=entry.retired_in
            )
        )
    if entry.level < min_level:
        raise fail(_("Choose at least {level}.").format(level=_LEVEL_NAMES[kind][min_level]))
    if max_level is not None and entry.level > max_level:
        raise fail(_("Choose at most {level}.").format(level=_LEVEL_NAMES[kind][max_level]))
    return normalised


def validate_region_code(
    code: str,
    *,
    min_level: int = 3,
    max_level: int | None = None,
    allow_retired: bool = False,
    field: str = "region",
) -> str:
    """Return the normalised code or raise InvalidInput (message also under ``field``).

    Pass ``allow_retired=True`` when re-saving a record that already had this code.
    """
    return _validate(
        "region",
        code,
        min_level=min_level,
        max_level=max_level,
        allow_retired=allow_retired,
        field=field,
    )


def validate_industry_code(
    code: str,
    *,
    min_level: int = 1,
    max_level: int | None = None,
    allow_retired: bool = False,
    field: str = "industry",
) -> str:
    return _validate(
        "industry",
        code,
        min_level=min_level,
        max_level=max_level,
        allow_retired=allow_retired,
        field=field,
    )


def validate_discipline_code(
    code: str,
    *,
    min_level: int = 1,
    max_level: int | None = None,
    allow_retired: bool = False,
    field: str = "discipline",
) -> str:
    return _validate(
        "discipline",
        code,
        min_level=min_level,
        max_level=max_level,
        allow_retired=allow_retired,
        field=field,
    )


def code_model(kind: Kind) -> Any:
    """The model class of a code list (typed loosely: the three share their fields)."""
    return _MODELS[kind]
