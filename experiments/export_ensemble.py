"""Ship the networks of a sweep that meet the recipe as ``gridcells/data/<name>/``.

    python experiments/export_ensemble.py SWEEP_DIR [--name ensemble] [--all]

Every finished run of ``SWEEP_DIR`` (run directories ``seed{N}`` of ``gridcells sweep``, or
of ``gridcells train`` into the same layout) is judged by the recipe's protocol
(:func:`gridcells.analysis.evaluation.criteria_evaluation`: all units, 50 batches of 20-step paths);
those that meet every criterion (``--all``: every finished run) are written as
``gridcells/data/<name>/seed{N}/`` (float16 safetensors and a model card with the judgement,
measured on the shipped weights). The sweep table, if any, is copied beside them.
``gc.load_ensemble(name)`` loads the group.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import gridcells as gc
from gridcells.analysis.evaluation import criteria_evaluation
from gridcells.network.checkpoints import latest_checkpoint
from gridcells.rundir.layout import atomic_write_text
from gridcells.shipped.pretrained import DATA, export_pretrained, load_pretrained
from gridcells.sweep.worker import hardware


def finished(run: Path) -> bool:
    if latest_checkpoint(run) is None or not (run / "history.csv").is_file():
        return False
    hist = gc.read_csv(run / "history.csv")
    return bool(hist) and int(hist[-1]["step"]) >= gc.load_model(run).cfg.total_steps


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("sweep_dir")
    ap.add_argument("--name", default="ensemble")
    ap.add_argument("--all", action="store_true", help="ship every finished run")
    ap.add_argument("--seeds", type=int, nargs="+", help="only these seeds")
    args = ap.parse_args()
    sweep = Path(args.sweep_dir)
    runs = sorted((p for p in sweep.glob("seed*") if (p / "config.yaml").is_file()),
                  key=lambda p: int(p.name[4:]))
    if args.seeds:
        runs = [r for r in runs if int(r.name[4:]) in args.seeds]
    for run in runs:
        if not finished(run):
            print(f"{run.name}: not finished, skipped")
            continue
        model = gc.load_model(run)
        ev = criteria_evaluation(model)[0]
        print(f"{run.name}: {ev.err_cm:.2f} cm, {ev.frac_above_03:.1%} above 0.3, best-64 "
              f"{ev.best64_mean:.2f}, meets {ev.meets_recipe()}", flush=True)
        if not (ev.meets_recipe() or args.all):
            continue
        name = f"{args.name}/{run.name}"
        prov = json.loads((run / "provenance.json").read_text())
        card = export_pretrained(run, name, hardware("cpu", int(prov.get("cpu_threads", 1))),
                                 notes=[f"trained by `gridcells train --params params/cpu.yaml "
                                        f"seed={model.cfg.seed}` into {sweep}/{run.name}"])
        shipped = criteria_evaluation(load_pretrained(name))[0]
        card["judgement"] = {**shipped.row(), "meets_recipe": shipped.meets_recipe(),
                             "protocol": "criteria_evaluation: all units, 50 batches of "
                                         "20-step paths, seed 10000 + seed"}
        atomic_write_text(DATA / name / "model_card.json", json.dumps(card, indent=1))
    table = sweep / "sweep.jsonl"
    if table.is_file():
        shutil.copy(table, DATA / args.name / "sweep.jsonl")


if __name__ == "__main__":
    main()
