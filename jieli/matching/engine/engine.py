"""The search engine: text pipeline + lexical and dense indexes + fusion.

Used by the platform (documents added and removed one at a time, string ids) and by
the benchmarks (bulk ``add_many`` and ``search_many``). Anchors used in the benchmark
are just other ``EngineConfig`` values over the same classes, see ``preset``.

A query is answered in three steps:
1. every enabled component returns its top ``depth`` candidates;
2. every component scores the union of candidates exactly (BM25 over the postings,
   cosine against stored vectors), so no candidate has missing values;
3. the scores are fused (standardised weighted sum, or RRF for the anchor), optionally
   followed by dense pseudo-relevance feedback.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np

from . import fusion as fz
from . import rerank
from .calibration import Calibrator
from .encoders import Encoder, get_encoder
from .lexical import BM25Index, top_k
from .text import Tokeniser, compact
from .vectors import BruteForceIndex, HnswIndex, VectorIndex

__all__ = ["PRESETS", "Candidates", "EngineConfig", "SearchEngine", "SearchResult", "preset"]

LEXICAL = ("bm25_words", "bm25_bigrams")
# "phrase" is a re-ranking feature, not a retriever: it scores only candidates found by
# the others, so it never widens the candidate set.
FEATURES = ("phrase",)
DENSE = {"dense_e5": "e5", "dense_use": "use"}


@dataclass
class EngineConfig:
    components: tuple[str, ...] = (
        "bm25_words", "bm25_bigrams", "dense_e5", "dense_use", "phrase",
    )  # fmt: skip
    fusion: str = "zscore"  # "zscore" | "rrf" | "single" | "ltr" (rerank.py)
    weights: dict[str, float] = field(default_factory=lambda: dict(fz.DEFAULT_WEIGHTS))
    depth: int = 100  # candidates taken from each component
    rrf_k: int = fz.RRF_K
    prf_weight: float = fz.PRF_WEIGHT
    prf_depth: int = fz.PRF_DEPTH
    prf_component: str = "dense_e5"
    vector_backend: str = "brute"  # "brute" | "hnsw"
    vector_dtype: str = "float32"
    tag: str = "jieli"
    ltr_weights: dict[str, float] | None = None  # None: rerank.LTR_WEIGHTS

    def __post_init__(self) -> None:
        unknown = set(self.components) - set(LEXICAL) - set(DENSE) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown components: {sorted(unknown)}")
        if self.fusion not in {"zscore", "rrf", "single", "ltr"}:
            raise ValueError(f"unknown fusion {self.fusion!r}")
        if self.fusion == "single" and len(self.components) != 1:
            raise ValueError("fusion='single' needs exactly one component")


PRESETS: dict[str, dict[str, object]] = {
    "engine": {},
    "bm25-words": {"components": ("bm25_words",), "fusion": "single"},
    "bm25-bigrams": {"components": ("bm25_bigrams",), "fusion": "single"},
    "dense-use": {"components": ("dense_use",), "fusion": "single"},
    "dense-e5": {"components": ("dense_e5",), "fusion": "single"},
    "rrf": {"components": ("bm25_words", "dense_use"), "fusion": "rrf", "weights": {}},
    # The strongest untuned anchor (issue 7): plain RRF of BM25 and e5. Any fitted fusion
    # has to beat what two unweighted rank lists already give.
    "rrf-e5": {"components": ("bm25_words", "dense_e5"), "fusion": "rrf", "weights": {}},
    # Learned length-aware fusion (rerank.py); not the default until fitted with e5.
    "engine-ltr": {"fusion": "ltr"},
}


def preset(name: str, **overrides: object) -> EngineConfig:
    try:
        kwargs = dict(PRESETS[name])
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; choose from {sorted(PRESETS)}") from None
    if kwargs.get("fusion") == "rrf":
        kwargs["weights"] = dict.fromkeys(kwargs["components"], 1.0)  # type: ignore[call-overload]
    kwargs["tag"] = name
    kwargs.update(overrides)
    return EngineConfig(**kwargs)  # type: ignore[arg-type]


@dataclass
class SearchResult:
    doc_id: str
    score: float
    components: dict[str, float]
    matched_terms: list[str]
    # Calibrated P(relevant), set when the engine has a calibrator (see calibration.py).
    probability: float | None = None


@dataclass
class Candidates:
    """Everything fusion needs for one query; kept separate so fusion can be refitted."""

    doc_ids: list[str]
    scores: dict[str, np.ndarray]  # component -> exact score per candidate
    references: dict[str, np.ndarray]  # component -> its own top-depth scores
    ranked: dict[str, list[str]]  # component -> its own top-depth ids
    prf_vectors: np.ndarray | None = None  # candidate vectors for feedback
    query_chars: int = 0  # letters and digits in the query (length-aware fusion)


# Encoded queries by (encoder, query), most recent last, shared by every kind's engine: one
# query costs 0.05-0.5 s per encoder and comes back at once (the search page asks each kind,
# pagination, popular terms). 512 entries of <= 512 float32 are about 1 MB.
QUERY_VECTOR_CACHE = 512
_query_vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_query_vectors_lock = threading.Lock()


def _longest_common_substring(query: str, text: str) -> int:
    """Length of the longest substring of ``query`` occurring in ``text``.

    A substring occurs only if each of its character pairs does, so the query is first cut
    into stretches whose every pair occurs in ``text`` (set lookups), and only those stretches
    are searched, longest first, stopping when no stretch can beat the best found. Profiled on
    an achievement's matches page (its long text as the query) this took a third off the
    phrase feature's time; for short queries it is about the same as the plain scan.
    """
    if not query or not text:
        return 0
    pairs = set(itertools.pairwise(text))
    stretches: list[str] = []
    start = 0
    for i, pair in enumerate(itertools.pairwise(query)):
        if pair not in pairs:
            if i > start:
                stretches.append(query[start : i + 1])
            start = i + 1
    if len(query) - 1 > start:
        stretches.append(query[start:])
    if not stretches:
        return 1 if not set(query).isdisjoint(text) else 0
    best = 1
    for part in sorted(stretches, key=len, reverse=True):
        if len(part) <= best:
            break
        best = max(best, _longest_common_substring_scan(part, text, best))
    return best


def _longest_common_substring_scan(query: str, text: str, best: int = 0) -> int:
    """The plain scan: grows a candidate only when it could beat ``best``, so it costs about
    2 * len(query) substring searches (done in C by ``in``), far cheaper than a DP table."""
    m = len(query)
    for i in range(m):
        if m - i <= best:
            break
        j = i + best + 1
        while j <= m and query[i:j] in text:
            j += 1
        best = max(best, j - 1 - i)
    return best


class SearchEngine:
    def __init__(
        self,
        config: EngineConfig | None = None,
        *,
        encoders: Mapping[str, Encoder] | None = None,
        cache_dir: str | None = None,
        tokeniser: Tokeniser | None = None,
        calibrator: Calibrator | None = None,
    ) -> None:
        self.config = config or EngineConfig()
        self.calibrator = calibrator
        self.tokeniser = tokeniser or Tokeniser()
        self.cache_dir = cache_dir
        self.lexical: dict[str, BM25Index] = {
            c: BM25Index() for c in self.config.components if c in LEXICAL
        }
        self._encoders: dict[str, Encoder] = dict(encoders or {})
        self._phrase = "phrase" in self.config.components
        self._compact: dict[str, str] = {}
        self.vectors: dict[str, VectorIndex] = {}
        for comp in self.config.components:
            if comp in DENSE:
                self.vectors[comp] = self._new_vector_index(self.encoder(comp).dim)

    # -- setup -------------------------------------------------------------------------
    def encoder(self, component: str) -> Encoder:
        enc = self._encoders.get(component)
        if enc is None:
            enc = get_encoder(DENSE[component], cache_dir=self.cache_dir)
            self._encoders[component] = enc
        return enc

    def _new_vector_index(self, dim: int) -> VectorIndex:
        if self.config.vector_backend == "hnsw":
            return HnswIndex(dim)
        return BruteForceIndex(dim, dtype=self.config.vector_dtype)

    def _tokens(self, component: str, text: str) -> list[str]:
        if component == "bm25_words":
            return self.tokeniser.words(text)
        return self.tokeniser.bigrams(text)

    def __len__(self) -> int:
        for idx in self.lexical.values():
            return len(idx)
        for vidx in self.vectors.values():
            return len(vidx)
        return 0

    # -- indexing ------------------------------------------------------------------------
    def add(self, doc_id: str, text: str) -> None:
        self.add_many([(doc_id, text)])

    def add_many(self, docs: Iterable[tuple[str, str]], batch_size: int = 256) -> None:
        batch: list[tuple[str, str]] = []
        for item in docs:
            batch.append((str(item[0]), item[1] or ""))
            if len(batch) >= batch_size:
                self._add_batch(batch)
                batch = []
        if batch:
            self._add_batch(batch)

    def add_text(self, doc_id: str, text: str, *, counted: bool = True) -> None:
        """Index one document's text for the lexical and phrase components only.

        The platform adds text at once and vectors later (``add_vectors``), when a
        background job has computed them; documents without a vector score 0 there.
        ``counted=False``: searchable by those allowed, but not in the lexical statistics
        (see ``lexical``).
        """
        self._compact.pop(doc_id, None)
        for idx in self.lexical.values():
            idx.remove(doc_id)
        if self._phrase:
            self._compact[doc_id] = compact(text)
        for comp, idx in self.lexical.items():
            idx.add(doc_id, self._tokens(comp, text), counted=counted)

    def set_counted(self, doc_id: str, counted: bool) -> None:
        """Count an indexed document in the lexical statistics or not (text unchanged)."""
        for idx in self.lexical.values():
            idx.set_counted(doc_id, counted)

    def add_vectors(self, component: str, doc_ids: Sequence[str], vectors: np.ndarray) -> None:
        self.vectors[component].add(list(doc_ids), vectors)

    def _add_batch(self, batch: list[tuple[str, str]]) -> None:
        if self._phrase:
            for doc_id, text in batch:
                self._compact[doc_id] = compact(text)
        for comp, idx in self.lexical.items():
            for doc_id, text in batch:
                idx.add(doc_id, self._tokens(comp, text))
        if self.vectors:
            ids = [d for d, _ in batch]
            texts = [t for _, t in batch]
            for comp, vidx in self.vectors.items():
                vidx.add(ids, self.encoder(comp).encode_passages(texts))

    def remove(self, doc_id: str) -> None:
        self._compact.pop(doc_id, None)
        for idx in self.lexical.values():
            idx.remove(doc_id)
        for vidx in self.vectors.values():
            vidx.remove(doc_id)

    # -- querying ------------------------------------------------------------------------
    def encode_queries(self, queries: Sequence[str]) -> dict[str, np.ndarray]:
        return {c: self.encoder(c).encode_queries(list(queries)) for c in self.vectors}

    def candidates(
        self,
        query: str,
        qvecs: Mapping[str, np.ndarray] | None = None,
        exclude: AbstractSet[str] = frozenset(),
    ) -> Candidates:
        """``exclude``: documents this query may not see. They are left out before each
        component's cut, so they neither take a visible document's place among the
        candidates nor shift the references that standardise its scores."""
        depth = self.config.depth
        if qvecs is None:
            qvecs = {c: v[0] for c, v in self.encode_queries([query]).items()}
        ranked: dict[str, list[str]] = {}
        references: dict[str, np.ndarray] = {}
        full: dict[str, np.ndarray] = {}
        tokens = {c: self._tokens(c, query) for c in self.lexical}
        for comp, idx in self.lexical.items():
            scores = idx.scores(tokens[comp])
            if exclude:
                idx.zero_ids(scores, exclude)
            best = top_k(scores, depth)
            best = best[scores[best] > 0]
            ids = idx.doc_ids
            ranked[comp] = [ids[i] for i in best]
            references[comp] = scores[best]
            full[comp] = scores
        for comp, vidx in self.vectors.items():
            if comp not in qvecs:  # switched off for this query: not encoded, not scored
                continue
            hits = vidx.search(qvecs[comp], depth, exclude)
            ranked[comp] = [d for d, _ in hits]
            references[comp] = np.array([s for _, s in hits], dtype=np.float32)
        seen: dict[str, None] = {}
        for docs in ranked.values():
            seen.update(dict.fromkeys(docs))
        doc_ids = list(seen)
        scores_out: dict[str, np.ndarray] = {}
        for comp, idx in self.lexical.items():
            scores_out[comp] = idx.lookup(full[comp], doc_ids)
        for comp, vidx in self.vectors.items():
            if comp in qvecs:
                scores_out[comp] = vidx.score_ids(qvecs[comp], doc_ids)
        if self._phrase:
            scores_out["phrase"] = self._phrase_scores(query, doc_ids)
            references["phrase"] = scores_out["phrase"]
        prf_vectors = None
        wants_feedback = self.config.prf_weight or self.config.fusion == "ltr"
        if wants_feedback and self.config.prf_component in qvecs:
            prf_vectors = self.vectors[self.config.prf_component].vectors_for(doc_ids)
        return Candidates(doc_ids, scores_out, references, ranked, prf_vectors, len(compact(query)))

    def _phrase_scores(self, query: str, doc_ids: Sequence[str]) -> np.ndarray:
        """Longest stretch of the query found verbatim in the document, as a share of
        the query (0..1). Catches names and titles quoted inside a description, which
        bag-of-words scores only see as scattered term matches."""
        q = compact(query)
        out = np.zeros(len(doc_ids), dtype=np.float32)
        if len(q) < 2:
            return out
        for i, d in enumerate(doc_ids):
            text = self._compact.get(d, "")
            if not text:
                continue
            out[i] = _longest_common_substring(q, text) / len(q)
        return out

    def fuse(self, cands: Candidates, config: EngineConfig | None = None) -> np.ndarray:
        """Fused score per candidate (higher is better)."""
        cfg = config or self.config
        n = len(cands.doc_ids)
        if n == 0:
            return np.zeros(0)
        if cfg.fusion == "single":
            return cands.scores[cfg.components[0]].astype(np.float64)
        if cfg.fusion == "rrf":
            fused = fz.rrf(cands.ranked, cfg.weights, k=cfg.rrf_k)
            return np.array([fused.get(d, 0.0) for d in cands.doc_ids])
        if cfg.fusion == "ltr":
            feats = rerank.features(
                cands.scores, cands.references, cands.query_chars, cands.prf_vectors
            )
            return rerank.ltr_scores(feats, cfg.ltr_weights)
        total = fz.zscore_fusion(cands.scores, cands.references, cfg.weights)
        if cfg.prf_weight and cands.prf_vectors is not None and n > 1:
            # Rocchio-style feedback in embedding space: documents similar to the
            # consensus top results gain. Helps "more like these" relevance (same
            # field) and is weak enough not to overturn strong exact matches.
            head = np.argsort(-total, kind="stable")[: cfg.prf_depth]
            centroid = cands.prf_vectors[head].mean(axis=0)
            sims = cands.prf_vectors @ centroid
            ref = np.sort(sims)[::-1][: cfg.depth]
            total = total + cfg.prf_weight * fz.standardise(sims, ref)
        return total

    def _results(self, query: str, cands: Candidates, fused: np.ndarray, k: int) -> list:
        order = np.lexsort((np.arange(len(fused)), -fused))[:k]
        words = self.tokeniser.words(query) if "bm25_words" in self.lexical else []
        bigrams = self.tokeniser.bigrams(query) if "bm25_bigrams" in self.lexical else []
        out: list[SearchResult] = []
        for i in order:
            doc_id = cands.doc_ids[i]
            comps = {c: float(v[i]) for c, v in cands.scores.items()}
            comps["fused"] = float(fused[i])
            matched: list[str] = []
            if words:
                matched = self.lexical["bm25_words"].matched_terms(words, doc_id)
            elif bigrams:
                matched = self.lexical["bm25_bigrams"].matched_terms(bigrams, doc_id)
            out.append(SearchResult(doc_id, float(fused[i]), comps, matched))
        return out

    def query_vector(self, component: str, query: str) -> np.ndarray:
        """The query's vector for a dense component, from the process's query-vector cache."""
        encoder = self.encoder(component)
        key = (encoder.name, query)
        with _query_vectors_lock:
            cached = _query_vectors.get(key)
            if cached is not None:
                _query_vectors.move_to_end(key)
                return cached
        vector = encoder.encode_queries([query])[0]
        with _query_vectors_lock:
            _query_vectors[key] = vector
            while len(_query_vectors) > QUERY_VECTOR_CACHE:
                _query_vectors.popitem(last=False)
        return vector

    def search(
        self,
        query: str,
        k: int = 10,
        config: EngineConfig | None = None,
        *,
        given_vectors: Mapping[str, np.ndarray] | None = None,
        exclude: AbstractSet[str] = frozenset(),
    ) -> list[SearchResult]:
        """``config`` may switch components off for this query (weight 0), e.g. a dense
        component whose vectors are still being computed; such a component's query
        vector is not computed at all. ``given_vectors`` (component -> vector) are used
        instead of encoding the query, e.g. a stored listing's own vectors when that
        listing is the query. ``exclude``: documents this query may not see (see
        ``candidates``)."""
        cfg = config or self.config
        live = [
            c
            for c in self.vectors
            if cfg.weights.get(c, 0.0) or (c == cfg.prf_component and cfg.prf_weight)
        ]
        given = given_vectors or {}
        qvecs = {c: given[c] if c in given else self.query_vector(c, query) for c in live}
        cands = self.candidates(query, qvecs, exclude)
        results = self._results(query, cands, self.fuse(cands, config), k)
        if self.calibrator is not None:
            words = len(set(self.tokeniser.words(query)))
            self.calibrator.annotate(results, query_words=words, config=cfg)
        return results

    def search_many(
        self, queries: Sequence[str], k: int = 10, batch_size: int = 256
    ) -> list[list[SearchResult]]:
        out: list[list[SearchResult]] = []
        for start in range(0, len(queries), batch_size):
            chunk = list(queries[start : start + batch_size])
            qv = self.encode_queries(chunk)
            for j, q in enumerate(chunk):
                cands = self.candidates(q, {c: v[j] for c, v in qv.items()})
                out.append(self._results(q, cands, self.fuse(cands), k))
        return out
