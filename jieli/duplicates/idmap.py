"""Record id → integer, in a numpy array indexed by id (no Python object a record).

The process index maps every record of a kind to its LSH slot and its ``updated_at`` version.
As dicts and sets these cost ≈ 100 bytes a record each (the entry, the int key, the value
object); here a record costs the array's element (4 or 8 bytes) for every id up to the largest.
Ids that would make the array sparse (negative, or far above the count: say a sequence that
starts at 10⁹) go to a small dict instead, so memory never follows a stray large id.
"""

from __future__ import annotations

import numpy as np

_DENSE_SLACK = 1 << 16  # ids below (8 × count + this) live in the array


class IdMap:
    """``int`` id → ``int`` value of ``dtype``; ``missing`` marks an absent id."""

    def __init__(self, dtype: type = np.int32, missing: int = -1) -> None:
        self.dtype = np.dtype(dtype)
        self.missing = missing
        self._array = np.full(0, missing, dtype=self.dtype)
        self._sparse: dict[int, int] = {}
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def __contains__(self, record_id: object) -> bool:
        return isinstance(record_id, int | np.integer) and self.get(int(record_id)) != self.missing

    def nbytes(self) -> int:
        return int(self._array.nbytes)

    def get(self, record_id: int) -> int:
        if 0 <= record_id < self._array.size:
            return int(self._array[record_id])
        return self._sparse.get(record_id, self.missing)

    def set(self, record_id: int, value: int) -> None:
        if value == self.missing:
            raise ValueError("the missing marker cannot be stored")
        if record_id >= self._array.size and 0 <= record_id < 8 * self._count + _DENSE_SLACK:
            self._grow(record_id)
        if 0 <= record_id < self._array.size:
            if self._array[record_id] == self.missing:
                self._count += 1
            self._array[record_id] = value
            return
        if record_id not in self._sparse:
            self._count += 1
        self._sparse[record_id] = value

    def pop(self, record_id: int) -> int:
        """Remove ``record_id``; its value, or ``missing`` when it was absent."""
        if 0 <= record_id < self._array.size:
            value = int(self._array[record_id])
            if value != self.missing:
                self._array[record_id] = self.missing
                self._count -= 1
            return value
        value = self._sparse.pop(record_id, self.missing)
        if value != self.missing:
            self._count -= 1
        return value

    def lookup(self, ids: np.ndarray) -> np.ndarray:
        """Values of an ``int64`` id array (``missing`` for absent ids), vectorised."""
        out = np.full(ids.size, self.missing, dtype=self.dtype)
        inside = (ids >= 0) & (ids < self._array.size)
        out[inside] = self._array[ids[inside]]
        if self._sparse:
            for i in np.flatnonzero(~inside).tolist():
                out[i] = self._sparse.get(int(ids[i]), self.missing)
        return out

    def _grow(self, record_id: int) -> None:
        size = max(record_id + 1, self._array.size * 3 // 2, 1024)
        grown = np.full(size, self.missing, dtype=self.dtype)
        grown[: self._array.size] = self._array
        self._array = grown
        # Ids parked in the dict that now fit the array move into it.
        for rid in [r for r in self._sparse if 0 <= r < size]:
            grown[rid] = self._sparse.pop(rid)
