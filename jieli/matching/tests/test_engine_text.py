"""Text pipeline: normalisation, segmentation, robustness."""

from __future__ import annotations

import pytest

from jieli.matching.engine.text import Tokeniser, is_cjk_text, load_user_words, normalise

NASTY = [
    "",
    " ",
    "😀🚀🔬",
    "。，、；：？！……——“”",
    '"石墨烯" AND (电池 OR -储能) *:',
    'title:(foo OR bar) -baz "exact phrase" * ? ~ ^2 [a TO b] {x} \\ /',
    "\x00\x01\u200b\ufeff",
    "石墨烯电池 graphene battery 3.7V 5G通信 MoO3层",
    "中" * 10_000,
    "graphene " * 3_000,
    "\ud800",  # lone surrogate
]


def test_normalise_fullwidth_traditional_case() -> None:
    assert normalise("ＡＢＣ１２３") == "abc123"
    assert normalise("軟體與硬體") == "软体与硬体"
    assert normalise("Graphene") == "graphene"
    assert normalise("Graphene", casefold=False) == "Graphene"
    assert normalise(None) == ""


@pytest.mark.parametrize("text", NASTY)
def test_tokeniser_never_raises_and_is_deterministic(text: str) -> None:
    tok = Tokeniser()
    first = (tok.words(text), tok.bigrams(text))
    second = (tok.words(text), tok.bigrams(text))
    assert first == second
    for token in first[0] + first[1]:
        assert token and isinstance(token, str)
        assert token.strip() == token


def test_syntax_characters_are_ignored() -> None:
    tok = Tokeniser()
    assert tok.words('"石墨烯" AND (电池 OR -储能) *:') == tok.words("石墨烯 and 电池 or 储能")
    assert tok.words("*:()") == []


def test_words_segment_chinese_and_stem_english() -> None:
    tok = Tokeniser()
    words = tok.words("Running batteries 复合材料的制备")
    assert "run" in words and "batteri" in words
    assert "复合材料" in words  # search mode keeps the compound ...
    assert "材料" in words  # ... and its parts
    assert "的" not in words  # stop word


def test_mixed_script_split() -> None:
    tok = Tokeniser()
    words = tok.words("MoO3层")
    assert words[0] == "moo3"
    assert "层" in words


def test_bigrams() -> None:
    tok = Tokeniser()
    assert tok.bigrams("石墨烯") == ["石墨", "墨烯"]
    assert tok.bigrams("電池") == ["电池"]  # traditional in, simplified out
    assert tok.bigrams("solar 电") == ["solar", "电"]


def test_traditional_and_simplified_tokenise_identically() -> None:
    tok = Tokeniser()
    assert tok.words("鋰離子電池負極材料") == tok.words("锂离子电池负极材料")


def test_user_words_change_segmentation() -> None:
    tok = Tokeniser(search_mode=False)
    word = "钙钛矿叠层光伏组件"
    assert word not in tok.words(word + "研究")
    assert load_user_words([word, "x", ""]) == 1
    assert word in tok.words(word + "研究")


def test_is_cjk_text() -> None:
    assert is_cjk_text("石墨烯 battery")
    assert not is_cjk_text("graphene battery")
    assert not is_cjk_text("😀")


def test_normalised_text_is_always_utf8_encodable() -> None:
    for text in NASTY:
        normalise(text).encode("utf-8")
