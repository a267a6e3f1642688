"""Train a network and export it as the package's shipped model (gridcells/data/<name>/).

    python benchmarks/train_pretrained.py --params params/paper.yaml --run-dir runs/paper \
        --name default --hardware "1x H100"          # the paper's Ng = 4096, on a GPU
    python benchmarks/train_pretrained.py --params params/cpu_large.yaml --run-dir runs/large \
        --name default --hardware "2-core CPU"      # the largest CPU model

    python benchmarks/train_pretrained.py \
        --params benchmarks/results/cpu_v2.yaml weight_decay=3 \
        --params params/cpu_finetune.yaml --run-dir runs/shipped --name default \
        --hardware "2-core CPU"       # the shipped CPU model: grids form, then decoding

Several ``--params`` train in stages: each stage starts from the previous one's weights
(``init_from``) in ``RUN_DIR/stage<k>``; ``key=value`` overrides right after a ``--params``
apply to that stage. Each stage resumes its run directory if it exists (so an interrupted
training continues), then the final weights are written as float16, one file per tensor,
with a model card listing the stages and the evaluation of exactly the shipped weights on
fresh trajectories.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import gridcells as gc
from gridcells.config import parse_overrides
from gridcells.pretrained import export_pretrained


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--params", required=True, action="append", nargs="+",
                    metavar="FILE [KEY=VALUE ...]", help="a stage: params file and overrides")
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--name", default="default")
    ap.add_argument("--hardware", required=True, help="recorded in the model card")
    ap.add_argument("--out-root", default=None, help="default: gridcells/data")
    args = ap.parse_args()
    root = Path(args.run_dir)
    run_dir = root
    for k, (params, *overrides) in enumerate(args.params, 1):
        over = parse_overrides(overrides)
        if k > 1:
            over["init_from"] = str(run_dir)
        run_dir = root / f"stage{k}" if len(args.params) > 1 else root
        gc.train(gc.load_config(params, **over), run_dir, resume="auto")
    kwargs = {"out_root": args.out_root} if args.out_root else {}
    card = export_pretrained(run_dir, args.name, args.hardware, **kwargs)
    print(json.dumps(card["evaluation"], indent=1))


if __name__ == "__main__":
    main()
