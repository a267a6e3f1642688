"""gridcells: grid cells in RNNs trained to path integrate (Sorscher et al. 2019).

The public surface::

    import gridcells as gc
    cfg = gc.load_config("params/default.yaml", Ng=1024, seed=1)
    pc = gc.PlaceCells(cfg)                 # pc.activation(pos), pc.decode(code)
    gen = gc.TrajectoryGenerator(cfg, pc)   # gen.sample(batch_size) -> Batch
    model = gc.PathRNN(cfg)                 # model.hidden(v, code0), model(v, code0)
    result = gc.train(cfg, "runs/x")        # checkpoints, history, resume
    model = gc.load_model("runs/x")         # own runs, weights files, original state dicts
"""

__version__ = "0.1.0"

from .checkpoints import CheckpointError, list_checkpoints, load_model, save_model
from .config import Config, ConfigError, config_from_namespace, load_config
from .evaluation import Evaluation, evaluate
from .lattice import LatticeSymmetry, lattice_symmetry
from .model import PathRNN
from .place_cells import PlaceCells
from .pretrained import load_ensemble, load_pretrained, model_card
from .ratemaps import (
                       Activity,
                       RateMapAccumulator,
                       RateMaps,
                       collect_activity,
                       iter_activity,
                       model_rate_maps,
                       rate_maps,
                       smooth,
)
from .run_records import read_csv
from .rundir import RunDirError
from .scores import GridScorer, GridScores, border_score, spacing_orientation
from .training import TrainingDiverged, train
from .trajectories import Batch, TrajectoryGenerator

__all__ = [
    "Activity", "Batch", "CheckpointError", "Config", "ConfigError", "Evaluation", "GridScorer",
    "GridScores", "LatticeSymmetry", "PathRNN", "PlaceCells", "RateMapAccumulator", "RateMaps",
    "RunDirError", "TrainingDiverged", "TrajectoryGenerator", "border_score", "collect_activity",
    "config_from_namespace", "evaluate", "iter_activity", "lattice_symmetry", "list_checkpoints",
    "load_config", "load_ensemble", "load_model", "load_pretrained", "model_card",
    "model_rate_maps", "rate_maps", "read_csv", "save_model", "smooth", "spacing_orientation",
    "train",
]
