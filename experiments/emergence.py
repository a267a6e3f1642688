"""Records for the chapter "When do grids emerge" (issue 30).

    python -m experiments.emergence initial   # the untrained networks of the recipe's seeds
    python -m experiments.emergence curves    # the in-training curves of the odds sweeps
    python -m experiments.emergence theory    # the theory's prediction for each setting

``initial``: for every seed the recipe's odds were measured on (gridcells.records.experiments.
recipe_screens), the lattice orders of the untrained network (gridcells.records.emergence.
initial_orders) beside its verdict at step 3000 -> experiments/results/initial_orders.jsonl.
``curves``: the gridness.csv of every run of the odds sweeps (runs/odds, runs/odds_paper),
with its setting and seed -> experiments/results/odds_curves.jsonl (rewritten whole).
``theory``: for the recipe and every setting of the odds map that changes what the
pattern-formation theory reads (gridcells.records.emergence.THEORY_FIELDS), the single-cell
ReLU patterns of its covariance (gridcells.records.emergence.theory_prediction) ->
experiments/results/odds_theory.jsonl (rewritten whole).
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


# the odds queue's settings (experiments/odds_queue.sh) that change what the theory reads
THEORY_SETTINGS = ("DoG=false", "place_cell_rf=0.16", "surround_scale=1.5")


def theory(cells: int, settings: list[str]) -> None:
    import gridcells as gc
    from gridcells.records import emergence, odds
    from gridcells.rundir.history import cpu_model
    from gridcells.world.params import parse_overrides

    out = []
    for setting in ["recipe", *settings]:
        over = {} if setting == "recipe" else parse_overrides([setting])
        if setting != "recipe" and not set(over) & set(emergence.THEORY_FIELDS):
            print(f"{setting}: the theory does not read it; skipped")
            continue
        t0 = time.perf_counter()
        pred = emergence.theory_prediction(gc.load_config("params/cpu.yaml", **over), cells)
        label = "recipe" if setting == "recipe" else odds.setting_of(over)
        out.append({"setting": label, "overrides": over, "cells": cells, **pred,
                    "wall_s": round(time.perf_counter() - t0, 1), "cpu": cpu_model()})
        print(json.dumps(out[-1]), flush=True)
    with open(RESULTS / "odds_theory.jsonl", "w") as f:
        for r in out:
            f.write(json.dumps(r) + "\n")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("what", choices=("initial", "curves", "theory"))
    p.add_argument("--n-batches", type=int, default=10)
    p.add_argument("--cells", type=int, default=32, help="theory: patterns per setting")
    p.add_argument("--settings", nargs="*", default=list(THEORY_SETTINGS),
                   help="theory: key=value settings besides the recipe")
    args = p.parse_args(argv)
    if args.what == "initial":
        initial(args.n_batches)
    elif args.what == "curves":
        curves()
    else:
        theory(args.cells, args.settings)


if __name__ == "__main__":
    main()
