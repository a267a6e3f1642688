"""The shipped, pretrained network: export, model card, loading.

A shipped model lives in ``gridcells/data/<name>/``: one float16 safetensors file per
tensor (each well under the 16 MiB limit of the hosting) and ``model_card.json`` with the
full config, the training steps, hardware, wall time and the measurements made on fresh
trajectories by the project's own scorer when it was exported.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from .checkpoints import (
    CheckpointError,
    atomic_write_text,
    load_model,
    load_tensors,
    model_from_state,
    save_tensors,
)
from .config import config_from_dict, read_params
from .evaluation import evaluate
from .model import PathRNN
from .training import read_csv

DATA = Path(__file__).resolve().parent / "data"
EVAL_SEED = 123_456


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
                      eval_batches: int = 50, out_root: str | Path = DATA) -> dict:
    """Write the final weights of ``run_dir`` as ``<out_root>/<name>/`` and its model card.

    The decoding error and grid scores in the card are measured here, on the float16 weights
    that are shipped, so the card describes exactly what ``load_pretrained`` returns. A run
    that started from another (``init_from``) lists every stage of training in the card, and
    its steps and wall time are the totals.
    """
    model = load_model(run_dir)
    out = Path(out_root) / name
    out.mkdir(parents=True, exist_ok=True)
    for key, value in model.state_dict().items():
        dtype = torch.float32 if key == "centers" else torch.float16
        save_tensors(out / f"{key}.safetensors", {key: value.to(dtype)})
    stages = training_stages(run_dir)
    known = [s for s in stages if s["steps"] is not None]
    card = {"name": name, "config": model.cfg.to_dict(),
            "steps": sum(s["steps"] for s in known) if known else None,
            "training_wall_s": round(sum(s["training_wall_s"] for s in known), 1) if known
            else None,
            "hardware": hardware, "weights": "float16, one safetensors file per tensor"}
    if len(stages) > 1:
        card["stages"] = stages
    atomic_write_text(out / "model_card.json", json.dumps(card, indent=1))
    shipped = load_pretrained(name, out_root)
    ev, _, _ = evaluate(shipped, n_batches=eval_batches, seed=EVAL_SEED)
    card["evaluation"] = {**ev.row(), "eval_batches": eval_batches, "eval_seed": EVAL_SEED,
                          "note": "fresh trajectories of the training length; all units"}
    quick, _, _ = evaluate(shipped, n_batches=1, seed=EVAL_SEED, batch_size=50)
    card["quick_check"] = {"err_cm": quick.err_cm, "n_batches": 1, "batch_size": 50,
                           "eval_seed": EVAL_SEED}
    atomic_write_text(out / "model_card.json", json.dumps(card, indent=1))
    return card


def model_card(name: str = "default", root: str | Path = DATA) -> dict:
    """The model card of a shipped model."""
    path = Path(root) / name / "model_card.json"
    if not path.is_file():
        available = sorted(p.name for p in Path(root).glob("*/model_card.json"))
        raise CheckpointError(f"no pretrained model {name!r} in {root}; available: {available}")
    return json.loads(path.read_text())


def load_pretrained(name: str = "default", root: str | Path = DATA,
                    device: str | torch.device = "cpu") -> PathRNN:
    """The shipped network ``name`` (float16 weights, computed in float32)."""
    cfg = config_from_dict(model_card(name, root)["config"])
    state = {}
    for f in sorted((Path(root) / name).glob("*.safetensors")):
        tensors, _ = load_tensors(f)
        state.update(tensors)
    return model_from_state(state, cfg, str(Path(root) / name)).to(device)


def install_pretrained(name: str, run_dir: str | Path, root: str | Path = DATA) -> PathRNN:
    """Make ``run_dir`` a run directory holding the shipped model ``name`` (its config and
    weights as the last checkpoint), so every analysis reads it like a trained run. An
    existing run directory is only accepted if it already holds this model."""
    from .checkpoints import latest_checkpoint, save_model
    from .config import save_config
    from .training import RunDirError

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
    if run.exists() and any(run.iterdir()):
        raise RunDirError(f"run directory {str(run)!r} is not empty")
    ckpt = run / "checkpoints" / "epoch_0001"
    ckpt.mkdir(parents=True)
    save_config(model.cfg, run / "config.yaml")
    save_model(model, ckpt / "model.safetensors", {"pretrained": name})
    atomic_write_text(run / "checkpoints" / "latest", "epoch_0001")
    atomic_write_text(run / "model_card.json", json.dumps(model_card(name, root), indent=1))
    return model
