"""Synthetic units with a known answer, for the benchmarks and tests of the predictive
analysis.

A synthetic grid unit fires, at time t, for the position it *encodes*: the position a known
number of steps (``kind="time"``) or a known path length (``kind="distance"``) ahead (> 0) or
behind (< 0) the animal. Its map is a rectified sum of three plane waves at 60 degrees (a
hexagonal grid of spacing 40-90 cm with wide fields, like the trained network's), with
multiplicative gain noise and additive noise. Noise units are iid or AR(1) Gaussian noise with
no spatial tuning at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gridcells.analysis.ratemaps import Activity
from gridcells.predictive.shifted import distance_shifted_positions
from gridcells.world.config import Config
from gridcells.world.trajectories import simulate


def grid_rate(pos: np.ndarray, spacing: float, angle_deg: float = 0.0,
              phase=(0.0, 0.0)) -> np.ndarray:
    """Hexagonal grid rate [...] at positions [..., 2] (m): ReLU of three plane waves at 60
    degrees, spacing (m) between neighbouring fields, fields about spacing / 2 wide."""
    k = 4 * np.pi / (np.sqrt(3) * spacing)
    total = 0.0
    for i in range(3):
        th = np.radians(angle_deg + 60 * i)
        total = total + np.cos(k * ((pos[..., 0] - phase[0]) * np.cos(th)
                                    + (pos[..., 1] - phase[1]) * np.sin(th)))
    return np.maximum(total, 0)


def paths(cfg: Config, n: int, length: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions [n, T, 2] (m) and velocities [n, T, 2] (m / step) of ``n`` simulated paths."""
    pos, vel = simulate(cfg, n, length, np.random.default_rng(seed))
    return pos[1:].transpose(1, 0, 2), vel.transpose(1, 0, 2)


def encoded_positions(positions: np.ndarray, shift: float, kind: str) -> np.ndarray:
    """The positions [n, T, 2] a unit encodes: ``shift`` steps (time; clamped at the
    trajectory's ends) or cm (distance; interpolated along the path, clamped) ahead."""
    T = positions.shape[1]
    if kind == "time":
        return positions[:, np.clip(np.arange(T) + int(shift), 0, T - 1)]
    if kind == "distance":
        return distance_shifted_positions(positions, shift / 100)[0]
    raise ValueError(f"kind: expected 'time' or 'distance', got {kind!r}")


def noise(shape, rng: np.random.Generator, ar: float = 0.0) -> np.ndarray:
    """Gaussian noise [n, T] with lag-1 autocorrelation ``ar`` (0: iid), unit variance."""
    e = rng.standard_normal(shape)
    if ar == 0:
        return e
    out = np.empty(shape)
    out[:, 0] = e[:, 0]
    scale = np.sqrt(1 - ar ** 2)
    for t in range(1, shape[1]):
        out[:, t] = ar * out[:, t - 1] + scale * e[:, t]
    return out


@dataclass
class Population:
    """Synthetic activity with its ground truth: activity (gridcells.Activity); shift: [U] the
    encoded shift (steps for time units, cm for distance units; NaN for noise units); kind: [U]
    "time", "distance" or "noise"; spacing: [U] (m; NaN for noise)."""

    activity: Activity
    shift: np.ndarray
    kind: np.ndarray
    spacing: np.ndarray


def population(positions: np.ndarray, velocities: np.ndarray, shifts, kinds,
               spacings, seed: int, gain_noise: float = 0.2, additive_noise: float = 0.3,
               n_noise: int = 0, ar: float = 0.0) -> Population:
    """Grid units encoding ``shifts`` [U] of ``kinds`` [U] with ``spacings`` [U] (m), random
    orientation and phase, gain noise (per-sample factor 1 + gain_noise * N(0, 1), floored at
    0) and additive noise (additive_noise times the unit's rate s.d.); then ``n_noise`` noise
    units (AR(1) coefficient ``ar``)."""
    rng = np.random.default_rng(seed)
    n, T, _ = positions.shape
    acts = []
    for shift, kind, spacing in zip(shifts, kinds, spacings):
        rate = grid_rate(encoded_positions(positions, shift, kind), spacing,
                         rng.uniform(0, 60), rng.uniform(-1.1, 1.1, 2))
        rate = rate * np.maximum(1 + gain_noise * rng.standard_normal(rate.shape), 0)
        acts.append(rate + additive_noise * rate.std() * rng.standard_normal(rate.shape))
    acts += [noise((n, T), rng, ar) for _ in range(n_noise)]
    act = np.stack(acts, -1).astype(np.float32)
    nan = [np.nan] * n_noise
    return Population(Activity(positions, velocities, act, np.arange(act.shape[-1])),
                      np.array(list(shifts) + nan, float), np.array(list(kinds) + ["noise"] *
                                                                     n_noise),
                      np.array(list(spacings) + nan, float))
