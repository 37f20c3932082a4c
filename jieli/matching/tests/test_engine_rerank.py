"""Learned fusion: features, the pairwise fit and the engine's ``fusion="ltr"`` path."""

from __future__ import annotations

import numpy as np
import pytest

from jieli.matching.engine import rerank
from jieli.matching.engine.engine import EngineConfig, SearchEngine, preset
from jieli.matching.tests.test_engine_fusion import DOCS, FakeEncoder


def test_short_query_factor_decreases_with_length() -> None:
    assert rerank.short_query_factor(0) == 1.0
    assert rerank.short_query_factor(8) > rerank.short_query_factor(40) > 0.0
    assert rerank.short_query_factor(-3) == 1.0


def test_features_standardise_and_scale_by_length() -> None:
    scores = {"bm25_words": np.array([4.0, 2.0, 0.0]), "dense_e5": np.array([0.9, 0.8, 0.7])}
    short = rerank.features(scores, scores, query_chars=4)
    long = rerank.features(scores, scores, query_chars=64)
    names = rerank.FEATURE_NAMES
    assert short.shape == (3, len(names))
    z = short[:, names.index("bm25_words")]
    assert z[0] > z[1] > z[2] and abs(z.mean()) < 1e-9
    assert np.allclose(long[:, names.index("bm25_words")], z)  # the plain part ignores length
    ratio = short[0, names.index("bm25_words*short")] / long[0, names.index("bm25_words*short")]
    assert ratio == pytest.approx(np.exp(60 / 16))
    assert (short[:, names.index("bm25_bigrams")] == 0).all()  # missing component: zeros
    assert (short[:, names.index("feedback")] == 0).all()  # no vectors: no feedback


def test_feedback_feature_favours_documents_like_the_head() -> None:
    scores = {"bm25_words": np.array([3.0, 2.5, 2.0, 0.0, 0.0])}
    vecs = np.array([[1, 0], [1, 0], [1, 0], [0.9, 0.1], [0, 1]], dtype=np.float32)
    f = rerank.features(scores, scores, 10, vecs)[:, rerank.FEATURE_NAMES.index("feedback")]
    assert f[3] > f[4]


def test_pairwise_fit_finds_the_informative_feature() -> None:
    rng = np.random.default_rng(1)
    queries = []
    for _ in range(60):
        feats = rng.normal(size=(20, len(rerank.FEATURE_NAMES)))
        grades = np.zeros(20, dtype=int)
        grades[int(np.argmax(feats[:, 2]))] = 1  # only dense_e5 tells the relevant one
        queries.append((feats, grades))
    weights = rerank.fit_pairwise(queries)
    assert max(weights, key=lambda k: abs(weights[k])) == "dense_e5"
    assert weights["dense_e5"] > 0
    with pytest.raises(ValueError):
        rerank.fit_pairwise([(np.zeros((3, len(rerank.FEATURE_NAMES))), np.zeros(3))])


def test_engine_ltr_fusion_ranks_and_obeys_weights() -> None:
    cfg = EngineConfig(components=("bm25_words", "bm25_bigrams", "dense_e5"), fusion="ltr")
    engine = SearchEngine(cfg, encoders={"dense_e5": FakeEncoder()})
    engine.add_many(DOCS.items())
    hits = engine.search("锂电池负极 石墨烯", k=4)
    assert hits[0].doc_id == "d1"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    # Weights decide: only the (fake) dense component counts -> its own order.
    dense_only = EngineConfig(
        components=cfg.components, fusion="ltr", ltr_weights={"dense_e5": 1.0}
    )
    cands = engine.candidates("锂电池负极 石墨烯")
    fused = engine.fuse(cands, dense_only)
    assert np.argmax(fused) == np.argmax(cands.scores["dense_e5"])
    assert cands.query_chars == len("锂电池负极石墨烯")
    assert preset("engine-ltr").fusion == "ltr"
