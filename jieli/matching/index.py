"""The process-wide search index of each listing kind, kept in step with the database.

Embedded mode keeps the indexes in memory (BM25 over words and character bigrams, plus the
stored sentence vectors). Before each query the index reads the rows changed since its last
look (an indexed ``updated_at`` range query), so a new or edited listing is findable lexically
at once, in every process, with no messaging between web server and worker. Vectors arrive
later from background jobs and are picked up the same way.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache

import numpy as np
from django.conf import settings

from jieli.matching.documents import indexable, text_for
from jieli.matching.engine.calibration import Calibrator
from jieli.matching.engine.engine import EngineConfig, SearchEngine, SearchResult
from jieli.matching.engine.fusion import DEFAULT_WEIGHTS
from jieli.matching.models import ListingKind, ListingVector

LEXICAL_COMPONENTS = ("bm25_words", "bm25_bigrams", "phrase")
# A dense component joins the fusion once this share of the listings has its vector; before
# that, missing vectors (scored 0) would push new listings down.
DENSE_COVERAGE = 0.95


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
    lock: threading.RLock = field(default_factory=threading.RLock)

    def _add_text(self, doc_id: str, text: str) -> None:
        self.engine.add_text(doc_id, text)
        self.doc_ids.add(doc_id)

    def _remove(self, doc_id: str) -> None:
        self.engine.remove(doc_id)
        self.doc_ids.discard(doc_id)

    def sync(self) -> int:
        """Apply the rows and vectors changed since the last sync; return rows applied."""
        with self.lock:
            model = indexable(self.kind).model
            changed = model._default_manager.all()
            if self.rows_seen_at is not None:
                changed = changed.filter(updated_at__gte=self.rows_seen_at)
            wanted = set(
                indexable(self.kind)
                .filter(pk__in=changed.values("pk"))
                .values_list("pk", flat=True)
            )
            applied = 0
            latest = self.rows_seen_at
            for row in changed.order_by("updated_at").iterator(chunk_size=2000):
                doc_id = str(row.pk)
                if row.pk in wanted:
                    self._add_text(doc_id, text_for(self.kind, row))
                else:
                    self._remove(doc_id)
                latest = row.updated_at if latest is None else max(latest, row.updated_at)
                applied += 1
            self.rows_seen_at = latest
            self._sync_vectors()
            return applied

    def _sync_vectors(self) -> None:
        components = {c.removeprefix("dense_"): c for c in self.engine.vectors}
        if not components:
            return
        rows = ListingVector.objects.filter(kind=self.kind, encoder__in=components)
        if self.vectors_seen_at is not None:
            rows = rows.filter(updated_at__gte=self.vectors_seen_at)
        latest = self.vectors_seen_at
        for vec in rows.order_by("updated_at").iterator(chunk_size=2000):
            doc_id = str(vec.object_id)
            if doc_id in self.doc_ids:
                array = np.frombuffer(bytes(vec.vector), dtype="<f2").astype(np.float32)
                self.engine.add_vectors(components[vec.encoder], [doc_id], array[None, :])
            latest = vec.updated_at if latest is None else max(latest, vec.updated_at)
        self.vectors_seen_at = latest

    def search(self, query: str, k: int) -> list[SearchResult]:
        self.sync()
        with self.lock:
            if not self.doc_ids:
                return []
            return self.engine.search(query, k=k, config=self._ready_config())

    def _ready_config(self) -> EngineConfig:
        """The engine's config with dense components still being filled switched off."""
        config = self.engine.config
        pending = [
            comp
            for comp, vectors in self.engine.vectors.items()
            if len(vectors) < DENSE_COVERAGE * len(self.doc_ids)
        ]
        if not pending:
            return config
        weights = {c: (0.0 if c in pending else w) for c, w in config.weights.items()}
        prf = 0.0 if config.prf_component in pending else config.prf_weight
        return replace(config, weights=weights, prf_weight=prf)

    def vector_count(self) -> dict[str, int]:
        return {c: len(v) for c, v in self.engine.vectors.items()}


_indexes: dict[str, KindIndex] = {}
_registry_lock = threading.Lock()
_dictionary_loaded = False
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

    load_user_words(domain_words())
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
