"""Safe, atomic storage of weights and training state.

* Weights are safetensors files (no pickle, nothing executes on load); the resolved
  config travels in the file's metadata and the place-cell centres as a tensor, so one
  file is a complete model.
* Every write goes to a temporary file in the same folder, is flushed to disk and then
  renamed over the target: a killed process never leaves a half-written checkpoint.
* The original repository's PyTorch state dicts (``encoder.weight``, ``RNN.weight_ih_l0``,
  ``RNN.weight_hh_l0``, ``decoder.weight``) are read with ``torch.load(weights_only=True)``,
  which refuses any pickled code.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, safe_open, save_file

from gridcells.network.model import PathRNN
from gridcells.rundir.layout import atomic_write
from gridcells.world.config import Config, config_from_dict
from gridcells.world.params import ConfigError
from gridcells.world.place_cells import PlaceCells, original_centers

ORIGINAL_KEYS = ("encoder.weight", "RNN.weight_ih_l0", "RNN.weight_hh_l0", "decoder.weight")


class CheckpointError(ValueError):
    """A checkpoint is missing, corrupt, unsafe or does not fit the config."""


def save_tensors(path: str | Path, tensors: dict[str, torch.Tensor],
                 metadata: dict[str, str] | None = None) -> None:
    """Atomically write a safetensors file."""
    tensors = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    try:
        atomic_write(path, lambda p: save_file(tensors, str(p), metadata=metadata))
    except SafetensorError as exc:  # its I/O errors (a full disk) as the OSError they are
        code = re.search(r"os error (\d+)", str(exc))
        if code is None:
            raise CheckpointError(f"cannot write {str(path)!r}: {exc}") from None
        raise OSError(int(code.group(1)), os.strerror(int(code.group(1))), str(path)) from None


def load_tensors(path: str | Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Tensors and metadata of a safetensors file, with a clear error when it is broken."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {str(path)!r} not found")
    try:
        with safe_open(str(path), framework="pt") as fh:
            metadata = fh.metadata() or {}
        return load_file(str(path)), metadata
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(f"checkpoint {str(path)!r} is corrupt or truncated "
                              f"(expected a safetensors file): {exc}") from exc


def save_model(model: PathRNN, path: str | Path, extra: dict | None = None) -> None:
    """Weights, centres and config of ``model`` in one safetensors file."""
    meta = {"format": "gridcells", "config": json.dumps(model.cfg.to_dict())}
    if extra:
        meta["extra"] = json.dumps(extra)
    save_tensors(path, model.state_dict(), meta)


def model_from_state(state: dict[str, torch.Tensor], cfg: Config, source: str) -> PathRNN:
    """A model built from ``cfg`` with ``state`` loaded; shape mismatches are named."""
    model = PathRNN(cfg)
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    if missing or unexpected:
        raise CheckpointError(f"{source}: tensors do not fit the config (missing {missing}, "
                              f"unexpected {unexpected})")
    for key, value in expected.items():
        if not isinstance(state[key], torch.Tensor):
            raise CheckpointError(f"{source}: {key} is a {type(state[key]).__name__}; expected "
                                  "a tensor")
        if tuple(state[key].shape) != tuple(value.shape):
            raise CheckpointError(f"{source}: {key} has shape {tuple(state[key].shape)}, the "
                                  f"config (Ng={cfg.Ng}, Np={cfg.Np}) expects "
                                  f"{tuple(value.shape)}")
    for key, value in state.items():
        bad = int((~torch.isfinite(value.float())).sum())
        if bad:
            raise CheckpointError(f"{source}: {key} holds {bad} non-finite values (NaN or "
                                  "infinity); expected finite weights (a diverged training?)")
    model.load_state_dict({k: v.float() for k, v in state.items()})
    return model


def checkpoint_dirs(run_dir: str | Path) -> list[Path]:
    """The complete epoch folders of a run directory (those holding ``model.safetensors``),
    in the order to try them: the one the ``latest`` pointer names, then the older ones,
    newest first, then any newer one the pointer does not name yet (a crash between the
    folder's rename and the pointer's update)."""
    root = Path(run_dir) / "checkpoints"
    if not root.is_dir():
        return []
    found = sorted((p for p in root.iterdir() if re.fullmatch(r"epoch_\d+", p.name)
                    and (p / "model.safetensors").is_file()), reverse=True)
    try:
        named = (root / "latest").read_text().strip()
    except (OSError, UnicodeDecodeError):
        named = ""
    names = [p.name for p in found]
    if named not in names:
        return found
    k = names.index(named)
    return found[k:] + found[:k]


def latest_checkpoint(run_dir: str | Path) -> Path | None:
    """The newest complete epoch folder of a run directory (see :func:`checkpoint_dirs`), or
    None."""
    dirs = checkpoint_dirs(run_dir)
    return dirs[0] if dirs else None


def list_checkpoints(run_dir: str | Path) -> list[Path]:
    """Every stored epoch's weights file of a run directory, oldest first."""
    return sorted((Path(run_dir) / "checkpoints").glob("epoch_*/model.safetensors"))


def load_model(path: str | Path, cfg: Config | None = None, centers=None,
               device: str | torch.device = "cpu") -> PathRNN:
    """A trained :class:`PathRNN` from a run directory, a gridcells weights file, or an
    original-repository state dict (``.pth``/``.pt``).

    For original-format files, Ng and Np are read from the shapes, the rest of ``cfg``
    (default: the paper's defaults) is used, and ``centers`` should be the place-cell
    centres it was trained with: an array [Np, 2] (m), or ``"original"`` for those the
    original repository draws (:func:`gridcells.world.place_cells.original_centers`: its seed 0
    and ``cfg``'s box, right for any checkpoint its code trained unchanged). Without them
    decoding is meaningless and a warning says so. Files of this package carry their own
    centres; ``centers`` is not used for them.
    """
    if isinstance(centers, str) and centers != "original":
        raise ValueError(f"centers={centers!r}: expected 'original', an array [Np, 2] (m) "
                         "or None")
    path = Path(path)
    if path.is_dir():  # the newest loadable epoch; a damaged one falls back to the previous
        dirs = checkpoint_dirs(path)
        if not dirs:
            raise CheckpointError(f"run directory {str(path)!r} holds no checkpoint")
        errors = []
        for ckpt in dirs:
            try:
                model = load_model(ckpt / "model.safetensors", cfg, centers, device)
            except CheckpointError as exc:
                errors.append(str(exc))
                continue
            if errors:
                warnings.warn(f"{errors[0]}; loaded the previous checkpoint {str(ckpt)!r} "
                              "instead", stacklevel=2)
            return model
        raise CheckpointError(f"run directory {str(path)!r}: no loadable checkpoint; the "
                              f"newest: {errors[0]}")
    if not path.exists():
        raise CheckpointError(f"checkpoint {str(path)!r} not found")
    if path.suffix == ".safetensors":
        state, meta = load_tensors(path)
        if cfg is None:
            if "config" not in meta:
                raise CheckpointError(f"{str(path)!r} carries no config; pass cfg=")
            try:
                stored = json.loads(meta["config"])
                if not isinstance(stored, dict):
                    raise ConfigError(f"expected a JSON mapping of name: value, got a "
                                      f"{type(stored).__name__}")
                cfg = config_from_dict(stored)
            except (ConfigError, json.JSONDecodeError) as exc:
                raise CheckpointError(f"{str(path)!r}: stored config is invalid: {exc}") from exc
        model = model_from_state(state, cfg, str(path))
    else:
        model = _load_original(path, cfg, centers)
    return model.to(device)


def _load_original(path: Path, cfg: Config | None, centers) -> PathRNN:
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # UnpicklingError for code, RuntimeError/EOFError for damage
        raise CheckpointError(f"{str(path)!r} is not a loadable weights-only state dict "
                              f"(corrupt, truncated or it contains code): "
                              f"{type(exc).__name__}") from exc
    if not isinstance(state, dict) or not all(k in state for k in ORIGINAL_KEYS):
        keys = sorted(state)[:8] if isinstance(state, dict) else type(state).__name__
        raise CheckpointError(f"{str(path)!r}: expected the original repository's keys "
                              f"{list(ORIGINAL_KEYS)}, found {keys}")
    enc = state["encoder.weight"]
    if not isinstance(enc, torch.Tensor) or enc.dim() != 2:
        got = f"a {enc.dim()}-d tensor" if isinstance(enc, torch.Tensor) else \
            f"a {type(enc).__name__}"
        raise CheckpointError(f"{str(path)!r}: encoder.weight is {got}; expected a tensor "
                              "[Ng, Np]")
    Ng, Np = enc.shape
    cfg = (cfg or Config()).replace(Ng=int(Ng), Np=int(Np), RNN_type="RNN")
    if isinstance(centers, str):  # "original", checked by load_model
        centers = original_centers(cfg)
    elif centers is None:
        warnings.warn(f"{path.name}: no place-cell centres given; drawing them from the config "
                      "seed, so decoding errors of this model are meaningless; for a "
                      "checkpoint of the original repository pass centers='original', else "
                      "centers=<its centres [Np, 2] (m)>", stacklevel=3)
        centers = PlaceCells(cfg).centers
    state = {k: state[k] for k in ORIGINAL_KEYS}
    state["centers"] = torch.as_tensor(np.asarray(centers), dtype=torch.float32)
    return model_from_state(state, cfg, str(path))


def read_state(path: Path) -> dict:
    """A checkpoint's state.json, checked: a mapping with step, elapsed_s, rng and
    param_groups."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointError(f"{str(path)!r} not found") from None
    except (OSError, ValueError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise CheckpointError(f"{str(path)!r} is damaged ({type(exc).__name__}); expected the "
                              "JSON training state") from None
    need = ("step", "elapsed_s", "rng", "param_groups")
    if not isinstance(state, dict) or any(k not in state for k in need):
        raise CheckpointError(f"{str(path)!r}: expected a JSON mapping with {list(need)}")
    return state
