"""Lexical (bag-of-words) indexes over pre-tokenised text.

``BM25Index`` keeps one compressed term-frequency vector per document and builds a
term-major CSR matrix lazily, on the first search after a change. Query scoring touches
only the postings of the query terms, so latency scales with posting length rather than
with collection size.

A live platform changes a few documents at a time; rebuilding the whole matrix for each
change (seconds at 100,000 documents) would make the next search pay for it. Changes after
a build therefore go to a small overlay: replaced or removed documents are masked in the
matrix and the overlay's documents are scored directly, with the build's idf and average
length. The matrix is rebuilt once the overlay holds more than ``OVERLAY_SHARE`` of the
collection (or ``OVERLAY_MIN`` documents).

Collection statistics (idf, average length) come from the *counted* documents only. The
platform indexes drafts, members-only and other restricted listings too (their viewers may
search them), but counts only what everyone may see: otherwise a thousand hidden drafts on one
theme would lower that theme's idf and shift the scores, and so the probabilities, that
everyone else is shown — hidden means hidden in the numbers as well.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["BM25Index", "LexicalIndex", "top_k"]

OVERLAY_MIN = 256
OVERLAY_SHARE = 0.02


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores, best first; ties broken by index (stable)."""
    n = scores.shape[0]
    if n == 0 or k <= 0:
        return np.empty(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k] if k < n else np.arange(n)
    # lexsort: last key is primary. Index as secondary key keeps results deterministic.
    order = np.lexsort((part, -scores[part]))
    return part[order]


class LexicalIndex(ABC):
    """A mutable index of token lists keyed by string document ids."""

    @abstractmethod
    def add(self, doc_id: str, tokens: Sequence[str]) -> None: ...

    @abstractmethod
    def remove(self, doc_id: str) -> None: ...

    @abstractmethod
    def search(self, tokens: Sequence[str], k: int = 10) -> list[tuple[str, float]]: ...

    @abstractmethod
    def __len__(self) -> int: ...


class BM25Index(LexicalIndex):
    """Okapi BM25 with Lucene's non-negative idf, in plain numpy."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._vocab: dict[str, int] = {}
        self._terms: list[str] = []
        # doc_id -> (term ids, term frequencies); stored compactly to keep memory low.
        self._docs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._dirty = True
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}
        self._indptr = np.zeros(1, dtype=np.int64)
        self._cols = np.empty(0, dtype=np.int32)
        self._weights = np.empty(0, dtype=np.float32)
        self._idf = np.empty(0, dtype=np.float32)
        self._avgdl = 1.0
        # The overlay: documents changed since the build, in arrival order.
        self._built = 0
        self._masked = np.zeros(0, dtype=bool)
        self._any_masked = False
        self._extra: dict[str, None] = {}
        # Documents left out of the statistics, and changes of that since the build (the
        # statistics follow at the next build, forced once the changes are many).
        self._uncounted: set[str] = set()
        self._count_changes = 0
        self._n_counted = 0

    def __setstate__(self, state: dict) -> None:
        # Snapshots written before counted statistics existed count every document.
        state.setdefault("_uncounted", set())
        state.setdefault("_count_changes", 0)
        state.setdefault("_n_counted", state.get("_built", 0))
        self.__dict__.update(state)

    def __len__(self) -> int:
        return len(self._docs)

    def _overlay_full(self) -> bool:
        return len(self._extra) > max(OVERLAY_MIN, OVERLAY_SHARE * self._built)

    def _changed(self, doc_id: str, *, present: bool) -> None:
        """Record a change after a build in the overlay (or fall back to a rebuild)."""
        if self._dirty:
            return
        pos = self._pos.get(doc_id)
        if pos is not None and pos < self._built:
            self._masked[pos] = True
            self._any_masked = True
        self._extra.pop(doc_id, None)
        if present:
            self._extra[doc_id] = None
        if self._overlay_full():
            self._dirty = True
            return
        self._ids = self._ids[: self._built] + list(self._extra)
        self._pos = {d: i for i, d in enumerate(self._ids)}

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def add(self, doc_id: str, tokens: Sequence[str], *, counted: bool = True) -> None:
        """Index a document; ``counted=False`` keeps it out of the collection statistics."""
        self.set_counted(doc_id, counted)
        counts = Counter(tokens)
        ids = np.empty(len(counts), dtype=np.int32)
        tfs = np.empty(len(counts), dtype=np.float32)
        for i, (term, tf) in enumerate(counts.items()):
            tid = self._vocab.get(term)
            if tid is None:
                tid = len(self._terms)
                self._vocab[term] = tid
                self._terms.append(term)
            ids[i] = tid
            tfs[i] = tf
        self._docs[doc_id] = (ids, tfs)
        self._changed(doc_id, present=True)

    def remove(self, doc_id: str) -> None:
        if self._docs.pop(doc_id, None) is not None:
            self._changed(doc_id, present=False)
        self._uncounted.discard(doc_id)

    def set_counted(self, doc_id: str, counted: bool) -> None:
        """Count the document in the statistics or not (from the next build on)."""
        if counted == (doc_id not in self._uncounted):
            return
        if counted:
            self._uncounted.discard(doc_id)
        else:
            self._uncounted.add(doc_id)
        if doc_id in self._docs and not self._dirty:
            self._count_changes += 1
            if self._count_changes > max(OVERLAY_MIN, OVERLAY_SHARE * self._built):
                self._dirty = True

    @property
    def uncounted(self) -> int:
        return len(self._uncounted)

    def _build(self) -> None:
        self._ids = list(self._docs)
        self._pos = {d: i for i, d in enumerate(self._ids)}
        n_docs = len(self._ids)
        n_terms = len(self._terms)
        self._built = n_docs
        self._masked = np.zeros(n_docs, dtype=bool)
        self._any_masked = False
        self._extra = {}
        self._count_changes = 0
        self._n_counted = 0
        if n_docs == 0:
            self._indptr = np.zeros(n_terms + 1, dtype=np.int64)
            self._cols = np.empty(0, dtype=np.int32)
            self._weights = np.empty(0, dtype=np.float32)
            self._idf = np.zeros(n_terms, dtype=np.float32)
            self._dirty = False
            return
        lens = np.fromiter((len(v[0]) for v in self._docs.values()), np.int64, n_docs)
        term_ids = np.concatenate([v[0] for v in self._docs.values()])
        tfs = np.concatenate([v[1] for v in self._docs.values()])
        doc_idx = np.repeat(np.arange(n_docs, dtype=np.int32), lens)
        dl = np.bincount(doc_idx, weights=tfs, minlength=n_docs).astype(np.float32)
        counted = np.ones(n_docs, dtype=bool)
        if self._uncounted:
            counted[[self._pos[d] for d in self._uncounted if d in self._pos]] = False
            if not counted.any():  # nothing public yet: every document's statistics
                counted[:] = True
        n_counted = int(counted.sum())
        avgdl = float(dl[counted].mean()) or 1.0
        self._avgdl = avgdl
        # Precompute the document side of BM25 once per build; a query then only sums
        # idf-weighted posting values.
        norm = self.k1 * (1.0 - self.b + self.b * dl / avgdl)
        weights = tfs * (self.k1 + 1.0) / (tfs + norm[doc_idx])
        order = np.argsort(term_ids, kind="stable")
        self._cols = doc_idx[order]
        self._weights = weights[order].astype(np.float32)
        postings = np.bincount(term_ids, minlength=n_terms)
        self._indptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(postings, out=self._indptr[1:])
        if n_counted == n_docs:
            df = postings
        else:
            df = np.bincount(term_ids[counted[doc_idx]], minlength=n_terms)
        self._n_counted = n_counted
        self._idf = np.log1p((n_counted - df + 0.5) / (df + 0.5)).astype(np.float32)
        self._dirty = False

    def _ensure(self) -> None:
        if self._dirty:
            self._build()

    @property
    def doc_ids(self) -> list[str]:
        self._ensure()
        return self._ids

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every document (order of ``doc_ids``) for the query tokens."""
        self._ensure()
        n_docs = len(self._ids)
        qtf = Counter(t for t in tokens if t in self._vocab)
        if not qtf or n_docs == 0:
            return np.zeros(n_docs, dtype=np.float32)
        cols, vals = [], []
        for term, count in qtf.items():
            tid = self._vocab[term]
            if tid >= len(self._idf):
                continue
            lo, hi = self._indptr[tid], self._indptr[tid + 1]
            if lo == hi:
                continue
            cols.append(self._cols[lo:hi])
            vals.append(self._weights[lo:hi] * (self._idf[tid] * count))
        if cols:
            out = np.bincount(
                np.concatenate(cols), weights=np.concatenate(vals), minlength=n_docs
            ).astype(np.float32)
        else:
            out = np.zeros(n_docs, dtype=np.float32)
        if self._extra or self._any_masked:
            out[: self._built][self._masked] = 0.0
            out[self._built :] = self._overlay_scores(qtf)
        return out

    def _term_idf(self, tid: int) -> float:
        if tid < len(self._idf):
            return float(self._idf[tid])
        # A term first seen after the build: as rare as can be.
        return math.log1p((self._n_counted + 0.5) / 1.5)

    def _overlay_scores(self, qtf: Counter[str]) -> np.ndarray:
        """Exact per-document BM25 for the overlay, with the build's statistics."""
        query = {self._vocab[t]: c for t, c in qtf.items()}
        out = np.zeros(len(self._extra), dtype=np.float32)
        for i, doc_id in enumerate(self._extra):
            ids, tfs = self._docs[doc_id]
            norm = self.k1 * (1.0 - self.b + self.b * float(tfs.sum()) / self._avgdl)
            total = 0.0
            for tid, tf in zip(ids.tolist(), tfs.tolist(), strict=True):
                count = query.get(tid)
                if count:
                    total += self._term_idf(tid) * count * tf * (self.k1 + 1.0) / (tf + norm)
            out[i] = total
        return out

    def search(self, tokens: Sequence[str], k: int = 10) -> list[tuple[str, float]]:
        scores = self.scores(tokens)
        best = top_k(scores, k)
        return [(self._ids[i], float(scores[i])) for i in best if scores[i] > 0.0]

    def lookup(self, scores: np.ndarray, doc_ids: Sequence[str]) -> np.ndarray:
        """Pick the entries of a ``scores`` vector for the given ids (0 if unknown)."""
        self._ensure()
        out = np.zeros(len(doc_ids), dtype=np.float32)
        for i, d in enumerate(doc_ids):
            p = self._pos.get(d)
            if p is not None:
                out[i] = scores[p]
        return out

    def zero_ids(self, scores: np.ndarray, doc_ids: Iterable[str]) -> None:
        """Set the entries of a ``scores`` vector for the given ids to 0, in place."""
        self._ensure()
        pos = [p for d in doc_ids if (p := self._pos.get(d)) is not None]
        if pos:
            scores[np.asarray(pos, dtype=np.int64)] = 0.0

    def score_ids(self, tokens: Sequence[str], doc_ids: Sequence[str]) -> np.ndarray:
        """Scores for the given documents only (0 for unknown ids)."""
        return self.lookup(self.scores(tokens), doc_ids)

    def matched_terms(self, tokens: Sequence[str], doc_id: str) -> list[str]:
        """Query terms that occur in the document, rarest (most informative) first."""
        entry = self._docs.get(doc_id)
        if entry is None:
            return []
        present = set(entry[0].tolist())
        self._ensure()
        seen: dict[str, float] = {}
        for t in tokens:
            tid = self._vocab.get(t)
            if tid is not None and tid in present and t not in seen:
                seen[t] = self._term_idf(tid)
        return sorted(seen, key=lambda t: (-seen[t], t))
