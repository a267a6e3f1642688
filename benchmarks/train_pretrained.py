"""Train a network and export it as the package's shipped model (gridcells/data/<name>/).

    python benchmarks/train_pretrained.py --params params/paper.yaml --run-dir runs/paper \
        --name default --hardware "1x H100"          # the paper's Ng = 4096, on a GPU
    python benchmarks/train_pretrained.py --params params/cpu_large.yaml --run-dir runs/large \
        --name default --hardware "2-core CPU"      # the largest CPU model

Resumes the run directory if it exists (so an interrupted training continues), then writes
float16 weights, one file per tensor, and a model card with the evaluation of exactly the
shipped weights on fresh trajectories.
"""

from __future__ import annotations

import argparse
import json

import gridcells as gc
from gridcells.config import parse_overrides
from gridcells.pretrained import export_pretrained


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--params", required=True)
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--name", default="default")
    ap.add_argument("--hardware", required=True, help="recorded in the model card")
    ap.add_argument("--out-root", default=None, help="default: gridcells/data")
    ap.add_argument("overrides", nargs="*")
    args = ap.parse_args()
    cfg = gc.load_config(args.params, **parse_overrides(args.overrides))
    gc.train(cfg, args.run_dir, resume="auto")
    kwargs = {"out_root": args.out_root} if args.out_root else {}
    card = export_pretrained(args.run_dir, args.name, args.hardware, **kwargs)
    print(json.dumps(card["evaluation"], indent=1))


if __name__ == "__main__":
    main()
