"""Rate maps of activity re-paired with position in time or along the path.

For a unit with activity a(t) on trajectories x(t), the map at time shift k pairs a(t) with
x(t + k) inside each trajectory (k > 0: the unit is mapped against where the animal *will
be*). Every map, real or shuffled, uses the same activity samples, those at t in
[margin, T - margin) of each trajectory, so that lags up to ``margin`` steps never leave the
trajectory and all maps rest on the same samples (a map on fewer samples would be noisier,
and its gridness more variable, than the shuffles it is tested against).

The trajectories are split into ``groups`` (trajectory i belongs to group i mod groups), and
every map is kept as per-group sums and counts [G, bins, U]. Two things need them: the
jackknife of the shift estimate (leave one group out) and the calibrated shuffle test (each
group gets its own circular offset, :mod:`gridcells.predictive.shuffles`). Summing the groups
gives the ordinary map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch

from gridcells.analysis.ratemaps import Activity, bin_index
from gridcells.world.config import Config


def cm_per_step(velocities: np.ndarray) -> float:
    """Mean displacement per step (cm) of velocities [..., 2] (m / step)."""
    return float(100 * np.linalg.norm(velocities, axis=-1).mean())


@dataclass
class GroupSums:
    """Per-group rate-map sums of one pairing.

    sums: [G, B, U] summed activity per group, bin (B = nbins^2, flat iy * nbins + ix) and
    unit; counts: [G, B] samples per group and bin."""

    sums: np.ndarray
    counts: np.ndarray

    def maps(self, nbins: int) -> np.ndarray:
        """Mean-activity maps [U, nbins, nbins] over all groups (NaN where unvisited)."""
        return maps_from_sums(self.sums.sum(0), self.counts.sum(0), nbins)


def maps_from_sums(sums: np.ndarray, counts: np.ndarray, nbins: int) -> np.ndarray:
    """Maps [..., U, nbins, nbins] from sums [..., B, U] and counts [..., B]."""
    with np.errstate(invalid="ignore", divide="ignore"):
        m = sums / counts[..., None]
    m = np.where(counts[..., None] > 0, m, np.nan)
    return np.swapaxes(m, -1, -2).reshape(*m.shape[:-2], m.shape[-1], nbins, nbins)


class ShiftedMaps:
    """Shifted rate maps of activity [n, T, U] against positions [n, T, 2].

    Bin indices are computed once; a shift only re-indexes them (no copy of the activity).
    """

    def __init__(self, activity: Activity, cfg: Config, margin: int | None = None,
                 groups: int | None = None):
        self.cfg = cfg
        act = np.asarray(activity.activations)
        n, T, U = act.shape
        self.n, self.T, self.U = n, T, U
        self.margin = cfg.max_lag if margin is None else margin
        if 2 * self.margin >= T:
            raise ValueError(f"max_lag ({self.margin}) is not shorter than half the trajectories "
                             f"({T} steps); raise analysis_sequence_length or lower max_lag")
        self.G = max(1, min(cfg.shuffle_groups if groups is None else groups, n))
        self.B = cfg.nbins ** 2
        self.idx = bin_index(torch.as_tensor(activity.positions).reshape(-1, 2), cfg.box_width,
                             cfg.box_height, cfg.nbins).reshape(n, T).numpy()
        m = self.margin
        win = act[:, m:T - m]
        self.W = win.shape[1]
        self.act = np.ascontiguousarray(win.reshape(-1, U), dtype=np.float32)  # [n W, U]
        self.group = np.arange(n) % self.G  # [n]
        self._row_base = np.repeat(self.group * self.B, self.W)  # [n W]
        # per-group totals for variance explained and its jackknife: [G], [G, U], [G, U]
        # (one group in float64 at a time)
        self.n_group = np.zeros(self.G)
        self.sum_group = np.zeros((self.G, U))
        self.sumsq_group = np.zeros((self.G, U))
        for g in range(self.G):
            x = win[self.group == g].reshape(-1, U).astype(np.float64)
            self.n_group[g] = len(x)
            self.sum_group[g] = x.sum(0)
            self.sumsq_group[g] = np.einsum("nu,nu->u", x, x)

    def _sums(self, idx_window: np.ndarray) -> GroupSums:
        """Group sums of the window's activity at bin indices [n, W] (B = skip)."""
        flat = idx_window.reshape(-1)
        skip = flat >= self.B
        rows = np.where(skip, self.G * self.B, self._row_base + flat)
        N = len(rows)
        onehot = sp.csc_matrix((np.ones(N, np.float32), rows, np.arange(N + 1)),
                               shape=(self.G * self.B + 1, N))
        sums = np.asarray(onehot @ self.act)[:-1].reshape(self.G, self.B, self.U)
        counts = np.bincount(rows, minlength=self.G * self.B + 1)[:-1]
        return GroupSums(sums.astype(np.float64), counts.reshape(self.G, self.B).astype(float))

    def lag(self, k: int) -> GroupSums:
        """a(t) against x(t + k) within each trajectory."""
        if abs(k) > self.margin:
            raise ValueError(f"lag {k} exceeds max_lag ({self.margin})")
        m = self.margin
        return self._sums(self.idx[:, m + k:self.T - m + k])

    def circular(self, c: int) -> GroupSums:
        """a(t) against x((t + c) mod T) in every trajectory (a circular shuffle)."""
        rolled = np.roll(self.idx, -int(c), axis=1)
        return self._sums(rolled[:, self.margin:self.T - self.margin])

    def positions_at(self, positions: np.ndarray, valid: np.ndarray) -> GroupSums:
        """a(t) against arbitrary positions [n, T, 2] where ``valid`` [n, T]."""
        idx = np.full((self.n, self.T), self.B)
        v = np.asarray(valid)
        idx[v] = bin_index(torch.as_tensor(positions)[v], self.cfg.box_width,
                           self.cfg.box_height, self.cfg.nbins).numpy()
        return self._sums(idx[:, self.margin:self.T - self.margin])

    def variance_explained(self, s: GroupSums) -> tuple[np.ndarray, np.ndarray]:
        """Fraction of each unit's activity variance explained by the binned (shifted)
        position: between-bin over total sum of squares, over all groups [U] and leaving
        each group out [G, U]. 0 for a unit with no variance."""
        tot_s, tot_c = s.sums.sum(0), s.counts.sum(0)
        full = self._r2(tot_s, tot_c, self.sum_group.sum(0), self.sumsq_group.sum(0))
        jack = self._r2(tot_s[None] - s.sums, tot_c[None] - s.counts,
                        self.sum_group.sum(0)[None] - self.sum_group,
                        self.sumsq_group.sum(0)[None] - self.sumsq_group)
        return full, jack

    @staticmethod
    def _r2(sums, counts, total, sumsq):
        """R^2 from bin sums [..., B, U], counts [..., B], unit totals and sums of squares
        [..., U] (all samples of the window; samples without a bin count as unexplained)."""
        n = counts.sum(-1)[..., None]
        with np.errstate(invalid="ignore", divide="ignore"):
            between = (np.where(counts[..., None] > 0, sums ** 2 / counts[..., None], 0).sum(-2)
                       - sums.sum(-2) ** 2 / n)
            ss = sumsq - total ** 2 / n
            r2 = between / ss
        return np.where(ss > 1e-12 * np.maximum(sumsq, 1e-300), r2, 0.0)


def distance_shifted_positions(positions: np.ndarray, shift_m: float
                               ) -> tuple[np.ndarray, np.ndarray]:
    """Positions a path length ``shift_m`` (m) ahead (> 0) or behind (< 0) each sample along
    its trajectory, linearly interpolated; returns positions [n, T, 2] and valid [n, T] (the
    shifted point lies within the trajectory)."""
    n, T, _ = positions.shape
    seg = np.linalg.norm(np.diff(positions, axis=1), axis=-1)
    s = np.concatenate([np.zeros((n, 1)), np.cumsum(seg, 1)], 1)  # path length [n, T]
    target = s + shift_m
    valid = (target >= 0) & (target <= s[:, -1:])
    out = np.empty_like(positions)
    for i in range(n):  # np.interp is 1-d; n trajectories of T samples each
        for d in range(2):
            out[i, :, d] = np.interp(target[i], s[i], positions[i, :, d])
    return out, valid


@dataclass
class Sweep:
    """Gridness and spatial sharpness against shift.

    shifts: [L] in steps (time sweep) or cm (distance sweep); shifts_cm: [L];
    score_60, score_90: [L, U] grid scores; sharpness: [L, U] fraction of activity variance
    explained by the shifted position (:meth:`ShiftedMaps.variance_explained`);
    sharpness_jack: [G, L, U] the same leaving one trajectory group out; n_samples: [L];
    units: [U] network indices; kind: "time" or "distance"."""

    shifts: np.ndarray
    shifts_cm: np.ndarray
    score_60: np.ndarray
    score_90: np.ndarray
    sharpness: np.ndarray
    sharpness_jack: np.ndarray
    n_samples: np.ndarray
    units: np.ndarray
    kind: str = "time"

    @property
    def zero(self) -> int:
        return int(np.argmin(np.abs(self.shifts_cm)))


def score_maps(maps_list, nbins: int) -> tuple[np.ndarray, np.ndarray]:
    """Grid scores 60 and 90 [len(maps_list), U] of map stacks [U, n, n], in one batch."""
    from gridcells.analysis.scores import GridScorer
    s = GridScorer.cached(nbins).score(np.concatenate(maps_list))
    shape = (len(maps_list), -1)
    return s.score_60.reshape(shape), s.score_90.reshape(shape)


def _sweep(maps: ShiftedMaps, built: list[GroupSums], shifts, shifts_cm, units,
           kind: str) -> Sweep:
    nb = maps.cfg.nbins
    s60, s90 = score_maps([b.maps(nb) for b in built], nb)
    r2 = [maps.variance_explained(b) for b in built]
    return Sweep(np.asarray(shifts), np.asarray(shifts_cm, float), s60, s90,
                 np.stack([r[0] for r in r2]), np.stack([r[1] for r in r2], 1),
                 np.array([b.counts.sum() for b in built]), np.asarray(units), kind)


def lag_sweep(activity: Activity, cfg: Config, max_lag: int | None = None,
              maps: ShiftedMaps | None = None) -> Sweep:
    """Gridness and sharpness of every unit at time shifts -max_lag..max_lag steps."""
    max_lag = cfg.max_lag if max_lag is None else max_lag
    maps = maps or ShiftedMaps(activity, cfg, max_lag)
    lags = np.arange(-max_lag, max_lag + 1)
    built = [maps.lag(int(k)) for k in lags]
    return _sweep(maps, built, lags, lags * cm_per_step(activity.velocities), activity.units,
                  "time")


def distance_sweep(activity: Activity, cfg: Config, shifts_cm: np.ndarray,
                   maps: ShiftedMaps | None = None) -> Sweep:
    """Gridness and sharpness at path-length shifts ``shifts_cm`` [L] (cm) (Ouchi &
    Fujisawa 2024)."""
    maps = maps or ShiftedMaps(activity, cfg)
    built = [maps.positions_at(*distance_shifted_positions(activity.positions, d / 100))
             for d in shifts_cm]
    return _sweep(maps, built, shifts_cm, shifts_cm, activity.units, "distance")
