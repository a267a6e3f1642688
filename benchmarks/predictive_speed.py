"""Predictive analysis throughput: 512 units x 41 lags, 100 calibrated shuffles.

    python benchmarks/predictive_speed.py [--units 512] [--shuffles 100]

Synthetic activity (gridcells.predictive.synthetic: grid units with known shifts, and noise
units) on simulated trajectories of the analysis length (20 x 200 paths of 200 steps); prints
the wall time of the lag sweep (gridness and sharpness at every lag), of the shuffle tests (every
trajectory group its own offset, scored at every ``shuffle_lag_step``-th lag) and of the
classification; and, in the same run, the time the earlier code's approach would take (one
rate map and one per-unit score at a time, measured on a sample of maps and extrapolated to the
same number of maps).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import gridcells as gc
from gridcells.analysis.scores import GridScorer
from gridcells.predictive import synthetic
from gridcells.predictive.classes import classify
from gridcells.predictive.shifted import ShiftedMaps, lag_sweep
from gridcells.predictive.shuffles import shuffle_test
from gridcells.records.speed import append, load_average

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.oracle import grid_score  # noqa: E402


def population(cfg, units: int, seed: int = 0) -> gc.Activity:
    n = cfg.n_batches * cfg.analysis_batch_size
    pos, vel = synthetic.paths(cfg, n, cfg.analysis_sequence_length, seed)
    rng = np.random.default_rng(seed + 1)
    half = units // 2
    return synthetic.population(pos, vel, rng.integers(-10, 11, half), ["time"] * half,
                                rng.uniform(0.4, 0.9, half), seed + 2,
                                n_noise=units - half).activity


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--units", type=int, default=512)
    ap.add_argument("--shuffles", type=int, default=100)
    args = ap.parse_args()
    load_before = load_average()
    cfg = gc.load_config(shuffle_trials=args.shuffles)
    act = population(cfg, args.units)
    print(f"# {act.activations.shape[0]} trajectories x {act.activations.shape[1]} steps, "
          f"{args.units} units, lags -{cfg.max_lag}..{cfg.max_lag}, {args.shuffles} shuffles "
          f"x {cfg.shuffle_groups} groups scored at every {cfg.shuffle_lag_step}th lag")
    GridScorer.cached(cfg.nbins).score(np.random.default_rng(0).random((2, 20, 20)))
    t0 = time.perf_counter()
    maps = ShiftedMaps(act, cfg)
    sweep = lag_sweep(act, cfg, maps=maps)
    t1 = time.perf_counter()
    test = shuffle_test(maps, sweep, cfg)
    t2 = time.perf_counter()
    for crit in ("shift", "ouchi", "fork"):
        classify(sweep, cfg, crit, test)
    t3 = time.perf_counter()
    total = t3 - t0
    n_maps = sweep.score_60.size + test.null.size
    print(f"lag sweep {t1 - t0:.1f} s, shuffles {t2 - t1:.1f} s, classification {t3 - t2:.2f} s;"
          f" total {total:.1f} s ({total / 60:.2f} min), {n_maps} maps scored")
    # the earlier approach: every map built from the samples and scored one at a time by the
    # per-map definition (tests/oracle.py, the DeepMind scorer's arithmetic)
    sample = [(int(k), u) for k in (-5, 0, 5) for u in range(8)]
    t = time.perf_counter()
    for k, u in sample:
        a = act.activations[:, 20:-20, u].reshape(-1)
        p = np.roll(act.positions, -k, axis=1)[:, 20:-20].reshape(-1, 2)
        grid_score(gc.rate_maps(p, a[:, None], cfg).maps[0])
    per_map = (time.perf_counter() - t) / len(sample)
    print(f"map-by-map approach: {per_map * 1e3:.1f} ms per map x {n_maps} maps = "
          f"{per_map * n_maps / 3600:.1f} h; ratio {per_map * n_maps / total:.0f}x")
    append("predictive_speed", {
        "units": args.units, "shuffles": args.shuffles, "maps": int(n_maps),
        "lag_sweep_s": round(t1 - t0, 2), "shuffles_s": round(t2 - t1, 2),
        "classification_s": round(t3 - t2, 3), "total_s": round(total, 2),
        "map_by_map_ms_per_map": round(per_map * 1e3, 2),
        "map_by_map_h": round(per_map * n_maps / 3600, 2)},
        round(per_map * n_maps / total, 1), load_before)


if __name__ == "__main__":
    main()
