"""Panel statistics against hand-computed cases (and scipy's rank function where it helps)."""

import numpy as np
import pytest

from jieli.evaluations import stats


def test_kendalls_w_perfect_agreement_is_one():
    m = np.array([[1, 2, 3, 4]] * 3)
    assert stats.kendalls_w(m) == pytest.approx(1.0)


def test_kendalls_w_hand_computed():
    # rank sums 4, 6, 9, 11; mean 7.5; S = 29; W = 12·29 / (3²·(4³−4)) = 348/540
    m = np.array([[1, 2, 3, 4], [2, 1, 4, 3], [1, 3, 2, 4]])
    assert stats.kendalls_w(m) == pytest.approx(348 / 540)


def test_kendalls_w_with_ties_uses_the_correction():
    # rater A ties the first two items: ranks 1.5, 1.5, 3, 4 and T = 2³ − 2 = 6
    # rank sums 3.5, 5.5, 9, 12; S = 42.5; W = 12·42.5 / (9·60 − 3·6) = 510/522
    m = np.array([[1, 1, 2, 3], [1, 2, 3, 4], [1, 2, 3, 4]])
    assert stats.kendalls_w(m) == pytest.approx(510 / 522)


def test_kendalls_w_undefined_cases():
    assert stats.kendalls_w(np.array([[1, 2, 3]])) is None
    assert stats.kendalls_w(np.array([[5, 5], [5, 5]])) is None


def test_icc2k_shrout_fleiss_example():
    # Shrout & Fleiss (1979), table 2: 6 targets × 4 judges; ICC(2,k) = 0.62.
    targets = np.array(
        [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    )
    # hand: BMS = 11.24, JMS = 32.49, EMS = 1.02; (11.24 − 1.02) / (11.24 + (32.49 − 1.02)/6)
    value = stats.icc2k(targets.T)  # raters × items
    assert value == pytest.approx(0.6200, abs=0.0005)
    assert value == pytest.approx((11.2417 - 1.0194) / (11.2417 + (32.4861 - 1.0194) / 6), 1e-3)


def test_icc2k_identical_raters_is_one():
    m = np.array([[10, 20, 30], [10, 20, 30], [10, 20, 30]])
    assert stats.icc2k(m) == pytest.approx(1.0)


def test_outlier_flag_by_robust_z():
    values = np.array([50, 52, 51, 49, 90])
    z = stats.robust_z(values)
    assert z[4] == pytest.approx(0.6745 * 39 / 1)  # median 51, MAD 1
    assert stats.outliers(values).tolist() == [False, False, False, False, True]


def test_outlier_when_mad_is_zero_uses_mean_absolute_deviation():
    values = np.array([60, 60, 60, 60, 95])
    assert stats.outliers(values).tolist() == [False, False, False, False, True]
    assert not stats.outliers(np.array([70, 70, 70])).any()


def test_item_stats():
    st = stats.item_stats(np.array([60.0, 70.0, 80.0, 90.0]))
    assert (st.mean, st.median, st.low, st.high) == (75.0, 75.0, 60.0, 90.0)
    assert st.std == pytest.approx(np.std([60, 70, 80, 90], ddof=1))


def test_ranks_match_scipy_when_available():
    scipy_stats = pytest.importorskip("scipy.stats")
    row = np.array([3.0, 1.0, 3.0, 2.0, 5.0, 3.0])
    ranks, _ties = stats._average_ranks(row)
    assert ranks.tolist() == scipy_stats.rankdata(row).tolist()
