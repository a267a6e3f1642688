"""The CPU recipe, five seeds from scratch.

    python -m experiments.recipe_seeds [--params params/cpu.yaml] [--seeds 0 1 2 3 4]

Prints per seed: wall time of training, decoding error (cm), fraction of units above grid
score 0.3, best-64 mean, map correlation, and whether the recipe's criteria are met; each
row is also appended to experiments/results/recipe_seeds.jsonl.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from experiments.recipe_search import run


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--params", default="params/cpu.yaml")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    ap.add_argument("--out", default="experiments/results/recipe_seeds.jsonl")
    ap.add_argument("--keep-root", help="keep each seed's run directory under this folder")
    args = ap.parse_args()
    print("seed  wall_s  err_cm  frac>0.3  best64  map_corr  meets")
    for seed in args.seeds:
        keep = f"{args.keep_root}/seed{seed}" if args.keep_root else None
        row = run(args.params, [f"seed={seed}"], eval_batches=50, keep=keep)
        with open(Path(args.out), "a") as fh:
            fh.write(json.dumps(row) + "\n")
        print(f"{seed:<5} {row['wall_s']:6.0f}  {row['err_cm']:6.2f}  {row['frac_above_03']:8.2f}"
              f"  {row['best64_mean']:6.2f}  {row['map_corr']:8.2f}  {row['meets']}", flush=True)


if __name__ == "__main__":
    main()
