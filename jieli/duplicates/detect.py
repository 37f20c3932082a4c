"""Near-duplicate detection for listings and organisations (pure Python, no Django).

How a would-be record is compared with the existing ones:

1. **Normalise** text: NFKC (full-width → half-width), case-fold, drop punctuation, symbols and
   whitespace, so "一种ＯＬＥＤ器件，" and "一种oled器件" read the same.
2. **Shingle** it: character 3-grams of title + summary + detail for candidate generation,
   5-grams of the same text for scoring, 2-grams of the title alone (titles are short).
3. **Candidates** come from a MinHash LSH index over the text 3-grams (``lsh.py``), plus an
   exact index of canonical patent numbers and credit codes.
4. **Score** each candidate precisely (``score_pair``): the mean of the title 2-gram Jaccard and
   the *containment* of the smaller text's 5-grams in the other's (robust to deleted
   sentences; 5-grams keep templated sibling patents apart). Above ``SUSPECT_THRESHOLD``
   (chosen by ``bench/duplicates_eval.py``, see docs/benchmarks.md) a candidate is a
   *suspected* duplicate.
5. A shared patent number (achievements) or credit code (organisations) makes it *certain*.

Reasons are English source strings with ``{placeholders}``; ``render_reason`` formats them through
a translation function (Django's ``gettext`` in the app), so they are translatable while this
module stays free of Django.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from jieli.duplicates.idmap import IdMap
from jieli.duplicates.lsh import BandHasher, CompactLSH, _mix, optimal_bands

Certainty = Literal["certain", "suspected"]
KINDS = ("achievement", "demand", "organisation")

# Chosen by measurement (bench/duplicates_eval.py → docs/benchmarks.md "Duplicate detection").
SUSPECT_THRESHOLD = 0.55
# Jaccard threshold of the LSH candidate index (kept well below the scoring threshold, so
# candidate generation loses little recall) and its MinHash size.
LSH_THRESHOLD = 0.2
NUM_PERM = 128
LSH_SHINGLE = 3
TEXT_SHINGLE = 5
TITLE_SHINGLE = 2
# Weight of the title similarity in the score (the text containment has the rest).
TITLE_WEIGHT = 0.5
MAX_TEXT_CHARS = 6000  # longer texts are cut before shingling (cost bound)
MAX_SUSPECTS = 20


def gettext_noop(message: str) -> str:
    """Mark a string for translation (``makemessages`` extracts it); translated on render."""
    return message


REASON_TEXTS: dict[str, str] = {
    "same_ip": gettext_noop("Same patent number {number}"),
    "same_credit_code": gettext_noop("Same unified social credit code {code}"),
    "title_similar": gettext_noop("Title similarity: {percent}%"),
    "text_similar": gettext_noop("Text similarity: {percent}%"),
    "same_name": gettext_noop("Same name"),
    "hidden": gettext_noop(
        "A possible duplicate exists that you cannot see; the secretariat will review it."
    ),
}


def render_reason(code: str, params: Mapping[str, Any], translate: Callable[[str], str]) -> str:
    return translate(REASON_TEXTS[code]).format(**params)


# --- normalisation -------------------------------------------------------------------------

_DROP_CATEGORIES = ("P", "S", "Z", "C")  # punctuation, symbols, separators, control


def _keep_char(ch: str) -> bool:
    return not unicodedata.category(ch).startswith(_DROP_CATEGORIES)


# The same filter as a str.translate table for the Basic Multilingual Plane (C speed); the
# rare characters beyond it go through ``_keep_char``.
_DROP_BMP = {
    cp: None for cp in range(0x10000) if unicodedata.category(chr(cp)).startswith(_DROP_CATEGORIES)
}


def normalise_text(text: str) -> str:
    """NFKC, case-folded, without punctuation, symbols or whitespace."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_DROP_BMP)
    if folded and not folded.isascii() and max(folded) > "\uffff":
        folded = "".join(ch for ch in folded if _keep_char(ch))
    return folded


def shingles(text: str, k: int = TEXT_SHINGLE) -> set[str]:
    """Character k-grams of already-normalised text; a short text is its own single shingle."""
    if not text:
        return set()
    if len(text) <= k:
        return {text}
    return {text[i : i + k] for i in range(len(text) - k + 1)}


_GRAM_MULT = np.uint64(0x9E3779B97F4A7C15)


def gram_hashes(text: str, k: int = TEXT_SHINGLE) -> np.ndarray:
    """The k-grams of already-normalised text (as ``shingles``) as sorted unique 64-bit hashes:
    built with numpy in a few vector operations instead of one Python string per gram, and a
    fraction of the memory. A text shorter than k is its own single gram (its length mixed in).
    Collisions are negligible at 64 bits (a record has a few thousand grams)."""
    if not text:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if codes.size < k:  # shorter than a gram: never equal to one of a longer text's grams
        one = np.array([codes.size], dtype=np.uint64)
        for i in range(codes.size):
            one = _mix(one * _GRAM_MULT + codes[i : i + 1])
        return one
    n = codes.size - k + 1
    h = codes[:n].copy()
    for i in range(1, k):
        h = _mix(h * _GRAM_MULT + codes[i : i + n])
    return np.unique(h)


def hashed_containment(a: np.ndarray, b: np.ndarray) -> float:
    """``containment`` of two ``gram_hashes`` arrays (sorted, unique)."""
    if not a.size or not b.size:
        return 0.0
    small, large = (a, b) if a.size <= b.size else (b, a)
    at = np.searchsorted(large, small)
    at[at == large.size] = 0
    return int(np.count_nonzero(large[at] == small)) / small.size


def jaccard(a: Set[str], b: Set[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def containment(a: Set[str], b: Set[str]) -> float:
    """Share of the smaller set found in the larger one."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & large) / len(small)


# --- patent numbers and credit codes ----------------------------------------------------------

_PATENT_PREFIX = re.compile(r"^(?:专利号|申请号|公开号|公告号|授权号|PATENT|NO)*(?:ZL|CN)?")


def normalise_patent_number(value: str) -> str | None:
    """One canonical form for a patent number, or None if it does not look like one.

    Application numbers (``ZL202110123456.7``, ``CN 2021 1 0123456.7``, ``202110123456``,
    ``ZL98123456.X``) become ``ZL`` + the 12- or 8-digit body (the check character is dropped:
    people omit it or mistype it, the body identifies the application). Publication numbers
    (``CN112345678A``, ``CN 112345678 B``) become ``CN`` + 9 digits (kind code dropped, since
    the A and B publications are the same patent). Anything else (software copyright numbers…)
    is kept as its upper-cased alphanumerics, still compared exactly.
    """
    if not value:
        return None
    text = unicodedata.normalize("NFKC", value).upper()
    compact = "".join(ch for ch in text if ch.isalnum())
    if not compact:
        return None
    is_application = "." in text or "ZL" in compact[:8] or "CN" not in compact[:8]
    rest = _PATENT_PREFIX.sub("", compact, count=1)
    if re.fullmatch(r"\d{12}[\dX]?", rest):
        return "ZL" + rest[:12]
    if is_application and re.fullmatch(r"\d{8}[\dX]?", rest):
        return "ZL" + rest[:8]
    publication = re.fullmatch(r"(\d{9})([A-Z]\d?)?", rest)
    if publication:
        return "CN" + publication.group(1)
    return compact if len(compact) >= 5 else None


def normalise_credit_code(value: str) -> str | None:
    if not value:
        return None
    code = "".join(unicodedata.normalize("NFKC", value).split()).upper()
    return code if len(code) == 18 and code.isalnum() else None


# --- records --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fingerprint:
    """What the detector keeps of one record."""

    title: frozenset[str]
    # TEXT_SHINGLE-grams, for scoring, as sorted unique 64-bit hashes (``gram_hashes``).
    text: np.ndarray = field(compare=False)
    lsh_text: str  # the normalised text whose LSH_SHINGLE-grams generate candidates
    name: str = ""  # normalised title/name, for the "same name" reason
    ip_numbers: frozenset[str] = frozenset()
    credit_code: str | None = None


def _field(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return value if isinstance(value, str) else ""


def ip_numbers_of(data: Mapping[str, Any]) -> frozenset[str]:
    """Canonical numbers from ``ip_numbers`` (list or comma-separated) and ``ip_records``."""
    raw: list[str] = []
    numbers = data.get("ip_numbers")
    if isinstance(numbers, str):
        raw.extend(re.split(r"[,，;；、\s]+", numbers))
    elif isinstance(numbers, list | tuple | set | frozenset):
        raw.extend(n for n in numbers if isinstance(n, str))
    records = data.get("ip_records")
    if isinstance(records, list | tuple):
        for rec in records:
            if isinstance(rec, Mapping) and isinstance(rec.get("number"), str):
                raw.append(rec["number"])
    out = {normalise_patent_number(n) for n in raw}
    return frozenset(n for n in out if n)


def fingerprint(kind: str, data: Mapping[str, Any]) -> Fingerprint:
    """Fingerprint of a record given as a dict of its fields (see ``TEXT_FIELDS``)."""
    title_field = "name" if kind == "organisation" else "title"
    title = normalise_text(_field(data, title_field) or _field(data, "title"))
    body = "".join(normalise_text(_field(data, f)) for f in TEXT_FIELDS.get(kind, ()))
    text = (title + body)[:MAX_TEXT_CHARS]
    return Fingerprint(
        title=frozenset(shingles(title, TITLE_SHINGLE)),
        text=gram_hashes(text, TEXT_SHINGLE),
        lsh_text=text,
        name=title,
        ip_numbers=ip_numbers_of(data) if kind == "achievement" else frozenset(),
        credit_code=normalise_credit_code(_field(data, "credit_code"))
        if kind == "organisation"
        else None,
    )


# Text fields beyond the title, per kind.
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "achievement": ("summary", "detail"),
    "demand": ("problem", "summary", "target_indicators"),
    "organisation": ("description",),
}


@dataclass
class Suspect:
    kind: str
    target_id: int | None  # None: a record the viewer may not see (see ``reasons``)
    score: float
    certainty: Certainty
    reasons: list[str]
    # Machine-readable reasons: (code, params), rendered into ``reasons``.
    reason_codes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def score_pair(a: Fingerprint, b: Fingerprint) -> tuple[float, float, float]:
    """(score, title Jaccard, text containment) of two fingerprints, each in 0..1."""
    title = jaccard(a.title, b.title)
    text = hashed_containment(a.text, b.text)
    return TITLE_WEIGHT * title + (1 - TITLE_WEIGHT) * text, title, text


def may_be_certain(query: Fingerprint) -> bool:
    """Whether ``query`` carries what makes a pair certain (patent numbers, a credit code)."""
    return bool(query.ip_numbers or query.credit_code)


def may_suspect(
    query: Fingerprint, target_title: Set[str], threshold: float = SUSPECT_THRESHOLD
) -> bool:
    """False only when no text could lift the pair to ``threshold``: the text containment is
    at most 1, so the score is at most ``TITLE_WEIGHT · title + (1 − TITLE_WEIGHT)``. An exact
    bound (never a lost suspect); with ``may_be_certain`` it decides whether a candidate's full
    text must be read and compared at all."""
    if may_be_certain(query):
        return True
    bound = TITLE_WEIGHT * jaccard(query.title, target_title) + (1 - TITLE_WEIGHT)
    return bound >= threshold


def compare(
    kind: str,
    query: Fingerprint,
    target_id: int,
    target: Fingerprint,
    *,
    threshold: float = SUSPECT_THRESHOLD,
    translate: Callable[[str], str] = str,
) -> Suspect | None:
    """The suspect ``target`` is for ``query``, or None when it is not close enough."""
    codes: list[tuple[str, dict[str, Any]]] = []
    for number in sorted(query.ip_numbers & target.ip_numbers):
        codes.append(("same_ip", {"number": number}))
    if query.credit_code and query.credit_code == target.credit_code:
        codes.append(("same_credit_code", {"code": query.credit_code}))
    certain = bool(codes)
    if not certain and not may_suspect(query, target.title, threshold):
        return None  # the same answer as scoring it, without the costly text containment
    score, title_sim, text_sim = score_pair(query, target)
    if query.name and query.name == target.name:
        codes.append(("same_name", {}))
    else:
        if title_sim >= 0.3:
            codes.append(("title_similar", {"percent": round(title_sim * 100)}))
    if text_sim >= 0.3:
        codes.append(("text_similar", {"percent": round(text_sim * 100)}))
    if not certain and score < threshold:
        return None
    return Suspect(
        kind=kind,
        target_id=target_id,
        score=1.0 if certain else round(score, 4),
        certainty="certain" if certain else "suspected",
        reasons=[render_reason(c, p, translate) for c, p in codes],
        reason_codes=codes,
    )


_hashers: dict[tuple[float, int], BandHasher] = {}


def band_hasher(lsh_threshold: float = LSH_THRESHOLD, num_perm: int = NUM_PERM) -> BandHasher:
    """The (shared, immutable) hasher for an LSH setting: bands × rows as datasketch picks."""
    key = (lsh_threshold, num_perm)
    if key not in _hashers:
        bands, rows = optimal_bands(lsh_threshold, num_perm)
        _hashers[key] = BandHasher(bands, rows, LSH_SHINGLE)
    return _hashers[key]


class DuplicateIndex:
    """Candidate generation for one kind: MinHash LSH over text + exact IP / credit-code maps.

    Thread-safe; ``add`` replaces an existing entry of the same id. Per record it keeps the LSH
    band keys (see ``lsh.py``, ~0.4 KiB) and, only when present, patent numbers or a credit
    code; the full fingerprints only with ``keep_fingerprints`` (benchmarks, tests).
    """

    def __init__(
        self,
        kind: str,
        *,
        lsh_threshold: float = LSH_THRESHOLD,
        num_perm: int = NUM_PERM,
        keep_fingerprints: bool = True,
    ) -> None:
        self.kind = kind
        self.num_perm = num_perm
        # The platform re-reads candidates from the database to score them, so it keeps only
        # what removal needs (patent numbers, credit code): the shingle sets would cost tens
        # of kilobytes per record.
        self.keep_fingerprints = keep_fingerprints
        self.hasher = band_hasher(lsh_threshold, num_perm)
        self._lsh = CompactLSH(self.hasher)
        self._ids = IdMap(np.int8, missing=0)  # id → 1 when indexed (no set entry a record)
        self._prints: dict[int, Fingerprint] = {}
        self._ip_of: dict[int, frozenset[str]] = {}
        self._code_of: dict[int, str] = {}
        self._by_ip: dict[str, set[int]] = {}
        self._by_code: dict[str, set[int]] = {}
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._ids

    def memory_bytes(self) -> int:
        return self._lsh.memory_bytes()

    def get(self, record_id: int) -> Fingerprint | None:
        return self._prints.get(record_id)

    def add(self, record_id: int, data: Mapping[str, Any]) -> Fingerprint:
        return self.add_fingerprint(record_id, fingerprint(self.kind, data))

    def keys_of(self, fp: Fingerprint) -> Any:
        """The LSH band keys of a fingerprint (compute once, pass to ``add_fingerprint`` and
        ``candidates`` when a record is both looked up and added)."""
        return self.hasher.keys(fp.lsh_text)

    def add_fingerprint(self, record_id: int, fp: Fingerprint, keys: Any = None) -> Fingerprint:
        with self._lock:
            self.remove(record_id)
            self._ids.set(record_id, 1)
            if self.keep_fingerprints:
                self._prints[record_id] = fp
            self._lsh.insert(record_id, self.keys_of(fp) if keys is None else keys)
            if fp.ip_numbers:
                self._ip_of[record_id] = fp.ip_numbers
            for number in fp.ip_numbers:
                self._by_ip.setdefault(number, set()).add(record_id)
            if fp.credit_code:
                self._code_of[record_id] = fp.credit_code
                self._by_code.setdefault(fp.credit_code, set()).add(record_id)
        return fp

    def remove(self, record_id: int) -> None:
        with self._lock:
            if not self._ids.pop(record_id):
                return
            self._prints.pop(record_id, None)
            self._lsh.remove(record_id)
            for number in self._ip_of.pop(record_id, ()):
                self._by_ip.get(number, set()).discard(record_id)
            code = self._code_of.pop(record_id, None)
            if code:
                self._by_code.get(code, set()).discard(record_id)

    def candidates(self, fp: Fingerprint, keys: Any = None) -> set[int]:
        with self._lock:
            found: set[int] = set()
            if fp.lsh_text:
                found.update(self._lsh.query(self.keys_of(fp) if keys is None else keys))
            for number in fp.ip_numbers:
                found.update(self._by_ip.get(number, ()))
            if fp.credit_code:
                found.update(self._by_code.get(fp.credit_code, ()))
            return found

    def candidate_array(self, fp: Fingerprint, keys: Any = None) -> np.ndarray:
        """``candidates`` as an ``int64`` array (bulk checks: no Python object a candidate)."""
        with self._lock:
            found = self._lsh.query_array(self.keys_of(fp) if keys is None else keys)
            exact = [pk for n in fp.ip_numbers for pk in self._by_ip.get(n, ())]
            if fp.credit_code:
                exact.extend(self._by_code.get(fp.credit_code, ()))
            if exact:
                found = np.union1d(found, np.array(exact, dtype=np.int64))
            return found

    def query(
        self,
        data: Mapping[str, Any] | Fingerprint,
        *,
        exclude_id: int | None = None,
        threshold: float = SUSPECT_THRESHOLD,
        translate: Callable[[str], str] = str,
    ) -> list[Suspect]:
        """Suspects for a would-be record, certain ones first, then by score."""
        fp = data if isinstance(data, Fingerprint) else fingerprint(self.kind, data)
        out = []
        for target_id in self.candidates(fp):
            if target_id == exclude_id:
                continue
            target = self._prints.get(target_id)
            if target is None:
                continue
            suspect = compare(
                self.kind, fp, target_id, target, threshold=threshold, translate=translate
            )
            if suspect is not None:
                out.append(suspect)
        return rank(out)


def rank(suspects: list[Suspect]) -> list[Suspect]:
    suspects.sort(key=lambda s: (s.certainty != "certain", -s.score, s.target_id or 0))
    return suspects[:MAX_SUSPECTS]


# --- highlighting shared passages -----------------------------------------------------------


def highlight_segments(text: str, other: str, k: int = TEXT_SHINGLE) -> list[tuple[str, bool]]:
    """Split ``text`` into (piece, shared) runs: shared where a k-gram also occurs in ``other``.

    Works on the original characters (mapping normalised positions back), so the page can
    escape each piece and wrap the shared ones in ``<mark>``.
    """
    if not text:
        return []
    other_grams = shingles(normalise_text(other), k)
    normal: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for n in unicodedata.normalize("NFKC", ch).casefold():
            if _keep_char(n):
                normal.append(n)
                origin.append(i)
    marked = [False] * len(text)
    joined = "".join(normal)
    for j in range(len(joined) - k + 1):
        if joined[j : j + k] in other_grams:
            for p in range(j, j + k):
                marked[origin[p]] = True
    # Punctuation between two shared characters is shared too (nicer runs).
    for i in range(1, len(text) - 1):
        if not marked[i] and marked[i - 1] and not _keep_char(text[i]):
            nxt = next((m for m in range(i + 1, len(text)) if _keep_char(text[m])), None)
            if nxt is not None and marked[nxt]:
                marked[i] = True
    segments: list[tuple[str, bool]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or marked[i] != marked[start]:
            segments.append((text[start:i], marked[start]))
            start = i
    return segments
