"""The shipped, pretrained network: export, model card, loading.

A shipped model lives in ``gridcells/data/<name>/``: its float16 weights in safetensors
shards ``weights-<k>.safetensors`` of at most :data:`SHARD_BYTES` each (under the 16 MiB
limit of the hosting; a tensor larger than that, such as W_hh of the Ng = 4096 network,
32 MiB, is split into row blocks stored as ``<name>#<block>``), and ``model_card.json``
with the full config, the training steps, hardware, wall time and the measurements made on
fresh trajectories by the project's own scorer when it was exported.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import torch

from gridcells.analysis.evaluation import evaluate
from gridcells.network.checkpoints import (
    CheckpointError,
    load_model,
    load_tensors,
    model_from_state,
    save_tensors,
)
from gridcells.network.model import PathRNN
from gridcells.rundir.history import read_csv
from gridcells.rundir.layout import atomic_write_text
from gridcells.world.config import config_from_dict
from gridcells.world.params import ConfigError, read_params

DATA = Path(__file__).resolve().parents[1] / "data"
EVAL_SEED = 123_456
SHARD_BYTES = 15 * 2 ** 20


def shard_state(state: dict[str, torch.Tensor],
                max_bytes: int = SHARD_BYTES) -> list[dict[str, torch.Tensor]]:
    """Split a state dict into shards of at most ``max_bytes`` of tensor data each.

    A tensor larger than ``max_bytes`` is cut into equal row blocks (dim 0) named
    ``<name>#<k>``; pieces are then packed in order, each into the first shard with room.
    :func:`unshard_state` inverts this.
    """
    pieces = []
    for name, value in state.items():
        size = value.numel() * value.element_size()
        n = 1
        if size > max_bytes:
            row = size // value.shape[0] if value.dim() else size
            if row > max_bytes:
                raise ValueError(f"shard_state: {name} {tuple(value.shape)} cannot be cut "
                                 f"into row blocks of at most {max_bytes} bytes")
            n = -(-value.shape[0] // (max_bytes // row))
        blocks = torch.tensor_split(value, n) if n > 1 else [value]
        pieces += [(f"{name}#{k}" if n > 1 else name, b) for k, b in enumerate(blocks)]
    shards: list[dict[str, torch.Tensor]] = []
    room: list[int] = []
    for key, block in pieces:
        size = block.numel() * block.element_size()
        i = next((i for i, r in enumerate(room) if r >= size), len(shards))
        if i == len(shards):
            shards.append({})
            room.append(max_bytes)
        shards[i][key] = block
        room[i] -= size
    return shards


def unshard_state(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Join the row blocks ``<name>#<k>`` of :func:`shard_state` back into ``<name>``."""
    parts: dict[str, dict[int, torch.Tensor]] = {}
    out = {}
    for key, value in tensors.items():
        name, sep, k = key.rpartition("#")
        if sep:
            parts.setdefault(name, {})[int(k)] = value
        else:
            out[key] = value
    for name, blocks in parts.items():
        if sorted(blocks) != list(range(len(blocks))):
            raise CheckpointError(f"{name}: row blocks {sorted(blocks)} are incomplete")
        out[name] = torch.cat([blocks[k] for k in range(len(blocks))])
    return out


def write_weights(model: PathRNN, out: Path) -> None:
    """``model``'s weights as float16 shards in ``out`` (centres in float32), replacing any
    weights there."""
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().to(torch.float32 if k == "centers" else torch.float16)
             for k, v in model.state_dict().items()}
    shards = shard_state(state)
    for k, shard in enumerate(shards, 1):
        save_tensors(out / f"weights-{k}.safetensors", shard)
    for old in out.glob("*.safetensors"):
        if not old.name.startswith("weights-") or int(old.stem[8:]) > len(shards):
            old.unlink()


def training_stages(run_dir: str | Path) -> list[dict]:
    """The trainings behind ``run_dir``, oldest first: the run itself and, through
    ``init_from``, the runs it started from. Each: run directory, config, steps, wall time."""
    stages = []
    run: Path | None = Path(run_dir)
    while run is not None:
        cfg = config_from_dict(read_params(run / "config.yaml"))
        history = read_csv(run / "history.csv")
        stages.append({"run_dir": str(run), "config": cfg.to_dict(),
                       "steps": int(history[-1]["step"]) if history else None,
                       "training_wall_s": round(history[-1]["elapsed_s"], 1) if history
                       else None})
        source = Path(cfg.init_from) if cfg.init_from else None
        run = source if source is not None and (source / "config.yaml").is_file() else None
    return stages[::-1]


def export_pretrained(run_dir: str | Path, name: str, hardware: str,
                      eval_batches: int = 50, out_root: str | Path = DATA,
                      notes: list[str] | None = None,
                      device: str | torch.device = "cpu") -> dict:
    """Write the final weights of ``run_dir`` as ``<out_root>/<name>/`` and its model card.

    The decoding error and grid scores in the card are measured here, on the float16 weights
    that are shipped, so the card describes exactly what ``load_pretrained`` returns. A run
    that started from another (``init_from``) lists every stage of training in the card, and
    its steps and wall time are the totals. ``notes``: sentences for the card (how it was
    trained, where it deviates from its config); ``device``: where the evaluation runs.
    """
    model = load_model(run_dir)
    out = Path(out_root) / name
    write_weights(model, out)
    stages = training_stages(run_dir)
    known = [s for s in stages if s["steps"] is not None]
    card = {"name": name, "config": model.cfg.to_dict(),
            "steps": sum(s["steps"] for s in known) if known else None,
            "training_wall_s": round(sum(s["training_wall_s"] for s in known), 1) if known
            else None,
            "hardware": hardware,
            "weights": "float16 (centres float32), safetensors shards of at most 15 MiB"}
    if len(stages) > 1:
        card["stages"] = stages
    if notes:
        card["notes"] = list(notes)
    atomic_write_text(out / "model_card.json", json.dumps(card, indent=1))
    shipped = load_pretrained(name, out_root, device)
    ev, _, _ = evaluate(shipped, n_batches=eval_batches, seed=EVAL_SEED)
    card["evaluation"] = {**ev.row(), "eval_batches": eval_batches, "eval_seed": EVAL_SEED,
                          "device": str(device),
                          "note": "fresh trajectories of the training length; all units"}
    quick, _, _ = evaluate(shipped.cpu(), n_batches=1, seed=EVAL_SEED,
                           batch_size=50)  # on the CPU, where the test repeats it
    card["quick_check"] = {"err_cm": quick.err_cm, "n_batches": 1, "batch_size": 50,
                           "eval_seed": EVAL_SEED}
    atomic_write_text(out / "model_card.json", json.dumps(card, indent=1))
    return card


def model_card(name: str = "default", root: str | Path = DATA) -> dict:
    """The model card of a shipped model."""
    path = Path(root) / name / "model_card.json"
    if not path.is_file():
        available = sorted(p.parent.name for p in Path(root).glob("*/model_card.json"))
        raise CheckpointError(f"no pretrained model {name!r} in {root}; available: {available}")
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # JSONDecodeError, UnicodeDecodeError
        raise CheckpointError(f"model card {str(path)!r} is damaged ({type(exc).__name__}); "
                              "expected a JSON mapping") from None
    if not isinstance(card, dict) or not isinstance(card.get("config"), dict):
        raise CheckpointError(f"model card {str(path)!r}: expected a JSON mapping with a "
                              "'config' mapping")
    return card


def load_pretrained(name: str = "default", root: str | Path = DATA,
                    device: str | torch.device = "cpu") -> PathRNN:
    """The shipped network ``name`` (float16 weights, computed in float32)."""
    try:
        cfg = config_from_dict(model_card(name, root)["config"])
    except ConfigError as exc:
        raise CheckpointError(f"model card of {name!r}: stored config is invalid: {exc}") from None
    state = {}
    for f in sorted((Path(root) / name).glob("*.safetensors")):
        tensors, _ = load_tensors(f)
        state.update(tensors)
    return model_from_state(unshard_state(state), cfg, str(Path(root) / name)).to(device)


def ensemble_members(name: str = "ensemble", root: str | Path = DATA) -> list[str]:
    """Names of the networks of a shipped ensemble (``<root>/<name>/<member>/``), in natural
    order (seed2 before seed10)."""
    members = sorted((p.parent.name for p in (Path(root) / name).glob("*/model_card.json")),
                     key=lambda m: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", m)])
    if not members:
        raise CheckpointError(f"no shipped ensemble {name!r} in {root}; expected folders "
                              f"{name}/<member>/model_card.json")
    return members


def load_ensemble(name: str = "ensemble", root: str | Path = DATA,
                  device: str | torch.device = "cpu") -> dict[str, PathRNN]:
    """Every network of the shipped ensemble ``name`` by member name (e.g. ``seed10``):
    independently trained networks of one recipe (see each member's :func:`model_card`,
    ``model_card(f"{name}/{member}")``, and the sweep table ``<name>/sweep.jsonl``)."""
    return {m: load_pretrained(f"{name}/{m}", root, device)
            for m in ensemble_members(name, root)}


def install_pretrained(name: str, run_dir: str | Path, root: str | Path = DATA) -> PathRNN:
    """Make ``run_dir`` a run directory holding the shipped model ``name`` (its config and
    weights as the last checkpoint), so every analysis reads it like a trained run. An
    existing run directory is only accepted if it already holds this model."""
    from gridcells.network.checkpoints import latest_checkpoint, save_model
    from gridcells.rundir.layout import RunDirError, entries
    from gridcells.world.config import save_config

    model = load_pretrained(name, root)
    run = Path(run_dir)
    if latest_checkpoint(run) is not None:
        existing = load_model(run)
        same = existing.cfg == model.cfg and all(
            torch.equal(a, b) for a, b in zip(existing.state_dict().values(),
                                              model.state_dict().values()))
        if not same:
            raise RunDirError(f"run directory {str(run)!r} holds another model; choose a new "
                              "run_dir for the pretrained one")
        return existing
    if entries(run):
        raise RunDirError(f"run directory {str(run)!r} is not empty")
    ckpt = run / "checkpoints" / "epoch_0001"
    ckpt.mkdir(parents=True)
    save_config(model.cfg, run / "config.yaml")
    save_model(model, ckpt / "model.safetensors", {"pretrained": name})
    atomic_write_text(run / "checkpoints" / "latest", "epoch_0001")
    atomic_write_text(run / "model_card.json", json.dumps(model_card(name, root), indent=1))
    return model
