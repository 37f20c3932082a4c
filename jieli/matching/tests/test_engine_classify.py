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
