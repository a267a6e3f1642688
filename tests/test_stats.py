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


@pytest.mark.parametrize("n,k,calibrated", [(16, 12, True), (16, 10, True), (16, 7, True),
                                            (50, 4, True), (16, 3, False)])
def test_paired_table_permutation_tests_hold_alpha_on_noise(n, k, calibrated):
    # Cochran's Q on tables whose seeds differ (each its own propensity) but whose settings
    # do not; the seed concordance on tables whose settings differ but whose seeds do not.
    # Measured (1000 tables, 199 permutations): 16 x 12: 5.0 % and 3.9 %; 16 x 10: 4.9 % and
    # 3.9 %; 16 x 7 (the seed test's same-start settings): 3.9 % and 4.3 %; 50 x 4: 5.6 % and
    # 4.9 %; 16 x 3: 3.3 % and 2.1 % (few distinct values of the statistic: conservative)
    from gridcells.stats import cochran_q, unit_concordance, wilson_interval
    rng = np.random.default_rng([n, k])
    trials, alpha = 1000, 0.05
    q_hits = c_hits = 0
    for i in range(trials):
        by_seed = rng.random((n, k)) < rng.beta(1, 3, n)[:, None]
        q_hits += cochran_q(by_seed.astype(int), 199, i)[1] <= alpha
        by_setting = rng.random((n, k)) < rng.uniform(0, 0.5, k)[None]
        c_hits += unit_concordance(by_setting.astype(int), 199, i)[1] <= alpha
    for hits in (q_hits, c_hits):
        lo, hi = wilson_interval(hits, trials)
        assert lo <= alpha and hits > 0, (n, k, hits / trials)   # never liberal; it rejects
        if calibrated:
            assert hi >= alpha, (n, k, hits / trials)


def test_paired_table_tests_find_real_effects_and_equal_mcnemar_for_two_settings():
    from gridcells.stats import cochran_q, unit_concordance
    rng = np.random.default_rng(3)
    # one setting far above the others: Cochran's Q finds it, the seed concordance does not
    shares = np.r_[0.9, np.full(5, 0.2)]
    t = (rng.random((16, 6)) < shares).astype(int)
    assert cochran_q(t)[1] < 0.01 and unit_concordance(t)[1] > 0.05
    # half of the seeds lean hexagonal under nearly every setting: the concordance finds it
    seeds = np.r_[np.full(8, 0.9), np.full(8, 0.05)][:, None]
    t = (rng.random((16, 6)) < seeds).astype(int)
    assert unit_concordance(t)[1] < 0.01 and cochran_q(t)[1] > 0.05
    # two settings: Q is McNemar's uncorrected chi-square (b - c)^2 / (b + c)
    t = np.array([[1, 0]] * 7 + [[0, 1]] * 2 + [[1, 1]] * 4 + [[0, 0]] * 3)
    assert cochran_q(t)[0] == pytest.approx((7 - 2) ** 2 / (7 + 2))
    with pytest.raises(ValueError, match="expected a 0/1 table"):
        cochran_q(np.array([[0, 2], [1, 0]]))
