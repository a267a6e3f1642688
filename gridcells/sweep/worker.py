"""The work of one sweep stage, on a Dask worker: train a run to the screening step or to
the end (resuming its run directory) and measure it there (:func:`run_stage`), with the
machine it ran on. Called by :mod:`gridcells.sweep.client`."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from gridcells.network.checkpoints import latest_checkpoint
from gridcells.rundir.history import cpu_model
from gridcells.world.config import Config, config_from_dict


def machine_cores() -> int:
    """CPU cores this process may use (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def hardware(device, threads: int) -> str:
    """One line: CPU model and cores, the torch threads of a training, its device."""
    dev = str(device)
    if getattr(device, "type", dev) == "cuda":
        import torch
        dev = torch.cuda.get_device_name(device)
    return f"{cpu_model()} ({machine_cores()} cores), {threads} torch threads, {dev}"


def run_step(run_dir: str | Path, cfg: Config) -> int:
    """Training step of a run directory's newest checkpoint (0 if none)."""
    ckpt = latest_checkpoint(run_dir)
    return 0 if ckpt is None else int(ckpt.name.split("_")[1]) * cfg.n_steps


def _step_or_zero(run_dir: Path, cfg: Config) -> int:
    try:
        return run_step(run_dir, cfg)
    except (OSError, ValueError, IndexError):  # an unreadable checkpoint folder
        return 0


def screen_figures(run_dir: str | Path, cfg: Config, step: int) -> dict[str, float]:
    """The in-training measurement of a run at ``step``: its ``gridness.csv`` row there, or,
    when the run did not measure at that step, the same measurement (``eval_units`` units,
    ``eval_batches`` batches of the run's evaluation paths) of that epoch's stored weights."""
    from gridcells.analysis.evaluation import evaluate
    from gridcells.network.checkpoints import load_model
    from gridcells.rundir.history import read_csv

    rows = [r for r in read_csv(Path(run_dir) / "gridness.csv") if int(r["step"]) == step]
    if rows:
        return rows[-1]
    ckpt = Path(run_dir) / "checkpoints" / f"epoch_{step // cfg.n_steps:04d}"
    model = load_model(ckpt / "model.safetensors", device="cpu")
    ev, _, _ = evaluate(model, cfg.eval_batches, np.arange(min(cfg.eval_units, cfg.Ng)))
    return {"step": float(step), **ev.row()}


def run_stage(config: dict[str, Any], run_dir: str, stage: str, screen_step: int,
              judge_batches: int, threads: int | None) -> dict[str, Any]:
    """Train one run to its screening step (``stage="screen"``) or to the end
    (``"final"``), resuming its last checkpoint, then measure it. Runs on a Dask worker.

    config: the run's resolved :class:`Config` as a dict; threads: torch (and BLAS) threads
    for this task (None: leave the process's setting). Returns a dict: stage, step reached,
    train_s (the run's training time so far, s), wall_s (this task, s), hardware, commit,
    and the figures (screen: the in-training measurement at the screening step; final: the
    recipe's judgement, ``meets``); on failure ``error`` instead of figures. Never raises
    for a failure of the run itself."""
    import torch
    from threadpoolctl import threadpool_limits

    from gridcells.analysis.evaluation import criteria_evaluation
    from gridcells.network.model import resolve_device
    from gridcells.rundir.history import git_commit
    from gridcells.training.loop import Trainer

    t0 = time.perf_counter()
    cfg = config_from_dict(config)
    run_dir_p = Path(run_dir)
    old_threads = torch.get_num_threads()
    out: dict[str, Any] = {"stage": stage, "commit": git_commit()}
    limits = threadpool_limits(threads) if threads else contextlib.nullcontext()
    try:
        with limits:
            if threads:
                torch.set_num_threads(threads)
            out["hardware"] = hardware(resolve_device(cfg.device), torch.get_num_threads())
            out["cpu_kernels"] = torch.backends.cpu.get_cpu_capability()  # bf16 rounding
            trainer = Trainer(cfg, run_dir_p, "auto", progress=False)
            trainer.run(screen_step if stage == "screen" else None)  # on a checkpoint
            out["step"] = trainer.step
            out["train_s"] = round(trainer.elapsed, 3)
            if stage == "screen":
                out["figures"] = screen_figures(run_dir_p, cfg, screen_step)
            else:
                ev, _, _ = criteria_evaluation(trainer.model, judge_batches)
                out["figures"] = {**ev.row(), "meets": ev.meets_recipe()}
    except Exception as exc:  # the run failed: recorded, the sweep goes on
        out["error"] = f"{type(exc).__name__}: {exc}"
        out["step"] = _step_or_zero(run_dir_p, cfg)
    finally:
        if threads:
            torch.set_num_threads(old_threads)
    out["wall_s"] = round(time.perf_counter() - t0, 3)
    return out

