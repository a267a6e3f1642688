"""Silencing the earlier analysis's predictive units at a working error, in many networks.

    python -m experiments.working_ablation [--params params/default.yaml] [--ensemble NAME] NET ...

The chapter's first comparison (:mod:`experiments.earlier_ablation`) silences all of the
earlier rules' units at once, which takes every network to 15-54 cm, far from path
integration. Here, per network: the dose-response of random sets (1-32 units, 30 sets
each), the largest size whose mean error stays within twice the intact error, and at that
size 30 random subsets of the earlier rules' units against 30 random and 30
gridness-matched sets (:func:`gridcells.predictive.study.earlier_working_ablation`, seed
``rng_seed + 1``). One JSON line per network (date, commit, hardware, threads, wall time) in
experiments/results/working_ablation.jsonl. About 3 minutes a network on one CPU thread.
"""

from __future__ import annotations

import json
from pathlib import Path

import gridcells as gc
from gridcells.predictive import study

from .networks import Recorder, load, parse_args

OUT = Path(__file__).resolve().parent / "results" / "working_ablation.jsonl"


def main():
    args = parse_args(__doc__, OUT)
    cfg = gc.load_config(args.params, device="cpu")
    rec = Recorder(args.out, args.params)
    for net in args.nets:
        rec.start()
        row, _ = study.earlier_working_ablation(load(net), cfg, cfg.rng_seed + 1)
        record = {**rec.header(net), **row}
        rec.write(record)
        print(json.dumps(record, default=float), flush=True)


if __name__ == "__main__":
    main()
