import numpy as np
import pytest

from jieli.matching.engine.calibration import Calibrator, Profile, features
from jieli.matching.engine.engine import EngineConfig, SearchEngine, SearchResult
from jieli.matching.engine.terms import meaningful_terms, readable_terms


@pytest.mark.parametrize(
    "query",
    [
        "?!.,;",
        "！！！。。，",
        "🔋🚀",
        "的 了 和",
        "the of and",
        "铁",
        "c",
        "3",
        "2024",
        " \t\x00\x07 ",
        "",
    ],
)
def test_queries_without_content_have_no_terms(query):
    assert meaningful_terms(query) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("锂电池", ["锂电池"]),
        ("锂电池 低温", ["锂电池", "低温"]),
        ("電池 低溫", ["电池", "低温"]),  # traditional folds to simplified
        ("5G 基站", ["基站", "5g"]),
        ("铁 锂", ["铁", "锂"]),  # two single characters are a query
        ("high temperature battery", ["temperature", "battery"]),
    ],
)
def test_content_words_are_kept(query, expected):
    assert sorted(meaningful_terms(query)) == sorted(expected)


def test_matched_terms_are_surface_words_without_noise():
    text = (
        "Battery packs tested at low temperatures under vibration. 铁 方案 0 3 c 锂电池 希望 左右"
    )
    tokens = [
        "batteri",
        "temperatur",
        "vibrat",
        "c",
        "0",
        "3",
        "铁",
        "方案",
        "锂电池",
        "电池",
        "希望",
        "左右",
    ]
    terms = readable_terms(tokens, text)
    assert terms == ["Battery", "temperatures", "vibration", "锂电池"]


def test_traditional_listing_shows_its_own_characters():
    assert readable_terms(["锂电池"], "鋰電池低溫電解液") == ["鋰電池"]


def _profile(**kw):
    names = ("fused", "coverage", "log_n")
    base = {
        "components": ("bm25_words",),
        "names": names,
        "mean": np.zeros(3),
        "scale": np.ones(3),
        "coef": np.array([1.0, 2.0, 0.5]),
        "intercept": -1.0,
        "floor": 0.2,
    }
    base.update(kw)
    return Profile(**base)


def test_shipped_calibration_loads_and_gives_probabilities_that_never_rise():
    cal = Calibrator.load()
    assert {"bm25_words", "bm25_bigrams", "phrase"} <= set(
        cal.profile_for(["bm25_words"]).components
    )
    engine = SearchEngine(
        EngineConfig(components=("bm25_words", "bm25_bigrams", "phrase")), calibrator=cal
    )
    engine.add_many(
        [
            ("1", "锂电池低温电解液添加剂"),
            ("2", "锂电池回收工艺"),
            ("3", "智能灌溉控制系统"),
            ("4", "低温锂电池储能柜"),
        ]
    )
    found = engine.search("锂电池 低温", k=10)
    probs = [r.probability for r in found]
    assert all(p is not None and 0.0 <= p <= 1.0 for p in probs)
    assert probs == sorted(probs, reverse=True)
    assert found[0].doc_id in {"1", "4"}


def test_profile_closest_to_the_active_components_is_used():
    lexical = _profile(components=("bm25_words", "bm25_bigrams"))
    full = _profile(components=("bm25_words", "bm25_bigrams", "dense_e5"), floor=0.5)
    cal = Calibrator([lexical, full])
    assert cal.profile_for(["bm25_words", "bm25_bigrams"]) is lexical
    assert cal.profile_for(["bm25_words", "bm25_bigrams", "dense_e5", "dense_use"]) is full
    assert cal.floor(["bm25_words", "bm25_bigrams", "dense_e5"]) == 0.5


def test_features_are_defined_for_every_result():
    results = [
        SearchResult(
            str(i), 3.0 - i, {"bm25_words": 5.0 - i, "phrase": 0.5}, ["a", "b"][: 2 - i % 2]
        )
        for i in range(4)
    ]
    cols = features(results, query_words=2, active=("bm25_words",), weights={"bm25_words": 1.0})
    assert all(len(v) == 4 for v in cols.values())
    assert cols["gap"][0] == 0 and cols["gap"][-1] > 0
    assert cols["coverage"][0] == 1.0 and cols["coverage"][1] == 0.5
    assert cols["agreement"][0] == 1.0 and cols["agreement"][-1] == 0.0


def test_calibration_round_trips_through_json(tmp_path):
    cal = Calibrator([_profile()], {"fitted_by": "test"})
    path = tmp_path / "c.json"
    cal.dump(path)
    again = Calibrator.load(path)
    cols = {"fused": np.array([2.0, 0.0]), "coverage": np.array([1.0, 0.0])}
    assert np.allclose(
        again.profiles[0].probabilities(cols, 2), cal.profiles[0].probabilities(cols, 2)
    )
    assert again.meta == {"fitted_by": "test"}
