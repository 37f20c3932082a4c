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
    """Soft-voting ensemble; ``encoder`` (optional) adds an embedding-based member.

    ``calibrate`` (default) makes ``predict_proba`` mean what it says: the members' soft vote
    is sharpened or flattened by one exponent (temperature scaling) fitted on out-of-fold
    predictions. Without it a vote over many classes (80-odd disciplines) is so flat that a
    fixed display threshold hides every suggestion, whatever the model knows. The exponent
    does not change which class comes first. ``stack`` instead learns the combination of the
    members (multinomial logistic regression on their out-of-fold log-probabilities).
    """

    def __init__(self, encoder: Any = None, *, c_words: float = 1.0, c_chars: float = 1.0,
                 c_dense: float = 4.0, dense_weight: float = 2.0, calibrate: bool = True,
                 stack: bool = False, folds: int = 3) -> None:  # fmt: skip
        self.encoder = encoder
        self.dense_weight = dense_weight
        self.calibrate = calibrate
        self.stack = stack
        self.folds = folds
        self.c_words, self.c_chars, self.c_dense = c_words, c_chars, c_dense
        self.temperature_ = 1.0
        self.meta_: LogisticRegression | None = None
        self.words, self.chars, self.dense = self._members()

    def _members(self) -> tuple[Any, Any, LogisticRegression]:
        # Linear SVMs with balanced class weights: small minority sectors (a few dozen
        # examples) otherwise never win. Margins become probabilities via a softmax
        # whose temperature is fixed (scale 1 margins are already comparable across
        # the two sparse views because both use sublinear, L2-normalised TF-IDF).
        words = make_pipeline(
            TfidfVectorizer(analyzer=_words, ngram_range=(1, 1), sublinear_tf=True, min_df=1),
            LinearSVC(C=self.c_words, class_weight="balanced"),
        )
        chars = make_pipeline(
            TfidfVectorizer(
                preprocessor=_chars, analyzer="char_wb", ngram_range=(1, 3),
                sublinear_tf=True, min_df=2, max_features=300_000,
            ),
            LinearSVC(C=self.c_chars, class_weight="balanced"),
        )  # fmt: skip
        dense = LogisticRegression(C=self.c_dense, max_iter=3000, class_weight="balanced")
        return words, chars, dense

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.encoder.encode_passages(list(texts))

    @staticmethod
    def _fit_members(members: tuple, texts: list[str], labels: list[str], vecs: Any) -> None:
        words, chars, dense = members
        words.fit(texts, labels)
        chars.fit(texts, labels)
        if vecs is not None:
            dense.fit(vecs, labels)

    def _member_probs(self, members: tuple, texts: list[str], vecs: Any) -> list[np.ndarray]:
        words, chars, dense = members
        out = [_softmax(3.0 * _margins(words, texts)), _softmax(3.0 * _margins(chars, texts))]
        if vecs is not None:
            out.append(dense.predict_proba(vecs))
        return out

    def _vote(self, probs: list[np.ndarray]) -> np.ndarray:
        weights = [1.0, 1.0, self.dense_weight][: len(probs)]
        total = np.zeros_like(probs[0])
        for w, p in zip(weights, probs, strict=True):
            total += w * p
        return total / sum(weights)

    def _out_of_fold(self, texts: list[str], labels: list[str], vecs: Any) -> list[np.ndarray]:
        """Each member's probabilities for every training text, from a model that did not
        see it (columns aligned with ``classes_``; a class missing from a fold gets 0)."""
        from sklearn.model_selection import StratifiedKFold

        y = np.asarray(labels)
        counts = np.unique(y, return_counts=True)[1]
        folds = max(2, min(self.folds, int(counts.min()) if counts.min() >= 2 else self.folds))
        if counts.min() >= folds:
            splits = StratifiedKFold(folds, shuffle=True, random_state=0).split(texts, y)
        else:  # a class with a single example cannot be stratified
            from sklearn.model_selection import KFold

            splits = KFold(folds, shuffle=True, random_state=0).split(texts)
        n_members = 2 + (vecs is not None)
        oof = [np.full((len(y), len(self.classes_)), 1e-9) for _ in range(n_members)]
        for train, test in splits:
            if len(np.unique(y[train])) < 2:
                continue
            members = self._members()
            tr_vecs = vecs[train] if vecs is not None else None
            self._fit_members(members, [texts[i] for i in train], y[train].tolist(), tr_vecs)
            cols = np.searchsorted(self.classes_, members[0].classes_)
            te_vecs = vecs[test] if vecs is not None else None
            for m, probs in enumerate(
                self._member_probs(members, [texts[i] for i in test], te_vecs)
            ):
                oof[m][np.ix_(test, cols)] = probs
        return oof

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> EngineClassifier:
        texts, labels = list(texts), list(labels)
        vecs = self._embed(texts) if self.encoder is not None else None
        self._fit_members((self.words, self.chars, self.dense), texts, labels, vecs)
        self.classes_ = self.words.classes_
        self.temperature_ = 1.0
        self.meta_ = None
        if (self.calibrate or self.stack) and len(texts) >= 2 * self.folds:
            oof = self._out_of_fold(texts, labels, vecs)
            target = np.searchsorted(self.classes_, np.asarray(labels))
            if self.stack:
                self.meta_ = LogisticRegression(C=1.0, max_iter=3000)
                self.meta_.fit(np.hstack([np.log(p + 1e-9) for p in oof]), labels)
            else:
                self.temperature_ = _fit_temperature(self._vote(oof), target)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        vecs = self._embed(texts) if self.encoder is not None else None
        probs = self._member_probs((self.words, self.chars, self.dense), texts, vecs)
        if self.meta_ is not None:
            return self.meta_.predict_proba(np.hstack([np.log(p + 1e-9) for p in probs]))
        return _sharpen(self._vote(probs), self.temperature_)


def _sharpen(probs: np.ndarray, exponent: float) -> np.ndarray:
    if exponent == 1.0:
        return probs
    logp = exponent * np.log(np.clip(probs, 1e-12, None))
    return _softmax(logp)


def _fit_temperature(probs: np.ndarray, target: np.ndarray) -> float:
    """The exponent a minimising the log-loss of p**a / sum(p**a) (a in [0.25, 20])."""
    from scipy.optimize import minimize_scalar

    logp = np.log(np.clip(probs, 1e-12, None))
    rows = np.arange(len(target))

    def nll(a: float) -> float:
        z = a * logp
        z = z - z.max(axis=1, keepdims=True)
        return float(-(z[rows, target] - np.log(np.exp(z).sum(axis=1))).mean())

    found = minimize_scalar(nll, bounds=(0.25, 20.0), method="bounded")
    return round(float(found.x), 3)


def make_classifier(name: str = "engine", cache_dir: str | None = None) -> _Base:
    if name == "anchor":
        return AnchorClassifier()
    if name == "engine":
        from .encoders import get_encoder

        return EngineClassifier(encoder=get_encoder("e5", cache_dir=cache_dir))
    if name == "engine-sparse":
        return EngineClassifier()
    if name == "engine-stack":
        from .encoders import get_encoder

        return EngineClassifier(encoder=get_encoder("e5", cache_dir=cache_dir), stack=True)
    if name == "engine-sparse-stack":
        return EngineClassifier(stack=True)
    raise ValueError(f"unknown classifier {name!r}")
