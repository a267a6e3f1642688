"""False-positive rate of the shuffle tests on pure-noise units.

    python benchmarks/predictive_false_positives.py [--units 1000] [--trajectories 100]
                                                    [--shuffles 100] [--ar 0.9]

Units with no spatial tuning (iid Gaussian noise, and AR(1) noise with lag-1 correlation
``--ar``) on simulated trajectories of the analysis length, put through the book's shuffle
tests (gridcells.predictive.shuffles: group-wise circular offsets, max statistic over the tested
lags).
Prints, for the zero-shift, future, past and any-shift tests at alpha 0.05 and 0.01, the
fraction of units called significant with its 95 % binomial (Wilson) interval, which should
contain the nominal alpha; and, in the same run on the same units, the same for the common-
offset shuffle this project used before (one offset for all trajectories, ``--groups 1``).
Writes benchmarks/results/predictive_false_positives.json.
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
from gridcells.predictive.shifted import ShiftedMaps, lag_sweep
from gridcells.predictive.shuffles import TESTS, shuffle_test
from gridcells.stats import wilson_interval


def rates(units: int, n_traj: int, shuffles: int, ar: float, groups: int, seed: int) -> dict:
    cfg = gc.load_config(shuffle_trials=shuffles, shuffle_groups=groups, n_batches=1,
                         analysis_batch_size=n_traj)
    pos, vel = synthetic.paths(cfg, n_traj, cfg.analysis_sequence_length, seed)
    pop = synthetic.population(pos, vel, [], [], [], seed + 1, n_noise=units, ar=ar)
    maps = ShiftedMaps(pop.activity, cfg)
    sweep = lag_sweep(pop.activity, cfg, maps=maps)
    test = shuffle_test(maps, sweep, cfg, rng=np.random.default_rng([seed, 7]))
    out = {}
    for alpha in (0.05, 0.01):
        for t in TESTS:
            k = int((test.p[t] <= alpha).sum())
            lo, hi = wilson_interval(k, units)
            out[f"{t}@{alpha}"] = {"rate": k / units, "ci95": [lo, hi],
                                   "contains_alpha": bool(lo <= alpha <= hi)}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--trajectories", type=int, default=100)
    ap.add_argument("--shuffles", type=int, default=100)
    ap.add_argument("--ar", type=float, default=0.9)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-common", action="store_true", help="skip the common-offset baseline")
    ap.add_argument("--out", default="benchmarks/results/predictive_false_positives.json")
    args = ap.parse_args()
    groups = gc.Config().shuffle_groups
    runs = {}
    t0 = time.perf_counter()
    for name, ar in (("iid", 0.0), (f"AR(1) {args.ar}", args.ar)):
        for label, g in (("grouped", groups), ("common offset", 1)):
            if g == 1 and args.skip_common:
                continue
            r = rates(args.units, args.trajectories, args.shuffles, ar, g, args.seed)
            runs[f"{name}, {label}"] = r
            print(f"{name:10} {label:14}: " + "; ".join(
                f"{k} {v['rate']:.3f} [{v['ci95'][0]:.3f}, {v['ci95'][1]:.3f}]"
                f"{'' if v['contains_alpha'] else ' !'}" for k, v in r.items()), flush=True)
    wall = time.perf_counter() - t0
    print(f"# {args.units} noise units per row, {args.trajectories} trajectories x "
          f"{gc.Config().analysis_sequence_length} steps, {args.shuffles} shuffles, "
          f"{groups} groups; '!' marks an interval that misses alpha; {wall:.0f} s")
    Path(args.out).write_text(json.dumps(
        {"date": time.strftime("%Y-%m-%d"), "hardware": platform.machine(), "args": vars(args),
         "groups": groups, "wall_s": wall, "rates": runs}, indent=1))


if __name__ == "__main__":
    main()
