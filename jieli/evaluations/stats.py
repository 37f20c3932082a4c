"""Panel statistics on a score matrix (raters × items, every score on a 0–100 scale).

* per item: mean, median, spread (sample standard deviation, min, max);
* outliers: the robust z-score ``0.6745 (x − median) / MAD`` per item, flagged at |z| > 3.5
  (Iglewicz & Hoaglin, 1993); when the MAD is 0 the mean absolute deviation × 1.2533 stands in
  (as in common implementations), and when that is 0 too nothing is an outlier;
* agreement: Kendall's W over the items (ties get average ranks and the tie correction) and
  ICC(2,k) — two-way random effects, absolute agreement, mean of k raters (Shrout & Fleiss 1979;
  McGraw & Wong 1996), from the two-way ANOVA mean squares.

Pure numpy; the tests compare with hand-computed cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

OUTLIER_Z = 3.5


@dataclass(frozen=True)
class ItemStats:
    mean: float
    median: float
    std: float
    low: float
    high: float


def item_stats(values: np.ndarray) -> ItemStats:
    v = np.asarray(values, dtype=float)
    return ItemStats(
        mean=float(v.mean()),
        median=float(np.median(v)),
        std=float(v.std(ddof=1)) if v.size > 1 else 0.0,
        low=float(v.min()),
        high=float(v.max()),
    )


def robust_z(values: np.ndarray) -> np.ndarray:
    """The robust z-score of each value (0 where the spread is 0)."""
    v = np.asarray(values, dtype=float)
    median = np.median(v)
    mad = np.median(np.abs(v - median))
    if mad > 0:
        return 0.6745 * (v - median) / mad
    mean_ad = np.mean(np.abs(v - median))
    if mean_ad > 0:
        return (v - median) / (1.253314 * mean_ad)
    return np.zeros_like(v)


def outliers(values: np.ndarray, threshold: float = OUTLIER_Z) -> np.ndarray:
    """A boolean mask of the values whose robust z-score exceeds ``threshold``."""
    return np.abs(robust_z(values)) > threshold


def _average_ranks(row: np.ndarray) -> tuple[np.ndarray, float]:
    """Ranks 1..n with ties averaged, and the tie term Σ(t³ − t) of the row."""
    order = np.argsort(row, kind="mergesort")
    ranks = np.empty(len(row), dtype=float)
    sorted_row = row[order]
    ties = 0.0
    start = 0
    while start < len(row):
        end = start
        while end + 1 < len(row) and sorted_row[end + 1] == sorted_row[start]:
            end += 1
        ranks[order[start : end + 1]] = (start + end) / 2 + 1
        size = end - start + 1
        ties += size**3 - size
        start = end + 1
    return ranks, ties


def kendalls_w(matrix: np.ndarray) -> float | None:
    """Kendall's coefficient of concordance of m raters (rows) over n items (columns).

    None when it is undefined (fewer than 2 raters or items, or every rater ties every item).
    """
    x = np.asarray(matrix, dtype=float)
    m, n = x.shape
    if m < 2 or n < 2:
        return None
    ranked = [_average_ranks(row) for row in x]
    totals = np.sum([r for r, _ in ranked], axis=0)
    ties = sum(t for _, t in ranked)
    s = float(np.sum((totals - totals.mean()) ** 2))
    denominator = m**2 * (n**3 - n) - m * ties
    if denominator <= 0:
        return None
    return 12 * s / denominator


def icc2k(matrix: np.ndarray) -> float | None:
    """ICC(2,k) of k raters (rows) over n targets (columns); None when undefined."""
    x = np.asarray(matrix, dtype=float).T  # targets × raters
    n, k = x.shape
    if n < 2 or k < 2:
        return None
    grand = x.mean()
    ss_rows = k * np.sum((x.mean(axis=1) - grand) ** 2)
    ss_cols = n * np.sum((x.mean(axis=0) - grand) ** 2)
    ss_total = np.sum((x - grand) ** 2)
    ss_error = ss_total - ss_rows - ss_cols
    ms_rows = ss_rows / (n - 1)
    ms_cols = ss_cols / (k - 1)
    ms_error = ss_error / ((n - 1) * (k - 1))
    denominator = ms_rows + (ms_cols - ms_error) / n
    if denominator == 0:
        return None
    return float((ms_rows - ms_error) / denominator)
