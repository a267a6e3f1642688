"""Train one configuration from scratch, measure it, append the outcome to a JSONL table.

    python benchmarks/recipe_search.py --out benchmarks/results/recipe_search.jsonl \
        --params params/cpu.yaml seed=3 learning_rate=2e-3

Each line records the overrides, wall time of training, hardware, and the evaluation of the
final network on fresh trajectories (decoding error, fraction of units above grid score 0.3,
mean of the best 64, map diversity) and whether it meets the CPU recipe's criteria. The
training chapter's table of configurations tried is read from this file.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

import torch

import gridcells as gc
from gridcells.config import parse_overrides


def run(params: str | None, overrides: list[str], eval_batches: int, keep: str | None) -> dict:
    over = parse_overrides(overrides)
    cfg = gc.load_config(params, **over)
    run_dir = Path(keep) if keep else Path(tempfile.mkdtemp()) / "run"
    t = time.perf_counter()
    result = gc.train(cfg, run_dir, progress=False)
    wall = time.perf_counter() - t
    ev, _, _ = gc.evaluate(result.model, n_batches=eval_batches, seed=10_000 + cfg.seed)
    return {"params": params, "overrides": over, "wall_s": round(wall, 1),
            "steps": cfg.total_steps, "hardware": f"{platform.machine()} "
            f"{torch.get_num_threads()} threads", **{k: round(v, 4) if isinstance(v, float)
                                                    else v for k, v in ev.row().items()},
            "meets": ev.meets_recipe(), "curve": result.gridness}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--params")
    ap.add_argument("--out", required=True)
    ap.add_argument("--eval-batches", type=int, default=50)
    ap.add_argument("--keep", help="keep the run directory here")
    ap.add_argument("overrides", nargs="*")
    args = ap.parse_args()
    row = run(args.params, args.overrides, args.eval_batches, args.keep)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "a") as fh:
        fh.write(json.dumps(row) + "\n")
    print(json.dumps({k: v for k, v in row.items() if k != "curve"}))


if __name__ == "__main__":
    main()
