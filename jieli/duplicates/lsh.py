"""A compact MinHash LSH index over character 3-grams (numpy, no Django).

Why not datasketch's ``MinHashLSH``: it hashes every shingle with SHA-1 in a Python loop and
keeps, per record, a list of band keys as ``bytes`` plus a dict entry per band (about 6 KiB a
record, 600 MB for 100,000 records). Here:

* 3-grams are packed into integers straight from the code points (21 bits a character) and
  hashed with vectorised multiply-shift hashing: one numpy expression per text.
* Only the hash functions the bands use are computed (``bands × rows``; for the detector's
  threshold 0.2 and 128 permutations the optimal split is 28 bands of 2 rows, so 56).
* Each band's values are folded into one 64-bit key; the index is one sorted ``uint64`` array of
  keys with a parallel ``uint32`` array of slots (12 bytes per band, ~340 bytes a record), plus
  a small dict of recent insertions merged into the arrays every ``PENDING_MAX`` keys (a fixed
  bound: Python objects per pending key cost ≈ 180 bytes, so the dict must not grow with the
  table; the merge's copy of the arrays is cheap next to it).
* Record id → slot is an ``IdMap`` (an ``int32`` array indexed by id), not a dict.

Removing a record marks its slot dead; dead entries are dropped when they outnumber live ones.
"""

from __future__ import annotations

import threading
from array import array
from typing import Any

import numpy as np

from jieli.duplicates.idmap import IdMap

PENDING_MAX = 50_000  # band keys held in the dict before they are merged into the arrays
_MASK32 = np.uint64(0xFFFFFFFF)
_SEED = 0x5EED_1E11


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, vectorised (wrapping uint64 arithmetic)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _integral(f: Any, a: float, b: float, steps: int = 2000) -> float:
    width = (b - a) / steps
    return sum(f(a + (i + 0.5) * width) for i in range(steps)) * width


def optimal_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising false positives + false negatives at ``threshold`` (equal
    weights): datasketch's choice (without importing it: it pulls in scipy, 1–2 s). The
    detector's setting is precomputed (a test checks it against the search below)."""
    if (threshold, num_perm) in _KNOWN_BANDS:
        return _KNOWN_BANDS[(threshold, num_perm)]
    return _search_bands(threshold, num_perm)


_KNOWN_BANDS = {(0.2, 128): (28, 2)}


def _miss_curve(bands: int, rows: int) -> Any:
    """Probability that two records of Jaccard ``s`` share no band."""
    return lambda s: (1 - s**rows) ** bands


def _search_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    best, best_error = (1, 1), float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            miss = _miss_curve(bands, rows)
            fp = threshold - _integral(miss, 0.0, threshold, 200)
            fn = _integral(miss, threshold, 1.0, 200)
            error = 0.5 * fp + 0.5 * fn
            if error < best_error:
                best, best_error = (bands, rows), error
    return best


class BandHasher:
    """Text → the ``bands`` LSH keys of its 3-gram MinHash signature."""

    def __init__(self, bands: int, rows: int, shingle: int = 3, seed: int = _SEED):
        rng = np.random.default_rng(seed)
        n = bands * rows
        self.bands, self.rows, self.shingle = bands, rows, shingle
        # Multiply-shift hash family: h(x) = (a·x + b) >> 32 with odd a.
        self._a = rng.integers(1, 2**63, size=n, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._b = rng.integers(0, 2**63, size=n, dtype=np.uint64)
        self._band_salt = _mix(np.arange(1, bands + 1, dtype=np.uint64) * np.uint64(0x9E37))

    def shingle_ids(self, text: str) -> np.ndarray:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        k = self.shingle
        if codes.size <= k:
            packed = np.zeros(1, dtype=np.uint64)
            for c in codes:
                packed = (packed << np.uint64(21)) | c
            return _mix(packed + np.uint64(codes.size))
        packed = codes[: codes.size - k + 1].copy()
        for i in range(1, k):
            packed = (packed << np.uint64(21)) | codes[i : codes.size - k + 1 + i]
        return _mix(np.unique(packed))

    def keys(self, text: str) -> np.ndarray:
        """The band keys (``uint64``, one per band) of a normalised text; empty for no text."""
        if not text:
            return np.empty(0, dtype=np.uint64)
        x = self.shingle_ids(text)
        # (shingles × hash functions) → minimum per hash function.
        sig = ((np.outer(x, self._a) + self._b) >> np.uint64(32)).min(axis=0)
        sig = sig.reshape(self.bands, self.rows)
        folded = sig[:, 0]
        for r in range(1, self.rows):
            folded = (folded << np.uint64(32)) ^ sig[:, r]
        return _mix(folded ^ self._band_salt)


class CompactLSH:
    """Record id → band keys; ``query`` returns the ids sharing at least one band key."""

    def __init__(self, hasher: BandHasher):
        self.hasher = hasher
        self._keys = np.empty(0, dtype=np.uint64)  # sorted
        self._slots = np.empty(0, dtype=np.uint32)  # parallel to _keys
        self._pending: dict[int, list[int]] = {}  # key → slots, not merged yet
        self._pending_entries = 0
        self._slot_ids = array("q")  # slot → record id (a buffer numpy reads without copying)
        self._dead = bytearray()  # slot → 1 when removed
        self._dead_count = 0
        self._slot_of = IdMap(np.int32)
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._slot_of

    def memory_bytes(self) -> int:
        """Bytes held by the arrays (the pending dict adds ≤ ``PENDING_MAX`` × ~180 bytes)."""
        return int(
            self._keys.nbytes
            + self._slots.nbytes
            + len(self._dead)
            + len(self._slot_ids) * 8
            + self._slot_of.nbytes()
        )

    def insert(self, record_id: int, keys: np.ndarray) -> None:
        with self._lock:
            self.remove(record_id)
            if keys.size == 0:
                return
            slot = len(self._slot_ids)
            self._slot_ids.append(record_id)
            self._dead.append(0)
            self._slot_of.set(record_id, slot)
            for key in keys.tolist():
                self._pending.setdefault(key, []).append(slot)
            self._pending_entries += keys.size
            if self._pending_entries >= PENDING_MAX:
                self._merge()

    def remove(self, record_id: int) -> None:
        with self._lock:
            slot = self._slot_of.pop(record_id)
            if slot < 0:
                return
            self._dead[slot] = 1
            self._dead_count += 1
            if self._dead_count > 10_000 and self._dead_count > len(self._slot_of):
                self._compact()

    def query(self, keys: np.ndarray) -> set[int]:
        if keys.size == 0:
            return set()
        with self._lock:
            slots: list[int] = []
            if self._keys.size:
                lo = np.searchsorted(self._keys, keys, side="left")
                hi = np.searchsorted(self._keys, keys, side="right")
                for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
                    if b > a:
                        slots.extend(self._slots[a:b].tolist())
            for key in keys.tolist():
                slots.extend(self._pending.get(key, ()))
            dead, ids = self._dead, self._slot_ids
            return {ids[s] for s in set(slots) if not dead[s]}

    def query_array(self, keys: np.ndarray) -> np.ndarray:
        """``query`` as a sorted ``int64`` array of record ids, without a Python object per
        candidate: at 100,000 records a text shares a band with ~90 others (listings of one
        field share sentences), so per-candidate Python work is what grows with the table."""
        if keys.size == 0:
            return np.empty(0, dtype=np.int64)
        with self._lock:
            parts: list[np.ndarray] = []
            if self._keys.size:
                lo = np.searchsorted(self._keys, keys, side="left")
                hi = np.searchsorted(self._keys, keys, side="right")
                lengths = hi - lo
                total = int(lengths.sum())
                if total:
                    # The ranges lo[i]:hi[i], concatenated, in one vector operation.
                    starts = np.repeat(lo - np.cumsum(lengths) + lengths, lengths)
                    parts.append(self._slots[starts + np.arange(total)].astype(np.int64))
            for key in keys.tolist():
                pending = self._pending.get(key)
                if pending:
                    parts.append(np.array(pending, dtype=np.int64))
            if not parts:
                return np.empty(0, dtype=np.int64)
            slots = np.unique(np.concatenate(parts))
            dead = np.frombuffer(self._dead, dtype=np.uint8)
            ids = np.frombuffer(self._slot_ids, dtype=np.int64)
            found = ids[slots[dead[slots] == 0]]
            del dead, ids  # release the buffers (the bytearray/array may grow again)
            found.sort()
            return found

    def _merge(self) -> None:
        if not self._pending:
            return
        keys = np.fromiter(
            (k for k, slots in self._pending.items() for _ in slots),
            dtype=np.uint64,
            count=self._pending_entries,
        )
        slots = np.fromiter(
            (s for group in self._pending.values() for s in group),
            dtype=np.uint32,
            count=self._pending_entries,
        )
        order = np.argsort(keys, kind="stable")
        keys, slots = keys[order], slots[order]
        at = np.searchsorted(self._keys, keys)
        self._keys = np.insert(self._keys, at, keys)
        self._slots = np.insert(self._slots, at, slots)
        self._pending.clear()
        self._pending_entries = 0

    def _compact(self) -> None:
        self._merge()
        dead = np.frombuffer(bytes(self._dead), dtype=np.uint8).astype(bool)
        keep = ~dead[self._slots]
        self._keys, self._slots = self._keys[keep], self._slots[keep]
        # Renumber the live slots densely.
        live = np.flatnonzero(~dead)
        new_of_old = np.full(len(self._slot_ids), -1, dtype=np.int64)
        new_of_old[live] = np.arange(live.size)
        self._slots = new_of_old[self._slots].astype(np.uint32)
        self._slot_ids = array("q", (self._slot_ids[i] for i in live.tolist()))
        self._slot_of = IdMap(np.int32)
        for i, rid in enumerate(self._slot_ids):
            self._slot_of.set(rid, i)
        self._dead = bytearray(len(self._slot_ids))
        self._dead_count = 0
