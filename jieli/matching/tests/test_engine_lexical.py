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


def _fresh_scores(docs: dict[str, list[str]], query: list[str]) -> dict[str, float]:
    fresh = BM25Index()
    for d, toks in docs.items():
        fresh.add(d, toks)
    return dict(zip(fresh.doc_ids, fresh.scores(query).tolist(), strict=True))


def test_bm25_overlay_serves_changes_without_a_rebuild():
    rng = np.random.default_rng(3)
    vocab = [f"t{i}" for i in range(40)]
    docs = {f"d{i}": list(rng.choice(vocab, 12)) for i in range(400)}
    idx = BM25Index()
    for d, toks in docs.items():
        idx.add(d, toks)
    idx.search(["t1"])  # build
    built = idx._cols
    # Changes after the build: a replacement, a removal and two new documents.
    docs["d5"] = ["brandnew", "t2"]
    idx.add("d5", docs["d5"])
    del docs["d6"]
    idx.remove("d6")
    for d in ("n1", "n2"):
        docs[d] = ["t3", "t3", "t4"]
        idx.add(d, docs[d])
    assert idx._cols is built, "small changes must not rebuild the matrix"
    assert idx.search(["brandnew"])[0][0] == "d5"
    assert all(d != "d6" for d, _ in idx.search([*docs["d7"], "t0"], k=500))
    got = dict(zip(idx.doc_ids, idx.scores(["t3", "t4"]).tolist(), strict=True))
    assert {d for d, v in got.items() if v > 0} == {
        d for d, v in _fresh_scores(docs, ["t3", "t4"]).items() if v > 0
    }
    # The overlay uses the build's statistics; close to, not equal to, a fresh build.
    assert got["n1"] == pytest.approx(_fresh_scores(docs, ["t3", "t4"])["n1"], rel=0.05)


def test_bm25_overlay_rebuilds_when_full():
    idx = BM25Index()
    docs = {f"d{i}": [f"t{i % 7}", "common"] for i in range(100)}
    for d, toks in docs.items():
        idx.add(d, toks)
    idx.search(["common"])
    for i in range(300):  # beyond OVERLAY_MIN: the next search rebuilds exactly
        docs[f"x{i}"] = ["t1", "extra"]
        idx.add(f"x{i}", docs[f"x{i}"])
    got = dict(zip(idx.doc_ids, idx.scores(["t1", "extra"]).tolist(), strict=True))
    assert got == pytest.approx(_fresh_scores(docs, ["t1", "extra"]))


def test_brute_force_overlay_is_exact():
    rng = np.random.default_rng(5)
    vecs = rng.normal(size=(300, 16)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    idx = BruteForceIndex(16)
    idx.add([f"v{i}" for i in range(300)], vecs)
    idx.search(vecs[0], k=1)
    built = idx._mat
    idx.add(["v1"], vecs[2:3])  # replaced in place
    idx.remove("v3")
    idx.add(["new"], vecs[4:5])
    assert idx._mat is built
    hits = dict(idx.search(vecs[2], k=300))
    assert hits["v1"] == pytest.approx(1.0, abs=1e-5) and hits["v2"] == pytest.approx(1.0, abs=1e-5)
    assert "v3" not in hits and hits["new"] == pytest.approx(float(vecs[4] @ vecs[2]), abs=1e-5)


def test_bm25_statistics_leave_out_uncounted_documents() -> None:
    """Uncounted documents are searchable, but a visible document scores as if they did not
    exist (idf and average length from the counted ones only)."""
    alone = BM25Index()
    alone.add("a", ["graphene", "battery", "anode"])
    alone.add("b", ["solar", "panel"])
    crowded = BM25Index()
    crowded.add("a", ["graphene", "battery", "anode"])
    crowded.add("b", ["solar", "panel"])
    for i in range(50):
        crowded.add(f"h{i}", ["graphene"] * 9 + ["coating"], counted=False)
    expected = dict(alone.search(["graphene", "anode"], k=5))
    found = dict(crowded.search(["graphene", "anode"], k=60))
    assert found["a"] == pytest.approx(expected["a"])
    assert "h0" in found  # still searchable
    # Counting them changes the statistics from the next build on: graphene is common then.
    for i in range(50):
        crowded.set_counted(f"h{i}", True)
    crowded._dirty = True
    assert dict(crowded.search(["graphene", "anode"], k=60))["a"] != pytest.approx(expected["a"])
    assert crowded.uncounted == 0


def test_bm25_counted_changes_force_a_build_once_many() -> None:
    idx = BM25Index()
    for i in range(300):
        idx.add(f"d{i}", ["x", f"t{i}"])
    idx.doc_ids  # noqa: B018 - build
    idx.set_counted("d0", False)
    assert not idx._dirty  # one change waits for the next build
    for i in range(1, 300):
        idx.set_counted(f"d{i}", False)
    assert idx._dirty
    # A snapshot written before counted statistics existed loads counting everything.
    state = dict(idx.__dict__)
    for name in ("_uncounted", "_count_changes", "_n_counted"):
        state.pop(name)
    old = BM25Index.__new__(BM25Index)
    old.__setstate__(state)
    assert old.uncounted == 0


@pytest.mark.parametrize("kind", ["brute", "hnsw"])
def test_vector_search_leaves_excluded_documents_out_before_the_cut(kind) -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(20, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    idx = HnswIndex(8, capacity=32) if kind == "hnsw" else BruteForceIndex(8)
    ids = [f"d{i}" for i in range(20)]
    idx.add(ids, vectors)
    query = vectors[0]
    top = [d for d, _ in idx.search(query, k=5)]
    assert top[0] == "d0"
    hidden = frozenset(top[:3])
    rest = [d for d, _ in idx.search(query, k=5, exclude=hidden)]
    assert len(rest) == 5 and not hidden & set(rest)
    assert rest[:2] == top[3:5]


def test_engine_exclusion_keeps_the_visible_scores_as_if_alone() -> None:
    visible = {"v1": "锂电池低温电解液添加剂 提高低温容量", "v2": "智能灌溉控制系统 节水农业"}
    hidden = {f"h{i}": f"锂电池低温性能提升方案{i} 锂电池 低温 电解液" for i in range(30)}
    config = EngineConfig(components=("bm25_words", "bm25_bigrams", "phrase"))
    alone = SearchEngine(config)
    alone.add_many(visible.items())
    crowded = SearchEngine(config)
    crowded.add_many(visible.items())
    for doc_id, text in hidden.items():
        crowded.add_text(doc_id, text, counted=False)
    expected = {r.doc_id: r.score for r in alone.search("锂电池 低温", k=10)}
    found = {r.doc_id: r.score for r in crowded.search("锂电池 低温", k=10, exclude=set(hidden))}
    assert found == pytest.approx(expected)
    assert not set(found) & set(hidden)
