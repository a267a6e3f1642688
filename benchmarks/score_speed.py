"""Grid-scoring and rate-map throughput.

    python benchmarks/score_speed.py [--maps 4096] [--oracle-maps 256] [--no-record]

Scores the same 20 x 20 maps (hexagonal grids with noise) with the batched GridScorer and,
in the same run, with the per-unit oracle (tests/oracle.py, one map at a time as the earlier
code scored them); prints maps/s for both (the fastest of --repeats timings each), the ratio
and the largest score difference; then the same for the maps with --gaps of their bins
unvisited (NaN), and the batched scorer on one worker thread. The timings are interleaved
(one round of every scorer, --repeats rounds). Then times rate maps for 4096 units from a
million samples. Appends the run to benchmarks/results/speed.jsonl (gridcells.records.speed)
unless --no-record.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import gridcells as gc  # noqa: E402
from gridcells.records import speed as records
from gridcells.rundir.history import cpu_model
from tests.oracle import grid_score  # noqa: E402
from tests.synthetic import lattice  # noqa: E402


def test_maps(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    maps = np.stack([lattice(spacing=rng.uniform(5, 12), angle_deg=rng.uniform(0, 60),
                             phase=rng.uniform(0, 10, 2)) for _ in range(n)])
    return maps + rng.normal(0, 0.5, maps.shape)


def best_rates(fns: dict, sizes: dict, repeats: int):
    """({name: result}, {name: items per second of the fastest of ``repeats`` calls}) of
    several functions timed in turn, round after round (interleaved, so a slow spell of the
    machine falls on all of them rather than on one)."""
    best = dict.fromkeys(fns, float("inf"))
    out = {}
    for _ in range(repeats):
        for name, fn in fns.items():
            t = time.perf_counter()
            out[name] = fn()
            best[name] = min(best[name], time.perf_counter() - t)
    return out, {name: sizes[name] / best[name] for name in fns}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--maps", type=int, default=4096)
    ap.add_argument("--oracle-maps", type=int, default=256)
    ap.add_argument("--gaps", type=float, default=0.1, help="fraction of NaN bins (gapped maps)")
    ap.add_argument("--samples", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=5,
                    help="timings per scorer, interleaved; the best is kept")
    ap.add_argument("--no-record", action="store_true", help="do not append to speed.jsonl")
    args = ap.parse_args()
    load_before = records.load_average()
    maps = test_maps(args.maps)
    gapped = maps.copy()
    gapped[np.random.default_rng(1).random(maps.shape) < args.gaps] = np.nan
    t = time.perf_counter()
    scorer = gc.GridScorer(20)
    scorer.score(maps[:1])
    build = time.perf_counter() - t
    k = args.oracle_maps
    fns, sizes = {}, {}
    for name, m in (("gap-free", maps), ("gapped", gapped)):
        fns[name], sizes[name] = (lambda m=m: scorer.score(m)), args.maps
        fns[name + " oracle"] = lambda m=m: np.array([grid_score(x)[:2] for x in m[:k]])
        sizes[name + " oracle"] = k
    fns["one worker"], sizes["one worker"] = (lambda: scorer.score(maps, workers=1)), args.maps
    out, rates = best_rates(fns, sizes, args.repeats)
    diffs = {name: max(np.nanmax(np.abs(out[name].score_60[:k] - out[name + " oracle"][:, 0])),
                       np.nanmax(np.abs(out[name].score_90[:k] - out[name + " oracle"][:, 1])))
             for name in ("gap-free", "gapped")}
    batched, oracle = rates["gap-free"], rates["gap-free oracle"]
    print(f"# {cpu_model()}, {len(os.sched_getaffinity(0))} CPUs (the batched scorer's "
          f"threads; the oracle is one map at a time), load {load_before}; scorer built once in "
          f"{build:.2f} s")
    print(f"batched scorer: {batched:9.0f} maps/s ({args.maps} maps; one worker thread: "
          f"{rates['one worker']:.0f} maps/s)")
    print(f"per-unit oracle: {oracle:8.0f} maps/s ({k} maps)")
    print(f"ratio: {batched / oracle:.1f}x; max |score difference| = {diffs['gap-free']:.2e}")
    gap_ratio = rates["gapped"] / rates["gapped oracle"]
    print(f"with {args.gaps:.0%} NaN bins: batched {rates['gapped']:.0f} maps/s, oracle "
          f"{rates['gapped oracle']:.0f} maps/s, ratio {gap_ratio:.1f}x; "
          f"max |score difference| = {diffs['gapped']:.2e}")

    # rate maps, streamed in chunks of 100k samples as model_rate_maps does (1M x 4096 float32
    # activations would be 16 GB at once); only the accumulation is timed
    cfg = gc.load_config()
    gen = torch.Generator().manual_seed(1)
    acc = gc.RateMapAccumulator(cfg, 4096)
    chunk, spent = 100_000, 0.0
    for _ in range(0, args.samples, chunk):
        pos = torch.rand(chunk, 2, generator=gen) * 2.2 - 1.1
        act = torch.rand(chunk, 4096, generator=gen)
        t = time.perf_counter()
        acc.add(pos, act)
        spent += time.perf_counter() - t
    t = time.perf_counter()
    acc.result()
    spent += time.perf_counter() - t
    print(f"rate maps: 4096 units x {args.samples} samples in {spent:.2f} s")
    if not args.no_record:
        figures = {"scorer_maps_per_s": round(batched, 1), "oracle_maps_per_s": round(oracle, 1),
                   "max_difference": float(diffs["gap-free"]), "maps": args.maps,
                   "oracle_maps": k, "gap_fraction": args.gaps,
                   "gapped_maps_per_s": round(rates["gapped"], 1),
                   "gapped_oracle_maps_per_s": round(rates["gapped oracle"], 1),
                   "gapped_ratio": round(gap_ratio, 2),
                   "gapped_max_difference": float(diffs["gapped"]),
                   "rate_map_units": 4096, "rate_map_samples": args.samples,
                   "rate_map_s": round(spent, 3), "scorer_build_s": round(build, 2),
                   "one_worker_maps_per_s": round(rates["one worker"], 1),
                   "repeats": args.repeats}
        records.append("score_speed", figures, round(batched / oracle, 2), load_before)
        print(f"recorded in {records.SPEED_LOG.relative_to(records.ROOT)}")


if __name__ == "__main__":
    main()
