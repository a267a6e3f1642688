"""Whose coin is it (issue 30, item 1): screen many seeds of one recipe at once on one GPU.

    python -m experiments.paper_screens --out DIR --seeds 100-115 --steps 40000 \
        --budget 480 [--params params/paper.yaml] [KEY=VALUE ...]

Starts one ``gridcells train`` process per seed, all at once (on a GPU they share it; the
device image has no Dask, so this does not use ``gridcells sweep``), each measuring its
lattice every ``eval_every`` steps into its run's ``gridness.csv``. At ``--steps`` or after
``--budget`` seconds, whichever comes first, every process is stopped and each seed is
judged by the sweep's rule (:class:`gridcells.sweep.plan.ScreenRule`) at its last
measurement. Writes ``DIR/screens.jsonl``: one row per seed in the sweep table's screen
form (``name``, ``seed``, ``overrides``, ``step``, ``passes_rule``, the lattice orders,
``hardware``), which :func:`gridcells.records.odds.odds_by_setting` reads, and
``DIR/curves.jsonl`` (every seed's in-training measurements). Seeds that reached
different steps (cut off by ``--budget``) are judged at different steps; each row says its
step, and a table of them is one setting's odds only where the steps agree.

On the CPU (for trying it) give ``--threads 1`` and few seeds; on a GPU the default
``device: auto`` trains on CUDA.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from gridcells.network.model import resolve_device
from gridcells.rundir.history import read_csv
from gridcells.sweep.plan import ScreenRule, parse_seeds, plan_runs
from gridcells.sweep.worker import hardware
from gridcells.world.config import load_config
from gridcells.world.params import parse_overrides

LAUNCH = "import sys; from gridcells.cli import main; sys.exit(main())"


def start(spec, args, overrides: list[str], epochs: int) -> subprocess.Popen:
    """One training process for ``spec`` (a :class:`gridcells.sweep.plan.RunSpec`) in
    ``args.out``/its name, resumed where a checkpoint is there."""
    run = Path(args.out) / spec.name
    cmd = [sys.executable, "-c", LAUNCH, "train", "--params", args.params, "--run-dir",
           str(run), "--quiet", *overrides, f"seed={spec.overrides['seed']}",
           f"n_epochs={epochs}"]
    if (run / "checkpoints").is_dir():
        cmd.insert(cmd.index("--quiet"), "--resume")
    env = {**os.environ, "OMP_NUM_THREADS": str(args.threads)} if args.threads else None
    log = open(Path(args.out) / f"{spec.name}.log", "a")
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, help="folder: one run per seed, screens.jsonl")
    p.add_argument("--seeds", default="100-115")
    p.add_argument("--steps", type=int, required=True, help="train each seed this far")
    p.add_argument("--budget", type=float, default=float("inf"), help="seconds in all")
    p.add_argument("--params", default="params/paper.yaml")
    p.add_argument("--threads", type=int, default=0, help="torch threads per run (CPU)")
    p.add_argument("overrides", nargs="*", metavar="key=value")
    args = p.parse_args(argv)
    overrides = parse_overrides(args.overrides)
    cfg = load_config(args.params, **overrides)
    if args.steps % cfg.n_steps:
        p.error(f"--steps: expected a multiple of the runs' n_steps ({cfg.n_steps}), "
                f"got {args.steps}")
    # named as a sweep names its runs (the overrides as a one-point grid, then the seed)
    specs = plan_runs(parse_seeds(args.seeds), {k: [v] for k, v in overrides.items()})
    Path(args.out).mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    procs = {r.name: start(r, args, args.overrides, args.steps // cfg.n_steps) for r in specs}
    while any(pr.poll() is None for pr in procs.values()) and time.time() - t0 < args.budget:
        time.sleep(5)
    for pr in procs.values():
        if pr.poll() is None:
            pr.terminate()
    for pr in procs.values():
        pr.wait()
    rule = ScreenRule()
    hw = hardware(resolve_device(cfg.device), args.threads or "default")
    with open(Path(args.out) / "screens.jsonl", "a") as rows, \
            open(Path(args.out) / "curves.jsonl", "a") as curves:
        for spec in specs:
            s = spec.overrides["seed"]
            curve = read_csv(Path(args.out) / spec.name / "gridness.csv")
            curves.write(json.dumps({"seed": s, "overrides": overrides, "curve": curve})
                         + "\n")
            if not curve:
                print(f"seed {s}: no measurement (exit {procs[spec.name].returncode})")
                continue
            last = curve[-1]
            row = {"name": spec.name, "seed": s, "overrides": spec.overrides,
                   "params": args.params, "stage": "screen", "step": int(last["step"]),
                   "hardware": hw, "wall_s": round(time.time() - t0, 1),
                   **{k: last[k] for k in ("err_cm", "frac_above_03", "hex_order",
                                           "square_order", "stripe_order") if k in last},
                   "passes_rule": bool(rule.passes(last))}
            rows.write(json.dumps(row) + "\n")
            err = last.get("err_cm", float("nan"))
            print(f"seed {s}: step {row['step']}, {err:.1f} cm, hex "
                  f"{last['hex_order']:.2f} square {last['square_order']:.2f} stripe "
                  f"{last['stripe_order']:.2f} -> "
                  f"{'hexagonal' if row['passes_rule'] else 'not hexagonal'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
