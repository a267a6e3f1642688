"""Train a network and export it as the package's shipped model (gridcells/data/<name>/).

    python -m experiments.train_pretrained --params params/paper.yaml --run-dir runs/paper \
        --name default --hardware "1x H100"          # the paper's Ng = 4096, on a GPU
    python -m experiments.train_pretrained --params params/cpu_large.yaml --run-dir runs/large \
        --name default --hardware "2-core CPU"      # the largest CPU model

    python -m experiments.train_pretrained \
        --params experiments/results/cpu_v2.yaml weight_decay=3 \
        --params params/cpu_finetune.yaml --run-dir runs/shipped --name default \
        --hardware "2-core CPU"       # the shipped CPU model: grids form, then decoding

On a GPU, ``--time-budget S`` stops each stage at the first checkpoint after S seconds of
training (the card then says at which step of the config's schedule), and ``--tf32`` lets
float32 matrix products use TF32 tensor cores (recorded in the card)::

    python -m experiments.train_pretrained --params params/paper.yaml --run-dir /tmp/paper \
        --name paper --hardware "1x H200" --time-budget 400 --tf32 --out-root $OUT

Several ``--params`` train in stages: each stage starts from the previous one's weights
(``init_from``) in ``RUN_DIR/stage<k>``; ``key=value`` overrides right after a ``--params``
apply to that stage. Each stage resumes its run directory if it exists (so an interrupted
training continues), then the final weights are written as float16, one file per tensor,
with a model card listing the stages and the evaluation of exactly the shipped weights on
fresh trajectories.
"""

from __future__ import annotations

import argparse
import json
import tarfile
from pathlib import Path

import torch

import gridcells as gc
from gridcells.network.model import resolve_device
from gridcells.shipped.pretrained import DATA, export_pretrained, write_weights
from gridcells.training.loop import Trainer
from gridcells.world.params import parse_overrides

RUN_FILES = ("config.yaml", "provenance.json", "history.csv", "gridness.csv")


def pack_run(run_dir: Path, out: Path) -> None:
    """The run's small files (config, provenance, history, gridness) as ``out/run.tar.gz``."""
    tmp = out / ".run.tar.gz.partial"
    with tarfile.open(tmp, "w:gz") as tar:
        for name in RUN_FILES:
            tar.add(run_dir / name, arcname=name)
    tmp.replace(out / "run.tar.gz")


def snapshot(trainer: Trainer, out: Path) -> None:
    """The weights so far (float16 shards, no card) and :func:`pack_run` in ``out``: what
    survives if the machine is taken away mid-run."""
    write_weights(trainer.model, out)
    pack_run(trainer.run_dir, out)


def train_stage(cfg, run_dir: Path, budget_s: float | None, snapshot_to: Path | None = None,
                snapshot_every: int = 10) -> str | None:
    """Train (or resume) one stage epoch by epoch, printing one line per epoch; stop at the
    first checkpoint after ``budget_s`` seconds of training; every ``snapshot_every`` epochs
    :func:`snapshot` into ``snapshot_to`` if given. Returns a note when stopped early, else
    None."""
    trainer = Trainer(cfg, run_dir, "auto", progress=False)
    while trainer.step < cfg.total_steps:
        trainer.run(until_step=trainer.step + cfg.n_steps)
        if snapshot_to is not None and trainer.step % (snapshot_every * cfg.n_steps) == 0:
            snapshot(trainer, snapshot_to)
        last = trainer.history[-1]
        line = f"step {trainer.step}: loss {last['loss']:.4f}, {last['err_cm']:.1f} cm"
        if trainer.gridness and trainer.gridness[-1]["step"] == trainer.step:
            g = trainer.gridness[-1]
            line += f", {g['frac_above_03']:.0%} of {g['n_units']:.0f} units > 0.3"
        print(f"{line}, {trainer.elapsed:.0f} s", flush=True)
        if budget_s is not None and trainer.elapsed >= budget_s and \
                trainer.step < cfg.total_steps:
            return (f"{run_dir.name}: stopped by a time budget of {budget_s:g} s of training "
                    f"at step {trainer.step} of the config's {cfg.total_steps}")
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--params", required=True, action="append", nargs="+",
                    metavar="FILE [KEY=VALUE ...]", help="a stage: params file and overrides")
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--name", default="default")
    ap.add_argument("--hardware", required=True, help="recorded in the model card")
    ap.add_argument("--out-root", default=None, help="default: gridcells/data")
    ap.add_argument("--time-budget", type=float, default=None, metavar="SECONDS",
                    help="stop each stage at the first checkpoint after this much training")
    ap.add_argument("--tf32", action="store_true",
                    help="float32 matrix products in TF32 on a GPU (recorded in the card)")
    ap.add_argument("--snapshot-every", type=int, default=None, metavar="EPOCHS",
                    help="also write the weights so far and run.tar.gz (the run's small "
                         "files) into the export folder every EPOCHS epochs")
    args = ap.parse_args()
    out_root = Path(args.out_root) if args.out_root else DATA
    snap = out_root / args.name if args.snapshot_every else None
    notes = []
    if args.tf32:
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
        notes.append("float32 weights; matrix products in TF32 on the GPU")
    root = Path(args.run_dir)
    run_dir = root
    for k, (params, *overrides) in enumerate(args.params, 1):
        over = parse_overrides(overrides)
        if k > 1:
            over["init_from"] = str(run_dir)
        run_dir = root / f"stage{k}" if len(args.params) > 1 else root
        stopped = train_stage(gc.load_config(params, **over), run_dir, args.time_budget,
                              snap, args.snapshot_every or 1)
        notes += [stopped] if stopped else []
    card = export_pretrained(run_dir, args.name, args.hardware, notes=notes, out_root=out_root,
                             device=resolve_device("auto"))
    if snap is not None:
        pack_run(run_dir, snap)
    print(json.dumps(card["evaluation"], indent=1))


if __name__ == "__main__":
    main()
