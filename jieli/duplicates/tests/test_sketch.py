"""The index's score bound (``sketch.py``) never drops a pair the exact check flags."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jieli.duplicates import detect, sketch
from jieli.duplicates.sketch import Sketches

# A small alphabet, so random texts share many grams (and often reach the threshold).
_ALPHABET = "一种基于方法装置系统材料电池氢能ab1"
_text = st.text(alphabet=_ALPHABET, min_size=0, max_size=120)
_title = st.text(alphabet=_ALPHABET, min_size=0, max_size=24)


def _fp(title: str, summary: str, **extra: object) -> detect.Fingerprint:
    return detect.fingerprint("achievement", {"title": title, "summary": summary, **extra})


def _mutate(rng: random.Random, text: str, edits: int) -> str:
    chars = list(text)
    for _ in range(edits):
        if chars and rng.random() < 0.5:
            del chars[rng.randrange(len(chars))]
        else:
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(_ALPHABET))
    return "".join(chars)


@settings(max_examples=400, deadline=None)
@given(
    title=_title,
    body=_text,
    other_title=_title,
    other_body=_text,
    seed=st.integers(0, 10**6),
    near=st.booleans(),
)
def test_bound_is_never_below_the_exact_score(title, body, other_title, other_body, seed, near):
    rng = random.Random(seed)
    if near:  # a near copy: the interesting side of the threshold
        other_title = _mutate(rng, title, rng.randrange(4))
        other_body = _mutate(rng, body, rng.randrange(12))
    query, target = _fp(title, body), _fp(other_title, other_body)
    sketches = Sketches()
    sketches.add(7, target)
    score, _title_sim, _text_sim = detect.score_pair(query, target)
    # At the pair's own exact score as threshold, the bound must still let it through...
    assert sketches.bounds(query, np.array([0]), threshold=score).tolist() == [True]
    # ...so at the detector's threshold every pair ``compare`` flags is kept.
    if detect.compare("achievement", query, 7, target) is not None:
        assert sketches.screen(query, {7}) == {7}


def test_random_near_duplicates_are_all_kept():
    rng = random.Random(3)
    sketches = Sketches()
    texts, prints = {}, {}
    for pk in range(300):
        base = "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(20, 200)))
        title = "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(2, 20)))
        texts[pk], prints[pk] = (title, base), _fp(title, base)
        sketches.add(pk, prints[pk])
    flagged = 0
    for title, base in texts.values():
        query = _fp(_mutate(rng, title, 2), _mutate(rng, base, 8))
        keep = sketches.screen(query, set(prints))
        for other, target in prints.items():
            if detect.compare("achievement", query, other, target) is not None:
                flagged += 1
                assert other in keep
    assert flagged >= 150


def test_unrelated_records_are_dropped_unread():
    sketches = Sketches()
    battery = ("一种锂离子电池正极材料的制备方法", "本发明公开了一种锂离子电池正极材料" * 3)
    sketches.add(1, _fp(*battery))
    sketches.add(2, _fp("基于深度学习的图像识别系统", "一种图像识别系统，包括采集模块和识别模块。"))
    query = _fp(*battery)
    assert sketches.screen(query, {1, 2}) == {1}


def test_a_stray_large_id_costs_no_array_up_to_it():
    # The id → slot map is the index's IdMap: an id of 10^9 is parked in its dict, where an
    # array indexed by id would have grown to 4 GB.
    sketches = Sketches()
    battery = ("一种锂离子电池正极材料的制备方法", "本发明公开了一种锂离子电池正极材料" * 3)
    sketches.add(10**9, _fp(*battery))
    sketches.add(2, _fp("基于深度学习的图像识别系统", "一种图像识别系统，包括采集模块和识别模块。"))
    assert sketches.memory_bytes() < 20_000_000
    assert len(sketches) == 2 and 10**9 in sketches
    assert sketches.screen(_fp(*battery), {10**9, 2}) == {10**9}
    sketches.remove(10**9)
    assert 10**9 not in sketches and len(sketches) == 1


def test_ids_without_a_sketch_and_certain_queries_are_kept():
    sketches = Sketches()
    sketches.add(1, _fp("基于深度学习的图像识别系统", "一种图像识别系统，包括采集模块。"))
    query = _fp("氢燃料电池双极板", "一种氢燃料电池双极板的冲压成形工艺。")
    assert sketches.screen(query, {1, 99}) == {99}
    with_patent = _fp("氢燃料电池双极板", "一种氢燃料电池双极板。", ip_numbers=["ZL202110123456.7"])
    assert sketches.screen(with_patent, {1, 99}) == {1, 99}
    assert sketches.screen(query, set()) == set()


def test_remove_and_re_add_reuse_slots_across_blocks(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sketch, "_BLOCK_SHIFT", 2)
    sketches = Sketches()
    prints = {pk: _fp(f"标题{pk}号方法", f"正文内容{pk}" * 10) for pk in range(10)}
    for pk, fp in prints.items():
        sketches.add(pk, fp)
    rows = 12 * sketch._WORDS * 8  # 3 blocks of 4
    assert len(sketches) == 10 and sketches.memory_bytes() - sketches._slot_of.nbytes() == rows
    sketches.remove(3)
    assert 3 not in sketches
    sketches.add(42, prints[3])  # takes the freed slot: the store does not grow
    assert sketches.memory_bytes() - sketches._slot_of.nbytes() == rows
    assert 42 in sketches and len(sketches) == 10
    assert sketches.screen(prints[0], {0, 5, 9, 42}) == {0}  # a gather across blocks
    for pk in (0, 5, 9, 42):
        fp = prints[3 if pk == 42 else pk]
        assert sketches.screen(fp, {pk}) == {pk}
    sketches.add(5, prints[9])  # re-adding replaces the sketch
    assert sketches.screen(prints[9], {5}) == {5}
    assert sketches.screen(prints[9], np.array([5, 10**9, -3])) == {5, 10**9, -3}  # unknown: kept


def test_candidate_array_is_candidates_as_an_array():
    rng = random.Random(5)
    index = detect.DuplicateIndex("achievement")
    texts = {}
    for pk in range(2100):  # past the LSH's first merge of pending keys (50,000 entries)
        texts[pk] = "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(5, 60)))
        index.add(pk, {"title": texts[pk][:6], "summary": texts[pk]})
    for pk in range(0, 2100, 7):
        index.remove(pk)
    index.add(3000, {"title": "专利", "summary": "", "ip_numbers": ["ZL202110123456.7"]})
    for pk in range(1, 2100, 50):
        fp = _fp(texts[pk][:6], _mutate(rng, texts[pk], 3))
        assert index.candidate_array(fp).tolist() == sorted(index.candidates(fp))
    with_patent = _fp("专利", "", ip_numbers=["ZL202110123456.7"])
    assert index.candidate_array(with_patent).tolist() == [3000]
