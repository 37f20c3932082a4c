"""Calibrated relevance: turn the engine's fused score into a probability of relevance.

The fused score is a per-query z-score: it orders one query's results well but means nothing
across queries (the best of nothing looks as good as the best of many). A small logistic model
(Platt scaling generalised to a few features) maps each result to P(relevant), fitted on the dev
judgements by ``bench/calibrate.py``, which writes ``calibration.json`` next to this module.

Features, all comparable across queries (``features`` is the one definition, used by the
fit and at query time):

* ``fused``: the fused score divided by the sum of the active weights (a weighted mean z);
* ``gap``: how far below the top result it is, on the same scale;
* ``log_rank``: log(1 + rank) in the engine's order;
* ``coverage``: share of the query's words the result contains;
* ``phrase``: longest stretch of the query found verbatim, as a share of the query;
* ``agreement``: share of the active components that rank the result above their average
  over the list (components that agree make a result more trustworthy);
* ``log_qlen``: log(1 + number of query words): long queries spread their evidence;
* ``log_n``: log(1 + number of candidates, at most 30): over a few candidates per-query
  statistics say little (a young platform, a narrow filter);
* ``dense_*``: the raw cosine of each active dense encoder (bounded, absolute).

Each profile is fitted for one set of active components (all of them, or lexical only while
sentence vectors are still being computed); the profile with the most components in common
is used, and a feature the profile does not know is ignored. Probabilities are made
non-increasing down the engine's order (running minimum), so the number shown never rises
while the list goes down; the reported calibration is measured after that step.

Django-free, like the rest of the engine.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

__all__ = [
    "DEFAULT_PATH",
    "Calibrator",
    "Profile",
    "active_components",
    "features",
]

DEFAULT_PATH = Path(__file__).with_name("calibration.json")
DENSE_PREFIX = "dense_"
MAX_N = 30
LONG_QUERY = 16  # words; from here on a query is a document (a listing's whole text)


class _Result(Protocol):
    score: float
    components: dict[str, float]
    matched_terms: list[str]
    probability: float | None


class _Config(Protocol):
    components: tuple[str, ...]
    weights: dict[str, float]


def active_components(config: _Config) -> tuple[str, ...]:
    """Components that take part in fusion under ``config`` (non-zero weight)."""
    return tuple(sorted(c for c in config.components if config.weights.get(c, 0.0)))


def features(
    results: Sequence[_Result],
    *,
    query_words: int,
    active: Sequence[str],
    weights: Mapping[str, float],
) -> dict[str, np.ndarray]:
    """Feature columns for ``results`` (engine order, one query)."""
    n = len(results)
    if n == 0:
        return {}
    total_weight = sum(abs(weights.get(c, 0.0)) for c in active) or 1.0
    fused = np.array([r.score for r in results], dtype=np.float64) / total_weight
    out: dict[str, np.ndarray] = {
        "fused": fused,
        "gap": fused.max() - fused,
        "log_rank": np.log1p(np.arange(n, dtype=np.float64)),
        "log_qlen": np.full(n, math.log1p(query_words)),
        # How many candidates the per-query statistics rest on (capped: past that it no
        # longer matters, and the cap keeps the feature independent of how many are asked).
        "log_n": np.full(n, math.log1p(min(n, MAX_N))),
        "coverage": np.array(
            [min(1.0, len(set(r.matched_terms)) / max(1, query_words)) for r in results]
        ),
        "phrase": np.array([r.components.get("phrase", 0.0) for r in results]),
    }
    agree = np.zeros(n)
    counted = 0
    for comp in active:
        values = np.array([r.components.get(comp, 0.0) for r in results], dtype=np.float64)
        if comp.startswith(DENSE_PREFIX):
            out[comp] = values
        if n > 1 and values.std() > 1e-12:
            agree += values > values.mean()
            counted += 1
    out["agreement"] = agree / counted if counted else np.zeros(n)
    return out


@dataclass(frozen=True)
class Profile:
    components: tuple[str, ...]
    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    floor: float
    # Candidate-list sizes this profile was fitted on: per-query statistics over a handful of
    # candidates behave differently from those over hundreds, so each gets its own model.
    min_n: int = 0
    max_n: int | None = None
    # Query lengths (words) it was fitted on: a title or a few keywords, or a whole listing
    # used as the query (matches, "similar"), whose evidence is spread over many words.
    min_q: int = 0
    max_q: int | None = None

    def fits(self, n: int, query_words: int) -> bool:
        return (
            self.min_n <= n
            and (self.max_n is None or n < self.max_n)
            and self.min_q <= query_words
            and (self.max_q is None or query_words < self.max_q)
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Profile:
        return cls(
            components=tuple(data["components"]),
            names=tuple(data["features"]),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=float(data["intercept"]),
            floor=float(data["floor"]),
            min_n=int(data.get("min_n", 0)),
            max_n=None if data.get("max_n") is None else int(data["max_n"]),
            min_q=int(data.get("min_q", 0)),
            max_q=None if data.get("max_q") is None else int(data["max_q"]),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "components": list(self.components),
            "features": list(self.names),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": round(self.intercept, 6),
            "floor": round(self.floor, 4),
            "min_n": self.min_n,
            "max_n": self.max_n,
            "min_q": self.min_q,
            "max_q": self.max_q,
        }

    def matrix(self, columns: Mapping[str, np.ndarray], n: int) -> np.ndarray:
        """Standardised feature matrix; an unknown column counts as its training mean."""
        cols = [
            columns.get(name, np.full(n, m)) for name, m in zip(self.names, self.mean, strict=True)
        ]
        x = np.stack(cols, axis=1) if cols else np.zeros((n, 0))
        return (x - self.mean) / self.scale

    def probabilities(self, columns: Mapping[str, np.ndarray], n: int) -> np.ndarray:
        z = self.matrix(columns, n) @ self.coef + self.intercept
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        # Never rising down the list: the engine's order stays, and so does the reader's trust.
        return np.minimum.accumulate(p)


class Calibrator:
    def __init__(self, profiles: Iterable[Profile], meta: Mapping[str, Any] | None = None):
        self.profiles = list(profiles)
        self.meta = dict(meta or {})
        if not self.profiles:
            raise ValueError("a calibrator needs at least one profile")

    @classmethod
    def load(cls, path: str | Path | None = None) -> Calibrator:
        data = json.loads(Path(path or DEFAULT_PATH).read_text(encoding="utf-8"))
        return cls((Profile.from_dict(p) for p in data["profiles"]), data.get("meta"))

    def dump(self, path: str | Path | None = None) -> None:
        data = {"meta": self.meta, "profiles": [p.to_dict() for p in self.profiles]}
        Path(path or DEFAULT_PATH).write_text(
            json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )

    def profile_for(self, active: Sequence[str], n: int = MAX_N, query_words: int = 1) -> Profile:
        """The profile fitted for the most similar components, this list size and query."""
        wanted = set(active)

        def closeness(p: Profile) -> tuple[bool, float, int]:
            have = set(p.components)
            union = wanted | have
            overlap = len(wanted & have) / len(union) if union else 1.0
            return (p.fits(n, query_words), overlap, -len(have - wanted))

        return max(self.profiles, key=closeness)

    def floor(self, active: Sequence[str]) -> float:
        return self.profile_for(active).floor

    def annotate(self, results: Sequence[_Result], *, query_words: int, config: _Config) -> None:
        """Set ``probability`` on every result (engine order, one query)."""
        if not results:
            return
        active = active_components(config)
        columns = features(results, query_words=query_words, active=active, weights=config.weights)
        profile = self.profile_for(active, len(results), query_words)
        probs = profile.probabilities(columns, len(results))
        for result, p in zip(results, probs, strict=True):
            result.probability = float(p)
