"""End-to-end calibration of the labels: pure-noise units (iid and AR(1) in time, no spatial
tuning) must be labelled predictive or retrospective at most at the test's level, under the
``shift`` and ``ouchi`` criteria, at two levels. The book's headline count rests on this."""

import dataclasses

import numpy as np
import pytest
from scipy import stats as sps

import gridcells as gc
from gridcells.predictive import synthetic
from gridcells.predictive.classes import classify
from gridcells.predictive.shifted import ShiftedMaps, lag_sweep
from gridcells.predictive.shuffles import shuffle_test

UNITS = 400


@pytest.fixture(scope="module")
def cfg():
    return gc.load_config(max_lag=12, shuffle_trials=40, shuffle_min_offset=20,
                          min_shift_cm=5.0, shuffle_lag_step=4, analysis_sequence_length=120)


@pytest.mark.slow
@pytest.mark.parametrize("ar", [0.0, 0.9])
def test_noise_units_are_labelled_predictive_or_retrospective_at_most_alpha(cfg, ar):
    pos, vel = synthetic.paths(cfg, 200, 120, seed=11)
    pop = synthetic.population(pos, vel, [], [], [], seed=int(20 + 10 * ar),
                               additive_noise=0.3, n_noise=UNITS, ar=ar)
    maps = ShiftedMaps(pop.activity, cfg)
    sweep = lag_sweep(pop.activity, cfg, maps=maps)
    test = shuffle_test(maps, sweep, cfg, rng=np.random.default_rng([5, int(10 * ar)]))
    S = cfg.shuffle_trials
    for alpha in (0.1, 0.05):
        # the exact level of p <= alpha with S shuffles: p = (1 + k) / (S + 1)
        level = np.floor(alpha * (S + 1)) / (S + 1)
        # a false label needs a significant test, so its count is at most Binomial(N, level):
        # allow its 99.9 % quantile
        bound = sps.binom.ppf(0.999, UNITS, level)
        at = dataclasses.replace(test, alpha=alpha)
        for criterion in ("shift", "ouchi"):
            labels = classify(sweep, cfg, criterion, at).labels
            k = int(np.isin(labels, ("predictive", "retrospective")).sum())
            assert k <= bound, (criterion, alpha, ar, k, bound)
        # the tests the labels rest on reject at their exact level (99.9 % binomial range):
        # a miscalibrated shuffle shows here even where the labels' extra rules hide it
        lo, hi = sps.binom.ppf([0.0005, 0.9995], UNITS, level)
        for name in ("zero", "future", "past"):
            rejected = int(at.significant(name).sum())
            assert lo <= rejected <= hi, (name, alpha, ar, rejected, lo, hi)
