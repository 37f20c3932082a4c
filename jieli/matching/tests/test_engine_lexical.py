"""BM25 index, vector indexes and the engine on tiny corpora (no neural models)."""

from __future__ import annotations

import numpy as np
import pytest

from jieli.matching.engine.engine import EngineConfig, SearchEngine, preset
from jieli.matching.engine.lexical import BM25Index, top_k
from jieli.matching.engine.vectors import BruteForceIndex, HnswIndex

DOCS = {
    "d1": "石墨烯复合材料的制备方法及其在锂离子电池负极中的应用",
    "d2": "一种智能温室大棚环境监测系统，用于现代农业种植",
    "d3": "基于深度学习的工业设备故障诊断与预测性维护",
    "d4": "Graphene coatings for corrosion protection of steel pipelines",
    "d5": "中药复方制剂治疗高血压的临床研究",
}


def lexical_engine(component: str = "bm25_words") -> SearchEngine:
    engine = SearchEngine(EngineConfig(components=(component,), fusion="single"))
    engine.add_many(DOCS.items())
    return engine


def test_bm25_ranks_matching_doc_first() -> None:
    idx = BM25Index()
    idx.add("a", ["apple", "banana"])
    idx.add("b", ["apple", "apple", "cherry"])
    idx.add("c", ["durian"])
    hits = idx.search(["cherry"], k=3)
    assert [d for d, _ in hits] == ["b"]
    assert idx.search(["nothing"], k=3) == []
    # rarer term outweighs a common one
    idx.add("d", ["apple", "durian"])
    assert idx.search(["apple", "durian"], k=1)[0][0] == "d"


def test_bm25_remove_and_readd() -> None:
    idx = BM25Index()
    idx.add("a", ["x", "y"])
    idx.add("b", ["y"])
    assert idx.search(["x"])[0][0] == "a"
    idx.remove("a")
    assert idx.search(["x"]) == []
    assert len(idx) == 1
    idx.add("a", ["z"])  # re-adding replaces the old tokens
    assert idx.search(["x"]) == []
    assert idx.search(["z"])[0][0] == "a"
    idx.remove("missing")  # no error


def test_bm25_empty_index_and_query() -> None:
    idx = BM25Index()
    assert idx.search(["x"]) == []
    idx.add("a", [])
    assert idx.search([]) == []


def test_top_k_is_stable() -> None:
    scores = np.array([1.0, 3.0, 3.0, 2.0])
    assert top_k(scores, 3).tolist() == [1, 2, 3]
    assert top_k(scores, 10).tolist() == [1, 2, 3, 0]


@pytest.mark.parametrize("component", ["bm25_words", "bm25_bigrams"])
def test_traditional_query_finds_simplified_doc(component: str) -> None:
    engine = lexical_engine(component)
    hits = engine.search("石墨烯複合材料 鋰離子電池", k=3)
    assert hits[0].doc_id == "d1"
    hits = engine.search("溫室環境監測", k=3)
    assert hits[0].doc_id == "d2"


def test_english_query_and_matched_terms() -> None:
    engine = lexical_engine()
    hits = engine.search("GRAPHENE coating corrosion", k=2)
    assert hits[0].doc_id == "d4"
    assert {"graphen", "coat", "corros"} <= set(hits[0].matched_terms)
    assert hits[0].components["bm25_words"] > 0
    assert "fused" in hits[0].components


@pytest.mark.parametrize(
    "query", ['"石墨烯" AND (电池 OR -储能) *:', "*", ":", "()", "-", "", "😀", "a" * 10_000]
)
def test_query_syntax_is_inert_and_deterministic(query: str) -> None:
    engine = lexical_engine()
    first = [(h.doc_id, h.score) for h in engine.search(query, k=5)]
    second = [(h.doc_id, h.score) for h in engine.search(query, k=5)]
    assert first == second


def test_engine_incremental_add_remove() -> None:
    engine = lexical_engine()
    assert engine.search("故障诊断", k=1)[0].doc_id == "d3"
    engine.remove("d3")
    assert all(h.doc_id != "d3" for h in engine.search("故障诊断", k=5))
    engine.add("d6", "风机故障诊断装置")
    assert engine.search("故障诊断", k=1)[0].doc_id == "d6"


def test_presets_validate() -> None:
    assert preset("rrf").fusion == "rrf"
    with pytest.raises(ValueError):
        preset("nope")
    with pytest.raises(ValueError):
        EngineConfig(components=("bm25_words", "bm25_bigrams"), fusion="single")


@pytest.mark.parametrize("kind", ["brute", "brute16", "hnsw"])
def test_vector_indexes(kind: str) -> None:
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(50, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = [f"v{i}" for i in range(50)]
    if kind == "hnsw":
        idx = HnswIndex(8, capacity=10)  # forces a resize
    else:
        idx = BruteForceIndex(8, dtype="float16" if kind == "brute16" else "float32")
    idx.add(ids, vecs)
    hits = idx.search(vecs[7], k=3)
    assert hits[0][0] == "v7"
    assert hits[0][1] == pytest.approx(1.0, abs=1e-2)
    idx.remove("v7")
    assert all(d != "v7" for d, _ in idx.search(vecs[7], k=3))
    assert len(idx) == 49
    exact = idx.score_ids(vecs[3], ["v3", "missing"])
    assert exact[0] == pytest.approx(1.0, abs=1e-2)
    assert exact[1] == 0.0
