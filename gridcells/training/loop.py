"""Training with checkpoints, history and exact resume.

A run directory holds everything needed to reread and continue a run::

    config.yaml          the fully resolved config
    provenance.json      package version, git commit, device, start time
    history.csv          step, loss, err_cm, lr, elapsed_s (mean over each log window)
    gridness.csv         step and the in-training measurement (see evaluation.Evaluation)
    checkpoints/epoch_NNNN/model.safetensors   weights + place-cell centres + config
    checkpoints/epoch_NNNN/state.safetensors   optimizer tensors (latest epoch only)
    checkpoints/epoch_NNNN/state.json          step, RNG state, optimizer groups
    checkpoints/latest   name of the newest complete epoch

Each epoch folder is written under a temporary name and renamed when complete; the
``latest`` pointer is replaced atomically after it. History files are rewritten at each
checkpoint, so after a crash they end exactly where the checkpoint does.
"""

from __future__ import annotations

import json
import shutil
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from gridcells.analysis.evaluation import evaluate
from gridcells.network.checkpoints import (
    CheckpointError,
    checkpoint_dirs,
    latest_checkpoint,
    load_model,
    load_tensors,
    read_state,
    save_model,
    save_tensors,
)
from gridcells.network.model import PathRNN, resolve_device
from gridcells.rundir.history import (
    GRIDNESS_FIELDS,
    HISTORY_FIELDS,
    provenance,
    read_csv,
    write_csv,
)
from gridcells.rundir.layout import RunDirError, RunLock, atomic_write_text, entries, unstarted
from gridcells.training.schedule import lr_factor, weight_decay_at
from gridcells.world.config import TRAINING_FIELDS, Config, config_from_dict, save_config
from gridcells.world.params import ConfigError, read_params
from gridcells.world.trajectories import TrajectoryGenerator


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite."""


def prefetch_size(n_steps: int, most: int = 10) -> int:
    """Batches simulated at once: the largest divisor of ``n_steps`` up to ``most``."""
    return max(k for k in range(1, most + 1) if n_steps % k == 0)


def train_step(model: PathRNN, opt: torch.optim.Optimizer, batch, autocast,
               weight_decay: float | None = None, shrink: float = 0.0) -> tuple:
    """One optimisation step: a single forward pass gives both the loss and the logits used
    for the decoding error. ``weight_decay``: the loss's coefficient (default the config's);
    ``shrink``: W_hh is multiplied by (1 - shrink) after the step (decoupled decay). Returns
    (loss, logits); raises TrainingDiverged on a non-finite loss before touching the
    weights."""
    with autocast:
        logits = model(batch.velocities, batch.init_code)
    logits = logits.float()
    loss = model.loss(logits, batch.target_code, weight_decay)
    if not torch.isfinite(loss):
        raise TrainingDiverged(f"loss became {loss.item()}")
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    if shrink:
        with torch.no_grad():
            model.RNN.weight_hh_l0.mul_(1.0 - shrink)
    return loss, logits


@dataclass
class TrainResult:
    """model: the trained network; history, gridness: lists of row dicts; run_dir."""

    model: PathRNN
    history: list[dict[str, float]]
    gridness: list[dict[str, float]]
    run_dir: Path


def initial_model(cfg: Config) -> PathRNN:
    """A fresh :class:`PathRNN`, or, when ``cfg.init_from`` (a run directory or weights file)
    is set, one carrying its weights and place-cell centres (same architecture required)."""
    model = PathRNN(cfg)
    if cfg.init_from is None:
        return model
    try:
        source = load_model(cfg.init_from)
    except CheckpointError as exc:
        raise ConfigError(f"init_from: {exc}") from None
    for key in ("Ng", "Np", "RNN_type", "activation"):
        if getattr(source.cfg, key) != getattr(cfg, key):
            raise ConfigError(f"init_from: {cfg.init_from!r} has {key} "
                              f"{getattr(source.cfg, key)!r}, expected {getattr(cfg, key)!r}")
    model.load_state_dict(source.state_dict())  # the centres (a buffer) come along
    return model


class Trainer:
    """Owns the model, optimizer, trajectory stream and run directory of one run."""

    def __init__(self, cfg: Config, run_dir: str | Path, mode: str = "new",
                 progress: bool = True):
        if mode not in ("new", "resume", "auto"):
            raise ValueError(f"mode: expected 'new', 'resume' or 'auto', got {mode!r}")
        self.cfg = cfg
        self.run_dir = Path(run_dir)
        self.progress = progress
        self.device = resolve_device(cfg.device)
        if self.run_dir.exists() and not self.run_dir.is_dir():
            raise RunDirError(f"run directory {str(self.run_dir)!r} is a file; expected a "
                              "directory (absent, empty, or a run to resume)")
        existed = self.run_dir.exists()
        self.lock = RunLock(self.run_dir).acquire()  # one training per directory
        try:
            self._open(mode)
        except BaseException:
            self.lock.discard()  # a refusal leaves the directory as it was
            if not existed and not entries(self.run_dir):
                self.run_dir.rmdir()
            raise

    def _open(self, mode: str) -> None:
        cfg = self.cfg
        has_ckpt = latest_checkpoint(self.run_dir) is not None
        restart = not has_ckpt and unstarted(self.run_dir)  # died before its first checkpoint
        if mode == "auto":
            mode = "resume" if has_ckpt else "new"
        if mode == "new":
            if has_ckpt or (entries(self.run_dir) and not restart):
                raise RunDirError(f"run directory {str(self.run_dir)!r} is not empty; choose a "
                                  "new one or resume it (--resume)")
        elif not has_ckpt:
            if not (restart and (self.run_dir / "config.yaml").is_file()):
                raise RunDirError(f"nothing to resume in {str(self.run_dir)!r}: no checkpoint "
                                  "and no run started there")
            self._check_config()  # a run that died before its first checkpoint: from step 0
            mode = "new"
        loaded = self._load_checkpoint() if mode == "resume" else None
        self.model = loaded[0] if loaded else initial_model(cfg).to(self.device)
        self.place_cells = self.model.place_cells()
        self.rng = np.random.default_rng(cfg.seed)
        self.gen = TrajectoryGenerator(cfg, self.place_cells, self.rng)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.learning_rate)
        self.step = 0
        self.elapsed = 0.0
        self.history: list[dict[str, float]] = []
        self.gridness: list[dict[str, float]] = []
        if loaded:
            self._restore(*loaded[1:])
        else:
            if restart:  # what a run that never checkpointed left: nothing to keep
                for f in ("history.csv", "gridness.csv"):
                    (self.run_dir / f).unlink(missing_ok=True)
                shutil.rmtree(self.run_dir / "checkpoints", ignore_errors=True)
            self.run_dir.mkdir(parents=True, exist_ok=True)
            save_config(cfg, self.run_dir / "config.yaml")
            atomic_write_text(self.run_dir / "provenance.json",
                              json.dumps(provenance(self.device), indent=1))

    # ---- checkpoints -------------------------------------------------------------------
    def _check_config(self) -> None:
        """The stored config must equal the given one in every field that defines training
        (:data:`~gridcells.world.config.TRAINING_FIELDS`); analysis fields may differ."""
        path = self.run_dir / "config.yaml"
        try:
            stored = config_from_dict(read_params(path))
        except ConfigError as exc:
            raise RunDirError(f"cannot resume {str(self.run_dir)!r}: its config.yaml is "
                              f"unreadable ({exc})") from None
        diff = {k: (getattr(stored, k), getattr(self.cfg, k)) for k in sorted(TRAINING_FIELDS)
                if getattr(stored, k) != getattr(self.cfg, k)}
        if diff:
            raise RunDirError(f"cannot resume {str(self.run_dir)!r} with a different config "
                              f"in fields that define training: (stored, given) = {diff}")

    def _load_checkpoint(self) -> tuple[PathRNN, Path, dict, dict]:
        """The newest checkpoint that loads completely (weights, optimizer tensors, state),
        after checking the config; a damaged newest one falls back to the previous epoch
        with a warning. Returns (model, folder, state, optimizer tensors)."""
        self._check_config()
        errors = []
        for ckpt in checkpoint_dirs(self.run_dir):
            if not (ckpt / "state.json").is_file() and not errors:
                errors.append(f"{str(ckpt / 'state.json')!r} not found")
                continue
            if not (ckpt / "state.json").is_file():
                continue  # older epochs keep weights only
            try:
                model = load_model(ckpt / "model.safetensors", device=self.device)
                state = read_state(ckpt / "state.json")
                tensors, _ = load_tensors(ckpt / "state.safetensors")
                for key, value in tensors.items():
                    if value.is_floating_point() and not torch.isfinite(value).all():
                        raise CheckpointError(f"{str(ckpt / 'state.safetensors')!r}: {key} "
                                              "holds non-finite values")
            except CheckpointError as exc:
                errors.append(str(exc))
                continue
            if errors:
                warnings.warn(f"{errors[0]}; resuming from the previous checkpoint "
                              f"{str(ckpt)!r} instead", stacklevel=3)
            return model, ckpt, state, tensors
        raise CheckpointError(f"cannot resume {str(self.run_dir)!r}: no complete checkpoint; "
                              f"the newest: {errors[0] if errors else 'none'}")

    def _restore(self, ckpt: Path, state: dict, tensors: dict) -> None:
        """Optimizer state, trajectory RNG, step and history from checkpoint ``ckpt``."""
        opt_state = {"param_groups": state["param_groups"], "state": {}}
        try:
            for key, value in tensors.items():
                idx, name = key.split(".", 1)
                opt_state["state"].setdefault(int(idx), {})[name] = value.to(self.device) \
                    if name != "step" else value
            self.opt.load_state_dict(opt_state)
            self.rng.bit_generator.state = state["rng"]
        except (ValueError, TypeError, KeyError) as exc:
            raise CheckpointError(f"{str(ckpt)!r}: optimizer or RNG state does not fit this "
                                  f"model ({type(exc).__name__}: {exc})") from None
        self.step, self.elapsed = state["step"], state["elapsed_s"]
        self.history = [r for r in read_csv(self.run_dir / "history.csv")
                        if r["step"] <= self.step]
        self.gridness = [r for r in read_csv(self.run_dir / "gridness.csv")
                         if r["step"] <= self.step]

    def _last_good(self) -> str:
        """Where the run stands, truthfully: its newest checkpoint, or that it has none."""
        latest = latest_checkpoint(self.run_dir)
        if latest is None:
            return (f"no checkpoint was written, so {str(self.run_dir)!r} holds none (start it "
                    "again, e.g. with a lower learning_rate)")
        return (f"the last good checkpoint, {str(latest)!r}, is kept (resume it, or start "
                "again with a lower learning_rate)")

    def _checkpoint(self, epoch: int) -> None:
        """Write epoch ``epoch``: refused (TrainingDiverged) unless every weight and optimizer
        tensor is finite. Order: epoch folder under a temporary name, history files, rename,
        ``latest`` pointer; the optimizer state of the two newest epochs is kept (the older
        one is the fallback when the newest is damaged)."""
        opt = self.opt.state_dict()
        tensors = {f"{i}.{k}": v for i, st in opt["state"].items() for k, v in st.items()}
        bad = [k for k, v in [*self.model.state_dict().items(), *tensors.items()]
               if v.is_floating_point() and not torch.isfinite(v).all()]
        if bad:
            raise TrainingDiverged(f"non-finite values in {bad[:3]} at step {self.step}; epoch "
                                   f"{epoch} is not saved and {self._last_good()}")
        root = self.run_dir / "checkpoints"
        name = f"epoch_{epoch:04d}"
        tmp = root / f".{name}.partial"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        save_model(self.model, tmp / "model.safetensors", {"step": self.step, "epoch": epoch})
        save_tensors(tmp / "state.safetensors", tensors)
        atomic_write_text(tmp / "state.json", json.dumps({
            "step": self.step, "epoch": epoch, "elapsed_s": self.elapsed,
            "rng": self.rng.bit_generator.state, "param_groups": opt["param_groups"]}))
        write_csv(self.run_dir / "history.csv", HISTORY_FIELDS, self.history)
        write_csv(self.run_dir / "gridness.csv", GRIDNESS_FIELDS, self.gridness)
        shutil.rmtree(root / name, ignore_errors=True)
        tmp.rename(root / name)
        atomic_write_text(root / "latest", name)
        for old in sorted(root.glob("epoch_*"))[:-2]:  # optimizer state: two newest epochs
            for f in ("state.safetensors", "state.json"):
                (old / f).unlink(missing_ok=True)

    # ---- the loop ----------------------------------------------------------------------
    def _measure(self) -> None:
        self.model.eval()
        units = np.arange(min(self.cfg.eval_units, self.cfg.Ng))
        ev, _, _ = evaluate(self.model, self.cfg.eval_batches, units)
        self.model.train()
        self.gridness.append({"step": self.step, **ev.row()})

    def run(self, until_step: int | None = None) -> TrainResult:
        """Train to the end, or stop early at ``until_step`` (a multiple of ``n_steps``, so that
        the run stops on a checkpoint and can be resumed exactly)."""
        cfg = self.cfg
        total = cfg.total_steps
        stop = total if until_step is None else min(until_step, total)
        try:  # the lock taken in __init__ is released when this returns or raises
            if stop % cfg.n_steps and stop != total:
                raise ValueError(f"until_step: expected a multiple of n_steps ({cfg.n_steps}), "
                                 f"got {until_step}")
            if not self.lock.held:  # run() again after an earlier run() released it
                self.lock.acquire()
            return self._run(stop)
        finally:
            self.lock.release()

    def _run(self, stop: int) -> TrainResult:
        cfg, model = self.cfg, self.model
        total = cfg.total_steps
        bar = None
        if self.progress:
            from tqdm.auto import tqdm
            bar = tqdm(total=total, initial=self.step, desc="train", unit="step")
        window_loss, window_err = [], []
        buffer: list = []
        chunk = prefetch_size(cfg.n_steps)
        autocast = torch.autocast(self.device.type, dtype=torch.bfloat16,
                                  enabled=cfg.precision == "bf16")
        t0 = time.perf_counter() - self.elapsed
        while self.step < stop:
            lr = cfg.learning_rate * lr_factor(self.step, cfg)
            for group in self.opt.param_groups:
                group["lr"] = lr
            if not buffer:  # refilled at epoch-aligned points, so resume stays exact
                buffer = self.gen.sample_many(chunk, device=self.device,
                                              target_shift=cfg.target_shift)[::-1]
            batch = buffer.pop()
            try:
                wd = weight_decay_at(self.step, cfg)
                decoupled = cfg.weight_decay_mode == "decoupled"
                loss, logits = train_step(model, self.opt, batch, autocast,
                                          0.0 if decoupled else wd, lr * wd if decoupled else 0)
            except TrainingDiverged as exc:
                raise TrainingDiverged(f"{exc} at step {self.step + 1}; training stopped and "
                                       f"{self._last_good()}") from None
            self.step += 1
            with torch.no_grad():
                window_err.append(model.decoding_error_cm(logits, batch.positions))
            window_loss.append(loss.detach())
            if self.step % cfg.log_every == 0 or self.step % cfg.n_steps == 0:
                row = {"step": self.step, "loss": float(torch.stack(window_loss).mean()),
                       "err_cm": float(torch.stack(window_err).mean()), "lr": lr,
                       "elapsed_s": time.perf_counter() - t0}
                self.history.append(row)
                window_loss, window_err = [], []
                if bar is not None:
                    bar.set_postfix(loss=f"{row['loss']:.4f}", err=f"{row['err_cm']:.1f}cm")
            if (cfg.eval_every and self.step % cfg.eval_every == 0) or self.step == total:
                self._measure()
            if bar is not None:
                bar.update(1)
            if self.step % cfg.n_steps == 0:
                self.elapsed = time.perf_counter() - t0
                self._checkpoint(self.step // cfg.n_steps)
        if bar is not None:
            bar.close()
        return TrainResult(model, self.history, self.gridness, self.run_dir)


def train(cfg: Config, run_dir: str | Path, resume: bool | str = False,
          progress: bool = True) -> TrainResult:
    """Train a :class:`PathRNN` into ``run_dir``.

    resume: False (a new run; the directory must be empty or absent), True (continue the
    checkpoint there; the config must match), or ``"auto"`` (resume if a checkpoint exists,
    else start; a finished run returns at once).
    """
    mode = {False: "new", True: "resume", "auto": "auto"}.get(resume)
    if mode is None:
        raise ValueError(f"resume: expected False, True or 'auto', got {resume!r}")
    return Trainer(cfg, run_dir, mode, progress).run()
