"""Sector classifiers on a tiny synthetic training set (sparse views only: fast)."""

from __future__ import annotations

import numpy as np
import pytest

from jieli.matching.engine.classify import AnchorClassifier, EngineClassifier, make_classifier

TRAIN = [
    ("水稻高产栽培技术", "现代农业"),
    ("玉米病虫害绿色防控", "现代农业"),
    ("设施蔬菜大棚滴灌系统", "现代农业"),
    ("果树嫁接与果园管理", "现代农业"),
    ("锂离子电池正极材料", "新能源"),
    ("光伏组件高效发电技术", "新能源"),
    ("风力发电机组控制", "新能源"),
    ("氢燃料电池电堆", "新能源"),
    ("抗肿瘤药物制剂", "生物医药"),
    ("新型疫苗佐剂", "生物医药"),
    ("中药提取物降血糖", "生物医药"),
    ("单克隆抗体纯化工艺", "生物医药"),
]


@pytest.mark.parametrize("make", [AnchorClassifier, EngineClassifier])
def test_classifier_learns_obvious_sectors(make: type) -> None:
    clf = make().fit([t for t, _ in TRAIN], [y for _, y in TRAIN])
    pred = clf.predict(["小麦栽培与病虫害防控", "太阳能光伏电池", "抗体药物制剂", "玉米 水稻"])
    assert pred == ["现代农业", "新能源", "生物医药", "现代农业"]
    probs = clf.predict_proba(["太阳能光伏电池", ""])
    assert probs.shape == (2, 3)
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert clf.predict([]) == []


def test_traditional_input_classified_like_simplified() -> None:
    clf = EngineClassifier().fit([t for t, _ in TRAIN], [y for _, y in TRAIN])
    assert clf.predict(["鋰離子電池正極"]) == clf.predict(["锂离子电池正极"])


def test_make_classifier_names() -> None:
    assert isinstance(make_classifier("anchor"), AnchorClassifier)
    assert isinstance(make_classifier("engine-sparse"), EngineClassifier)
    with pytest.raises(ValueError):
        make_classifier("nope")


def _demo_rows() -> list[tuple[str, str]]:
    """Real CSL abstracts with their NSFC discipline, as shipped with the demo data."""
    import gzip
    import json
    from pathlib import Path

    import jieli.demo

    path = Path(jieli.demo.__file__).parent / "data" / "achievements_csl.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return [(f"{r['title']}。{r['summary']}", r["discipline"]) for r in rows if r.get("discipline")]


def test_probabilities_are_calibrated_over_many_classes() -> None:
    """Two dozen disciplines: the raw soft vote put the top class below 0.15 for about
    half the texts (so the display threshold hid them); the fitted exponent makes the top
    probability track how often the top class is right."""
    rows = _demo_rows()
    rng = np.random.default_rng(0)
    order = rng.permutation(len(rows))
    train = [rows[i] for i in order[:500]]
    test = [rows[i] for i in order[500:650]]
    texts = [t for t, _ in test]
    truth = np.array([y for _, y in test])
    raw = EngineClassifier(calibrate=False).fit([t for t, _ in train], [y for _, y in train])
    cal = EngineClassifier().fit([t for t, _ in train], [y for _, y in train])
    assert len(cal.classes_) >= 20
    assert cal.temperature_ > 1.5  # the raw vote is too flat
    p_raw, p_cal = raw.predict_proba(texts), cal.predict_proba(texts)
    assert (p_raw.argmax(axis=1) == p_cal.argmax(axis=1)).all()  # same ranking of classes
    accuracy = float((cal.classes_[p_cal.argmax(axis=1)] == truth).mean())
    assert accuracy > 0.4
    assert (p_raw.max(axis=1) >= 0.15).mean() < 0.6
    assert (p_cal.max(axis=1) >= 0.15).mean() > 0.85
    assert abs(float(p_cal.max(axis=1).mean()) - accuracy) < 0.15


def test_stacked_ensemble_learns_and_gives_probabilities() -> None:
    clf = EngineClassifier(stack=True, folds=2).fit([t for t, _ in TRAIN], [y for _, y in TRAIN])
    assert clf.meta_ is not None
    probs = clf.predict_proba(["太阳能光伏电池", "水稻 玉米 栽培"])
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert clf.predict(["太阳能光伏电池"]) == ["新能源"]


def test_neighbours_vote_for_the_nearest_texts_within_a_bounded_index() -> None:
    from scipy.sparse import csr_matrix

    from jieli.matching.engine.classify import _Neighbours

    vectors = csr_matrix(np.array([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0.9, 0.1], [0, 0, 1]]))
    targets = np.array([0, 0, 1, 1, 2])
    knn = _Neighbours().fit(vectors, targets, 3)
    probs = knn.predict_proba(csr_matrix(np.array([[1, 0.05, 0], [0, 0, 0]])), k=2)
    assert probs[0].argmax() == 0 and probs[0, 0] > 0.99
    assert np.allclose(probs.sum(axis=1), 1.0)  # also for an empty text (zero vector)
    assert knn.predict_proba(vectors, k=50).shape == (5, 3)  # k larger than the index
    small = _Neighbours(max_rows=3).fit(vectors, targets, 3)
    assert small.index_.shape[1] == 3
    assert set(small.targets_) == {0, 1, 2}  # evenly spaced rows, not only the last ones


def _xor_rows(n: int, seed: int) -> list[tuple[str, str]]:
    """The sector depends on a combination of two words (red+round or blue+square: A, the
    mixed pairs: B), which no linear boundary over single words or in-word character
    n-grams separates; a serial number makes every text distinct."""
    rows = []
    for i in range(n):
        colour, shape = ["红色", "蓝色"][i % 2], ["圆形", "方形"][(i // 2) % 2]
        label = "A" if (colour == "红色") == (shape == "圆形") else "B"
        rows.append((f"{colour} {shape} 型号 {seed}{i:04d}", label))
    return rows


def test_fit_chooses_the_neighbour_vote_where_it_helps() -> None:
    train, test = _xor_rows(80, 0), _xor_rows(40, 1)
    texts, labels = [t for t, _ in train], [y for _, y in train]
    truth = [y for _, y in test]
    svm_only = EngineClassifier(knn_weight=0.0).fit(texts, labels)
    chosen = EngineClassifier().fit(texts, labels)
    assert chosen.knn_weight_ > 0
    svm_acc = np.mean(np.array(svm_only.predict([t for t, _ in test])) == truth)
    chosen_acc = np.mean(np.array(chosen.predict([t for t, _ in test])) == truth)
    assert chosen_acc >= 0.9 > svm_acc
    assert np.allclose(chosen.predict_proba(["红色 圆形"]).sum(), 1.0)
