"""Predictive grid cells: gridness as a function of a time or distance shift, classification,
shuffle controls.

For a unit with activity a(t) on trajectories x(t), the rate map at time shift k pairs
a(t) with x(t + k) inside each trajectory (k > 0: the unit fires for where the animal
*will be*). A unit whose gridness peaks at k > 0 is predictive, at k < 0 retrospective
(phase precession), at k ~ 0 zero-lag (phase locked). Shifts are converted to cm with the
measured mean displacement per step. The distance shift of Ouchi & Fujisawa (2024) instead
takes the position a given path length ahead along the trajectory (interpolated).

Shuffles: the activity of every trajectory is shifted circularly in time by one common
random offset s, and the map at lag k is rebuilt; s is drawn so that at every lag the
shuffled pairing stays at least ``shuffle_min_offset`` steps (mod T) from the true one.
The shuffled map (s, k) pairs a(t) with x((t + k + s) mod T), so it depends only on
(k + s) mod T: every shuffle at every lag is read from at most T circular-lag maps, each
computed and scored once. That is what makes 100 shuffles x 41 lags cheap, and every
number still comes from a genuine shuffle.

Two criteria (``fork`` and ``ouchi``) are described in :func:`classify`.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from .config import Config
from .ratemaps import Activity, RateMapAccumulator, bin_index
from .scores import GridScorer

CLASSES = ("predictive", "retrospective", "zero-lag", "low-grid", "unclassified")


def cm_per_step(velocities: np.ndarray) -> float:
    """Mean displacement per step (cm) of velocities [..., 2] (m / step)."""
    return float(100 * np.linalg.norm(velocities, axis=-1).mean())


class ShiftedMaps:
    """Rate maps of activity [n, T, U] against positions [n, T, 2] re-paired in time.

    Every time-shifted and shuffled map uses the same activity samples, those at
    t in [margin, T - margin) of each trajectory, so that lags up to ``margin`` steps never
    leave the trajectory and all maps (real or shuffled) rest on the same number of samples
    (otherwise a shorter lag-map would be noisier, and its gridness more variable, than the
    shuffles it is tested against). Bin indices are computed once; a shift only re-indexes
    them (no copy of the activity).
    """

    def __init__(self, activity: Activity, cfg: Config, margin: int | None = None):
        self.cfg = cfg
        self.act = torch.as_tensor(activity.activations)
        n, T, U = self.act.shape
        self.T, self.U = T, U
        self.margin = cfg.max_lag if margin is None else margin
        if 2 * self.margin >= T:
            raise ValueError(f"max_lag ({self.margin}) is not shorter than half the trajectories "
                             f"({T} steps); raise analysis_sequence_length or lower max_lag")
        self.idx = bin_index(torch.as_tensor(activity.positions).reshape(-1, 2), cfg.box_width,
                             cfg.box_height, cfg.nbins).reshape(n, T)
        self.skip = cfg.nbins ** 2

    def _maps(self, idx: torch.Tensor) -> tuple[np.ndarray, int]:
        acc = RateMapAccumulator(self.cfg, self.U)
        acc.add_indexed(idx, self.act)
        return acc.result().maps, int((idx != self.skip).sum())

    def _window(self, positions_idx: torch.Tensor) -> torch.Tensor:
        idx = torch.full_like(self.idx, self.skip)
        m = self.margin
        idx[:, m:self.T - m] = positions_idx
        return idx

    def lag(self, k: int) -> tuple[np.ndarray, int]:
        """Maps [U, nb, nb] of a(t) against x(t + k) within each trajectory, and the number of
        samples used."""
        if abs(k) > self.margin:
            raise ValueError(f"lag {k} exceeds max_lag ({self.margin})")
        m = self.margin
        return self._maps(self._window(self.idx[:, m + k:self.T - m + k]))

    def circular(self, c: int) -> np.ndarray:
        """Maps of a(t) against x((t + c) mod T) (a circular shuffle)."""
        rolled = torch.roll(self.idx, -c, dims=1)
        return self._maps(self._window(rolled[:, self.margin:self.T - self.margin]))[0]

    def positions_at(self, positions: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, int]:
        """Maps of a(t) against arbitrary positions [n, T, 2] where ``valid`` [n, T] (all t)."""
        idx = torch.full_like(self.idx, self.skip)
        v = torch.as_tensor(valid)
        idx[v] = bin_index(torch.as_tensor(positions)[v], self.cfg.box_width,
                           self.cfg.box_height, self.cfg.nbins)
        return self._maps(idx)


@dataclass
class Sweep:
    """Gridness against shift.

    shifts: [L] in steps (time sweep) or cm (distance sweep); shifts_cm: [L];
    score_60, score_90: [L, U]; n_samples: [L]; units: [U] network indices."""

    shifts: np.ndarray
    shifts_cm: np.ndarray
    score_60: np.ndarray
    score_90: np.ndarray
    n_samples: np.ndarray
    units: np.ndarray

    @property
    def zero(self) -> int:
        return int(np.argmin(np.abs(self.shifts_cm)))


def _score_all(maps_list, scorer) -> tuple[np.ndarray, np.ndarray]:
    """Scores [len(maps_list), U] of a list of map stacks [U, n, n], scored in one batch."""
    s = scorer.score(np.concatenate(maps_list))
    shape = (len(maps_list), -1)
    return s.score_60.reshape(shape), s.score_90.reshape(shape)


def lag_sweep(activity: Activity, cfg: Config, max_lag: int | None = None,
              maps: ShiftedMaps | None = None) -> Sweep:
    """Gridness of every unit at time shifts -max_lag..max_lag steps."""
    max_lag = cfg.max_lag if max_lag is None else max_lag
    maps = maps or ShiftedMaps(activity, cfg, max_lag)
    lags = np.arange(-max_lag, max_lag + 1)
    built = [maps.lag(int(k)) for k in lags]
    s60, s90 = _score_all([b[0] for b in built], GridScorer.cached(cfg.nbins))
    step_cm = cm_per_step(activity.velocities)
    return Sweep(lags, lags * step_cm, s60, s90, np.array([b[1] for b in built]),
                 activity.units)


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


def distance_sweep(activity: Activity, cfg: Config, shifts_cm: np.ndarray,
                   maps: ShiftedMaps | None = None) -> Sweep:
    """Gridness at path-length shifts ``shifts_cm`` (Ouchi & Fujisawa 2024)."""
    maps = maps or ShiftedMaps(activity, cfg)
    built = [maps.positions_at(*distance_shifted_positions(activity.positions, d / 100))
             for d in shifts_cm]
    s60, s90 = _score_all([b[0] for b in built], GridScorer.cached(cfg.nbins))
    shifts_cm = np.asarray(shifts_cm, dtype=float)
    return Sweep(shifts_cm, shifts_cm, s60, s90, np.array([b[1] for b in built]),
                 activity.units)


@dataclass
class ShuffleNull:
    """Shuffle controls for a time sweep.

    offsets: [S] circular offsets (steps); scores: [S, L, U] score 60 of every shuffle at every
    lag; threshold: [L, U] the (1 - alpha) percentile per lag; max_future, max_past: [S, U]
    the best shuffled score over positive / negative lags (the null of a best-shift test,
    which accounts for picking the best of many lags)."""

    offsets: np.ndarray
    scores: np.ndarray
    threshold: np.ndarray
    alpha: float
    max_future: np.ndarray
    max_past: np.ndarray

    def percentile(self, values: np.ndarray) -> np.ndarray:
        """The (1 - alpha) percentile over shuffles (axis 0); NaN where a unit has no score."""
        return upper_percentile(values, self.alpha)


def upper_percentile(values: np.ndarray, alpha: float) -> np.ndarray:
    """The (1 - alpha) percentile of ``values`` over axis 0, ignoring undefined (non-finite)
    scores; NaN where none is defined (silent units)."""
    v = np.where(np.isfinite(values), values, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices: silent units
        return np.nanpercentile(v, 100 * (1 - alpha), axis=0)


def shuffle_null(activity: Activity, cfg: Config, sweep: Sweep, trials: int | None = None,
                 rng: np.random.Generator | None = None,
                 maps: ShiftedMaps | None = None) -> ShuffleNull:
    """``trials`` circular shuffles of activity against position, scored at every lag of
    ``sweep``. Offsets are drawn without replacement when enough distinct ones exist."""
    trials = cfg.shuffle_trials if trials is None else trials
    rng = rng if rng is not None else np.random.default_rng([cfg.rng_seed, 0x5F])
    maps = maps or ShiftedMaps(activity, cfg)
    T = maps.T
    # at every lag k the shuffled pairing (k + s) mod T stays >= shuffle_min_offset steps away
    # from the true pairing 0
    reach = int(np.abs(sweep.shifts).max())
    lo, hi = cfg.shuffle_min_offset + reach, T - cfg.shuffle_min_offset - reach
    if hi < lo:
        raise ValueError(f"shuffle_min_offset ({cfg.shuffle_min_offset}) and max_lag ({reach}) "
                         f"leave no shuffle offset in trajectories of {T} steps; expected "
                         f"analysis_sequence_length >= {2 * (cfg.shuffle_min_offset + reach)}")
    alpha = cfg.shuffle_alpha
    if trials == 0:  # no shuffles: an empty null (the fork criterion needs none)
        empty = np.zeros((0, sweep.score_60.shape[1]))
        return ShuffleNull(np.zeros(0, int), np.zeros((0, *sweep.score_60.shape)),
                           np.full(sweep.score_60.shape, np.nan), alpha, empty, empty)
    choices = np.arange(lo, hi + 1)
    offsets = rng.choice(choices, trials, replace=trials > len(choices))
    needed = sorted({int((k + s) % T) for s in offsets for k in sweep.shifts})
    scorer = GridScorer.cached(cfg.nbins)
    circ = {}
    for i in range(0, len(needed), 16):  # score 16 circular shifts per batch
        part = needed[i:i + 16]
        s60, _ = _score_all([maps.circular(c) for c in part], scorer)
        circ.update(zip(part, s60))
    scores = np.stack([[circ[int((k + s) % T)] for k in sweep.shifts] for s in offsets])
    future, past = sweep.shifts > 0, sweep.shifts < 0
    # silent units have no score (NaN) in any map: their maxima are -inf, thresholds NaN
    finite = np.nan_to_num(scores, nan=-np.inf)
    none = np.full(scores.shape[::2], -np.inf)
    max_f = finite[:, future].max(1) if future.any() else none
    max_p = finite[:, past].max(1) if past.any() else none
    return ShuffleNull(offsets, scores, upper_percentile(scores, alpha), alpha, max_f, max_p)


def peak_centroid(scores: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """Preferred shift [U] of gridness curves scores [L, U]: the centroid of the contiguous run
    of shifts around the maximum where gridness stays above half-way between the curve's
    minimum and maximum, weighted by the height above that level.

    Gridness is nearly flat over shifts that blur a clean grid isotropically (blur keeps the
    hexagonal symmetry), so the raw argmax lands anywhere on the plateau; the plateau's
    centre is a far more stable estimate of where the map is sharpest.
    """
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


@dataclass
class Classification:
    """labels: [U] class names; preferred_shift: [U] preferred shift (sweep units);
    preferred_cm: [U]; zero_score, peak_score: [U]; significant_*: [U] bools (ouchi only)."""

    criterion: str
    labels: np.ndarray
    preferred_shift: np.ndarray
    preferred_cm: np.ndarray
    zero_score: np.ndarray
    peak_score: np.ndarray
    extra: dict = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {c: int((self.labels == c).sum()) for c in CLASSES}


def classify(sweep: Sweep, cfg: Config, criterion: str = "fork",
             null: ShuffleNull | None = None) -> Classification:
    """Label every unit.

    The preferred shift is :func:`peak_centroid` (``peak_estimator: centroid``) or the raw
    argmax of gridness (``argmax``, as the earlier code did).

    ``fork`` (the earlier analysis code): zero-shift score >= zero_shift_threshold and
    best-shift score >= gridness_threshold; a preferred shift >= +min_shift_cm is predictive,
    <= -min_shift_cm retrospective, otherwise zero-lag. Low-grid: the score never reaches
    low_grid_threshold. The rest: unclassified.

    ``ouchi`` (Ouchi & Fujisawa 2024, with shuffles): predictive when the best future score
    beats the (1 - alpha) percentile of the shuffles' best future scores while the zero-shift
    score does not beat its own shuffle threshold, and the best shift overall is in the
    future beyond min_shift_cm; retrospective mirrored; zero-lag when the zero shift is
    significant and the best shift lies within +-min_shift_cm. Low-grid as above.
    """
    s = np.nan_to_num(sweep.score_60, nan=-np.inf)
    best = np.argmax(s, 0)
    cols = np.arange(s.shape[1])
    if cfg.peak_estimator == "centroid":
        pref = peak_centroid(sweep.score_60, sweep.shifts.astype(float))
    else:
        pref = sweep.shifts[best].astype(float)
    pref_cm = np.interp(pref, sweep.shifts, sweep.shifts_cm)
    zero = s[sweep.zero]
    peak = s[best, cols]
    low = peak < cfg.low_grid_threshold
    labels = np.full(s.shape[1], "unclassified", dtype=object)
    extra = {}
    if criterion == "fork":
        ok = (zero >= cfg.zero_shift_threshold) & (peak >= cfg.gridness_threshold)
        labels[ok & (pref_cm >= cfg.min_shift_cm)] = "predictive"
        labels[ok & (pref_cm <= -cfg.min_shift_cm)] = "retrospective"
        labels[ok & (np.abs(pref_cm) < cfg.min_shift_cm)] = "zero-lag"
    elif criterion == "ouchi":
        if null is None or null.scores.size == 0:
            raise ValueError("criterion 'ouchi' needs shuffles: shuffle_trials must be > 0")
        future, past = sweep.shifts_cm > 0, sweep.shifts_cm < 0
        best_f = s[future].max(0) if future.any() else np.full(len(cols), -np.inf)
        best_p = s[past].max(0) if past.any() else np.full(len(cols), -np.inf)
        sig_zero = zero > null.threshold[sweep.zero]
        sig_f = best_f > null.percentile(null.max_future)
        sig_p = best_p > null.percentile(null.max_past)
        labels[sig_f & ~sig_zero & (pref_cm >= cfg.min_shift_cm)] = "predictive"
        labels[sig_p & ~sig_zero & (pref_cm <= -cfg.min_shift_cm)] = "retrospective"
        labels[sig_zero & (np.abs(pref_cm) < cfg.min_shift_cm)] = "zero-lag"
        extra = {"significant_zero": sig_zero, "significant_future": sig_f,
                 "significant_past": sig_p}
    else:
        raise ValueError(f"criterion: expected 'fork' or 'ouchi', got {criterion!r}")
    labels[low] = "low-grid"
    return Classification(criterion, labels.astype(str), pref, pref_cm, zero, peak, extra)


def class_summary(c: Classification) -> dict:
    """Counts, mean/median preferred shift (cm), mean zero-shift and peak gridness per class
    (over units with a defined score). Empty classes get None where a mean is undefined."""
    out = {}
    for name in CLASSES:
        sel = c.labels == name
        n = int(sel.sum())

        def stat(fn, values, sel=sel):
            v = values[sel]
            v = v[np.isfinite(v)]  # silent units have no score
            return float(fn(v)) if len(v) else None

        out[name] = {"count": n,
                     "mean_shift_cm": stat(np.mean, c.preferred_cm),
                     "median_shift_cm": stat(np.median, c.preferred_cm),
                     "mean_zero_score": stat(np.mean, c.zero_score),
                     "mean_peak_score": stat(np.mean, c.peak_score)}
    return out


@dataclass
class PredictiveResult:
    """Everything the predictive analysis of one network produced."""

    sweep: Sweep
    null: ShuffleNull
    fork: Classification
    ouchi: Classification | None
    cm_per_step: float

    def summary(self, cfg: Config) -> dict:
        keys = ("gridness_threshold", "zero_shift_threshold", "low_grid_threshold",
                "min_shift_cm", "max_lag", "shuffle_trials", "shuffle_alpha",
                "shuffle_min_offset", "rng_seed", "Ng_use", "n_batches",
                "analysis_batch_size", "analysis_sequence_length")
        return {"cm_per_step": self.cm_per_step,
                "lags": self.sweep.shifts.tolist(),
                "n_samples_per_lag": self.sweep.n_samples.tolist(),
                "parameters": {k: getattr(cfg, k) for k in keys},
                "traj_knobs": {k: v for k, v in cfg.to_dict().items() if k.startswith("traj_")},
                "fork": class_summary(self.fork),
                "ouchi": class_summary(self.ouchi) if self.ouchi is not None else None}

    def save(self, out_dir: str | Path, cfg: Config) -> Path:
        """Write summary.json and data.npz into ``out_dir``; returns it."""
        from .checkpoints import atomic_write, atomic_write_text
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out / "summary.json", json.dumps(self.summary(cfg), indent=1))
        arrays = {
            "lags": self.sweep.shifts, "lags_cm": self.sweep.shifts_cm,
            "score_60": self.sweep.score_60, "score_90": self.sweep.score_90,
            "n_samples": self.sweep.n_samples, "units": self.sweep.units,
            "preferred_lag": self.fork.preferred_shift, "preferred_cm": self.fork.preferred_cm,
            "labels_fork": self.fork.labels,
            "shuffle_offsets": self.null.offsets, "shuffle_threshold": self.null.threshold,
            "low_grid_units": self.sweep.units[self.fork.labels == "low-grid"]}
        if self.ouchi is not None:
            arrays["labels_ouchi"] = self.ouchi.labels

        def write(p):
            with open(p, "wb") as fh:
                np.savez_compressed(fh, **arrays)
        atomic_write(out / "data.npz", write)
        return out


def analyse(activity: Activity, cfg: Config) -> PredictiveResult:
    """Lag sweep, shuffles and both classifications for one network's activity."""
    maps = ShiftedMaps(activity, cfg)
    sweep = lag_sweep(activity, cfg, maps=maps)
    null = shuffle_null(activity, cfg, sweep, maps=maps)
    fork = classify(sweep, cfg, "fork")
    ouchi = classify(sweep, cfg, "ouchi", null) if cfg.shuffle_trials > 0 else None
    return PredictiveResult(sweep, null, fork, ouchi, cm_per_step(activity.velocities))
