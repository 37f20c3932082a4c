"""Free-text resolution: "山东省威海市", "C3841" or "电池制造" → a code, or candidates."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from jieli.core.errors import InvalidInput
from jieli.regions.tables import (
    _COUNTRY_PREFIXES,
    _EN_SUFFIXES,
    _SEPARATORS,
    KINDS,
    MAX_CANDIDATES,
    MAX_RESOLVE_LENGTH,
    ResolveResult,
    _bigrams,
    _Entry,
    _industry_section,
    _norm,
    _Table,
    _table,
    normalise_region_code,
)

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
