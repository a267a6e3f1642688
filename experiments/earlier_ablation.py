"""Silencing the units the earlier analysis's rules call predictive, in many networks, against
random, zero-lag and gridness-matched sets, recorded for the ablation chapter's table.

    python -m experiments.earlier_ablation [--params params/default.yaml] [--ensemble NAME] NET ...

NET is a run directory or ``pretrained:NAME`` (as in :mod:`experiments.networks`);
``--ensemble NAME`` adds every member of a shipped ensemble. For each network:
:func:`gridcells.predictive.study.earlier_ablation` (seed ``rng_seed + 1``, as the chapter),
appended as one JSON line (date, commit, hardware, threads, wall time) to
experiments/results/earlier_ablation.jsonl. About 1-2 minutes a network on one CPU thread.
"""

from __future__ import annotations

import json
from pathlib import Path

import gridcells as gc
from gridcells.predictive import study

from .networks import Recorder, load, parse_args

OUT = Path(__file__).resolve().parent / "results" / "earlier_ablation.jsonl"


def main():
    args = parse_args(__doc__, OUT)
    cfg = gc.load_config(args.params, device="cpu")
    rec = Recorder(args.out, args.params)
    for net in args.nets:
        rec.start()
        row, abl, _ = study.earlier_ablation(load(net), cfg, cfg.rng_seed + 1)
        record = {**rec.header(net), "trials": len(abl.random_errors_cm), **row}
        rec.write(record)
        print(json.dumps(record, default=float), flush=True)


if __name__ == "__main__":
    main()
