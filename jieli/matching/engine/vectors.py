"""Dense vector indexes over L2-normalised embeddings (inner product = cosine).

``BruteForceIndex`` is exact and, with a BLAS matrix-vector product, fast enough up to
a few hundred thousand vectors; ``float16`` storage halves memory at no measurable loss
in ranking. ``HnswIndex`` (hnswlib) is the approximate index for large collections.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

import numpy as np

from .lexical import top_k

__all__ = ["BruteForceIndex", "HnswIndex", "VectorIndex"]


class VectorIndex(ABC):
    dim: int

    @abstractmethod
    def add(self, doc_ids: Sequence[str], vectors: np.ndarray) -> None: ...

    @abstractmethod
    def remove(self, doc_id: str) -> None: ...

    @abstractmethod
    def search(
        self, query: np.ndarray, k: int = 10, exclude: AbstractSet[str] = frozenset()
    ) -> list[tuple[str, float]]:
        """The k nearest documents, leaving out those in ``exclude`` (before the cut)."""

    @abstractmethod
    def vectors_for(self, doc_ids: Sequence[str]) -> np.ndarray:
        """Stored vectors (float32) for the ids; zero rows for unknown ids."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def __contains__(self, doc_id: object) -> bool: ...

    def score_ids(self, query: np.ndarray, doc_ids: Sequence[str]) -> np.ndarray:
        """Exact cosine between the query and the given documents (0 if unknown)."""
        if not doc_ids:
            return np.zeros(0, dtype=np.float32)
        return self.vectors_for(doc_ids) @ np.asarray(query, dtype=np.float32).ravel()


class BruteForceIndex(VectorIndex):
    """Exact search over one matrix. A vector that replaces a stored one is written in place
    and new documents wait in a small overlay, so vectors arriving one batch at a time from
    the background job do not rebuild the matrix before every query."""

    OVERLAY_MIN = 256
    OVERLAY_SHARE = 0.02

    def __init__(self, dim: int, dtype: str = "float32") -> None:
        self.dim = dim
        self.dtype = np.dtype(dtype)
        self._rows: dict[str, np.ndarray] = {}
        self._dirty = True
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}
        self._mat = np.zeros((0, dim), dtype=self.dtype)
        self._built = 0
        self._masked = np.zeros(0, dtype=bool)
        self._any_masked = False
        self._extra: dict[str, None] = {}
        self._extra_mat: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._rows

    def add(self, doc_ids: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(doc_ids), self.dim)
        for d, v in zip(doc_ids, vectors, strict=True):
            row = v.astype(self.dtype)
            self._rows[d] = row
            if self._dirty:
                continue
            pos = self._pos.get(d)
            if pos is not None and pos < self._built and not self._masked[pos]:
                self._mat[pos] = row
            else:
                self._extra.pop(d, None)
                self._extra[d] = None
                self._overlay_changed()

    def remove(self, doc_id: str) -> None:
        if self._rows.pop(doc_id, None) is None or self._dirty:
            return
        pos = self._pos.get(doc_id)
        if pos is not None and pos < self._built:
            self._masked[pos] = True
            self._any_masked = True
        self._extra.pop(doc_id, None)
        self._overlay_changed()

    def _overlay_changed(self) -> None:
        if len(self._extra) > max(self.OVERLAY_MIN, self.OVERLAY_SHARE * self._built):
            self._dirty = True
            return
        self._ids = self._ids[: self._built] + list(self._extra)
        self._pos = {d: i for i, d in enumerate(self._ids)}
        self._extra_mat = None

    def _ensure(self) -> None:
        if not self._dirty:
            return
        self._ids = list(self._rows)
        self._pos = {d: i for i, d in enumerate(self._ids)}
        if self._ids:
            self._mat = np.vstack(list(self._rows.values())).astype(self.dtype)
        else:
            self._mat = np.zeros((0, self.dim), dtype=self.dtype)
        self._built = len(self._ids)
        self._masked = np.zeros(self._built, dtype=bool)
        self._any_masked = False
        self._extra = {}
        self._extra_mat = None
        self._dirty = False

    @property
    def doc_ids(self) -> list[str]:
        self._ensure()
        return self._ids

    def scores(self, query: np.ndarray) -> np.ndarray:
        self._ensure()
        q = np.asarray(query, dtype=self.dtype).ravel()
        out = (self._mat @ q).astype(np.float32)
        if self._any_masked:
            out[self._masked] = -np.inf
        if not self._extra:
            return out
        if self._extra_mat is None:
            self._extra_mat = np.vstack([self._rows[d] for d in self._extra])
        return np.concatenate([out, (self._extra_mat @ q).astype(np.float32)])

    def search(
        self, query: np.ndarray, k: int = 10, exclude: AbstractSet[str] = frozenset()
    ) -> list[tuple[str, float]]:
        scores = self.scores(query)
        if exclude:
            pos = [p for d in exclude if (p := self._pos.get(d)) is not None]
            if pos:
                scores[np.asarray(pos, dtype=np.int64)] = -np.inf
        return [
            (self._ids[i], float(scores[i])) for i in top_k(scores, k) if np.isfinite(scores[i])
        ]

    def vectors_for(self, doc_ids: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(doc_ids), self.dim), dtype=np.float32)
        for i, d in enumerate(doc_ids):
            row = self._rows.get(d)
            if row is not None:
                out[i] = row
        return out


class HnswIndex(VectorIndex):
    """Approximate nearest neighbours with hnswlib; ids are mapped to integer labels."""

    def __init__(
        self, dim: int, *, capacity: int = 1024, m: int = 16, ef_construction: int = 200,
        ef_search: int = 128, threads: int = 1,
    ) -> None:  # fmt: skip
        import hnswlib

        self.dim = dim
        self.ef_search = ef_search
        self._index = hnswlib.Index(space="ip", dim=dim)
        self._index.init_index(max_elements=capacity, ef_construction=ef_construction, M=m)
        self._index.set_num_threads(threads)
        self._label: dict[str, int] = {}
        self._id: dict[int, str] = {}
        self._next = 0

    def __len__(self) -> int:
        return len(self._label)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._label

    def add(self, doc_ids: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(doc_ids), self.dim)
        for d in doc_ids:
            if d in self._label:
                self.remove(d)
        need = self._next + len(doc_ids)
        if need > self._index.get_max_elements():
            self._index.resize_index(max(need, 2 * self._index.get_max_elements()))
        labels = np.arange(self._next, self._next + len(doc_ids), dtype=np.int64)
        self._next += len(doc_ids)
        for d, lab in zip(doc_ids, labels.tolist(), strict=True):
            self._label[d] = lab
            self._id[lab] = d
        if len(doc_ids):
            self._index.add_items(vectors, labels)

    def remove(self, doc_id: str) -> None:
        lab = self._label.pop(doc_id, None)
        if lab is not None:
            self._id.pop(lab, None)
            self._index.mark_deleted(lab)

    def search(
        self, query: np.ndarray, k: int = 10, exclude: AbstractSet[str] = frozenset()
    ) -> list[tuple[str, float]]:
        wanted = k
        # Ask for enough neighbours that k remain once the excluded ones are left out.
        k = min(k + len(exclude), len(self._label))
        if k <= 0:
            return []
        self._index.set_ef(max(self.ef_search, k))
        labels, dists = self._index.knn_query(np.asarray(query, dtype=np.float32), k=k)
        # hnswlib's "ip" distance is 1 - dot product.
        found = [
            (self._id[int(lab)], float(1.0 - dist))
            for lab, dist in zip(labels[0], dists[0], strict=True)
            if int(lab) in self._id
        ]
        return [(d, s) for d, s in found if d not in exclude][:wanted]

    def vectors_for(self, doc_ids: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(doc_ids), self.dim), dtype=np.float32)
        known = [(i, self._label[d]) for i, d in enumerate(doc_ids) if d in self._label]
        if known:
            rows = np.asarray(self._index.get_items([lab for _, lab in known]), dtype=np.float32)
            for (i, _), row in zip(known, rows, strict=True):
                out[i] = row
        return out
