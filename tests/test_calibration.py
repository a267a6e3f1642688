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

UNITS, SEEDS = 1000, (0, 1)  # 2000 noise units of each kind, from two populations and paths


@pytest.fixture(scope="module")
def cfg():
    return gc.load_config(max_lag=12, shuffle_trials=40, shuffle_min_offset=20,
                          min_shift_cm=5.0, shuffle_lag_step=4, analysis_sequence_length=120)


def labelled_and_rejected(cfg, ar, seed, alphas):
    """Noise units of one population (AR coefficient ``ar``; 0 is iid): per alpha, the
    number labelled predictive or retrospective under each criterion, and the number each
    shuffle test rejects."""
    pos, vel = synthetic.paths(cfg, 200, 120, seed=11 + seed)
    pop = synthetic.population(pos, vel, [], [], [], seed=int(20 + 10 * ar + 100 * seed),
                               additive_noise=0.3, n_noise=UNITS, ar=ar)
    maps = ShiftedMaps(pop.activity, cfg)
    sweep = lag_sweep(pop.activity, cfg, maps=maps)
    test = shuffle_test(maps, sweep, cfg, rng=np.random.default_rng([5, int(10 * ar), seed]))
    out = {}
    for alpha in alphas:
        at = dataclasses.replace(test, alpha=alpha)
        out[alpha] = {
            **{c: int(np.isin(classify(sweep, cfg, c, at).labels,
                              ("predictive", "retrospective")).sum())
               for c in ("shift", "ouchi")},
            **{t: int(at.significant(t).sum()) for t in ("zero", "future", "past")}}
    return out


@pytest.mark.slow
@pytest.mark.parametrize("ar", [0.0, 0.9])
def test_noise_units_are_labelled_predictive_or_retrospective_at_most_alpha(cfg, ar):
    """2000 noise units (two populations): the share labelled predictive or retrospective is
    at most alpha (one-sided binomial test at 0.001: at 5 % the bound is 6.6 % of units, at
    10 % it is 12.2 %), and every shuffle test rejects at its exact level (two-sided 99.9 %
    binomial range). Red with one common shuffle offset (shuffle_groups=1): 'future' and
    'past' then reject 16-17 % of these noise units at 5 % (the labels' extra rules hide it
    for iid noise: 0.8 % labelled)."""
    alphas = (0.1, 0.05)
    counts = [labelled_and_rejected(cfg, ar, seed, alphas) for seed in SEEDS]
    n, S = UNITS * len(SEEDS), cfg.shuffle_trials
    for alpha in alphas:
        # the exact level of p <= alpha with S shuffles: p = (1 + k) / (S + 1)
        level = np.floor(alpha * (S + 1)) / (S + 1)
        total = {key: sum(c[alpha][key] for c in counts) for key in counts[0][alpha]}
        bound = sps.binom.ppf(0.999, n, alpha)
        for criterion in ("shift", "ouchi"):
            assert total[criterion] <= bound, (criterion, alpha, ar, total, bound)
        # the tests the labels rest on reject at their exact level: a miscalibrated shuffle
        # shows here even where the labels' extra rules hide it
        lo, hi = sps.binom.ppf([0.0005, 0.9995], n, level)
        for name in ("zero", "future", "past"):
            assert lo <= total[name] <= hi, (name, alpha, ar, total, lo, hi)
