"""Predictive lag sweep throughput: 512 units x 41 lags with 100 shuffles.

    python benchmarks/predictive_speed.py [--units 512] [--shuffles 100]

Synthetic activity (grid units with known lags plus noise units) on simulated trajectories
of the analysis length; prints the wall time of the lag sweep, of the shuffle controls and
of the classification, and, in the same run, the time the per-map approach of the earlier
code would take (one rate map and one per-unit score at a time, measured on a sample of maps
and extrapolated to the same number of maps).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import gridcells as gc  # noqa: E402
from gridcells.predictive import ShiftedMaps, classify, lag_sweep, shuffle_null  # noqa: E402
from gridcells.trajectories import simulate  # noqa: E402
from tests.oracle import grid_score  # noqa: E402
from tests.test_predictive import grid_rate  # noqa: E402


def synthetic(cfg, units: int, seed: int = 0) -> gc.Activity:
    n = cfg.n_batches * cfg.analysis_batch_size
    pos, vel = simulate(cfg, n, cfg.analysis_sequence_length, np.random.default_rng(seed))
    pos, vel = pos[1:].transpose(1, 0, 2), vel.transpose(1, 0, 2)
    rng = np.random.default_rng(seed + 1)
    T = pos.shape[1]
    acts = np.empty((n, T, units), np.float32)
    for u in range(units):
        if u % 2:
            acts[..., u] = rng.random((n, T))
        else:
            lag = int(rng.integers(-10, 11))
            idx = np.clip(np.arange(T) + lag, 0, T - 1)
            acts[..., u] = grid_rate(pos[:, idx], rng.uniform(0.3, 0.7), rng.uniform(0, 60),
                                     rng.random(2))
    return gc.Activity(pos, vel, acts, np.arange(units))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--units", type=int, default=512)
    ap.add_argument("--shuffles", type=int, default=100)
    args = ap.parse_args()
    cfg = gc.load_config(shuffle_trials=args.shuffles)
    act = synthetic(cfg, args.units)
    print(f"# {act.activations.shape[0]} trajectories x {act.activations.shape[1]} steps, "
          f"{args.units} units, lags -{cfg.max_lag}..{cfg.max_lag}, {args.shuffles} shuffles")
    gc.GridScorer.cached(cfg.nbins).score(np.random.default_rng(0).random((2, 20, 20)))
    t0 = time.perf_counter()
    maps = ShiftedMaps(act, cfg)
    sweep = lag_sweep(act, cfg, maps=maps)
    t1 = time.perf_counter()
    null = shuffle_null(act, cfg, sweep, maps=maps)
    t2 = time.perf_counter()
    classify(sweep, cfg, "fork")
    classify(sweep, cfg, "ouchi", null)
    t3 = time.perf_counter()
    total = t3 - t0
    n_maps = sweep.score_60.size * (1 + args.shuffles)
    print(f"lag sweep {t1 - t0:.1f} s, shuffles {t2 - t1:.1f} s, classification {t3 - t2:.2f} s;"
          f" total {total:.1f} s ({total / 60:.2f} min)")
    # the earlier approach: every (shuffle, lag, unit) map built and scored one at a time
    sample = [(int(k), u) for k in (-5, 0, 5) for u in range(8)]
    flat_pos = act.positions
    t = time.perf_counter()
    for k, u in sample:
        a = act.activations[:, 20:-20, u].reshape(-1)
        p = np.roll(flat_pos, -k, axis=1)[:, 20:-20].reshape(-1, 2)
        m = gc.rate_maps(p, a[:, None], cfg).maps[0]
        grid_score(m)
    per_map = (time.perf_counter() - t) / len(sample)
    print(f"per-map approach: {per_map * 1e3:.1f} ms per map x {n_maps} maps = "
          f"{per_map * n_maps / 3600:.1f} h; ratio {per_map * n_maps / total:.0f}x")


if __name__ == "__main__":
    main()
