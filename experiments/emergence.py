"""Records for the chapter "When do grids emerge" (issue 30).

    python -m experiments.emergence initial   # the untrained networks of the recipe's seeds
    python -m experiments.emergence curves    # the in-training curves of the odds sweeps

``initial``: for every seed the recipe's odds were measured on (gridcells.records.experiments.
recipe_screens), the lattice orders of the untrained network (gridcells.records.emergence.
initial_orders) beside its verdict at step 3000 -> experiments/results/initial_orders.jsonl.
``curves``: the gridness.csv of every run of the odds sweeps (runs/odds, runs/odds_paper),
with its setting and seed -> experiments/results/odds_curves.jsonl (rewritten whole).
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

RESULTS = Path("experiments/results")


def initial(n_batches: int) -> None:
    import torch

    import gridcells as gc
    from gridcells.records import emergence
    from gridcells.records import experiments as recorded
    from gridcells.rundir.history import cpu_model

    torch.set_num_threads(1)
    screens, _ = recorded.recipe_screens()
    cfg = gc.load_config("params/cpu.yaml")
    t0 = time.perf_counter()
    rows = emergence.initial_orders(cfg, [r["seed"] for r in screens], n_batches)
    wall = time.perf_counter() - t0
    with open(RESULTS / "initial_orders.jsonl", "w") as f:
        for r, s in zip(rows, screens):
            f.write(json.dumps({**r, "passes": bool(s["passes"]), "params": "params/cpu.yaml",
                                "n_batches": n_batches, "cpu": cpu_model(),
                                "wall_s_all": round(wall, 1)}) + "\n")
    print(f"{len(rows)} seeds in {wall:.0f} s")


def curves() -> None:
    from gridcells.sweep.table import read_sweep

    out = []
    for root in (Path("runs/odds"), Path("runs/odds_paper")):
        if not (root / "sweep.jsonl").is_file():
            continue
        for run in read_sweep(root / "sweep.jsonl"):
            path = root / run["name"] / "gridness.csv"
            if not path.is_file():
                continue
            with open(path) as f:
                curve = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]
            out.append({"sweep": str(root), "name": run["name"], "seed": run["seed"],
                        "overrides": run["overrides"], "verdict": run["verdict"],
                        "curve": curve})
    with open(RESULTS / "odds_curves.jsonl", "w") as f:
        for r in out:
            f.write(json.dumps(r) + "\n")
    print(f"{len(out)} runs")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("what", choices=("initial", "curves"))
    p.add_argument("--n-batches", type=int, default=10)
    args = p.parse_args(argv)
    initial(args.n_batches) if args.what == "initial" else curves()


if __name__ == "__main__":
    main()
