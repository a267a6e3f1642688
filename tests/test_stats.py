"""The shared statistics: the Rayleigh test's false-positive rate on uniform angles and its
power on concentrated ones."""

import numpy as np
import pytest
from scipy import stats as sps

from gridcells.stats import rayleigh_p_value


@pytest.mark.parametrize("n", [5, 30, 300])
def test_rayleigh_false_positive_rate_holds_alpha(n):
    rng = np.random.default_rng([7, n])
    trials = 20_000
    p = np.array([rayleigh_p_value(rng.uniform(0, 2 * np.pi, n)) for _ in range(trials)])
    for alpha in (0.05, 0.01):
        k = int((p <= alpha).sum())
        lo, hi = sps.binom.ppf([0.0005, 0.9995], trials, alpha)  # 99.9 % range under alpha
        assert lo <= k <= hi, (n, alpha, k / trials)


def test_rayleigh_detects_one_orientation_and_is_blind_to_six_fold_without_scaling():
    rng = np.random.default_rng(1)
    concentrated = rng.vonmises(0.3, 2.0, 50)
    assert rayleigh_p_value(concentrated) < 1e-6
    # grid orientations modulo 60 degrees: six copies of one orientation cancel unless the
    # angles are multiplied by 6 first
    orient = np.radians(rng.normal(20, 3, 50))
    hexad = np.concatenate([orient + k * np.pi / 3 for k in range(6)])
    assert rayleigh_p_value(hexad) > 0.5
    assert rayleigh_p_value(6 * hexad) < 1e-6
    assert np.isnan(rayleigh_p_value([1.0]))


@pytest.mark.parametrize("n", [3, 10])
def test_prediction_interval_covers_one_more_draw_at_its_level(n):
    # one more draw from the same normal population falls inside at the nominal rate; the
    # mean's t interval, which is narrower, would fail this
    from gridcells.stats import prediction_interval, t_interval
    rng = np.random.default_rng([11, n])
    trials, level = 4000, 0.95
    x = rng.normal(3.0, 2.0, (trials, n + 1))
    inside = np.array([(lambda m, lo, hi: lo <= r[-1] <= hi)(*prediction_interval(r[:-1], level))
                       for r in x])
    lo, hi = sps.binom.ppf([0.0005, 0.9995], trials, level)
    assert lo <= inside.sum() <= hi, inside.mean()
    narrow = np.array([(lambda m, a, b: a <= r[-1] <= b)(*t_interval(r[:-1], level)) for r in x])
    assert narrow.sum() < lo
    assert np.isnan(prediction_interval([1.0])[1])
