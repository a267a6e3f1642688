"""Shuffle tests of shifted gridness, calibrated on noise.

A shuffle breaks the pairing of activity with position and keeps everything else: each
trajectory's activity is shifted circularly in time against its positions. One common offset
for all trajectories (this project's first test) leaves only about T distinct shuffled maps,
and the null maxima over lags become overlapping windows over the same few maps: on pure noise
that test called 13-16 % of units significant at a nominal 5 %. Here the trajectories are
split into ``shuffle_groups`` groups (:class:`gridcells.predictive.shifted.ShiftedMaps`) and every
shuffle draws an independent offset for every group, so no two shuffles share their maps.

Offsets keep the shuffled pairing at least ``shuffle_min_offset`` steps (mod T) from the true
one at every tested lag. The per-group maps of every needed circular offset are built once;
a shuffle's map at lag k sums group g's map at offset (k + s_g) mod T.

Three tests per unit, each a Monte-Carlo p-value (1 + #{null >= observed}) / (S + 1):

* ``zero``: gridness at shift 0 against the shuffles' gridness at shift 0;
* ``future`` / ``past``: the best gridness over the tested positive / negative lags against
  the shuffles' best over the same lags (a family-wise max statistic, which accounts for
  picking the best of many lags);
* ``any``: the best over all tested lags (is the unit a grid cell at some shift).

The tested lags are every ``shuffle_lag_step``-th lag of the sweep (gridness varies slowly with
the shift; the step sets the cost). Offsets are multiples of the step, so only T / step
circular offsets are ever built.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gridcells.predictive.shifted import ShiftedMaps, Sweep, maps_from_sums, score_maps
from gridcells.world.config import Config

TESTS = ("zero", "future", "past", "any")


@dataclass
class ShuffleTest:
    """lags: [K] tested lags (steps); offsets: [S, G] circular offset of every shuffle and
    trajectory group (steps); observed: [K, U] gridness (score 60) at the tested lags;
    null: [S, K, U] the shuffles' gridness; p: test name -> [U] p-values; alpha: level."""

    lags: np.ndarray
    offsets: np.ndarray
    observed: np.ndarray
    null: np.ndarray
    p: dict
    alpha: float

    def significant(self, test: str) -> np.ndarray:
        """[U] bool: p <= alpha for ``test`` (one of TESTS)."""
        return self.p[test] <= self.alpha


def p_values(observed: np.ndarray, null: np.ndarray) -> np.ndarray:
    """Monte-Carlo p-values [U] of observed [U] against null [S, U]: (1 + #null >= observed)
    / (S + 1). Undefined observed scores (silent units) get 1; undefined null scores never
    count as exceeding."""
    obs = np.nan_to_num(observed, nan=np.inf)
    exceed = (np.nan_to_num(null, nan=-np.inf) >= obs).sum(0)
    return np.where(np.isfinite(observed), (1 + exceed) / (null.shape[0] + 1), 1.0)


def statistics(scores: np.ndarray, lags: np.ndarray) -> dict[str, np.ndarray]:
    """Test statistics of gridness [..., K, U] at ``lags`` [K]: test name -> [..., U]."""
    s = np.nan_to_num(scores, nan=-np.inf)

    def best(sel):
        return s[..., sel, :].max(-2) if sel.any() else np.full(s.shape[:-2] + s.shape[-1:],
                                                                -np.inf)
    out = {"zero": best(lags == 0), "future": best(lags > 0), "past": best(lags < 0),
           "any": best(np.ones(len(lags), bool))}
    return {k: np.where(np.isfinite(v), v, np.nan) for k, v in out.items()}


def tested_lags(sweep: Sweep, step: int) -> np.ndarray:
    """Indices into ``sweep.shifts`` of the lags a shuffle test examines: every ``step``-th
    lag counted from 0."""
    if sweep.kind != "time":
        raise ValueError("shuffle tests need a time sweep (lags in steps)")
    return np.flatnonzero(sweep.shifts % step == 0)


def draw_offsets(T: int, reach: int, cfg: Config, trials: int, groups: int,
                 rng: np.random.Generator) -> np.ndarray:
    """Offsets [trials, groups]: multiples of shuffle_lag_step that keep every tested pairing
    at least shuffle_min_offset steps (mod T) from the true one."""
    lo, hi = cfg.shuffle_min_offset + reach, T - cfg.shuffle_min_offset - reach
    step = cfg.shuffle_lag_step
    choices = np.arange(-(-lo // step) * step, hi + 1, step)
    if len(choices) == 0:
        raise ValueError(f"shuffle_min_offset ({cfg.shuffle_min_offset}) and max_lag ({reach}) "
                         f"leave no shuffle offset in trajectories of {T} steps; expected "
                         f"analysis_sequence_length >= "
                         f"{2 * (cfg.shuffle_min_offset + reach) + step}")
    return rng.choice(choices, (trials, groups))


def shuffle_test(maps: ShiftedMaps, sweep: Sweep, cfg: Config, trials: int | None = None,
                 rng: np.random.Generator | None = None, unit_chunk: int = 128) -> ShuffleTest:
    """``trials`` group-wise circular shuffles scored at the tested lags of ``sweep`` (a time
    sweep built from ``maps``); see the module doc."""
    trials = cfg.shuffle_trials if trials is None else trials
    rng = rng if rng is not None else np.random.default_rng([cfg.rng_seed, 0x5F])
    sel = tested_lags(sweep, cfg.shuffle_lag_step)
    lags = sweep.shifts[sel].astype(int)
    observed = sweep.score_60[sel]
    U, T, G = observed.shape[1], maps.T, maps.G
    offsets = draw_offsets(T, int(np.abs(lags).max()), cfg, trials, G, rng)
    null = np.full((trials, len(lags), U), np.nan)
    if trials:
        needed = np.unique((lags[None, :, None] + offsets[:, None, :]) % T)  # [C]
        where = np.searchsorted(needed, (lags[None, :, None] + offsets[:, None, :]) % T)
        circ = [maps.circular(int(c)) for c in needed]
        counts = np.stack([c.counts for c in circ])  # [C, G, B]
        g = np.arange(G)
        for u0 in range(0, U, unit_chunk):
            part = slice(u0, min(U, u0 + unit_chunk))
            sums = np.stack([c.sums[..., part] for c in circ]).astype(np.float32)  # [C,G,B,u]
            for j in range(trials):
                s = sums[where[j], g].sum(1, dtype=np.float64)  # [K, B, u]
                n = counts[where[j], g].sum(1)  # [K, B]
                m = maps_from_sums(s, n, cfg.nbins)  # [K, u, nb, nb]
                null[j, :, part] = score_maps(list(m), cfg.nbins)[0]
    obs_stat, null_stat = statistics(observed, lags), statistics(null, lags)
    p = {t: p_values(obs_stat[t], null_stat[t]) for t in TESTS}
    return ShuffleTest(lags, offsets, observed, null, p, cfg.shuffle_alpha)
