"""Fusion functions and fused search with a fake (deterministic) encoder."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pytest

from jieli.matching.engine import fusion as fz
from jieli.matching.engine.encoders import CachedEncoder, l2_normalise
from jieli.matching.engine.engine import EngineConfig, SearchEngine, preset


class FakeEncoder:
    """Bag-of-characters hashing encoder: similar texts get similar vectors."""

    name = "fake"
    dim = 32

    def __init__(self) -> None:
        self.calls = 0

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for ch in t:
                h = int(hashlib.md5(ch.encode(), usedforsecurity=False).hexdigest(), 16)
                out[i, h % self.dim] += 1.0
        return l2_normalise(out + 1e-6)

    encode_passages = _encode
    encode_queries = _encode


def test_rrf_orders_by_reciprocal_rank() -> None:
    fused = fz.rrf({"a": ["x", "y", "z"], "b": ["y", "x"]}, k=60)
    assert fused["x"] == pytest.approx(fused["y"])
    assert fused["x"] > fused["z"]
    weighted = fz.rrf({"a": ["x", "y"], "b": ["y", "x"]}, {"a": 2.0, "b": 1.0})
    assert weighted["x"] > weighted["y"]
    assert fz.rrf({}) == {}


def test_standardise_flat_and_scale_invariant() -> None:
    assert fz.standardise(np.array([1.0, 1.0]), np.array([1.0, 1.0])).tolist() == [0.0, 0.0]
    assert fz.standardise(np.array([5.0]), np.array([5.0])).tolist() == [0.0]
    a = fz.standardise(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0]))
    b = fz.standardise(np.array([10.0, 20.0, 30.0]), np.array([10.0, 20.0, 30.0]))
    assert np.allclose(a, b)


def test_zscore_fusion_weights() -> None:
    scores = {"lex": np.array([3.0, 1.0, 0.0]), "dense": np.array([0.1, 0.2, 0.9])}
    lex_heavy = fz.zscore_fusion(scores, scores, {"lex": 1.0, "dense": 0.1})
    dense_heavy = fz.zscore_fusion(scores, scores, {"lex": 0.1, "dense": 1.0})
    assert int(np.argmax(lex_heavy)) == 0
    assert int(np.argmax(dense_heavy)) == 2
    assert fz.zscore_fusion(scores, scores, {}).tolist() == [0.0, 0.0, 0.0]


DOCS = {
    "d1": "石墨烯复合材料的制备方法及其在锂离子电池负极中的应用",
    "d2": "一种智能温室大棚环境监测系统，用于现代农业种植",
    "d3": "基于深度学习的工业设备故障诊断与预测性维护",
    "d4": "Graphene coatings for corrosion protection of steel pipelines",
}


def fused_engine(**kw: object) -> SearchEngine:
    cfg = EngineConfig(components=("bm25_words", "bm25_bigrams", "dense_e5"), **kw)  # type: ignore[arg-type]
    engine = SearchEngine(cfg, encoders={"dense_e5": FakeEncoder()})
    engine.add_many(DOCS.items())
    return engine


@pytest.mark.parametrize("kw", [{}, {"prf_weight": 0.5}, {"fusion": "rrf"}])
def test_fused_engine_returns_components(kw: dict) -> None:
    engine = fused_engine(**kw)
    hits = engine.search("锂电池负极 石墨烯", k=4)
    assert hits[0].doc_id == "d1"
    assert set(hits[0].components) == {"bm25_words", "bm25_bigrams", "dense_e5", "fused"}
    assert hits[0].matched_terms
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    # dense component still ranks docs with no lexical overlap
    assert len(engine.search("😀", k=4)) == 4


def test_search_many_equals_search() -> None:
    engine = fused_engine()
    queries = ["温室监测", "graphene corrosion", "故障 诊断"]
    many = engine.search_many(queries, k=3)
    for q, hits in zip(queries, many, strict=True):
        assert [h.doc_id for h in hits] == [h.doc_id for h in engine.search(q, k=3)]


def test_cached_encoder_reuses_vectors(tmp_path) -> None:
    inner = FakeEncoder()
    enc = CachedEncoder(inner, str(tmp_path))
    a = enc.encode_passages(["alpha", "beta", "alpha"])
    assert inner.calls == 2  # duplicates encoded once
    b = CachedEncoder(inner, str(tmp_path)).encode_passages(["beta", "alpha"])
    assert inner.calls == 2  # served from disk
    assert np.allclose(a[1], b[0]) and np.allclose(a[0], b[1])
    assert enc.encode_passages([]).shape == (0, 32)


def test_rrf_preset_uses_two_components() -> None:
    cfg = preset("rrf")
    assert cfg.components == ("bm25_words", "dense_use")
    assert cfg.weights == {"bm25_words": 1.0, "dense_use": 1.0}
    anchor = preset("rrf-e5")
    assert anchor.components == ("bm25_words", "dense_e5")
    assert anchor.weights == {"bm25_words": 1.0, "dense_e5": 1.0}
    assert anchor.fusion == "rrf"


def test_longest_common_substring_matches_brute_force() -> None:
    import random

    from jieli.matching.engine.engine import _longest_common_substring

    def slow(q: str, t: str) -> int:
        spans = [j - i for i in range(len(q)) for j in range(i, len(q) + 1) if q[i:j] in t]
        return max(spans, default=0)

    rng = random.Random(3)
    for _ in range(500):
        q = "".join(rng.choice("ab石墨") for _ in range(rng.randint(0, 8)))
        t = "".join(rng.choice("ab石墨") for _ in range(rng.randint(0, 12)))
        assert _longest_common_substring(q, t) == slow(q, t)


def test_phrase_feature_prefers_verbatim_title() -> None:
    engine = SearchEngine(
        EngineConfig(components=("bm25_bigrams", "phrase"), weights={"phrase": 1.0})
    )
    engine.add_many(
        [("a", "监测系统环境温室智能"), ("b", "智能温室环境监测系统的设计"), ("c", "无关文本")]
    )
    hits = engine.search("智能温室环境监测系统", k=2)
    assert hits[0].doc_id == "b"
    assert hits[0].components["phrase"] == 1.0


def test_use_encoder_smoke() -> None:
    """The one real model in the fast suite: USE is pure numpy and loads in about 1 s."""
    from jieli.matching.engine.encoders import USEEncoder

    enc = USEEncoder()
    vecs = enc.encode_passages(["太阳能电池板", "solar panel", "水稻种植技术"])
    assert vecs.shape == (3, 512) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]  # cross-lingual similarity
    assert np.allclose(enc.encode_queries(["solar panel"])[0], vecs[1], atol=1e-5)
