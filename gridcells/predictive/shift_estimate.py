"""A unit's preferred shift: where its shifted rate map is sharpest.

Gridness is a poor guide to the shift. Shifting a clean grid blurs it almost isotropically
and blur keeps the hexagonal symmetry, so gridness stays flat over many steps, then drops
where the contrast inverts and rises to a second plateau; its argmax (the earlier analysis)
or the centroid of its peak land anywhere on the plateau, often on the wrong one.

The *sharpness* of the map does not have that problem: the fraction of a unit's activity
variance explained by the binned position (between-bin over total sum of squares) is largest
when activity is paired with the position it encodes, and every step away blurs the map and
lowers it, for any lattice, field width or spacing. The preferred shift is the argmax of that
curve refined by a parabola through the peak and its two neighbours (sub-step precision). A
peak on the first or last shift of the window is *unresolved*: the true optimum may lie
outside it. Its standard error is the jackknife over trajectory groups
(:class:`gridcells.predictive.shifted.ShiftedMaps`).

``centroid`` (the centre of the gridness peak, this project's earlier estimate) and
``argmax`` (the earlier public analysis) are kept for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gridcells.predictive.shifted import Sweep

METHODS = ("sharpness", "centroid", "argmax")


@dataclass
class ShiftEstimate:
    """Preferred shift of every unit.

    shift: [U] in sweep units (steps or cm); shift_cm: [U]; se_cm: [U] jackknife standard
    error (NaN for gridness-based methods); at_edge: [U] the peak is on the window's first or
    last shift (unresolved); method: one of METHODS."""

    shift: np.ndarray
    shift_cm: np.ndarray
    se_cm: np.ndarray
    at_edge: np.ndarray
    method: str


def refined_peak(curves: np.ndarray, shifts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Peak position [U] of curves [..., L, U] sampled at evenly spaced ``shifts`` [L]: the
    argmax refined by the vertex of the parabola through it and its neighbours (clipped to
    half a spacing); and at_edge [U] (argmax at the first or last shift). NaN curves count
    as -inf; an all-NaN curve peaks at the first shift, on the edge."""
    c = np.nan_to_num(np.asarray(curves, float), nan=-np.inf)
    L = c.shape[-2]
    top = np.argmax(c, -2)  # [..., U]
    inner = np.clip(top, 1, L - 2)
    y0 = np.take_along_axis(c, inner[..., None, :] - 1, -2)[..., 0, :]
    y1 = np.take_along_axis(c, inner[..., None, :], -2)[..., 0, :]
    y2 = np.take_along_axis(c, inner[..., None, :] + 1, -2)[..., 0, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        den = y0 - 2 * y1 + y2
        delta = np.where(np.isfinite(den) & (den < 0), 0.5 * (y0 - y2) / den, 0.0)
    delta = np.where((top == inner) & np.isfinite(delta), np.clip(delta, -0.5, 0.5), 0.0)
    step = float(shifts[1] - shifts[0]) if L > 1 else 1.0
    pos = np.asarray(shifts, float)[top] + delta * step
    return pos, (top == 0) | (top == L - 1)


def peak_centroid(scores: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """Preferred shift [U] of gridness curves scores [L, U]: the centroid of the contiguous run
    of shifts around the maximum where gridness stays above half-way between the curve's
    minimum and maximum, weighted by the height above that level."""
    s = np.nan_to_num(scores, nan=-np.inf)
    out = np.empty(s.shape[1])
    for u in range(s.shape[1]):
        col = s[:, u]
        top = int(np.argmax(col))
        finite = col[np.isfinite(col)]
        if finite.size == 0:
            out[u] = shifts[top]
            continue
        level = (finite.max() + finite.min()) / 2
        lo = top
        while lo > 0 and col[lo - 1] >= level:
            lo -= 1
        hi = top
        while hi < len(col) - 1 and col[hi + 1] >= level:
            hi += 1
        w = col[lo:hi + 1] - level
        out[u] = shifts[top] if w.sum() <= 0 else float((w * shifts[lo:hi + 1]).sum() / w.sum())
    return out


def to_cm(sweep: Sweep, shift: np.ndarray) -> np.ndarray:
    """Sweep units (steps or cm) -> cm, linearly (the sweep's shifts are evenly spaced)."""
    return np.interp(shift, sweep.shifts, sweep.shifts_cm, left=np.nan, right=np.nan)


def estimate_shift(sweep: Sweep, method: str = "sharpness") -> ShiftEstimate:
    """Preferred shift of every unit of ``sweep`` by ``method`` (see the module doc)."""
    shifts = sweep.shifts.astype(float)
    top = np.argmax(np.nan_to_num(sweep.score_60, nan=-np.inf), 0)
    grid_edge = (top == 0) | (top == len(shifts) - 1)
    se = np.full(sweep.score_60.shape[1], np.nan)
    if method == "sharpness":
        shift, edge = refined_peak(sweep.sharpness, shifts)
        jack, _ = refined_peak(sweep.sharpness_jack, shifts)  # [G, U]
        G = jack.shape[0]
        if G > 1:
            jack_cm = to_cm(sweep, jack)
            se = np.sqrt((G - 1) / G * ((jack_cm - jack_cm.mean(0)) ** 2).sum(0))
    elif method == "centroid":
        shift, edge = peak_centroid(sweep.score_60, shifts), grid_edge
    elif method == "argmax":
        shift, edge = shifts[top], grid_edge
    else:
        raise ValueError(f"shift estimator: expected one of {METHODS}, got {method!r}")
    return ShiftEstimate(shift, to_cm(sweep, shift), se, edge, method)


def injection_control(activity, cfg, steps=(-8, 8), method: str = "sharpness") -> list[dict]:
    """Positive control on a network's own units: advance each unit's activity by k steps
    within its trajectory (a'(t) = a(t + k): whatever shift a unit mapped best at, it now maps
    best k steps further) and check that the estimate moves by k steps.

    All conditions use the same positions, those at t in [K, T - K) with K = max |k|, so the
    baseline and every advanced copy rest on the same samples. activity: gridcells.Activity
    [n, T, U] (e.g. the grid units only); returns one row per k: the injected shift (cm), the
    median and the 5-95 % range of the estimated change (cm) over units, and the share of
    units whose change is within 3 cm of the injected shift."""
    from gridcells.analysis.ratemaps import Activity
    from gridcells.predictive.shifted import cm_per_step, lag_sweep

    K = max(abs(k) for k in steps)
    T = activity.positions.shape[1]
    pos, vel = activity.positions[:, K:T - K], activity.velocities[:, K:T - K]

    def estimate(k):
        act = activity.activations[:, K + k:T - K + k]
        sw = lag_sweep(Activity(pos, vel, act, activity.units), cfg)
        return estimate_shift(sw, method).shift_cm

    base, step = estimate(0), cm_per_step(vel)
    rows = []
    for k in steps:
        change = estimate(k) - base
        ok = np.isfinite(change)
        rows.append({"injected_steps": k, "injected_cm": k * step,
                     "median_change_cm": float(np.median(change[ok])) if ok.any() else None,
                     "change_5_95_cm": [float(x) for x in np.percentile(change[ok], [5, 95])]
                     if ok.any() else None,
                     "within_3cm": float((np.abs(change[ok] - k * step) <= 3).mean())
                     if ok.any() else None, "units": int(ok.sum())})
    return rows
