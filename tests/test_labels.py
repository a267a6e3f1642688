"""The labelling rules on hand-built sweeps: the ``ouchi`` criterion rule by rule, the
earlier analysis's argmax tie-break, and the shared statistics against scipy."""

import numpy as np
import pytest
from scipy import stats as sps

import gridcells as gc
from gridcells.predictive.classes import classify
from gridcells.predictive.shifted import Sweep
from gridcells.predictive.shuffles import ShuffleTest
from gridcells.stats import rank_p_value, t_interval, wilson_interval

SHIFTS = np.arange(-4, 5)  # steps; 2 cm a step, so +-3 steps = +-6 cm (min_shift_cm 5)


def sweep_of(curves):
    """A Sweep of gridness curves [U][9] at SHIFTS (2 cm a step)."""
    s60 = np.array(curves, float).T
    nan = np.full(s60.shape, np.nan)
    return Sweep(SHIFTS, SHIFTS * 2.0, s60, s60, nan, nan[None],
                               np.ones(len(SHIFTS)), np.arange(s60.shape[1]))


def peak_at(step, top=0.9, base=0.6):
    curve = np.full(len(SHIFTS), base)
    curve[list(SHIFTS).index(step)] = top
    return curve


def shuffle_result(zero, future, past, alpha=0.05):
    """A ShuffleTest whose p-values say which tests are significant ([U] bools each)."""
    p = {name: np.where(np.asarray(sig), 0.01, 0.5) for name, sig in
         (("zero", zero), ("future", future), ("past", past))}
    p["any"] = np.minimum.reduce(list(p.values()))
    U = len(zero)
    return ShuffleTest(SHIFTS, np.zeros((1, 1)), np.zeros((len(SHIFTS), U)),
                       np.zeros((1, len(SHIFTS), U)), p, alpha)


CASES = [  # (name, curve, zero significant, future, past, label)
    ("predictive", peak_at(3), False, True, False, "predictive"),
    ("future best but zero also significant", peak_at(3), True, True, False, "unclassified"),
    ("future not significant", peak_at(3), False, False, False, "unclassified"),
    ("future significant, shift 4 cm < 5", peak_at(2), False, True, False, "unclassified"),
    ("retrospective", peak_at(-3), False, False, True, "retrospective"),
    ("retrospective needs past, not future", peak_at(-3), False, True, False, "unclassified"),
    ("zero-lag", peak_at(1), True, False, False, "zero-lag"),
    ("zero-lag at -2 cm", peak_at(-1), True, True, True, "zero-lag"),
    ("zero significant, best 6 cm away", peak_at(-3), True, False, True, "unclassified"),
    ("peak on the window's edge", peak_at(4), False, True, False, "unresolved"),
    ("zero significant, best on the edge", peak_at(-4), True, False, True, "unclassified"),
    ("never above the low-grid threshold", peak_at(3, 0.45, 0.2), False, True, False,
     "low-grid"),
    ("tie: the first shift wins", np.where(np.isin(SHIFTS, [-3, 3]), 0.9, 0.6), False, True,
     True, "retrospective"),
]


def test_ouchi_labels_rule_by_rule():
    cfg = gc.Config(min_shift_cm=5.0, low_grid_threshold=0.5)
    sweep = sweep_of([c[1] for c in CASES])
    test = shuffle_result(*(np.array([c[i] for c in CASES]) for i in (2, 3, 4)))
    c = classify(sweep, cfg, "ouchi", test)
    for (name, *_, want), got in zip(CASES, c.labels):
        assert got == want, name
    np.testing.assert_array_equal(c.extra["significant_future"], [x[3] for x in CASES])
    np.testing.assert_allclose(c.preferred_cm[0], 6.0)


def test_ouchi_uses_the_tests_alpha():
    sweep = sweep_of([peak_at(3)])
    test = shuffle_result([False], [True], [False])
    test.p["future"] = np.array([0.04])
    assert classify(sweep, gc.Config(), "ouchi", test).labels[0] == "predictive"
    test.alpha = 0.01
    assert classify(sweep, gc.Config(), "ouchi", test).labels[0] == "unclassified"


def test_earlier_rule_breaks_argmax_ties_towards_the_first_shift():
    """The earlier analysis took np.argmax over lags: the first of equal maxima, i.e. the most
    negative shift. A unit equally grid-like at -6 and +6 cm is retrospective there, one
    equally grid-like at 0 and +6 cm zero-lag."""
    cfg = gc.Config(min_shift_cm=5.0)
    ends = np.where(np.isin(SHIFTS, [-3, 3]), 0.9, 0.6)
    zero_and_future = np.where(np.isin(SHIFTS, [0, 3]), 0.9, 0.6)
    future_and_past = np.where(np.isin(SHIFTS, [3, -1]), 0.9, 0.6)
    c = classify(sweep_of([ends, zero_and_future, future_and_past]), cfg, "fork")
    assert list(c.labels) == ["retrospective", "zero-lag", "zero-lag"]
    np.testing.assert_allclose(c.preferred_cm, [-6.0, 0.0, -2.0])


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_t_interval_is_scipys(level):
    rng = np.random.default_rng([3, int(level * 100)])
    for n in (2, 3, 10, 50):
        v = rng.normal(4.0, 2.0, n)
        m, lo, hi = t_interval(np.append(v, [np.nan, np.inf]), level)  # non-finite: dropped
        want = sps.t.interval(level, n - 1, loc=v.mean(), scale=sps.sem(v))
        assert m == pytest.approx(v.mean(), rel=1e-12)
        assert (lo, hi) == pytest.approx(want, rel=1e-10)
    m, lo, hi = t_interval([2.5], level)
    assert m == 2.5 and np.isnan(lo) and np.isnan(hi)
    assert np.isnan(t_interval([], level)[0])


def test_rank_p_value_is_scipys_monte_carlo_p_value():
    rng = np.random.default_rng(8)
    null = np.round(rng.normal(size=99), 1)  # rounded: many ties with the observed value
    for observed in (-3.0, -0.5, 0.0, 0.3, 1.2, 5.0):
        above = 100 - sps.percentileofscore(null, observed, kind="strict")  # % of null >= obs
        want_greater = (1 + above / 100 * len(null)) / (len(null) + 1)
        below = sps.percentileofscore(null, observed, kind="weak")  # % of null <= obs
        want_less = (1 + below / 100 * len(null)) / (len(null) + 1)
        assert rank_p_value(observed, null) == pytest.approx(want_greater, rel=1e-12)
        assert rank_p_value(observed, null, greater=False) == pytest.approx(want_less, rel=1e-12)
    assert rank_p_value(10.0, null) == 1 / 100 and rank_p_value(-10.0, null) == 1.0


@pytest.mark.parametrize("k, n", [(0, 10), (3, 10), (12, 50), (50, 50), (7, 300)])
def test_wilson_interval_is_scipys(k, n):
    want = sps.binomtest(k, n).proportion_ci(0.95, method="wilson")
    # scipy uses the exact quantile 1.95996...; the default z = 1.96 moves the bounds by 1e-5
    z = sps.norm.ppf(0.975)
    assert wilson_interval(k, n, z=z) == pytest.approx((want.low, want.high), abs=1e-12)
    assert wilson_interval(k, n) == pytest.approx((want.low, want.high), abs=1e-4)


def test_wilson_interval_exact_at_the_edges():
    for n in range(1, 60):
        assert wilson_interval(0, n)[0] == 0.0 and wilson_interval(n, n)[1] == 1.0
        if n > 1:
            lo, hi = wilson_interval(1, n)
            assert 0 < lo < 1 / n < hi < 1
