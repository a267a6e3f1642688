"""Train one configuration from scratch, measure it, append the outcome to a JSONL table.

    python -m experiments.recipe_search --out experiments/results/recipe_search.jsonl \
        --params params/cpu.yaml seed=3 learning_rate=2e-3

Each line records the overrides, wall time of training, hardware, and the evaluation of the
final network on fresh trajectories of the paper's 20 steps, whatever the training length
(decoding error, fraction of units above grid score 0.3, mean of the best 64, map
diversity) and whether it meets the CPU recipe's criteria. The
training chapter's table of configurations tried is read from this file.

Besides the free-text ``note``, every row says in fields how it was measured:
``measurement`` ("recipe": all units, ``--eval-batches`` batches of 20-step paths, the
recipe's judgement; "in-training": the run's last in-training measurement of its first
``eval_units`` units), ``schedule_steps`` (length of the configured schedule; ``steps`` is
where the row was measured), ``stopped_early`` (steps < schedule_steps) and
``machine_shared`` (``--machine-shared``: the wall time is not that of an idle machine).

A screening run (``--until-step 4000``) follows the schedule of the full run but stops early
and records the last in-training measurement instead (``--resume`` continues a kept screen
to a later step, exactly as if it had not stopped): the share of grid units is settled by
the time the error falls below ~20 cm (about halfway through the recipe), so many settings
and seeds can be compared cheaply (``experiments/results/recipe_screen.jsonl``).
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

import torch

import gridcells as gc
from gridcells.analysis.evaluation import criteria_evaluation
from gridcells.training.loop import Trainer
from gridcells.world.params import parse_overrides


def run(params: str | None, overrides: list[str], eval_batches: int, keep: str | None,
        until_step: int | None = None, resume: bool = False) -> dict:
    over = parse_overrides(overrides)
    cfg = gc.load_config(params, **over)
    run_dir = Path(keep) if keep else Path(tempfile.mkdtemp()) / "run"
    if until_step is not None:  # a screening run: the schedule of the full run, cut short
        Trainer(cfg, run_dir, "resume" if resume else "new",
                            progress=False).run(until_step)
        return partial(str(run_dir), params, overrides,
                       f"screen to step {until_step} of {cfg.total_steps}; "
                       f"{min(cfg.eval_units, cfg.Ng)} units", cfg.total_steps)
    t = time.perf_counter()
    result = gc.train(cfg, run_dir, progress=False)
    wall = time.perf_counter() - t
    return judged(result.model, params, over, wall, eval_batches, result.gridness)


def judged(model, params: str | None, over: dict, wall: float, eval_batches: int,
           curve: list[dict]) -> dict:
    """A row for a finished network: the recipe's evaluation (all units, fresh trajectories
    of the paper's length) and whether it meets the criteria."""
    ev, _, _ = criteria_evaluation(model, eval_batches)
    return {"params": params, "overrides": over, "wall_s": round(wall, 1),
            "steps": model.cfg.total_steps, "hardware": f"{platform.machine()} "
            f"{torch.get_num_threads()} threads", **{k: round(v, 4) if isinstance(v, float)
                                                    else v for k, v in ev.row().items()},
            "meets": ev.meets_recipe(), "curve": curve, "measurement": "recipe",
            "schedule_steps": model.cfg.total_steps, "stopped_early": False,
            "machine_shared": False}


def finished(run_dir: str, params: str | None, overrides: list[str], eval_batches: int,
             note: str) -> dict:
    """A row for a complete run trained elsewhere (e.g. a full-length screen): judged as
    :func:`run` judges its own; wall time and threads are those of the run's training."""
    model = gc.load_model(run_dir)
    last = gc.read_csv(Path(run_dir) / "history.csv")[-1]
    if last["step"] != model.cfg.total_steps:
        raise SystemExit(f"--evaluate: {run_dir!r} has not finished its schedule")
    row = judged(model, params, parse_overrides(overrides), last["elapsed_s"], eval_batches,
                 gc.read_csv(Path(run_dir) / "gridness.csv"))
    return {**row, "hardware": trained_on(run_dir), "note": note}


def trained_on(run_dir: str) -> str:
    """Machine and threads a run directory was trained with (threads from its provenance,
    not from the process that records it)."""
    threads = json.loads((Path(run_dir) / "provenance.json").read_text()).get("cpu_threads",
                                                                                "?")
    return f"{platform.machine()} {threads} threads"


def partial(run_dir: str, params: str | None, overrides: list[str], note: str,
            schedule_steps: int | None = None) -> dict:
    """A row for a run stopped by hand: its last in-training measurement (subset of units).
    ``schedule_steps``: the configured schedule's length (default: the run's config)."""
    rows = gc.read_csv(Path(run_dir) / "gridness.csv")
    last = rows[-1]
    if schedule_steps is None:
        schedule_steps = gc.load_config(Path(run_dir) / "config.yaml").total_steps
    return {"params": params, "overrides": parse_overrides(overrides),
            "wall_s": round(gc.read_csv(Path(run_dir) / "history.csv")[-1]["elapsed_s"], 1),
            "steps": int(last["step"]), "hardware": trained_on(run_dir),
            "err_cm": round(last["err_cm"], 4),
            "frac_above_03": last["frac_above_03"], "best64_mean": last["best64_mean"],
            "map_corr": last["map_corr"], "frac_silent": last.get("frac_silent"),
            "hex_order": last.get("hex_order"), "square_order": last.get("square_order"),
            "stripe_order": last.get("stripe_order"), "n_units": int(last["n_units"]),
            "meets": False, "note": note, "curve": rows, "measurement": "in-training",
            "schedule_steps": schedule_steps, "stopped_early": int(last["step"]) < schedule_steps,
            "machine_shared": False}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--params")
    ap.add_argument("--out", required=True)
    ap.add_argument("--partial", metavar="RUN_DIR",
                    help="record a run stopped by hand from its last measurement")
    ap.add_argument("--evaluate", metavar="RUN_DIR",
                    help="record a finished run trained elsewhere, judged like the others")
    ap.add_argument("--note", default="stopped by hand; in-training measurement")
    ap.add_argument("--eval-batches", type=int, default=50)
    ap.add_argument("--keep", help="keep the run directory here")
    ap.add_argument("--until-step", type=int,
                    help="screen: stop at this step (schedule of the full run)")
    ap.add_argument("--resume", action="store_true",
                    help="continue the screen kept in --keep to a later --until-step")
    ap.add_argument("--machine-shared", action="store_true",
                    help="the machine ran other work meanwhile: wall time not comparable")
    ap.add_argument("overrides", nargs="*")
    args = ap.parse_args()
    if args.partial:
        row = partial(args.partial, args.params, args.overrides, args.note)
    elif args.evaluate:
        row = finished(args.evaluate, args.params, args.overrides, args.eval_batches, args.note)
    else:
        if args.resume and (args.keep is None or args.until_step is None):
            raise SystemExit("--resume continues a screen: give --keep RUN_DIR and --until-step")
        row = run(args.params, args.overrides, args.eval_batches, args.keep, args.until_step,
                  args.resume)
    row["machine_shared"] = args.machine_shared
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "a") as fh:
        fh.write(json.dumps(row) + "\n")
    print(json.dumps({k: v for k, v in row.items() if k != "curve"}))


if __name__ == "__main__":
    main()
