"""Which lattice the units of finished runs share, and when they chose it.

    python -m experiments.lattice_runs --out experiments/results/lattice_seeds.jsonl \
        --label v3 runs/seeds3/seed0 runs/seeds3/seed1 ...

For every run directory: each stored epoch's network measured as during training (the
first ``eval_units`` units, ``eval_batches`` batches of the run's own evaluation paths) and
the final network as the recipe judges it (all units, 50 batches of the paper's 20-step
paths), each with the share of units above grid score 0.3 and the shared hexagonal, square
and stripe order (:func:`gridcells.analysis.lattice.lattice_symmetry`). One JSON line per run; the
training chapter reads the table. For runs trained before the lattice measure joined the
in-training measurement.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

import gridcells as gc
from gridcells.analysis.evaluation import criteria_evaluation
from gridcells.analysis.lattice import lattice_symmetry

KEYS = ("err_cm", "frac_above_03", "best64_mean", "hex_order", "square_order", "stripe_order")


def measured(ev, rm) -> dict:
    """An evaluation's row with the shared lattice's orientations (rate maps ``rm``)."""
    sym = lattice_symmetry(rm.maps)
    return {**{k: round(getattr(ev, k), 4) for k in KEYS},
            "hex_deg": round(sym.hex_deg, 1), "square_deg": round(sym.square_deg, 1)}


def lattice_row(run_dir: str, label: str) -> dict:
    """Curve over the stored epochs and the final judgement of one run directory."""
    curve = []
    for path in gc.list_checkpoints(run_dir):
        model = gc.load_model(path)
        cfg = model.cfg
        step = int(path.parent.name.split("_")[1]) * cfg.n_steps
        ev, rm, _ = gc.evaluate(model, cfg.eval_batches,
                                units=np.arange(min(cfg.eval_units, cfg.Ng)))
        curve.append({"step": step, **measured(ev, rm)})
    model = gc.load_model(run_dir)
    ev, rm, _ = criteria_evaluation(model, 50)
    final = measured(ev, rm)
    return {"run": run_dir, "label": label, "seed": model.cfg.seed, "arena": model.cfg.arena,
            "sequence_length": model.cfg.sequence_length, **final, "curve": curve}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", required=True)
    ap.add_argument("--label", required=True, help="what the runs are, e.g. the recipe")
    ap.add_argument("runs", nargs="+")
    args = ap.parse_args()
    print("run                          err_cm  >0.3  hex  square (deg)")
    for run_dir in args.runs:
        row = lattice_row(run_dir, args.label)
        with open(Path(args.out), "a") as fh:
            fh.write(json.dumps(row) + "\n")
        print(f"{run_dir:28s} {row['err_cm']:6.2f}  {row['frac_above_03']:.2f}  "
              f"{row['hex_order']:.2f}  {row['square_order']:.2f} ({row['square_deg']:.0f})",
              flush=True)


if __name__ == "__main__":
    main()
