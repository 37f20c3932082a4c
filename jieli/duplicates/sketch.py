"""Per-record sketches in the process index: an exact upper bound on a pair's score, no read.

The LSH proposes candidates that share a band of 3-gram MinHash values; most of them (listings
of one field share phrases) score far below the threshold. Before this, each candidate's title
was read from the database to bound its score, and one in ten was read whole and fingerprinted;
both grew with the table. Here the index keeps, per record, a fixed 296 bytes:

* a 256-bit map of the buckets its title 2-grams fall in, and their number;
* a 2,048-bit map of the buckets its text 5-gram hashes fall in, and their number.

For a query with grams A and a candidate with grams B, every gram they share lies in a bucket
of B's map, so |A ∩ B| ≤ Σ (A's grams in the buckets B's map marks), and |A ∩ B| ≤ min(|A|,
|B|). Jaccard and containment are increasing in |A ∩ B| for fixed sizes, so the bound gives an
upper bound on the score (``detect.score_pair``). A candidate whose bound is below the threshold
can never be a suspect: it is dropped without reading it. The bound never drops a pair the exact
check flags (a property test checks it against ``detect.compare``); what remains (true
suspects and a few near ones) is read whole and scored exactly, as before.

Buckets of titles use Python's ``hash`` (salted per process; the sketches never leave it).
"""

from __future__ import annotations

import numpy as np

from jieli.duplicates.detect import (
    SUSPECT_THRESHOLD,
    TITLE_WEIGHT,
    Fingerprint,
    may_be_certain,
)
from jieli.duplicates.idmap import IdMap

TITLE_BITS = 256
TEXT_BITS = 2048
_TITLE_WORDS = TITLE_BITS // 64
_TEXT_WORDS = TEXT_BITS // 64
_SIZES = _TITLE_WORDS + _TEXT_WORDS
_WORDS = _SIZES + 1
_BLOCK_SHIFT = 15  # 32,768 slots (9.7 MB) a block: the store grows without copying
_MARGIN = 1e-9  # float rounding: keep a pair whose bound is within this of the threshold


def title_buckets(title: frozenset[str]) -> np.ndarray:
    return np.fromiter(
        (hash(gram) & (TITLE_BITS - 1) for gram in title), dtype=np.int64, count=len(title)
    )


def text_buckets(text: np.ndarray) -> np.ndarray:
    return (text & np.uint64(TEXT_BITS - 1)).astype(np.int64)


def _bitmap(buckets: np.ndarray, bits: int) -> np.ndarray:
    marks = np.zeros(bits, dtype=np.uint8)
    marks[buckets] = 1
    return np.packbits(marks, bitorder="little").view(np.uint64)


class Sketches:
    """Record id → sketch; ``screen`` keeps the candidates that may still be suspects.

    Record ids map to slots through an ``IdMap`` (an ``int32`` array indexed by id, a stray
    large id parked in a dict), so a screen of ~100 candidates is a few vector operations,
    with no Python object per candidate."""

    def __init__(self) -> None:
        self._slot_of = IdMap(np.int32)
        self._free: list[int] = []
        self._next = 0
        # Blocks of rows of _WORDS uint64, one a slot: title map, text map, then (title grams
        # << 32 | text grams). Whole blocks are added: no copy, no transient double.
        self._blocks: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, record_id: object) -> bool:
        return self._slot(record_id) >= 0

    def _slot(self, record_id: object) -> int:
        if not isinstance(record_id, int | np.integer):
            return -1
        return self._slot_of.get(int(record_id))

    def memory_bytes(self) -> int:
        return sum(block.nbytes for block in self._blocks) + self._slot_of.nbytes()

    def add(self, record_id: int, fp: Fingerprint) -> None:
        if record_id < 0:
            return  # not a stored record: never screened
        slot = self._slot(record_id)
        if slot < 0:
            if self._free:
                slot = self._free.pop()
            else:
                slot, self._next = self._next, self._next + 1
                if slot >> _BLOCK_SHIFT == len(self._blocks):
                    self._blocks.append(np.zeros((1 << _BLOCK_SHIFT, _WORDS), dtype=np.uint64))
            self._slot_of.set(record_id, slot)
        row = self._blocks[slot >> _BLOCK_SHIFT][slot & ((1 << _BLOCK_SHIFT) - 1)]
        row[:_TITLE_WORDS] = _bitmap(title_buckets(fp.title), TITLE_BITS)
        row[_TITLE_WORDS:_SIZES] = _bitmap(text_buckets(fp.text), TEXT_BITS)
        row[_SIZES] = (len(fp.title) << 32) | fp.text.size

    def remove(self, record_id: int) -> None:
        slot = self._slot(record_id)
        if slot >= 0:
            self._slot_of.pop(int(record_id))
            self._free.append(slot)

    def _rows(self, slots: np.ndarray) -> np.ndarray:
        if len(self._blocks) == 1:
            return self._blocks[0][slots]
        blocks, rows = slots >> _BLOCK_SHIFT, slots & ((1 << _BLOCK_SHIFT) - 1)
        out = np.empty((slots.size, _WORDS), dtype=np.uint64)
        for block in np.unique(blocks).tolist():
            mask = blocks == block
            out[mask] = self._blocks[block][rows[mask]]
        return out

    def screen(
        self,
        query: Fingerprint,
        ids: set[int] | np.ndarray,
        threshold: float = SUSPECT_THRESHOLD,
    ) -> set[int]:
        """The ids of ``ids`` that may be suspects of ``query``: those whose score bound
        reaches ``threshold``, and every id without a sketch (never dropped unseen). When the
        query carries patent numbers or a credit code, a pair may be certain whatever its
        score, so nothing is dropped."""
        at = (
            ids.astype(np.int64)
            if isinstance(ids, np.ndarray)
            else np.fromiter(ids, dtype=np.int64, count=len(ids))
        )
        if not at.size or may_be_certain(query):
            return set(at.tolist())
        slots = self._slot_of.lookup(at).astype(np.int64)
        known = slots >= 0
        keep = ~known
        if known.any():
            keep[known] = self.bounds(query, slots[known], threshold)
        return set(at[keep].tolist())

    def bounds(
        self, query: Fingerprint, slots: np.ndarray, threshold: float = SUSPECT_THRESHOLD
    ) -> np.ndarray:
        """Per slot, whether the score bound reaches ``threshold`` (bool array)."""
        rows = self._rows(slots)
        sizes = rows[:, _SIZES]
        b_title = (sizes >> np.uint64(32)).astype(np.float64)
        b_text = (sizes & np.uint64(0xFFFFFFFF)).astype(np.float64)
        a_title, a_text = float(len(query.title)), float(query.text.size)
        title_shared = np.minimum(
            _marked(rows, title_buckets(query.title), 0), np.minimum(a_title, b_title)
        )
        text_shared = np.minimum(
            _marked(rows, text_buckets(query.text), _TITLE_WORDS), np.minimum(a_text, b_text)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            union = a_title + b_title - title_shared
            jaccard = np.where((a_title > 0) & (b_title > 0), title_shared / union, 0.0)
            smaller = np.minimum(a_text, b_text)
            containment = np.where(smaller > 0, text_shared / smaller, 0.0)
        score = TITLE_WEIGHT * jaccard + (1 - TITLE_WEIGHT) * containment
        return score + _MARGIN >= threshold


def _marked(rows: np.ndarray, buckets: np.ndarray, first_word: int) -> np.ndarray:
    """Per row: how many of the query's grams (``buckets``) fall in a bucket the row's map
    (starting at word ``first_word``) marks: an upper bound on the grams they share."""
    if not buckets.size:
        return np.zeros(rows.shape[0], dtype=np.float64)
    words = rows[:, first_word + (buckets >> 6)]
    bits = (words >> (buckets & 63).astype(np.uint64)) & np.uint64(1)
    return bits.sum(axis=1, dtype=np.int64).astype(np.float64)
