"""Grid-scoring and rate-map throughput.

    python benchmarks/score_speed.py [--maps 4096] [--oracle-maps 256]

Scores the same 20 x 20 maps (hexagonal grids with noise) with the batched GridScorer and,
in the same run, with the per-unit oracle (tests/oracle.py, one map at a time as the earlier
code scored them); prints maps/s for both (the fastest of --repeats timings each), the ratio
and the largest score difference.
Then times rate maps for 4096 units from a million samples.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import gridcells as gc  # noqa: E402
from tests.oracle import grid_score  # noqa: E402
from tests.synthetic import lattice  # noqa: E402


def test_maps(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    maps = np.stack([lattice(spacing=rng.uniform(5, 12), angle_deg=rng.uniform(0, 60),
                             phase=rng.uniform(0, 10, 2)) for _ in range(n)])
    return maps + rng.normal(0, 0.5, maps.shape)


def best_rate(fn, n: int, repeats: int):
    """(result, items per second of the fastest of ``repeats`` calls of fn)."""
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return out, n / best


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--maps", type=int, default=4096)
    ap.add_argument("--oracle-maps", type=int, default=256)
    ap.add_argument("--samples", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3, help="timings per scorer; the best is kept")
    args = ap.parse_args()
    maps = test_maps(args.maps)
    t = time.perf_counter()
    scorer = gc.GridScorer(20)
    scorer.score(maps[:1])
    build = time.perf_counter() - t
    fast, batched = best_rate(lambda: scorer.score(maps), args.maps, args.repeats)
    k = args.oracle_maps
    slow, oracle = best_rate(lambda: np.array([grid_score(m)[:2] for m in maps[:k]]), k,
                             args.repeats)
    diff = max(np.abs(fast.score_60[:k] - slow[:, 0]).max(),
               np.abs(fast.score_90[:k] - slow[:, 1]).max())
    print(f"# {platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} CPUs "
          f"(the batched scorer's threads; the oracle is one map at a time); scorer built "
          f"once in {build:.2f} s")
    print(f"batched scorer: {batched:9.0f} maps/s ({args.maps} maps)")
    print(f"per-unit oracle: {oracle:8.0f} maps/s ({k} maps)")
    print(f"ratio: {batched / oracle:.1f}x; max |score difference| = {diff:.2e}")

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


if __name__ == "__main__":
    main()
