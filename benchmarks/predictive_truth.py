"""Ground truth for the predictive analysis: synthetic grid units with known shifts.

    python benchmarks/predictive_truth.py [--per-level 60] [--trajectories 1000] [--shuffles 100]

Units (gridcells.predictive.synthetic) encode the position a known time (-15..+15 steps) or path
length (-30..+30 cm) ahead of the animal, with spacings 40-90 cm, random orientation and phase,
gain noise and three levels of additive noise; plus iid and AR(1) noise units. Every unit is put
through the book's pipeline (time sweep over -max_lag..max_lag, calibrated shuffles,
classification) and, for comparison, through a distance sweep and the older estimators.

Prints, per estimator and unit kind: the fraction of units whose estimated shift is within
3 cm and within one step of the truth, units whose peak sits on the window's edge, class
accuracy (the true class: predictive >= +5 cm, retrospective <= -5 cm, zero-lag between,
low-grid for noise units), the confusion matrix of the ``shift`` criterion, and false
positives among noise units. Writes the table to benchmarks/results/predictive_truth.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np

import gridcells as gc
from gridcells.predictive import synthetic
from gridcells.predictive.classes import CLASSES, classify
from gridcells.predictive.shift_estimate import estimate_shift
from gridcells.predictive.shifted import ShiftedMaps, cm_per_step, distance_sweep, lag_sweep
from gridcells.predictive.shuffles import shuffle_test

NOISE_LEVELS = (0.3, 1.0, 3.0)  # additive noise, in units of the rate's s.d.


def true_class(shift_cm: np.ndarray, kind: np.ndarray, min_shift: float) -> np.ndarray:
    out = np.where(shift_cm >= min_shift, "predictive",
                   np.where(shift_cm <= -min_shift, "retrospective", "zero-lag")).astype(object)
    out[kind == "noise"] = "low-grid"
    return out.astype(str)


def build(cfg, per_level: int, n_traj: int, seed: int):
    pos, vel = synthetic.paths(cfg, n_traj, cfg.analysis_sequence_length, seed)
    rng = np.random.default_rng(seed + 1)
    parts = []
    for i, level in enumerate(NOISE_LEVELS):
        half = per_level // 2
        shifts = list(rng.integers(-15, 16, half)) + list(rng.uniform(-30, 30, per_level - half))
        kinds = ["time"] * half + ["distance"] * (per_level - half)
        parts.append(synthetic.population(pos, vel, shifts, kinds,
                                          rng.uniform(0.4, 0.9, per_level), seed + 10 + i,
                                          additive_noise=level))
    n_noise = per_level // 2
    parts.append(synthetic.population(pos, vel, [], [], [], seed + 20, n_noise=n_noise))
    parts.append(synthetic.population(pos, vel, [], [], [], seed + 21, n_noise=n_noise, ar=0.9))
    act = np.concatenate([p.activity.activations for p in parts], -1)
    level = np.concatenate([np.full(per_level, lv) for lv in NOISE_LEVELS]
                           + [np.full(2 * n_noise, np.nan)])
    kind = np.concatenate([p.kind for p in parts]).astype("<U12")
    kind[len(kind) - n_noise:] = "noise-ar1"
    return (gc.Activity(pos, vel, act, np.arange(act.shape[-1])),
            np.concatenate([p.shift for p in parts]), kind, level)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--per-level", type=int, default=60, help="grid units per noise level")
    ap.add_argument("--trajectories", type=int, default=1000)
    ap.add_argument("--shuffles", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="benchmarks/results/predictive_truth.json")
    args = ap.parse_args()
    cfg = gc.load_config(shuffle_trials=args.shuffles, n_batches=1,
                         analysis_batch_size=args.trajectories)
    act, shift, kind, level = build(cfg, args.per_level, args.trajectories, args.seed)
    step = cm_per_step(act.velocities)
    is_noise = np.char.startswith(kind.astype(str), "noise")
    true_cm = np.where(kind == "time", shift * step, shift)
    truth = true_class(true_cm, np.where(is_noise, "noise", kind), cfg.min_shift_cm)
    t0 = time.perf_counter()
    maps = ShiftedMaps(act, cfg)
    sweep = lag_sweep(act, cfg, maps=maps)
    test = shuffle_test(maps, sweep, cfg)
    wall = time.perf_counter() - t0
    span = cfg.max_lag * step
    dist = distance_sweep(act, cfg, np.arange(-np.floor(span), np.floor(span) + 1, 2.0), maps)
    print(f"# {act.activations.shape[-1]} units ({(~is_noise).sum()} grid, {is_noise.sum()} "
          f"noise), {args.trajectories} trajectories x {cfg.analysis_sequence_length} steps, "
          f"{step:.2f} cm/step, lags +-{cfg.max_lag} ({span:.1f} cm), {args.shuffles} shuffles;"
          f" sweep + shuffles {wall:.0f} s")
    rows = []
    grid = ~is_noise
    print(f"{'sweep':9} {'estimator':10} {'units':9} {'<=3 cm':>7} {'<=1 step':>8} "
          f"{'edge':>5}")
    for sw_name, sw in (("time", sweep), ("distance", dist)):
        for method in ("sharpness", "centroid", "argmax"):
            est = estimate_shift(sw, method)
            err = np.abs(est.shift_cm - true_cm)
            for sel_name, sel in (("time", grid & (kind == "time")),
                                  ("distance", grid & (kind == "distance")), ("all", grid)):
                row = {"sweep": sw_name, "estimator": method, "units": sel_name,
                       "n": int(sel.sum()), "within_3cm": float((err[sel] <= 3).mean()),
                       "within_1step": float((err[sel] <= step).mean()),
                       "at_edge": int(est.at_edge[sel].sum()),
                       "median_abs_err_cm": float(np.nanmedian(err[sel]))}
                rows.append(row)
                print(f"{sw_name:9} {method:10} {sel_name:9} {row['within_3cm']:7.1%} "
                      f"{row['within_1step']:8.1%} {row['at_edge']:5d}")
    by_level = {}
    est = estimate_shift(sweep, "sharpness")
    for lv in NOISE_LEVELS:
        sel = grid & (level == lv)
        by_level[str(lv)] = float((np.abs(est.shift_cm - true_cm)[sel] <= 3).mean())
    print("sharpness (time sweep) within 3 cm by additive noise level:", by_level)
    classes = {}
    for crit in ("shift", "ouchi", "fork"):
        c = classify(sweep, cfg, crit, test)
        conf = {t: {p: int(((truth == t) & (c.labels == p)).sum()) for p in CLASSES}
                for t in ("predictive", "retrospective", "zero-lag", "low-grid")}
        acc = float((c.labels[grid] == truth[grid]).mean())
        fp = {k: float((c.labels[kind == k] != "low-grid").mean())
              for k in ("noise", "noise-ar1")}
        edge_pred = int(((c.labels == "predictive") & estimate_shift(
            sweep, "sharpness" if crit == "shift" else "argmax").at_edge).sum())
        classes[crit] = {"accuracy_grid_units": acc, "noise_not_low_grid": fp,
                         "predictive_on_edge": edge_pred, "confusion": conf}
        print(f"criterion {crit}: class accuracy (grid units) {acc:.1%}; noise units called "
              f"a class: iid {fp['noise']:.1%}, AR(1) {fp['noise-ar1']:.1%}; predictive with "
              f"the peak on the edge: {edge_pred}")
        for t, row in conf.items():
            print(f"   true {t:13} -> " + ", ".join(f"{p} {n}" for p, n in row.items() if n))
    record = {"date": time.strftime("%Y-%m-%d"), "hardware": f"{platform.machine()} "
              f"{platform.processor() or ''}".strip(), "args": vars(args),
              "cm_per_step": step, "sweep_and_shuffles_s": wall, "estimators": rows,
              "sharpness_within_3cm_by_noise": by_level, "classes": classes}
    Path(args.out).write_text(json.dumps(record, indent=1))


if __name__ == "__main__":
    main()
