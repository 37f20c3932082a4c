from jieli.duplicates import detect
from jieli.duplicates.tests.factories import (
    OLED_REWORDED_TEXT,
    OLED_REWORDED_TITLE,
    OLED_TEXT,
    OLED_TITLE,
    OTHER_TEXT,
    OTHER_TITLE,
)


def _index() -> detect.DuplicateIndex:
    index = detect.DuplicateIndex("achievement")
    index.add(1, {"title": OLED_TITLE, "summary": OLED_TEXT, "ip_numbers": ["ZL202110123456.7"]})
    index.add(2, {"title": OTHER_TITLE, "summary": OTHER_TEXT})
    return index


def test_normalise_text_folds_width_case_and_punctuation():
    assert detect.normalise_text("一种ＯＬＥＤ器件， Ｍｏ０３ 。") == "一种oled器件mo03"


def test_reworded_variant_is_found_as_suspected():
    suspects = _index().query({"title": OLED_REWORDED_TITLE, "summary": OLED_REWORDED_TEXT})
    assert [s.target_id for s in suspects] == [1]
    assert suspects[0].certainty == "suspected"
    assert suspects[0].score >= detect.SUSPECT_THRESHOLD
    assert any("similar" in r for r in suspects[0].reasons)


def test_distinct_record_is_not_suspected():
    suspects = _index().query(
        {
            "title": "一种高速列车转向架轮对检测装置",
            "summary": "本装置利用激光测距对轮对尺寸进行在线检测，精度高。",
        }
    )
    assert suspects == []


def test_patent_number_in_another_format_is_certain():
    suspects = _index().query({"title": "完全不同的标题", "ip_numbers": ["CN 2021 1 0123456.7"]})
    assert suspects[0].target_id == 1
    assert suspects[0].certainty == "certain"
    assert suspects[0].reasons[0] == "Same patent number ZL202110123456"


def test_patent_number_forms_normalise_to_one():
    forms = [
        "ZL202110123456.7",
        "zl 2021 1 0123456.7",
        "202110123456",
        "ＺＬ２０２１１０１２３４５６．７",
        "专利号：ZL202110123456.7",
    ]
    assert {detect.normalise_patent_number(f) for f in forms} == {"ZL202110123456"}
    assert (
        detect.normalise_patent_number("CN112345678A")
        == detect.normalise_patent_number("CN 112345678 B")
        == "CN112345678"
    )
    assert detect.normalise_patent_number("ZL98123456.X") == "ZL98123456"
    assert detect.normalise_patent_number("") is None


def test_credit_code_is_certain_for_organisations():
    index = detect.DuplicateIndex("organisation")
    index.add(5, {"name": "山东某某科技有限公司", "credit_code": "91370000163044841F"})
    suspects = index.query(
        {"name": "某某科技（山东）", "credit_code": "９１３７００００１６３０４４８４１ｆ"}
    )
    assert suspects[0].target_id == 5 and suspects[0].certainty == "certain"


def test_removed_record_is_no_candidate():
    index = _index()
    index.remove(1)
    assert index.query({"title": OLED_TITLE, "summary": OLED_TEXT}) == []


def test_highlight_marks_shared_passages_on_original_text():
    segments = detect.highlight_segments("一种OLED器件。其它内容", "一种ｏｌｅｄ器件的方法")
    assert segments[0] == ("一种OLED器件", True)
    assert "".join(p for p, _ in segments) == "一种OLED器件。其它内容"
    assert not segments[-1][1]


def test_reasons_render_through_translation_function():
    catalogue = {"Title similarity: {percent}%": "标题相似度 {percent}%"}
    text = detect.render_reason("title_similar", {"percent": 92}, lambda m: catalogue.get(m, m))
    assert text == "标题相似度 92%"


def test_lsh_band_split_is_the_optimum_and_the_index_stays_compact():
    from jieli.duplicates.lsh import _KNOWN_BANDS, _search_bands

    for (threshold, num_perm), split in _KNOWN_BANDS.items():
        assert _search_bands(threshold, num_perm) == split
    index = detect.DuplicateIndex("achievement", keep_fingerprints=False)
    for i in range(3000):
        index.add(
            i, {"title": f"第{i}号一种电池材料", "summary": f"摘要{i}，用于储能系统的方法" * 20}
        )
    # ~12 bytes per band key (28 bands): far from datasketch's ~6 KiB a record.
    assert index.memory_bytes() / len(index) < 600
    probe = detect.fingerprint(
        "achievement", {"title": "第7号一种电池材料", "summary": "摘要7，用于储能系统的方法" * 20}
    )
    assert 7 in index.candidates(probe)
    index.remove(7)
    assert 7 not in index and 7 not in index.candidates(probe)


def test_hashed_grams_give_the_containment_of_the_string_grams():
    import random

    import pytest

    from jieli.duplicates import detect as d

    rng = random.Random(3)
    alphabet = "一种基于空穴注入层的绿色器件及其制备方法本发明公开了有机电致发光ab12"
    texts = ["", "a", "一种", "一种基于空", "一种基于空穴", "基于空穴注"]
    texts += [
        "".join(rng.choice(alphabet[: rng.randint(2, 40)]) for _ in range(rng.randint(1, 200)))
        for _ in range(60)
    ]
    for a in texts:
        assert d.gram_hashes(a).size == len(d.shingles(a))
        for b in texts[:20]:
            exact = d.containment(d.shingles(a), d.shingles(b))
            assert d.hashed_containment(d.gram_hashes(a), d.gram_hashes(b)) == pytest.approx(exact)
