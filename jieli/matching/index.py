"""The process-wide search index of each listing kind, kept in step with the database.

Embedded mode keeps the indexes in memory (BM25 over words and character bigrams, plus the
stored sentence vectors). Before each query the index reads the rows changed since its last
look (an indexed ``updated_at`` range query), so a new or edited listing is findable lexically
at once, in every process, with no messaging between web server and worker. Vectors arrive
later from background jobs and are picked up the same way.

Start-up cost is kept off the first request: ``warm_indexes`` (called by the server before it
accepts requests, see ``jieli_serve``) loads a snapshot of the tokenised lexical index from
``var/index/`` written by ``jieli_bootstrap``/``jieli index rebuild``, catches up with the rows
changed since, and then loads the stored vectors. A search made while vectors are still loading
is answered from the lexical components (dense components join at ``DENSE_COVERAGE``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import threading
import time
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import QuerySet

from jieli.core import registry
from jieli.core.viewer import ANONYMOUS
from jieli.matching.documents import indexable, text_for, text_sha1
from jieli.matching.engine.calibration import Calibrator
from jieli.matching.engine.engine import EngineConfig, SearchEngine, SearchResult
from jieli.matching.engine.fusion import DEFAULT_WEIGHTS
from jieli.matching.models import ListingKind, ListingVector

LEXICAL_COMPONENTS = ("bm25_words", "bm25_bigrams", "phrase")
# A dense component joins the fusion once this share of the listings has its vector; before
# that, missing vectors (scored 0) would push new listings down.
DENSE_COVERAGE = 0.95
# Bump when tokenisation or the snapshot's layout changes: old snapshots are then ignored.
SNAPSHOT_VERSION = 2
logger = logging.getLogger(__name__)


def dense_components() -> tuple[str, ...]:
    """Dense components served by the platform (``JIELI_DENSE_ENCODERS``)."""
    names = getattr(settings, "JIELI_DENSE_ENCODERS", ["use", "e5"])
    return tuple(f"dense_{name}" for name in names)


def engine_config() -> EngineConfig:
    """The benchmarked engine's components and fitted weights, with the configured encoders."""
    components = LEXICAL_COMPONENTS + dense_components()
    return EngineConfig(
        components=components,
        weights={c: DEFAULT_WEIGHTS.get(c, 1.0) for c in components},
        tag="platform",
    )


@dataclass
class KindIndex:
    kind: str
    engine: SearchEngine
    rows_seen_at: datetime | None = None
    vectors_seen_at: datetime | None = None
    doc_ids: set[str] = field(default_factory=set)
    # Text hash per indexed document and per (component, document) vector: the sync re-reads
    # the rows at its time boundary and rows whose text did not change; neither is re-applied.
    doc_sha: dict[str, str] = field(default_factory=dict)
    vector_sha: dict[tuple[str, str], str] = field(default_factory=dict)
    # Indexed documents an anonymous visitor may not see (drafts, members-only, dual-use...):
    # left out of the lexical statistics and, for each query, out of the candidates of every
    # viewer who may not see them (``excluded_for``).
    restricted: set[str] = field(default_factory=set)
    # (id, updated_at) of the rows already applied at ``rows_seen_at``.
    _boundary: set[tuple[int, datetime]] = field(default_factory=set)
    _need_vectors: set[str] = field(default_factory=set)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def _add_text(self, doc_id: str, text: str, *, public: bool = True) -> bool:
        sha = text_sha1(text)
        was_public = doc_id not in self.restricted
        if public:
            self.restricted.discard(doc_id)
        else:
            self.restricted.add(doc_id)
        if self.doc_sha.get(doc_id) == sha:
            if was_public != public:  # published, unpublished, made members-only...
                self.engine.set_counted(doc_id, public)
                return True
            return False
        self.engine.add_text(doc_id, text, counted=public)
        if doc_id not in self.doc_ids and self.vectors_seen_at is not None:
            self._need_vectors.add(doc_id)
        self.doc_ids.add(doc_id)
        self.doc_sha[doc_id] = sha
        return True

    def _remove(self, doc_id: str) -> bool:
        if doc_id not in self.doc_ids:
            return False
        self.engine.remove(doc_id)
        self.doc_ids.discard(doc_id)
        self.doc_sha.pop(doc_id, None)
        self.restricted.discard(doc_id)
        for component in self.engine.vectors:
            self.vector_sha.pop((component, doc_id), None)
        return True

    def sync(self, *, vectors: bool = True) -> int:
        """Apply the rows (and vectors) changed since the last sync; return rows applied."""
        with self.lock:
            applied = self._sync_rows()
        if vectors:
            self.sync_vectors()
        return applied

    # Changed rows named by id in the follow-up queries up to this many (one indexed lookup
    # each); beyond, by a subquery.
    SYNC_BY_ID = 500

    def _sync_rows(self) -> int:
        model = indexable(self.kind).model
        changed = model._default_manager.all()
        scope: Any = changed.values("pk")
        if self.rows_seen_at is not None:
            changed = changed.filter(updated_at__gte=self.rows_seen_at)
            # Before every query: usually nothing but the rows at the time boundary, read
            # again (the boundary is inclusive so a row written in the same instant is not
            # missed). One indexed query then says there is nothing to do.
            stamps = set(changed.order_by().values_list("pk", "updated_at"))
            if stamps <= self._boundary:
                return 0
            if len(stamps) <= self.SYNC_BY_ID:
                scope = [pk for pk, _ in stamps]
            else:
                scope = changed.values("pk")
        wanted = set(indexable(self.kind).filter(pk__in=scope).values_list("pk", flat=True))
        public = set(
            registry.visible(ANONYMOUS, self.kind).filter(pk__in=scope).values_list("pk", flat=True)
        )
        applied = 0
        latest = self.rows_seen_at
        boundary: set[tuple[int, datetime]] = set()
        for row in changed.order_by("updated_at").iterator(chunk_size=2000):
            doc_id = str(row.pk)
            if row.pk in wanted:
                text = text_for(self.kind, row)
                applied += self._add_text(doc_id, text, public=row.pk in public)
            else:
                applied += self._remove(doc_id)
            if latest is None or row.updated_at > latest:
                latest = row.updated_at
                boundary = set()
            if row.updated_at == latest:
                boundary.add((row.pk, row.updated_at))
        self.rows_seen_at = latest
        self._boundary = boundary | {b for b in self._boundary if b[1] == latest}
        return applied

    def sync_vectors(self, chunk: int = 2000) -> int:
        """Read the vectors stored since the last look, ``chunk`` rows per lock hold (so
        searches are answered in between), plus the vectors of documents that joined the
        index after their vector was stored (e.g. a listing taken out of the archive)."""
        from django.db.models import Q

        components = {c.removeprefix("dense_"): c for c in self.engine.vectors}
        if not components:
            return 0
        added = 0
        after: tuple[datetime, int] | None = None
        while True:
            with self.lock:
                rows = ListingVector.objects.filter(kind=self.kind, encoder__in=components)
                if after is not None:
                    rows = rows.filter(
                        Q(updated_at__gt=after[0]) | Q(updated_at=after[0], pk__gt=after[1])
                    )
                elif self.vectors_seen_at is not None:
                    rows = rows.filter(updated_at__gte=self.vectors_seen_at)
                batch = list(
                    rows.order_by("updated_at", "pk").values_list(
                        "pk", "object_id", "encoder", "text_sha1", "vector", "updated_at"
                    )[:chunk]
                )
                added += self._apply_vectors(components, batch)
                if batch:
                    after = (batch[-1][5], batch[-1][0])
                    self.vectors_seen_at = after[0]
            if len(batch) < chunk:
                break
        with self.lock:
            if self._need_vectors:
                wanted = [int(d) for d in self._need_vectors]
                self._need_vectors = set()
                late = ListingVector.objects.filter(
                    kind=self.kind, encoder__in=components, object_id__in=wanted
                ).values_list("pk", "object_id", "encoder", "text_sha1", "vector", "updated_at")
                added += self._apply_vectors(components, list(late))
        return added

    def _apply_vectors(self, components: dict[str, str], batch: list[tuple]) -> int:
        fresh = 0
        for _pk, object_id, encoder, sha, blob, _updated in batch:
            doc_id = str(object_id)
            component = components[encoder]
            if doc_id not in self.doc_ids or self.vector_sha.get((component, doc_id)) == sha:
                continue
            array = self._stored_array(component, blob)
            if array is None:
                continue
            self.engine.add_vectors(component, [doc_id], array[None, :])
            self.vector_sha[(component, doc_id)] = sha
            fresh += 1
        return fresh

    def search(
        self,
        query: str,
        k: int,
        *,
        source: tuple[str, int] | None = None,
        visible: QuerySet[Any] | None = None,
        anonymous: bool = False,
        also: AbstractSet[str] = frozenset(),
    ) -> list[SearchResult]:
        """``source`` (kind, id) says the query is that listing's own text (its matches,
        similar listings): its stored vectors are used when they are of this very text, so
        the page does not pay for encoding a long text twice per encoder (0.5-1 s).
        ``visible`` (what the viewer may see) or ``anonymous`` leave the restricted documents
        the viewer may not see out of the ranking itself, not only out of its results; so are
        the documents in ``also`` (the source listing itself, conflicted experts)."""
        self.sync()
        given = self._stored_vectors(source, query) if source else {}
        exclude = self.excluded_for(visible, anonymous=anonymous) | also
        with self.lock:
            if not self.doc_ids:
                return []
            return self.engine.search(
                query, k=k, config=self._ready_config(), given_vectors=given, exclude=exclude
            )

    # Up to this many restricted documents are checked against the viewer's queryset by id;
    # beyond, by one query for the non-public documents the viewer may see.
    EXCLUDE_BY_ID = 2000

    def excluded_for(
        self, visible: QuerySet[Any] | None, *, anonymous: bool = False
    ) -> frozenset[str]:
        """Restricted documents the viewer may not see (all of them for an anonymous one)."""
        with self.lock:
            restricted = frozenset(self.restricted)
        if not restricted or (visible is None and not anonymous):
            return frozenset()
        if anonymous or visible is None:
            return restricted
        if len(restricted) <= self.EXCLUDE_BY_ID:
            seen = visible.filter(pk__in=[int(d) for d in restricted])
        else:
            seen = visible.exclude(pk__in=registry.visible(ANONYMOUS, self.kind).values("pk"))
        return restricted - {str(pk) for pk in seen.values_list("pk", flat=True)}

    def shares_terms(self, query: str, doc_ids: Sequence[str], *, sync: bool = True) -> bool | None:
        """Whether any of ``doc_ids`` shares an indexed word or character pair with ``query``;
        None while a sentence-vector component ranks too (then any document may be a
        candidate). False means none of them can be among ``search(query)``'s results: a
        document scoring 0 in every word component is never a word candidate. ``sync=False``
        for a batch of checks after one ``sync()``."""
        if sync:
            self.sync()
        with self.lock:
            config = self._ready_config()
            if any(config.weights.get(c) for c in self.engine.vectors):
                return None
            for component, lexical in self.engine.lexical.items():
                tokens = self.engine._tokens(component, query)
                if any(lexical.matched_terms(tokens, d) for d in doc_ids):
                    return True
            return False

    def _stored_vectors(self, source: tuple[str, int], text: str) -> dict[str, np.ndarray]:
        components = {c.removeprefix("dense_"): c for c in self.engine.vectors}
        if not components:
            return {}
        kind, object_id = source
        rows = ListingVector.objects.filter(
            kind=kind, object_id=object_id, encoder__in=components, text_sha1=text_sha1(text)
        ).values_list("encoder", "vector")
        found = {}
        for encoder, blob in rows:
            array = self._stored_array(components[encoder], blob)
            if array is not None:
                found[components[encoder]] = array
        return found

    def _stored_array(self, component: str, blob: bytes | memoryview) -> np.ndarray | None:
        """A stored vector as float32, or None when it cannot be one of this component's: a
        row written by another model of the encoder (another dimension) or damaged (odd byte
        count, not finite) is skipped — the listing is then matched by its text — instead of
        failing every search of the kind."""
        raw = bytes(blob)
        dim = self.engine.vectors[component].dim
        if len(raw) != 2 * dim:
            return None
        array = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        if not np.isfinite(array).all():
            return None
        return array

    def _ready_config(self) -> EngineConfig:
        """The engine's config with dense components still being filled switched off."""
        config = self.engine.config
        pending = [
            comp
            for comp, vectors in self.engine.vectors.items()
            if not self._covered(vectors) or comp in _encoders_loading
        ]
        if not pending:
            return config
        weights = {c: (0.0 if c in pending else w) for c, w in config.weights.items()}
        prf = 0.0 if config.prf_component in pending else config.prf_weight
        return replace(config, weights=weights, prf_weight=prf)

    def _covered(self, vectors: Any) -> bool:
        """Whether enough of the public listings have their vector. Public ones only: drafts
        are encoded once submitted (``vectors_pending``), and a thousand drafts must not switch
        a component off for everyone."""
        public = len(self.doc_ids) - len(self.restricted)
        if public <= 0:
            return len(vectors) >= DENSE_COVERAGE * len(self.doc_ids)
        have = len(vectors) - sum(1 for d in self.restricted if d in vectors)
        return have >= DENSE_COVERAGE * public

    def vector_count(self) -> dict[str, int]:
        return {c: len(v) for c, v in self.engine.vectors.items()}


_indexes: dict[str, KindIndex] = {}
_registry_lock = threading.Lock()
_dictionary_loaded = False
_dictionary_words: list[str] | None = None
MAX_KEYWORDS_IN_DICTIONARY = 50_000


def domain_words() -> list[str]:
    """Words the segmenter should keep whole: code-list names and listing keywords."""
    from jieli.achievements.models import Achievement
    from jieli.regions.models import Discipline, Industry

    words: set[str] = set()
    words.update(Industry.objects.filter(level__gte=2).values_list("name", flat=True))
    words.update(Discipline.objects.values_list("name", flat=True))
    rows = Achievement.objects.exclude(keywords=[]).values_list("keywords", flat=True)
    for keywords in rows[:MAX_KEYWORDS_IN_DICTIONARY]:
        words.update(k for k in keywords or [] if isinstance(k, str))
    # Long names ("其他未列明…") are phrases, not words: leave them to the segmenter.
    return sorted(w for w in words if 2 <= len(w) <= 12)


def _load_domain_dictionary() -> None:
    """Once per process, before the first document is tokenised."""
    global _dictionary_loaded
    if _dictionary_loaded or not getattr(settings, "JIELI_DOMAIN_DICTIONARY", True):
        return
    from jieli.matching.engine.text import load_user_words

    global _dictionary_words
    _dictionary_words = domain_words()
    load_user_words(_dictionary_words)
    _dictionary_loaded = True


@lru_cache(maxsize=1)
def default_calibrator() -> Calibrator:
    """The fitted relevance probabilities (``bench/calibrate.py`` writes them)."""
    return Calibrator.load()


def index_for(kind: str) -> KindIndex:
    _load_domain_dictionary()
    with _registry_lock:
        found = _indexes.get(kind)
        if found is None:
            engine = SearchEngine(engine_config(), calibrator=default_calibrator())
            found = KindIndex(kind=ListingKind(kind), engine=engine)
            _indexes[kind] = found
        return found


def reset_indexes() -> None:
    """Forget every in-memory index; the next query rebuilds from the database."""
    with _registry_lock:
        _indexes.clear()


# -- snapshots and warm-up ----------------------------------------------------------------


def snapshot_dir() -> Path:
    return Path(settings.VAR_DIR) / "index"


def _snapshot_key() -> str:
    """What the snapshot's tokens depend on: the code's version and the domain dictionary."""
    words: list[str] = []
    if getattr(settings, "JIELI_DOMAIN_DICTIONARY", True):
        # The words the segmenter was taught at load time: later keywords do not change it.
        _load_domain_dictionary()
        words = _dictionary_words or []
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(f"{SNAPSHOT_VERSION}|{','.join(LEXICAL_COMPONENTS)}|".encode())
    digest.update("\n".join(words).encode("utf-8"))
    return digest.hexdigest()


def snapshot_save(kind: str, key: str | None = None) -> Path:
    """Write the kind's lexical index (tokens, not text) to ``var/index/<kind>.pickle``."""
    index = index_for(kind)
    with index.lock:
        for lexical in index.engine.lexical.values():
            lexical.doc_ids  # noqa: B018 - builds the matrix so loading needs no rebuild
        state = {
            "version": SNAPSHOT_VERSION,
            "key": key or _snapshot_key(),
            "rows_seen_at": index.rows_seen_at,
            "doc_sha": dict(index.doc_sha),
            "restricted": set(index.restricted),
            "lexical": index.engine.lexical,
            "compact": index.engine._compact,
        }
        data = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    folder = snapshot_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}.pickle"
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # readers see the old or the new file, never half of one
    return path


def snapshot_load(kind: str, key: str | None = None) -> bool:
    """Replace the kind's index with the snapshot when it matches this code and dictionary.

    The snapshot is a file this installation wrote itself under ``var/`` (same trust as the
    database); a missing, old or unreadable one is ignored and the index is built from rows.
    """
    path = snapshot_dir() / f"{kind}.pickle"
    if not path.exists():
        return False
    try:
        state = pickle.loads(path.read_bytes())  # noqa: S301 - our own file, see docstring
    except Exception:  # a torn or foreign file: build from the database instead
        logger.warning("search index snapshot %s unreadable; rebuilding", path)
        return False
    if state.get("version") != SNAPSHOT_VERSION or state.get("key") != (key or _snapshot_key()):
        return False
    index = index_for(kind)
    with index.lock:
        engine = index.engine
        if set(state["lexical"]) != set(engine.lexical):
            return False
        engine.lexical = state["lexical"]
        engine._compact = state["compact"]
        index.doc_sha = state["doc_sha"]
        index.doc_ids = set(index.doc_sha)
        index.restricted = set(state["restricted"])
        index.rows_seen_at = state["rows_seen_at"]
    return True


def warm_indexes(*, save: bool = False, vectors: bool = True) -> dict[str, float]:
    """Make every kind's index ready: snapshot (if any), catch-up sync, then vectors.

    Returns seconds per step. ``save`` writes fresh snapshots when rows were applied.
    """
    from jieli.matching.models import ListingKind as Kind

    timings: dict[str, float] = {}
    start = time.perf_counter()
    _load_domain_dictionary()
    key = _snapshot_key()
    timings["dictionary"] = time.perf_counter() - start
    for kind in (Kind.ACHIEVEMENT, Kind.DEMAND, Kind.EXPERT):
        step = time.perf_counter()
        loaded = snapshot_load(kind, key)
        applied = index_for(kind).sync(vectors=False)
        if save and (applied or not loaded):
            snapshot_save(kind, key)
        timings[f"{kind}_lexical"] = time.perf_counter() - step
    if vectors:
        for kind in (Kind.ACHIEVEMENT, Kind.DEMAND, Kind.EXPERT):
            step = time.perf_counter()
            index_for(kind).sync_vectors()
            timings[f"{kind}_vectors"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - start
    return timings


# Sentence encoders still loading in a background thread (see ``warm_encoders_in_background``):
# their components are left out of the fusion until ready rather than making a request wait.
_encoders_loading: set[str] = set()


def warm_encoders_in_background() -> threading.Thread | None:
    """Load the query encoders in a thread (per process: their thread pools are not fork-safe).

    Until an encoder is ready, searches are answered without its component (lexical first)."""
    components = list(dense_components())
    if not components:
        return None
    _encoders_loading.update(components)
    engine = index_for(ListingKind.ACHIEVEMENT).engine

    def run() -> None:
        for component in components:
            try:
                encoder = engine.encoder(component)
                encoder.encode_queries(["预热"])
                for kind in (ListingKind.DEMAND, ListingKind.EXPERT):
                    index_for(kind).engine._encoders.setdefault(component, encoder)
            except Exception:  # a missing model: the component stays off, words still work
                logger.exception("loading the %s encoder failed", component)
                continue
            finally:
                _encoders_loading.discard(component)

    thread = threading.Thread(target=run, name="jieli-encoders-warm", daemon=True)
    thread.start()
    return thread
