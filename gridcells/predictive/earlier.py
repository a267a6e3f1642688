"""The earlier public predictive analysis, reproduced rule for rule on our networks.

That analysis (a fork of the original code, ``predictive_retrospective_summary.py``; its
numbers are in the book's reference table) ran on the training generator's own trajectories:
10 batches of 100 paths of the training length (20 steps). At lag k it paired activity at t
with position at t + k inside each path, dropping the samples that leave it (k >= 0:
positions x[k:], activity a[:T - k]), so a lag of 18 steps rests on 2 samples per path and
lags with T - |k| <= 1 have no map. Lags ran from -20 to +20 steps; rate maps were 20 x 20
mean-activity bins without smoothing; gridness was score 60; the preferred shift was the
argmax over lags (the first in a tie); cm per step the mean displacement of the positions.
Classes: its thresholds (``fork`` in :mod:`gridcells.predictive.classes`). Its shuffles (one global
permutation of samples) were off for every reported count, and are not reproduced here.
"""

from __future__ import annotations

import numpy as np

from gridcells.analysis.ratemaps import Activity, rate_maps
from gridcells.predictive.classes import Classification, classify
from gridcells.predictive.shifted import Sweep, score_maps
from gridcells.world.config import Config

EARLIER_BATCHES, EARLIER_BATCH_SIZE, EARLIER_MAX_LAG = 10, 100, 20


def earlier_sweep(activity: Activity, cfg: Config, max_lag: int = EARLIER_MAX_LAG) -> Sweep:
    """Gridness at lags -max_lag..max_lag with samples dropped at the paths' ends (see the
    module doc); activity [n, T, U] along short paths. Lags without samples score NaN."""
    pos, act = activity.positions, activity.activations
    n, T, U = act.shape
    lags = np.arange(-max_lag, max_lag + 1)
    maps, n_samples = [], []
    for k in lags:
        if T - abs(k) <= 1:
            maps.append(np.full((U, cfg.nbins, cfg.nbins), np.nan))
            n_samples.append(0)
            continue
        p = pos[:, k:] if k >= 0 else pos[:, :T + k]
        a = act[:, :T - k] if k >= 0 else act[:, -k:]
        maps.append(rate_maps(p.reshape(-1, 2), a.reshape(-1, U), cfg).maps)
        n_samples.append(p.shape[0] * p.shape[1])
    s60, s90 = score_maps(maps, cfg.nbins)
    step = float(100 * np.linalg.norm(np.diff(pos, axis=1), axis=-1).mean())
    nan = np.full(s60.shape, np.nan)
    return Sweep(lags, lags * step, s60, s90, nan, nan[None], np.array(n_samples),
                 activity.units, "time")


def earlier_classification(activity: Activity, cfg: Config) -> tuple[Classification, Sweep]:
    """The earlier analysis's classes of ``activity`` on 20-step paths, with its
    thresholds (cfg.zero_shift_threshold, gridness_threshold, min_shift_cm)."""
    sweep = earlier_sweep(activity, cfg)
    return classify(sweep, cfg, "fork"), sweep
