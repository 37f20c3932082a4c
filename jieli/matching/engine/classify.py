"""Text classification for auto-classifying listings (e.g. industry sector).

* ``AnchorClassifier``: TF-IDF over jieba words + logistic regression, the baseline.
* ``EngineClassifier``: a soft-voting ensemble of linear models over complementary
  views of the text: jieba words (uni+bigrams), character n-grams (robust to
  segmentation errors and unseen technical terms), and optionally sentence embeddings
  (semantic similarity for short or unusual wording). Each member outputs calibrated
  probabilities so the platform can show a confidence and abstain below a threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from .text import Tokeniser, normalise

__all__ = ["AnchorClassifier", "EngineClassifier", "make_classifier"]

_TOKENISER = Tokeniser(search_mode=False)


def _words(text: str) -> list[str]:
    return _TOKENISER.words(text)


def _chars(text: str) -> str:
    return normalise(text)


def _softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


def _margins(model: Any, texts: Sequence[str]) -> np.ndarray:
    """One column per class, also for two classes (where sklearn returns a single column)."""
    margins = model.decision_function(texts)
    if margins.ndim == 1:
        margins = np.stack([-margins, margins], axis=1)
    return margins


class _Base:
    classes_: np.ndarray

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> _Base:
        raise NotImplementedError

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def predict(self, texts: Sequence[str]) -> list[str]:
        if not len(texts):
            return []
        probs = self.predict_proba(texts)
        return [str(self.classes_[i]) for i in probs.argmax(axis=1)]


class AnchorClassifier(_Base):
    def __init__(self) -> None:
        self.model = make_pipeline(
            TfidfVectorizer(analyzer=_words),
            LogisticRegression(max_iter=2000),
        )

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> AnchorClassifier:
        self.model.fit(list(texts), list(labels))
        self.classes_ = self.model.classes_
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.predict_proba(list(texts))


class EngineClassifier(_Base):
    """Soft-voting ensemble; ``encoder`` (optional) adds an embedding-based member."""

    def __init__(self, encoder: Any = None, *, c_words: float = 1.0, c_chars: float = 1.0,
                 c_dense: float = 4.0, dense_weight: float = 2.0) -> None:  # fmt: skip
        self.encoder = encoder
        self.dense_weight = dense_weight
        # Linear SVMs with balanced class weights: small minority sectors (a few dozen
        # examples) otherwise never win. Margins become probabilities via a softmax
        # whose temperature is fixed (scale 1 margins are already comparable across
        # the two sparse views because both use sublinear, L2-normalised TF-IDF).
        self.words = make_pipeline(
            TfidfVectorizer(analyzer=_words, ngram_range=(1, 1), sublinear_tf=True, min_df=1),
            LinearSVC(C=c_words, class_weight="balanced"),
        )
        self.chars = make_pipeline(
            TfidfVectorizer(
                preprocessor=_chars, analyzer="char_wb", ngram_range=(1, 3),
                sublinear_tf=True, min_df=2, max_features=300_000,
            ),
            LinearSVC(C=c_chars, class_weight="balanced"),
        )  # fmt: skip
        self.dense = LogisticRegression(C=c_dense, max_iter=3000, class_weight="balanced")

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.encoder.encode_passages(list(texts))

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> EngineClassifier:
        texts, labels = list(texts), list(labels)
        self.words.fit(texts, labels)
        self.chars.fit(texts, labels)
        self.classes_ = self.words.classes_
        if self.encoder is not None:
            self.dense.fit(self._embed(texts), labels)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        probs = _softmax(3.0 * _margins(self.words, texts))
        probs += _softmax(3.0 * _margins(self.chars, texts))
        members = 2.0
        if self.encoder is not None:
            probs += self.dense_weight * self.dense.predict_proba(self._embed(texts))
            members += self.dense_weight
        return probs / members


def make_classifier(name: str = "engine", cache_dir: str | None = None) -> _Base:
    if name == "anchor":
        return AnchorClassifier()
    if name == "engine":
        from .encoders import get_encoder

        return EngineClassifier(encoder=get_encoder("e5", cache_dir=cache_dir))
    if name == "engine-sparse":
        return EngineClassifier()
    raise ValueError(f"unknown classifier {name!r}")
