"""Predictive grid cells: classification of units by the shift at which they map best.

The pieces live where their idea does: shifted maps and sweeps in
:mod:`gridcells.predictive.shifted`, the preferred-shift estimate in
:mod:`gridcells.predictive.shift_estimate`, the shuffle tests in
:mod:`gridcells.predictive.shuffles`. This module labels units and stores the result.

Classes (names from this model, which has no theta rhythm):

* predictive: the unit's map is sharpest for a future position (shift >= +min_shift_cm);
* retrospective: for a past position (shift <= -min_shift_cm);
* zero-lag: for the current position (|shift| < min_shift_cm);
* low-grid: not a grid cell at any shift;
* unresolved: a grid cell whose preferred shift cannot be placed: its peak is on the edge of
  the analysed window, or (``shift`` criterion) its 95 % interval is wider than
  +-min_shift_cm or straddles zero beyond +-min_shift_cm;
* unclassified: fits no rule (``ouchi`` and ``fork``).

Three criteria:

``shift`` (this project's): a grid cell is one whose best gridness over the tested lags is
significant against the calibrated shuffles (test ``any``) and at least gridness_threshold;
its preferred shift is the sharpness peak
(:func:`gridcells.predictive.shift_estimate.estimate_shift`) with a jackknife 95 % interval;
predictive / retrospective need that interval to exclude 0.

``ouchi`` (Ouchi & Fujisawa 2024, calibrated): predictive when the best future gridness is
significant (max statistic over future lags) while gridness at shift 0 is not, and the best
shift (gridness argmax) is >= +min_shift_cm; retrospective mirrored; zero-lag when shift 0 is
significant and the best shift lies within +-min_shift_cm. Ouchi & Fujisawa's other two classes
(phase precession, phase locking) are defined by theta phase and have no counterpart here.

``fork`` (the earlier public analysis, exactly): zero-shift gridness >= zero_shift_threshold
and best gridness >= gridness_threshold; the argmax shift decides predictive / retrospective /
zero-lag at +-min_shift_cm, with no test and no edge rule; every other unit is low-grid (so a
unit with gridness 0.4 at shift 0 and 0.9 at +10 cm is low-grid, as there). The earlier code
ran it on 20-step trajectories with lags that drop samples (:mod:`gridcells.predictive.earlier`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gridcells.analysis.ratemaps import Activity
from gridcells.predictive.shift_estimate import estimate_shift
from gridcells.predictive.shifted import (
    ShiftedMaps,
    Sweep,
    cm_per_step,
    lag_sweep,
)
from gridcells.predictive.shuffles import ShuffleTest, shuffle_test
from gridcells.world.config import TRAJ_KEYS, Config

CLASSES = ("predictive", "retrospective", "zero-lag", "low-grid", "unresolved", "unclassified")
CRITERIA = ("shift", "ouchi", "fork")


@dataclass
class Classification:
    """labels: [U] class names; preferred_shift: [U] (sweep units); preferred_cm: [U];
    se_cm: [U] standard error of the preferred shift (NaN when not estimated); zero_score,
    peak_score: [U] gridness at shift 0 and at its best; extra: [U] arrays (p-values,
    significance)."""

    criterion: str
    labels: np.ndarray
    preferred_shift: np.ndarray
    preferred_cm: np.ndarray
    se_cm: np.ndarray
    zero_score: np.ndarray
    peak_score: np.ndarray
    extra: dict = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {c: int((self.labels == c).sum()) for c in CLASSES}


def _by_shift(labels, ok, shift_cm, edge, cfg, lo=None, hi=None):
    """Label ``ok`` units by their shift; ``lo``/``hi``: interval bounds that must exclude 0
    for predictive / retrospective (None: no interval)."""
    lo = shift_cm if lo is None else lo
    hi = shift_cm if hi is None else hi
    labels[ok & (shift_cm >= cfg.min_shift_cm) & (lo > 0)] = "predictive"
    labels[ok & (shift_cm <= -cfg.min_shift_cm) & (hi < 0)] = "retrospective"
    labels[ok & (np.abs(shift_cm) < cfg.min_shift_cm)] = "zero-lag"
    labels[ok & edge] = "unresolved"


def classify(sweep: Sweep, cfg: Config, criterion: str = "shift",
             test: ShuffleTest | None = None) -> Classification:
    """Label every unit of ``sweep`` under ``criterion`` (see the module doc)."""
    s = np.nan_to_num(sweep.score_60, nan=-np.inf)
    zero, peak = s[sweep.zero], s.max(0)
    U = s.shape[1]
    labels = np.full(U, "unclassified", dtype=object)
    extra: dict = {}
    if criterion in ("shift", "ouchi") and test is None:
        raise ValueError(f"criterion {criterion!r} needs shuffles: shuffle_trials must be > 0")
    if criterion == "shift":
        est = estimate_shift(sweep, cfg.peak_estimator)
        grid = test.significant("any") & (peak >= cfg.gridness_threshold)
        half = 1.96 * np.nan_to_num(est.se_cm, nan=0.0)
        labels[:] = "unresolved"
        labels[~grid] = "low-grid"
        _by_shift(labels, grid, est.shift_cm, est.at_edge | (half > cfg.min_shift_cm), cfg,
                  est.shift_cm - half, est.shift_cm + half)
        extra = {f"p_{t}": p for t, p in test.p.items()}
    elif criterion == "ouchi":
        est = estimate_shift(sweep, "argmax")
        sig = {t: test.significant(t) for t in ("zero", "future", "past")}
        labels[sig["future"] & ~sig["zero"] & (est.shift_cm >= cfg.min_shift_cm)] = "predictive"
        labels[sig["past"] & ~sig["zero"] & (est.shift_cm <= -cfg.min_shift_cm)] = \
            "retrospective"
        labels[sig["zero"] & (np.abs(est.shift_cm) < cfg.min_shift_cm)] = "zero-lag"
        ok = (labels != "unclassified") & est.at_edge
        labels[ok] = "unresolved"
        labels[peak < cfg.low_grid_threshold] = "low-grid"
        extra = {**{f"p_{t}": p for t, p in test.p.items()},
                 **{f"significant_{t}": v for t, v in sig.items()}}
    elif criterion == "fork":
        est = estimate_shift(sweep, "argmax")
        ok = (zero >= cfg.zero_shift_threshold) & (peak >= cfg.gridness_threshold)
        _by_shift(labels, ok, est.shift_cm, np.zeros(U, bool), cfg)
        labels[~ok] = "low-grid"  # the earlier code: every unit that fails either threshold
    else:
        raise ValueError(f"criterion: expected one of {CRITERIA}, got {criterion!r}")
    return Classification(criterion, labels.astype(str), est.shift, est.shift_cm, est.se_cm,
                          np.where(np.isfinite(zero), zero, np.nan),
                          np.where(np.isfinite(peak), peak, np.nan), extra)


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


def crosstab(a: Classification, b: Classification) -> list[dict]:
    """Units of each class of ``a`` (rows) by their class under ``b`` (columns): one dict
    per class of ``a`` that has units, {"<a.criterion>": class, <b class>: count, ...}."""
    return [{a.criterion: ca, **{cb: int(((a.labels == ca) & (b.labels == cb)).sum())
                                 for cb in CLASSES if (b.labels == cb).any()}}
            for ca in CLASSES if (a.labels == ca).any()]


SUMMARY_KEYS = ("gridness_threshold", "zero_shift_threshold", "low_grid_threshold",
                "min_shift_cm", "peak_estimator", "max_lag", "shuffle_trials", "shuffle_alpha",
                "shuffle_min_offset", "shuffle_groups", "shuffle_lag_step", "rng_seed", "Ng_use",
                "n_batches", "analysis_batch_size", "analysis_sequence_length")
_SWEEP_FIELDS = ("shifts", "shifts_cm", "score_60", "score_90", "sharpness", "sharpness_jack",
                 "n_samples", "units")
_CLASS_FIELDS = ("labels", "preferred_shift", "preferred_cm", "se_cm", "zero_score",
                 "peak_score")


@dataclass
class PredictiveResult:
    """Everything the predictive analysis of one network produced: the time sweep, the
    shuffle test (None without shuffles), one Classification per criterion."""

    sweep: Sweep
    test: ShuffleTest | None
    classes: dict[str, Classification]
    cm_per_step: float

    @property
    def main(self) -> Classification:
        """The ``shift`` classification when shuffles were run, else ``fork``."""
        return self.classes.get("shift", self.classes["fork"])

    def summary(self, cfg: Config) -> dict:
        return {"cm_per_step": self.cm_per_step,
                "lags": self.sweep.shifts.tolist(),
                "n_samples_per_lag": self.sweep.n_samples.tolist(),
                "parameters": {k: getattr(cfg, k) for k in SUMMARY_KEYS},
                "traj_knobs": {k: getattr(cfg, k) for k in TRAJ_KEYS},
                **{name: class_summary(c) for name, c in self.classes.items()}}

    def save(self, out_dir: str | Path, cfg: Config) -> Path:
        """Write summary.json and data.npz into ``out_dir`` (read back by :meth:`load`)."""
        from gridcells.rundir.layout import atomic_write, atomic_write_text
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out / "summary.json", json.dumps(self.summary(cfg), indent=1))
        arrays = {f"sweep_{k}": getattr(self.sweep, k) for k in _SWEEP_FIELDS}
        arrays["cm_per_step"] = np.array(self.cm_per_step)
        for name, c in self.classes.items():
            arrays.update({f"{name}_{k}": getattr(c, k) for k in _CLASS_FIELDS})
            arrays.update({f"{name}_extra_{k}": v for k, v in c.extra.items()})
        if self.test is not None:
            t = self.test
            arrays.update(test_lags=t.lags, test_offsets=t.offsets, test_observed=t.observed,
                          test_null=t.null.astype(np.float32), test_alpha=np.array(t.alpha),
                          **{f"test_p_{k}": v for k, v in t.p.items()})

        def write(p):
            with open(p, "wb") as fh:
                np.savez_compressed(fh, **arrays)
        atomic_write(out / "data.npz", write)
        return out

    @classmethod
    def load(cls, out_dir: str | Path) -> PredictiveResult:
        """The result :meth:`save` wrote into ``out_dir``."""
        path = Path(out_dir) / "data.npz"
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no predictive analysis here; expected the output "
                                    "of PredictiveResult.save (the predictive chapter)")
        with np.load(path, allow_pickle=False) as z:
            d = {k: z[k] for k in z.files}
        sweep = Sweep(**{k: d[f"sweep_{k}"] for k in _SWEEP_FIELDS})
        test = None
        if "test_lags" in d:
            test = ShuffleTest(d["test_lags"], d["test_offsets"], d["test_observed"],
                               d["test_null"], {k[7:]: v for k, v in d.items()
                                                if k.startswith("test_p_")},
                               float(d["test_alpha"]))
        classes = {}
        for name in CRITERIA:
            if f"{name}_labels" in d:
                pre = f"{name}_extra_"
                classes[name] = Classification(
                    name, *(d[f"{name}_{k}"] for k in _CLASS_FIELDS),
                    extra={k[len(pre):]: v for k, v in d.items() if k.startswith(pre)})
        return cls(sweep, test, classes, float(d["cm_per_step"]))


def analyse(activity: Activity, cfg: Config) -> PredictiveResult:
    """Time sweep, shuffle tests and the three classifications of one network's activity
    (``shift`` and ``ouchi`` only with shuffle_trials > 0)."""
    maps = ShiftedMaps(activity, cfg)
    sweep = lag_sweep(activity, cfg, maps=maps)
    test = shuffle_test(maps, sweep, cfg) if cfg.shuffle_trials > 0 else None
    classes = {"fork": classify(sweep, cfg, "fork")}
    if test is not None:
        classes = {"shift": classify(sweep, cfg, "shift", test),
                   "ouchi": classify(sweep, cfg, "ouchi", test), **classes}
    return PredictiveResult(sweep, test, classes, cm_per_step(activity.velocities))
