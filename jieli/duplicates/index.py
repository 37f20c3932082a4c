"""The per-process, per-kind duplicate index: built lazily from the database, kept fresh.

Each process (web worker, import job, test run) builds the index of a kind on first use. Before
every query it catches up with the database cheaply: rows whose ``updated_at`` moved since the
last look are re-fingerprinted (a small overlap window covers transactions that committed late),
archived ones are dropped. ``duplicate_index_add`` (services) adds a record at once.

The index only proposes candidates: the selectors re-read every candidate from the database
before scoring, so a stale entry (a rolled-back test row, a deleted record) can never produce a
wrong suspect, and patent numbers / credit codes are also looked up in the database directly.
Next to it each kind keeps per-record sketches (``sketch.py``, 296 bytes a record) from which
bulk checks bound a candidate's score without reading it; they are refreshed with the index, so
they are as fresh as the candidates themselves.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from django.db import models
from django.utils import timezone

from jieli.duplicates.detect import DuplicateIndex, Fingerprint
from jieli.duplicates.idmap import IdMap
from jieli.duplicates.kinds import KindSpec, indexable, record_data
from jieli.duplicates.sketch import Sketches

OVERLAP = timedelta(minutes=5)
# In bulk mode (an import) a process re-reads the database at most this often: its own writes
# reach the index through ``index_add`` at once, and each catch-up re-reads the overlap window,
# which during an import holds the import's own recent rows (at 1,000 rows/s, 300,000 of them).
BULK_SYNC_EVERY = timedelta(seconds=60)
_bulk = threading.local()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NO_VERSION = int(np.iinfo(np.int64).min)


def _version(updated: datetime) -> int:
    """``updated_at`` as microseconds since the epoch (an ``IdMap`` value)."""
    if updated.tzinfo is None:
        updated = updated.replace(tzinfo=UTC)
    return (updated - _EPOCH) // timedelta(microseconds=1)


def _versions() -> IdMap:
    return IdMap(np.int64, missing=_NO_VERSION)


def in_bulk_mode() -> bool:
    return bool(getattr(_bulk, "on", False))


@contextmanager
def bulk_mode() -> Iterator[None]:
    previous = getattr(_bulk, "on", False)
    _bulk.on = True
    # The import's first catch-up always reads the database: records created just before it
    # started (by a person, or another process) must be candidates too.
    _bulk.fresh = True
    try:
        yield
    finally:
        _bulk.on = previous


@dataclass
class _State:
    index: DuplicateIndex
    synced_at: datetime | None = None
    # Record id → ``updated_at`` (µs) of the version indexed: an array, not a dict entry and a
    # datetime a record.
    versions: IdMap = field(default_factory=_versions)
    # Score bounds per record (``sketch.py``): bulk checks drop most candidates unread.
    sketches: Sketches = field(default_factory=Sketches)


_states: dict[str, _State] = {}
_lock = threading.RLock()


def _sync(spec: KindSpec, state: _State) -> None:
    now = timezone.now()
    if (
        getattr(_bulk, "on", False)
        and not getattr(_bulk, "fresh", False)
        and state.synced_at is not None
        and now - state.synced_at < BULK_SYNC_EVERY
    ):
        return
    _bulk.fresh = False
    qs = spec.model._default_manager.all()
    if state.synced_at is not None:
        qs = qs.filter(updated_at__gte=state.synced_at - OVERLAP)
    changed = [
        pk
        for pk, updated in qs.values_list("pk", "updated_at")
        if state.versions.get(pk) != _version(updated)
    ]
    for start in range(0, len(changed), 500):
        chunk = changed[start : start + 500]
        live = {r.pk: r for r in indexable(spec).filter(pk__in=chunk)}
        for pk in chunk:
            record = live.get(pk)
            if record is None:
                state.index.remove(pk)
                state.sketches.remove(pk)
                state.versions.pop(pk)
            else:
                fp = state.index.add(pk, record_data(spec, record))
                state.sketches.add(pk, fp)
                state.versions.set(pk, _version(record.updated_at))  # type: ignore[attr-defined]
    state.synced_at = now


def index_for(spec: KindSpec) -> DuplicateIndex:
    """The kind's index, built on first use and caught up with the database."""
    with _lock:
        state = _states.get(spec.kind)
        if state is None:
            state = _states[spec.kind] = _State(DuplicateIndex(spec.kind, keep_fingerprints=False))
        _sync(spec, state)
        return state.index


def index_add(spec: KindSpec, record: models.Model) -> None:
    with _lock:
        state = _states.get(spec.kind)
        if state is None:  # not built yet: the first query will read it from the database
            return
        if getattr(record, "status", "") == "archived":
            state.index.remove(record.pk)
            state.sketches.remove(record.pk)
        else:
            fp = state.index.add(record.pk, record_data(spec, record))
            state.sketches.add(record.pk, fp)
        state.versions.set(record.pk, _version(record.updated_at))  # type: ignore[attr-defined]


def index_add_keys(spec: KindSpec, record: models.Model, fp: Any, keys: Any) -> None:
    """``index_add`` for a record whose fingerprint and LSH keys are already computed."""
    with _lock:
        state = _states.get(spec.kind)
        if state is None:
            return
        state.index.add_fingerprint(record.pk, fp, keys)
        state.sketches.add(record.pk, fp)
        state.versions.set(record.pk, _version(record.updated_at))  # type: ignore[attr-defined]


def index_screen(spec: KindSpec, fp: Fingerprint, ids: Any) -> set[int]:
    """The candidates ``ids`` that may still be suspects of ``fp`` (``Sketches.screen``: an
    exact score bound from what the index keeps; ids it holds no sketch of are kept)."""
    with _lock:
        state = _states.get(spec.kind)
        if state is None:
            return {int(pk) for pk in ids}
        return state.sketches.screen(fp, ids)


def index_remove(spec: KindSpec, record_id: int) -> None:
    with _lock:
        state = _states.get(spec.kind)
        if state is not None:
            state.index.remove(record_id)
            state.sketches.remove(record_id)
            state.versions.pop(record_id)


def index_reset(kind: str | None = None) -> None:
    """Forget the index (all kinds by default); the next query rebuilds it."""
    with _lock:
        if kind is None:
            _states.clear()
        else:
            _states.pop(kind, None)


def index_rebuild(spec: KindSpec) -> int:
    index_reset(spec.kind)
    return len(index_for(spec))
