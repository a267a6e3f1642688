"""Silencing the units the earlier analysis's rules call predictive, in many networks, against
random, zero-lag and gridness-matched sets, recorded for the ablation chapter's table.

    python -m experiments.earlier_ablation [--params params/default.yaml] [--ensemble NAME] NET ...

NET is a run directory or ``pretrained:NAME`` (as in :mod:`experiments.predictive_networks`);
``--ensemble NAME`` adds every member of a shipped ensemble. For each network:
:func:`gridcells.study.earlier_ablation` (seed ``rng_seed + 1``, as the chapter), appended as
one JSON line (date, commit, hardware, threads, wall time) to
experiments/results/earlier_ablation.jsonl. About 1-2 minutes a network on one CPU thread.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

import gridcells as gc
from gridcells import study
from gridcells.pretrained import ensemble_members
from gridcells.training import git_commit

from .predictive_networks import load

OUT = Path(__file__).resolve().parent / "results" / "earlier_ablation.jsonl"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--params", default="params/default.yaml")
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--ensemble", help="analyse every member of this shipped ensemble")
    ap.add_argument("nets", nargs="*")
    args = ap.parse_args()
    if args.ensemble:
        args.nets += [f"pretrained:{args.ensemble}/{m}" for m in ensemble_members(args.ensemble)]
    if not args.nets:
        ap.error("no network given; expected run directories, pretrained:NAME or --ensemble")
    cfg = gc.load_config(args.params, device="cpu")
    commit = git_commit()  # the code that runs: read once, before any later commit
    for net in args.nets:
        t0 = time.perf_counter()
        row, abl, _ = study.earlier_ablation(load(net), cfg, cfg.rng_seed + 1)
        record = {"network": net, "date": time.strftime("%Y-%m-%d %H:%M"),
                  "commit": commit, "hardware": f"{platform.machine()} "
                  f"{torch.get_num_threads()} threads", "wall_s": time.perf_counter() - t0,
                  "params": args.params, "trials": len(abl.random_errors_cm), **row}
        with open(args.out, "a") as fh:
            fh.write(json.dumps(record, default=float) + "\n")
        print(json.dumps(record, default=float), flush=True)


if __name__ == "__main__":
    main()
