"""Learned fusion: a small linear ranking model over per-query standardised features.

Why: the hand-fitted z-score weights (``fusion.DEFAULT_WEIGHTS``) were chosen on the very dev
tasks they are judged on, and their margin shrinks on listings the engine has never seen. This
model has the same kind of inputs but is fitted by pairwise logistic regression with
cross-validation over queries (``bench/fit_fusion.py --ltr`` reports held-out folds only), and it
adds two things a fixed weight vector cannot express:

* query-length awareness: every component's z-score also enters multiplied by a short-query
  factor ``s = exp(-chars / 16)`` (about 0.5 for an 11-character name, 0.1 for a 37-character
  title), so the model can trust exact lexical evidence more for short names and nicknames and
  the sentence encoders more for longer queries;
* dense feedback without a tuned head: the centroid of the top three documents of the
  *unweighted* z-sum (no weight to fit) becomes one more standardised feature.

Everything is standardised per query against the component's own top-N list, as in
``fusion.zscore_fusion``, which is what lets weights transfer between collections. A component
that has no scores yet (vectors still being computed) contributes zeros.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from . import fusion as fz

__all__ = [
    "COMPONENTS",
    "FEATURE_NAMES",
    "LTR_WEIGHTS",
    "features",
    "fit_pairwise",
    "ltr_scores",
    "short_query_factor",
]

COMPONENTS = ("bm25_words", "bm25_bigrams", "dense_e5", "dense_use", "phrase")
FEATURE_NAMES: tuple[str, ...] = (
    *COMPONENTS,
    *(f"{c}*short" for c in COMPONENTS),
    "feedback",
)
SHORT_QUERY_CHARS = 16.0
FEEDBACK_DEPTH = 3

# NOT YET FITTED WITH e5: these are the z-score weights of ``fusion.DEFAULT_WEIGHTS`` (with no
# length terms) as a starting point, so ``fusion="ltr"`` ranks sensibly. The fit needs e5
# vectors for all three dev corpora, which could not be computed in the session that wrote this
# module (see docs/benchmarks.md, "Learned fusion"); run ``bench/fit_fusion.py --ltr`` and
# paste its printed weights here. The default engine does not use this module until then.
LTR_WEIGHTS: dict[str, float] = {
    "bm25_words": 0.5,
    "bm25_bigrams": 1.0,
    "dense_e5": 2.0,
    "dense_use": 1.0,
    "phrase": 0.5,
    "feedback": 1.5,
}


def short_query_factor(chars: int) -> float:
    return math.exp(-max(chars, 0) / SHORT_QUERY_CHARS)


def features(
    scores: Mapping[str, np.ndarray],
    references: Mapping[str, np.ndarray],
    query_chars: int,
    feedback_vectors: np.ndarray | None = None,
) -> np.ndarray:
    """Feature matrix (candidates x ``FEATURE_NAMES``) for one query's candidate set."""
    n = len(next(iter(scores.values()))) if scores else 0
    z = np.zeros((n, len(COMPONENTS)))
    for j, comp in enumerate(COMPONENTS):
        if comp in scores:
            z[:, j] = fz.standardise(scores[comp], references.get(comp, scores[comp]))
    short = short_query_factor(query_chars)
    feedback = np.zeros(n)
    if feedback_vectors is not None and n > 1:
        head = np.argsort(-z.sum(axis=1), kind="stable")[:FEEDBACK_DEPTH]
        sims = feedback_vectors @ feedback_vectors[head].mean(axis=0)
        feedback = fz.standardise(sims, sims)
    return np.hstack([z, short * z, feedback[:, None]])


def _weight_vector(weights: Mapping[str, float]) -> np.ndarray:
    return np.array([float(weights.get(name, 0.0)) for name in FEATURE_NAMES])


def ltr_scores(feats: np.ndarray, weights: Mapping[str, float] | None = None) -> np.ndarray:
    if feats.shape[0] == 0:
        return np.zeros(0)
    return feats @ _weight_vector(LTR_WEIGHTS if weights is None else weights)


def fit_pairwise(
    queries: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    query_weights: Sequence[float] | None = None,
    pairs_per_query: int = 60,
    c: float = 1.0,
    seed: int = 0,
) -> dict[str, float]:
    """Pairwise logistic regression (a linear RankNet) over (features, grades) per query.

    Pairs join a more relevant candidate with a less relevant one, sampled per query so every
    query (times its ``query_weights``) counts the same however many judgements it has.
    """
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    rows: list[np.ndarray] = []
    signs: list[int] = []
    sample_weights: list[float] = []
    for qi, (feats, grades) in enumerate(queries):
        grades = np.asarray(grades)
        pairs = [
            (a, b) for a in np.flatnonzero(grades > 0) for b in np.flatnonzero(grades < grades[a])
        ]
        if not pairs:
            continue
        if len(pairs) > pairs_per_query:
            pick = rng.choice(len(pairs), pairs_per_query, replace=False)
            pairs = [pairs[i] for i in pick]
        w = (1.0 if query_weights is None else float(query_weights[qi])) / len(pairs)
        for k, (a, b) in enumerate(pairs):
            sign = 1 if k % 2 == 0 else -1  # both classes present, no intercept needed
            rows.append(sign * (feats[a] - feats[b]))
            signs.append(sign)
            sample_weights.append(w)
    if not rows:
        raise ValueError("no preference pairs: every query needs a relevant candidate")
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=2000)
    model.fit(np.array(rows), np.array(signs), sample_weight=np.array(sample_weights))
    return {name: round(float(w), 4) for name, w in zip(FEATURE_NAMES, model.coef_[0], strict=True)}
