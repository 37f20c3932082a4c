"""What a query is about, and which words a result shares with it, as a person reads them.

Two jobs on top of the engine's tokeniser, without changing how anything is indexed:

* ``meaningful_terms(query)``: the content words of a query. An empty list means the query
  has nothing to search for (punctuation, symbols, emoji, only stop words, one character),
  and the platform answers "no meaningful terms" instead of ranking arbitrary listings.
* ``readable_terms(tokens, text)``: the engine reports matched index tokens (jieba words,
  Snowball stems such as "batteri"); this maps them back to the words the listing itself
  uses ("battery") and drops what explains nothing: stop words, numbers, single letters or
  characters, and parts of a longer matched word ("电池" when "锂电池" is shown).

Stop words: the Chinese and English lists of stopwords-iso (package ``stopwordsiso``), the
engine's own lists, and a short list of words that occur in almost every technology listing
("技术", "方案", "希望" …), which say nothing about why two listings match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

import Stemmer
import stopwordsiso

from .text import EN_STOPWORDS, MAX_CHARS, ZH_STOPWORDS, Tokeniser, normalise

__all__ = [
    "EN_STOP",
    "ZH_STOP",
    "is_stop_word",
    "meaningful_terms",
    "readable_terms",
]

# Words every listing uses: they carry no topic, so they neither make a query meaningful
# nor serve as a reason for a match. Kept short on purpose (each entry hides a word from
# explanations everywhere).
_GENERIC_ZH = """
技术 方案 希望 左右 低于 高于 以上 以下 要求 实现 提供 具有 相关 问题 需要 需求 解决 项目 产品
方法 应用 领域 主要 目前 进行 利用 采用 通过 提高 降低 能够 可以 一种 一个 及其 包括 其中 其他
方面 作为 用于 达到 情况 研究 开发 研发 工作 企业 公司 单位 我们 我司 本项 该项 本技术 以及
"""
_GENERIC_EN = """
technology technologies method methods approach solution solutions need needs require required
requirement requirements provide provides provided achieve achieved project product products
application applications field fields company based using use used new novel one two also
"""

ZH_STOP: frozenset[str] = frozenset(
    set(stopwordsiso.stopwords("zh")) | ZH_STOPWORDS | set(_GENERIC_ZH.split())
)
EN_STOP: frozenset[str] = frozenset(
    {w.casefold() for w in stopwordsiso.stopwords("en")} | EN_STOPWORDS | set(_GENERIC_EN.split())
)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_RUN = re.compile(f"[{_CJK}]+")
_LATIN_WORD = re.compile(rf"[^\W_{_CJK}]+")
_stemmer = Stemmer.Stemmer("english")
_segmenter = Tokeniser(search_mode=False, drop_stopwords=False)


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def is_stop_word(word: str) -> bool:
    w = word.casefold()
    return w in ZH_STOP or w in EN_STOP


def _informative_latin(word: str) -> bool:
    """At least two characters, at least one letter, not a stop word ("5g" yes, "3" no)."""
    return len(word) >= 2 and any(ch.isalpha() for ch in word) and word not in EN_STOP


def meaningful_terms(query: str) -> list[str]:
    """Content words of ``query`` in order, without repeats; [] if there is nothing to search.

    Chinese runs are segmented (precise mode); a run counts only through its words that are
    not stop words. Single Chinese characters count only when the query has at least two of
    them ("铁 锂" is a query, "铁" alone or "的" is not).
    """
    text = normalise(query)
    terms: list[str] = []
    singles: list[str] = []
    for run in _CJK_RUN.findall(text):
        for word in _segmenter.words(run):
            if word in ZH_STOP:
                continue
            (terms if len(word) >= 2 else singles).append(word)
    for word in _LATIN_WORD.findall(text):
        if _informative_latin(word):
            terms.append(word)
    if len(singles) >= 2 or (singles and terms):
        terms.extend(singles)
    return list(dict.fromkeys(terms))


def _surface_latin(text: str) -> dict[str, str]:
    """Stem (and casefolded word) -> first word in ``text`` with that stem, as written."""
    out: dict[str, str] = {}
    for word in _LATIN_WORD.findall(unicodedata.normalize("NFKC", text[:MAX_CHARS])):
        folded = word.casefold()
        out.setdefault(folded, word)
        if folded.isascii() and folded.isalpha():
            out.setdefault(_stem(folded), word)
    return out


def _surface_cjk(token: str, text: str, folded: str) -> str:
    """The span of ``text`` that normalises to ``token`` (traditional text shows as written)."""
    at = folded.find(token)
    if at < 0:
        return token
    return text[at : at + len(token)] if len(folded) == len(text) else token


def readable_terms(tokens: Iterable[str], text: str, *, limit: int = 8) -> list[str]:
    """Matched engine tokens as the listing writes them, most informative first.

    ``tokens`` come from the engine (most informative first); ``text`` is the listing's
    indexed text. Stop words, numbers, single letters and single characters are dropped,
    and so is any Chinese word contained in a longer one already kept.
    """
    nfkc = unicodedata.normalize("NFKC", text[:MAX_CHARS])
    folded = normalise(nfkc)
    latin: dict[str, str] | None = None
    kept: list[str] = []
    for token in tokens:
        if not token or len(token) < 2:
            continue
        if _CJK_CHAR.search(token):
            if token in ZH_STOP:
                continue
            kept.append(_surface_cjk(token, nfkc, folded))
            continue
        if not any(ch.isalpha() for ch in token):
            continue  # numbers, codes made of digits
        if latin is None:
            latin = _surface_latin(nfkc)
        word = latin.get(token, token)
        if len(word) < 2 or word.casefold() in EN_STOP or token in EN_STOP:
            continue
        kept.append(word)
    return _without_parts(kept)[:limit]


def _without_parts(words: Sequence[str]) -> list[str]:
    unique = list(dict.fromkeys(words))
    folded = [w.casefold() for w in unique]
    return [
        w
        for w, f in zip(unique, folded, strict=True)
        if not any(f != g and f in g for g in folded if _CJK_CHAR.search(f))
    ]
