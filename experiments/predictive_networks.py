"""The predictive analysis of many networks, recorded for the book's across-network tables.

    python experiments/predictive_networks.py [--params params/default.yaml] NET [NET ...]

NET is a run directory (e.g. runs/ensemble/seed10) or ``pretrained:NAME`` (a shipped model);
``--ensemble NAME`` adds every member of a shipped ensemble (``pretrained:NAME/seedN``).
For each network: :func:`gridcells.study.network_row` (class counts under the ``shift``,
``ouchi``, ``fork`` and ``earlier`` criteria, median shifts, the ablation of the predictive
units with its p-value) and the recipe's judgement of the network, appended as one JSON line
(with date, commit, hardware, threads and wall time) to
experiments/results/predictive_networks.jsonl. The predictive chapter reads the newest row of
each network. A network takes about 2-3 minutes on 2 CPU cores.
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
from gridcells.evaluation import criteria_evaluation
from gridcells.pretrained import ensemble_members
from gridcells.training import git_commit

OUT = Path(__file__).resolve().parent / "results" / "predictive_networks.jsonl"


def load(net: str) -> gc.PathRNN:
    if net.startswith("pretrained:"):
        return gc.load_pretrained(net.split(":", 1)[1])
    return gc.load_model(net)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--params", default="params/default.yaml")
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--ensemble", help="analyse every member of this shipped ensemble")
    ap.add_argument("nets", nargs="*")
    args = ap.parse_args()
    if args.ensemble:
        args.nets += [f"pretrained:{args.ensemble}/{m}" for m in ensemble_members(args.ensemble)]
    cfg = gc.load_config(args.params, device="cpu")
    commit = git_commit()  # the code that runs: read once, before any later commit
    for net in args.nets:
        t0 = time.perf_counter()
        model = load(net)
        row, _ = study.network_row(model, cfg)
        ev = criteria_evaluation(model)[0]
        record = {"network": net, "date": time.strftime("%Y-%m-%d %H:%M"),
                  "commit": commit, "hardware": f"{platform.machine()} "
                  f"{torch.get_num_threads()} threads", "wall_s": time.perf_counter() - t0,
                  "params": args.params, **row}
        record["judgement"] = {**ev.row(), "meets": ev.meets_recipe()}
        with open(args.out, "a") as fh:
            fh.write(json.dumps(record, default=float) + "\n")
        print(json.dumps({k: record[k] for k in record if not k.startswith(("ouchi", "fork"))},
                         default=float), flush=True)


if __name__ == "__main__":
    main()
