"""gridcells: grid cells in RNNs trained to path integrate (Sorscher et al. 2019).

The public surface::

    import gridcells as gc
    cfg = gc.load_config("params/default.yaml", Ng=1024, seed=1)
    pc = gc.PlaceCells(cfg)                 # pc.activation(pos), pc.decode(code)
    gen = gc.TrajectoryGenerator(cfg, pc)   # gen.sample(batch_size) -> Batch
    model = gc.PathRNN(cfg)                 # model.hidden(v, code0), model(v, code0)
    result = gc.train(cfg, "runs/x")        # checkpoints, history, resume
    model = gc.load_model("runs/x")         # own runs, weights files, original state dicts

Names are loaded on first use (PEP 562): ``import gridcells`` and ``import gridcells.rundir``
load no torch, and each public name lives in exactly one module of the subpackages (see
ARCHITECTURE.md).
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_HOME = {  # public name -> the module that defines it (imported on first use)
    "Activity": "gridcells.analysis.ratemaps",
    "Batch": "gridcells.world.trajectories",
    "border_score": "gridcells.analysis.map_geometry",
    "CheckpointError": "gridcells.network.checkpoints",
    "collect_activity": "gridcells.analysis.ratemaps",
    "Config": "gridcells.world.config",
    "config_from_namespace": "gridcells.world.config",
    "ConfigError": "gridcells.world.params",
    "evaluate": "gridcells.analysis.evaluation",
    "Evaluation": "gridcells.analysis.evaluation",
    "GridScorer": "gridcells.analysis.scores",
    "GridScores": "gridcells.analysis.scores",
    "iter_activity": "gridcells.analysis.ratemaps",
    "lattice_symmetry": "gridcells.analysis.lattice",
    "LatticeSymmetry": "gridcells.analysis.lattice",
    "list_checkpoints": "gridcells.network.checkpoints",
    "load_config": "gridcells.world.config",
    "load_ensemble": "gridcells.shipped.pretrained",
    "load_model": "gridcells.network.checkpoints",
    "load_pretrained": "gridcells.shipped.pretrained",
    "model_card": "gridcells.shipped.pretrained",
    "model_rate_maps": "gridcells.analysis.ratemaps",
    "PathRNN": "gridcells.network.model",
    "PlaceCells": "gridcells.world.place_cells",
    "rate_maps": "gridcells.analysis.ratemaps",
    "RateMapAccumulator": "gridcells.analysis.ratemaps",
    "RateMaps": "gridcells.analysis.ratemaps",
    "read_csv": "gridcells.rundir.history",
    "RunDirError": "gridcells.rundir.layout",
    "save_model": "gridcells.network.checkpoints",
    "smooth": "gridcells.analysis.ratemaps",
    "spacing_orientation": "gridcells.analysis.map_geometry",
    "train": "gridcells.training.loop",
    "TrainingDiverged": "gridcells.training.loop",
    "TrajectoryGenerator": "gridcells.world.trajectories",
}

__all__ = sorted(_HOME, key=str.lower)


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module 'gridcells' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])
