"""Text pipeline: normalisation and tokenisation for Chinese and English.

Everything here is deterministic and total: any ``str`` (empty, huge, emoji only,
query syntax) yields a list of tokens, never an exception. Indexing and querying
must go through the same functions, otherwise terms silently stop matching.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import rjieba
import Stemmer
from opencc import OpenCC

__all__ = [
    "Tokeniser",
    "compact",
    "is_cjk_text",
    "load_user_words",
    "normalise",
]

# Hard cap on what we analyse: a pasted 1 MB document must not stall a request.
# 20k characters is far beyond any listing description or paper abstract.
MAX_CHARS = 20_000

_CJK_CLASS = (
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\U00020000-\U0002ffff"  # extensions B..F
)
_CJK_RUN = re.compile(f"[{_CJK_CLASS}]+")
_CJK_CHAR = re.compile(f"[{_CJK_CLASS}]")
# A "word" is a run of letters/digits; CJK runs are split out of it afterwards so that
# mixed strings such as "MoO3层" become "moo3" + "层".
_WORD = re.compile(r"[^\W_]+")
_SPLIT_SCRIPT = re.compile(f"[{_CJK_CLASS}]+|[^{_CJK_CLASS}]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Short, hand-written stop lists: only function words that carry no topical signal.
# They matter mostly for BM25 on English queries; Chinese function characters are
# cheap to keep but make "matched terms" explanations noisy.
_ZH_STOP = """
的 了 和 与 及 或 是 在 对 等 中 为 以 将 把 被 由 从 其 之 而 并 也 都 就 于 上 下 个 这 那
该 此 其中 我们 一种 一个 进行 通过 采用 使用 利用 具有 可以 能够 以及 以上 研究 方法
本文 基于 提出 结果 表明 分析 及其 关于 对于 有 无 不 可 所 着 过 很 更 最
"""
_EN_STOP = """
a an the and or of to in on for with by from as at is are was were be been being this
that these those it its into than then there their which who whom what when where how
why not no but if so such can could may might will would should do does did has have
had also we our you your they them he she his her i me my via based using use used
study paper new
"""
ZH_STOPWORDS = frozenset(_ZH_STOP.split())
EN_STOPWORDS = frozenset(_EN_STOP.split())

_converter_lock = threading.Lock()
_t2s = OpenCC("t2s")
_jieba_lock = threading.Lock()
_jieba = rjieba.Jieba()
_stemmer = Stemmer.Stemmer("english")
_stemmer_lock = threading.Lock()


def _load_traditional_chars() -> frozenset[str]:
    """Characters that t2s would change; lets us skip the (pure Python) converter."""
    import os

    import opencc

    path = os.path.join(os.path.dirname(opencc.__file__), "dictionary", "TSCharacters.txt")
    chars: set[str] = set()
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                key = line.split("\t", 1)[0].strip()
                if len(key) == 1:
                    chars.add(key)
    except OSError:  # pragma: no cover - packaging problem; fall back to always converting
        return frozenset()
    return frozenset(chars)


_TRADITIONAL = _load_traditional_chars()


def normalise(text: object, *, casefold: bool = True) -> str:
    """NFKC (full-width -> half-width), traditional -> simplified, case folding.

    ``casefold=False`` is used for the neural encoders, whose tokenisers are cased.
    """
    if text is None:
        return ""
    out = text if isinstance(text, str) else str(text)
    if not out:
        return ""
    out = out[:MAX_CHARS]
    if not out.isascii():
        # Lone surrogates (broken pasted text) would make every UTF-8 consumer raise.
        out = out.encode("utf-8", "replace").decode("utf-8")
    out = unicodedata.normalize("NFKC", out)
    out = _CONTROL.sub(" ", out)
    if not _TRADITIONAL or any(ch in _TRADITIONAL for ch in out):
        with _converter_lock:
            out = _t2s.convert(out)
    if casefold:
        out = out.casefold()
    return out


def compact(text: object) -> str:
    """Normalised text with everything but letters and digits removed (phrase matching)."""
    return "".join(_WORD.findall(normalise(text)))


def is_cjk_text(text: str, threshold: float = 0.15) -> bool:
    """True if a meaningful share of the letters are CJK ideographs."""
    letters = sum(1 for ch in text if ch.isalnum())
    if not letters:
        return False
    return len(_CJK_CHAR.findall(text)) / letters >= threshold


def load_user_words(words: Iterable[str], freq: int | None = None) -> int:
    """Teach the segmenter domain words (industry names, disciplines, keywords).

    Words are normalised like documents so that traditional or full-width input still
    registers the simplified form. Returns how many words were added. Call this before
    indexing: documents indexed earlier keep their old segmentation.
    """
    added = 0
    with _jieba_lock:
        for raw in words:
            word = normalise(raw).strip()
            # Only pure CJK words are useful: Latin parts never reach jieba.
            if len(word) < 2 or not _CJK_RUN.fullmatch(word):
                continue
            wanted = freq if freq is not None else max(_jieba.suggest_freq(word), 10)
            _jieba.add_word(word, wanted, None)
            added += 1
    if added:
        _segment.cache_clear()
    return added


@lru_cache(maxsize=200_000)
def _segment(run: str, search_mode: bool) -> tuple[str, ...]:
    # jieba is the hot spot of indexing; CJK runs repeat a lot (short phrases), so a
    # cache pays off. The lock keeps rjieba safe when the platform calls from threads.
    with _jieba_lock:
        if search_mode:
            return tuple(_jieba.cut_for_search(run, True))
        return tuple(_jieba.cut(run, True))


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    with _stemmer_lock:
        return _stemmer.stemWord(word)


def _latin_tokens(run: str) -> list[str]:
    out = []
    for word in _WORD.findall(run):
        if word in EN_STOPWORDS:
            continue
        if word.isascii() and word.isalpha():
            word = _stem(word)
        out.append(word)
    return out


class Tokeniser:
    """Language-aware tokeniser.

    ``words`` segments Chinese with jieba (search mode: compounds plus their parts, which
    raises recall for partial matches) and stems English with Snowball. ``bigrams``
    replaces jieba by overlapping character bigrams, which needs no dictionary and is
    robust to out-of-vocabulary technical terms; Latin words are the same in both.
    """

    def __init__(self, *, search_mode: bool = True, drop_stopwords: bool = True) -> None:
        self.search_mode = search_mode
        self.drop_stopwords = drop_stopwords

    def _runs(self, text: str) -> Iterable[tuple[bool, str]]:
        for match in _WORD.finditer(normalise(text)):
            for run in _SPLIT_SCRIPT.findall(match.group()):
                yield bool(_CJK_CHAR.match(run)), run

    def words(self, text: str) -> list[str]:
        out: list[str] = []
        for cjk, run in self._runs(text):
            if not cjk:
                out.extend(_latin_tokens(run))
                continue
            for tok in _segment(run, self.search_mode):
                if self.drop_stopwords and tok in ZH_STOPWORDS:
                    continue
                out.append(tok)
        return out

    def bigrams(self, text: str) -> list[str]:
        out: list[str] = []
        for cjk, run in self._runs(text):
            if not cjk:
                out.extend(_latin_tokens(run))
            elif len(run) == 1:
                if not (self.drop_stopwords and run in ZH_STOPWORDS):
                    out.append(run)
            else:
                out.extend(run[i : i + 2] for i in range(len(run) - 1))
        return out
