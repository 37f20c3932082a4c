"""Text classification for auto-classifying listings (e.g. industry sector).

* ``AnchorClassifier``: TF-IDF over jieba words + logistic regression, the baseline.
* ``EngineClassifier``: a soft-voting ensemble over complementary views of the text: linear
  SVMs on jieba words and on character n-grams (robust to segmentation errors and unseen
  technical terms), a vote of the nearest training texts over the same vectors, and
  optionally sentence embeddings (semantic similarity for short or unusual wording). The
  vote is calibrated so the platform can show a confidence and abstain below a threshold.
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


class _Neighbours:
    """Votes of the ``k`` most similar training texts (cosine over the words ⊕ chars TF-IDF
    vectors the SVMs already use), each weighted by ``exp(temperature * similarity)``.

    Why a second look at the same vectors: an SVM draws one boundary per sector, while a
    listing often has a near twin among the training listings (same lab, same product line,
    reposted) whose sector the boundary gets wrong. Memory is bounded by ``max_rows`` (beyond
    it, evenly spaced rows are kept): the index holds about 650 non-zeros per listing.
    """

    def __init__(self, *, max_rows: int = 10_000, temperature: float = 10.0) -> None:
        self.max_rows = max_rows
        self.temperature = temperature

    def fit(self, vectors: Any, targets: np.ndarray, n_classes: int) -> _Neighbours:
        from sklearn.preprocessing import normalize

        n = vectors.shape[0]
        keep = np.unique(np.linspace(0, n - 1, min(n, self.max_rows)).round().astype(int))
        self.index_ = normalize(vectors[keep]).astype(np.float32).T.tocsr()
        self.targets_ = np.asarray(targets)[keep]
        self.n_classes_ = n_classes
        return self

    def predict_proba(self, vectors: Any, k: int, chunk: int = 1000) -> np.ndarray:
        from sklearn.preprocessing import normalize

        n = vectors.shape[0]
        out = np.zeros((n, self.n_classes_))
        k = max(1, min(k, self.index_.shape[1]))
        queries = normalize(vectors).astype(np.float32).tocsr()
        for start in range(0, n, chunk):  # chunks: a dense similarity block stays small
            sims = (queries[start : start + chunk] @ self.index_).toarray()
            top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            rows = np.arange(sims.shape[0])[:, None]
            votes = np.exp(self.temperature * (sims[rows, top] - 1.0))
            block = out[start : start + chunk]  # a view: np.add.at writes through
            np.add.at(block, (np.repeat(rows, k, 1), self.targets_[top]), votes)
        total = out.sum(axis=1, keepdims=True)
        return np.divide(out, total, out=np.full_like(out, 1.0 / self.n_classes_), where=total > 0)


# What ``fit`` may choose between for the neighbour member, by out-of-fold accuracy of the
# whole vote (the first, simplest setting wins ties: weight 0 is the plain SVM vote).
KNN_WEIGHTS = (0.0, 0.5, 1.0)
KNN_KS = (5, 10, 20)


class EngineClassifier(_Base):
    """Soft-voting ensemble; ``encoder`` (optional) adds an embedding-based member.

    Members: linear SVMs on jieba words and on character 1–3-grams, a nearest-neighbour vote
    over the same vectors (``_Neighbours``) and, with ``encoder``, logistic regression on
    sentence vectors. ``calibrate`` (default) fits, on out-of-fold predictions of the training
    data (``folds``), first the neighbour member's weight and ``k`` (``KNN_WEIGHTS`` ×
    ``KNN_KS``, unless ``knn_weight`` fixes them) and then one exponent (temperature scaling)
    that makes ``predict_proba`` mean what it says: without it a vote over many classes (80-odd
    disciplines) is so flat that a fixed display threshold hides every suggestion, whatever the
    model knows. The exponent does not change which class comes first. Because the choice is
    made inside ``fit``, a cross-validation around ``fit`` is a nested one. ``stack`` instead
    learns the combination of the SVM (and dense) members with a multinomial logistic
    regression on their out-of-fold log-probabilities.
    """

    def __init__(self, encoder: Any = None, *, c_words: float = 1.0, c_chars: float = 1.0,
                 c_dense: float = 4.0, dense_weight: float = 2.0, calibrate: bool = True,
                 stack: bool = False, folds: int = 3, knn_weight: float | None = None,
                 knn_k: int = 10, knn_rows: int = 10_000) -> None:  # fmt: skip
        self.encoder = encoder
        self.dense_weight = dense_weight
        self.calibrate = calibrate
        self.stack = stack
        self.folds = folds
        self.c_words, self.c_chars, self.c_dense = c_words, c_chars, c_dense
        self.knn_rows = knn_rows
        # None: chosen by fit (needs calibrate); without calibration the SVM vote alone.
        self.knn_weight_ = knn_weight if knn_weight is not None else 0.0
        self.knn_weight = knn_weight
        self.knn_k_ = knn_k
        self.temperature_ = 1.0
        self.meta_: LogisticRegression | None = None
        self.words, self.chars, self.dense = self._members()
        self.neighbours = _Neighbours(max_rows=knn_rows)

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
    def _views(members: tuple, texts: list[str]) -> tuple[Any, Any]:
        words, chars, _ = members
        return words[0].transform(texts), chars[0].transform(texts)

    def _fit_members(self, members: tuple, texts: list[str], labels: list[str], vecs: Any,
                     neighbours: _Neighbours) -> None:  # fmt: skip
        from scipy.sparse import hstack

        words, chars, dense = members
        x_words = words[0].fit_transform(texts)
        x_chars = chars[0].fit_transform(texts)
        words[1].fit(x_words, labels)
        chars[1].fit(x_chars, labels)
        if vecs is not None:
            dense.fit(vecs, labels)
        classes = words[1].classes_
        targets = np.searchsorted(classes, np.asarray(labels))
        neighbours.fit(hstack([x_words, x_chars]).tocsr(), targets, len(classes))

    def _member_probs(self, members: tuple, texts: list[str], vecs: Any,
                      neighbours: _Neighbours, ks: Sequence[int]) -> list[np.ndarray]:  # fmt: skip
        """SVM words, SVM chars, dense (if ``vecs``), then the neighbour vote for each k."""
        from scipy.sparse import hstack

        words, chars, dense = members
        x_words, x_chars = self._views(members, texts)
        out = [
            _softmax(3.0 * _margins(words[1], x_words)),
            _softmax(3.0 * _margins(chars[1], x_chars)),
        ]
        if vecs is not None:
            out.append(dense.predict_proba(vecs))
        both = hstack([x_words, x_chars]).tocsr()
        out.extend(neighbours.predict_proba(both, k) for k in ks)
        return out

    def _vote(
        self, probs: list[np.ndarray], knn: np.ndarray | None, knn_weight: float
    ) -> np.ndarray:
        weights = [1.0, 1.0, self.dense_weight][: len(probs)]
        total = np.zeros_like(probs[0])
        for w, p in zip(weights, probs, strict=True):
            total += w * p
        if knn is not None and knn_weight > 0:
            total += knn_weight * knn
            return total / (sum(weights) + knn_weight)
        return total / sum(weights)

    def _out_of_fold(self, texts: list[str], labels: list[str], vecs: Any,
                     ks: Sequence[int]) -> list[np.ndarray]:  # fmt: skip
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
        n_members = 2 + (vecs is not None) + len(ks)
        oof = [np.full((len(y), len(self.classes_)), 1e-9) for _ in range(n_members)]
        for train, test in splits:
            if len(np.unique(y[train])) < 2:
                continue
            members = self._members()
            neighbours = _Neighbours(max_rows=self.knn_rows)
            tr_vecs = vecs[train] if vecs is not None else None
            self._fit_members(
                members, [texts[i] for i in train], y[train].tolist(), tr_vecs, neighbours
            )
            cols = np.searchsorted(self.classes_, members[0][1].classes_)
            te_vecs = vecs[test] if vecs is not None else None
            for m, probs in enumerate(
                self._member_probs(members, [texts[i] for i in test], te_vecs, neighbours, ks)
            ):
                oof[m][np.ix_(test, cols)] = probs
        return oof

    def _choose_neighbours(self, oof: list[np.ndarray], n_base: int, target: np.ndarray,
                           ks: Sequence[int]) -> None:  # fmt: skip
        best = -1.0
        for weight in KNN_WEIGHTS:
            for k, knn in zip(ks, oof[n_base:], strict=True):
                accuracy = float((self._vote(oof[:n_base], knn, weight).argmax(1) == target).mean())
                if accuracy > best:
                    best, self.knn_weight_, self.knn_k_ = accuracy, weight, k
                if weight == 0:
                    break  # k is irrelevant without the member

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> EngineClassifier:
        texts, labels = list(texts), list(labels)
        vecs = self._embed(texts) if self.encoder is not None else None
        members = (self.words, self.chars, self.dense)
        self._fit_members(members, texts, labels, vecs, self.neighbours)
        self.classes_ = self.words[1].classes_
        self.temperature_ = 1.0
        self.meta_ = None
        self.knn_weight_ = self.knn_weight if self.knn_weight is not None else 0.0
        if (self.calibrate or self.stack) and len(texts) >= 2 * self.folds:
            if self.stack or self.knn_weight == 0:
                ks: tuple[int, ...] = ()
            else:
                ks = KNN_KS if self.knn_weight is None else (self.knn_k_,)
            oof = self._out_of_fold(texts, labels, vecs, ks)
            n_base = len(oof) - len(ks)
            target = np.searchsorted(self.classes_, np.asarray(labels))
            if self.stack:
                self.meta_ = LogisticRegression(C=1.0, max_iter=3000)
                self.meta_.fit(np.hstack([np.log(p + 1e-9) for p in oof[:n_base]]), labels)
            else:
                if self.knn_weight is None:
                    self._choose_neighbours(oof, n_base, target, ks)
                knn = oof[n_base + ks.index(self.knn_k_)] if self.knn_k_ in ks else None
                vote = self._vote(oof[:n_base], knn, self.knn_weight_)
                self.temperature_ = _fit_temperature(vote, target)
        if self.knn_weight_ == 0:  # unused: do not keep (or store) the index
            self.neighbours = _Neighbours(max_rows=self.knn_rows)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        vecs = self._embed(texts) if self.encoder is not None else None
        members = (self.words, self.chars, self.dense)
        ks = (self.knn_k_,) if self.knn_weight_ > 0 else ()
        probs = self._member_probs(members, texts, vecs, self.neighbours, ks)
        n_base = len(probs) - len(ks)
        if self.meta_ is not None:
            return self.meta_.predict_proba(np.hstack([np.log(p + 1e-9) for p in probs[:n_base]]))
        knn = probs[n_base] if ks else None
        return _sharpen(self._vote(probs[:n_base], knn, self.knn_weight_), self.temperature_)


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
    if name == "engine-sparse-svm":  # the SVM vote alone (before the neighbour member)
        return EngineClassifier(knn_weight=0.0)
    if name == "engine-stack":
        from .encoders import get_encoder

        return EngineClassifier(encoder=get_encoder("e5", cache_dir=cache_dir), stack=True)
    if name == "engine-sparse-stack":
        return EngineClassifier(stack=True)
    raise ValueError(f"unknown classifier {name!r}")
