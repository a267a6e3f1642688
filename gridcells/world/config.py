"""Typed, validated configuration.

One flat :class:`Config` holds every parameter of the model of Sorscher et al. (2019),
the trajectory knobs, training and analysis settings. Flat names are what a params
file, a ``key=value`` command-line override and a papermill ``-p name value`` use, so
the three share one vocabulary and one validation.

Defaults are the original model's (see the book's methods chapter); a params file
only lists what it changes.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gridcells.world.params import ConfigError, read_params


def _p(default, doc, *, lo=None, hi=None, lo_open=False, choices=None):
    """A config field with its documentation and its allowed range or choices. On sizes,
    ``hi`` bounds memory (Ng, Np, batch and analysis sizes, nbins, max_lag, pf_*), so a slip
    such as nbins 500 is a one-line error rather than a kernel killed for memory."""
    meta = {"doc": doc, "lo": lo, "hi": hi, "lo_open": lo_open, "choices": choices}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Config:
    """Every parameter of a gridcells experiment (units: metres, seconds, steps)."""

    # --- place cells and box -------------------------------------------------------------
    Np: int = _p(512, "number of place cells (output units)", lo=1, hi=16384)
    place_cell_rf: float = _p(0.12, "place-cell tuning width sigma (m)", lo=0, lo_open=True)
    surround_scale: float = _p(2.0, "DoG surround: sigma2^2 = surround_scale * sigma^2", lo=1,
                               lo_open=True)
    DoG: bool = _p(True, "difference-of-Gaussians place code (False: Gaussian)")
    periodic: bool = _p(False, "periodic (toroidal) box instead of walls")
    arena: str = _p("square", "walls: the square box, or a circle of diameter box_width "
                    "centred in it", choices=("square", "circle"))
    box_width: float = _p(2.2, "box width (m)", lo=0, lo_open=True)
    box_height: float = _p(2.2, "box height (m)", lo=0, lo_open=True)
    place_cell_seed: int | None = _p(None, "seed of the place-cell centres (None: use seed)",
                                     lo=0)
    # --- network -------------------------------------------------------------------------
    Ng: int = _p(4096, "number of grid (hidden) units (W_hh: Ng^2 floats)", lo=1, hi=16384)
    RNN_type: str = _p("RNN", "recurrent cell", choices=("RNN", "LSTM"))
    activation: str = _p("relu", "nonlinearity of the vanilla RNN", choices=("relu", "tanh"))
    velocity_input: str = _p("linear", "velocity input of the vanilla RNN: linear (W_ih v, the "
                             "original) or conformal (W_ih v rescaled to norm |v| times the "
                             "RMS column norm of W_ih, the same for every direction: after "
                             "the conformal normalisation of Xu et al. 2024)",
                             choices=("linear", "conformal"))
    init_recurrent: str = _p("uniform", "W_hh init: uniform (PyTorch default, as the original), "
                             "identity (IRNN) or orthogonal",
                             choices=("uniform", "identity", "orthogonal"))
    # --- trajectories --------------------------------------------------------------------
    sequence_length: int = _p(20, "time steps per training trajectory", lo=1, hi=1000)
    target_shift: int = _p(0, "training target: the place code this many steps ahead of the "
                           "position the velocities lead to (0: the present position, the "
                           "original task; k > 0 trains a network to predict, a positive "
                           "control for the predictive analysis)", lo=0, hi=100)
    dt: float = _p(0.02, "time step (s)", lo=0, lo_open=True)
    traj_speed_scale: float = _p(1.0, "multiplies the Rayleigh speed scale 0.13*2*pi m/s", lo=0,
                                 lo_open=True)
    traj_speed_max: float | None = _p(None, "clamp on forward speed (m/s); None: no clamp", lo=0,
                                      lo_open=True)
    traj_velocity_smoothing: float = _p(0.0, "EMA factor on forward and angular speed", lo=0,
                                        hi=0.99)
    traj_turn_sigma_scale: float = _p(1.0, "scales the turning noise 5.76*2 rad/s", lo=0)
    traj_border_region: float = _p(0.03, "distance to a wall that triggers avoidance (m)", lo=0)
    traj_wall_slowdown: float = _p(0.25, "speed factor while avoiding a wall", lo=0, hi=1)
    traj_wall_turn_scale: float = _p(1.0, "strength of the turn away from a wall", lo=0)
    # --- training ------------------------------------------------------------------------
    batch_size: int = _p(200, "trajectories per training step", lo=1, hi=4096)
    learning_rate: float = _p(1e-4, "Adam learning rate (peak, if scheduled)", lo=0,
                              lo_open=True)
    lr_schedule: str = _p("constant", "learning-rate schedule after warm-up",
                          choices=("constant", "cosine", "linear"))
    lr_warmup_steps: int = _p(0, "linear warm-up steps", lo=0)
    lr_final_fraction: float = _p(0.0, "final lr / peak lr for cosine and linear decay", lo=0,
                                  hi=1)
    weight_decay: float = _p(1e-4, "coefficient of sum(W_hh^2) added to the loss", lo=0)
    weight_decay_mode: str = _p("loss", "'loss': weight_decay * sum(W_hh^2) is added to the "
                                "loss (the original); 'decoupled': W_hh shrinks by a factor "
                                "(1 - lr * weight_decay) after each Adam step (AdamW-style, "
                                "not rescaled by Adam)", choices=("loss", "decoupled"))
    weight_decay_final: float | None = _p(None, "if set, the weight decay moves linearly from "
                                          "weight_decay (at weight_decay_start) to this value "
                                          "(at the last step)", lo=0)
    weight_decay_start: int = _p(0, "training step from which weight decay applies (before it: "
                                 "0)", lo=0)
    weight_decay_stop: int | None = _p(None, "training step from which weight decay is 0 again "
                                       "(None: to the end)", lo=1)
    n_epochs: int = _p(100, "epochs (a checkpoint after each)", lo=1)
    n_steps: int = _p(1000, "training steps per epoch", lo=1)
    log_every: int = _p(10, "steps between history rows", lo=1)
    eval_every: int = _p(0, "steps between gridness measurements (0: only at the end)", lo=0)
    eval_units: int = _p(256, "units scored by the in-training measurement", lo=1)
    eval_batches: int = _p(10, "trajectory batches for in-training rate maps", lo=1)
    precision: str = _p("fp32", "matmul precision in training: fp32, or bf16 autocast (about 2x "
                        "faster on CPUs with AVX512-BF16/AMX; loss and softmax stay fp32)",
                        choices=("fp32", "bf16"))
    device: str = _p("auto", "compute device", choices=("auto", "cpu", "cuda"))
    pretrained: str | None = _p(None, "analyse the shipped model gridcells/data/NAME instead of "
                                "training one (the training chapter installs it in run_dir)")
    init_from: str | None = _p(None, "start training from the weights of this run directory or "
                               "weights file instead of a random initialisation (fresh "
                               "optimizer and schedule: fine-tuning, training on); its Ng, Np "
                               "and cell type must match, its place-cell centres are kept")
    seed: int = _p(0, "seed of initial weights and training trajectories", lo=0)
    # --- the book's network: screened seeds (gridcells.book.network) ---------------------
    screen_seeds: str | None = _p(None, "seeds the book screens, in this order, for its "
                                  "network (0,10,12 or 0-7): the first that leans hexagonal "
                                  "at screen_step and then meets the recipe is the book's; "
                                  "None: train seed alone, unscreened")
    screen_max: int = _p(24, "at most this many screens; then the book analyses "
                         "screen_fallback, labelled as such", lo=1, hi=500)
    screen_step: int = _p(3000, "training step at which the book screens a seed (a multiple "
                          "of n_steps)", lo=1)
    screen_fallback: str = _p("ensemble/seed0", "shipped network the book analyses if no "
                              "screened seed succeeds")
    # --- rate maps and analysis (names as in the earlier predictive-analysis scripts) ----
    nbins: int = _p(20, "rate-map bins per side (maps: Ng_use x nbins^2 per lag)", lo=2,
                     hi=100)
    n_batches: int = _p(20, "analysis trajectory batches", lo=1)
    analysis_batch_size: int = _p(200, "trajectories per analysis batch", lo=1, hi=2000)
    analysis_sequence_length: int = _p(200, "time steps per analysis trajectory", lo=2,
                                       hi=2000)
    Ng_use: int = _p(512, "units analysed (the first Ng_use)", lo=1, hi=16384)
    gridness_threshold: float = _p(0.5, "best-shift gridness needed for a class")
    zero_shift_threshold: float = _p(0.5, "zero-shift gridness needed (fork criterion)")
    low_grid_threshold: float = _p(0.5, "below this at every lag: low-grid")
    min_shift_cm: float = _p(5.0, "a preferred shift beyond +-this is predictive/retrospective",
                             lo=0)
    peak_estimator: str = _p("sharpness", "preferred shift: peak of the shifted maps' spatial "
                             "sharpness (variance explained by position), the centroid of the "
                             "gridness peak, or its argmax (the earlier code's)",
                             choices=("sharpness", "centroid", "argmax"))
    max_lag: int = _p(20, "largest time shift analysed (steps)", lo=0, hi=200)
    shuffle_trials: int = _p(100, "circular shuffles per unit", lo=0, hi=10000)
    shuffle_alpha: float = _p(0.05, "significance level of the shuffle test", lo=0, hi=1,
                              lo_open=True)
    shuffle_min_offset: int = _p(20, "smallest circular shift (steps)", lo=1)
    shuffle_groups: int = _p(10, "trajectory groups, each with its own circular offset in every "
                             "shuffle (and the jackknife groups of the shift estimate)", lo=1,
                             hi=100)
    shuffle_lag_step: int = _p(4, "the shuffle tests examine every k-th lag (0, +-k, +-2k, ...)",
                               lo=1)
    ablation_batches: int = _p(10, "evaluation batches for ablation", lo=1)
    ablation_random_trials: int = _p(100, "random unit sets per ablation control (the "
                                    "predictive set's rank among them is its p-value)", lo=0)
    rng_seed: int = _p(0, "seed of analysis trajectories, shuffles and random sets", lo=0)
    # --- pattern formation ---------------------------------------------------------------
    pf_resolution: int = _p(64, "grid points per side of the pattern-formation box", lo=8,
                            hi=256)
    pf_cells: int = _p(64, "independent patterns simulated per condition", lo=1, hi=1024)
    pf_iterations: int = _p(20000, "most gradient steps (a simulation stops earlier once its "
                            "objective and patterns settle: gridcells.theory.simulation)", lo=1)
    pf_lr: float = _p(0.2, "step size of the pattern dynamics, in units of its time constant "
                      "(at 0.2, 11 of the 12 conditions settle within 20000 steps; at 0.05, "
                      "the ReLU ones did not within 5000)", lo=0, lo_open=True)
    # --- topology of the population (gridcells.topology.homology) ---------------------------------
    topology_nbins: int = _p(40, "rate-map bins per side of the population point cloud (one "
                             "point per bin)", lo=8, hi=200)
    topology_batches: int = _p(40, "trajectory batches (of batch_size paths of "
                               "sequence_length steps) for the topology rate maps", lo=1)
    topology_threshold: float = _p(0.3, "grid score 60 a unit needs to join the module")
    topology_spacing_tol: float = _p(0.15, "module: spacing within this fraction of the "
                                     "module's", lo=0, lo_open=True, hi=1)
    topology_orientation_tol: float = _p(10.0, "module: orientation within this many degrees "
                                         "(modulo 60) of the module's", lo=0, hi=30)
    topology_sigma: float = _p(1.0, "Gaussian smoothing of the topology rate maps (bins)", lo=0)
    topology_margin: float = _p(0.22, "the interior check leaves out bins within this "
                                "distance of the walls (m)", lo=0)
    topology_points: int = _p(500, "points kept by farthest-point sampling (the Rips "
                              "complex's cost grows steeply: 500 points to H2 take about 0.5-1 s, "
                              "1000 about 9 s)", lo=10, hi=3000)
    topology_max_scale: float = _p(0.7, "end of the Rips filtration (median pairwise "
                                   "distances)", lo=0, lo_open=True, hi=3)
    topology_nulls: int = _p(20, "shuffled populations (null draws) per analysis: a bar "
                             "longer than all of 20 has a permutation p-value of 1/21 < 0.05",
                             lo=1)

    def __post_init__(self):
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):
            _check_value(f, hints[f.name], getattr(self, f.name))
        if min(self.box_width, self.box_height) <= self.place_cell_rf:
            raise ConfigError(
                f"box_width/box_height ({self.box_width}, {self.box_height}) must exceed "
                f"place_cell_rf ({self.place_cell_rf}): the box is smaller than a place field")
        if self.arena == "circle" and (self.periodic or self.box_width != self.box_height):
            raise ConfigError(f"arena: circle needs a square, non-periodic box (got box "
                              f"{self.box_width} x {self.box_height}, periodic "
                              f"{self.periodic})")
        if self.weight_decay_stop is not None and \
                self.weight_decay_stop <= self.weight_decay_start:
            raise ConfigError(f"weight_decay_stop ({self.weight_decay_stop}) must come after "
                              f"weight_decay_start ({self.weight_decay_start})")
        if self.screen_seeds is not None and not re.fullmatch(
                r"\d+(-\d+)?(,\d+(-\d+)?)*", str(self.screen_seeds).replace(" ", "")):
            raise ConfigError(f"screen_seeds: cannot read {self.screen_seeds!r}; expected "
                              "seeds and ranges like 0,10,12 or 0-7")
        if self.velocity_input == "conformal" and self.RNN_type != "RNN":
            raise ConfigError("velocity_input: conformal needs RNN_type RNN (the vanilla "
                              f"RNN), got {self.RNN_type}")
        if self.lr_warmup_steps > self.n_epochs * self.n_steps:
            raise ConfigError(f"lr_warmup_steps ({self.lr_warmup_steps}) exceeds the total "
                              f"training steps ({self.n_epochs * self.n_steps})")

    @property
    def total_steps(self) -> int:
        """Training steps over all epochs."""
        return self.n_epochs * self.n_steps

    def replace(self, **overrides: Any) -> Config:
        """A validated copy with some fields changed."""
        _reject_unknown(overrides)
        return dataclasses.replace(self, **overrides)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def describe(cls) -> dict[str, str]:
        """Field name -> one-line documentation with default and, where one is set, the
        largest allowed value."""
        return {f.name: f"{f.metadata['doc']} (default {f.default!r}"
                        + (f", at most {f.metadata['hi']})" if f.metadata["hi"] is not None
                           else ")")
                for f in dataclasses.fields(cls)}


FIELD_NAMES = frozenset(f.name for f in dataclasses.fields(Config))
# the movement knobs of the simulated rat: an analysis may change them without changing the
# trained model (gridcells.predictive.study.analysis_config)
TRAJ_KEYS = tuple(sorted(f for f in FIELD_NAMES if f.startswith("traj_")))

TRAINING_FIELDS = frozenset({
    # place cells and box: the targets the network learns
    "Np", "place_cell_rf", "surround_scale", "DoG", "periodic", "arena", "box_width",
    "box_height", "place_cell_seed",
    # network
    "Ng", "RNN_type", "activation", "init_recurrent", "velocity_input",
    # trajectories: the training data
    "sequence_length", "target_shift", "dt", "traj_speed_scale", "traj_speed_max",
    "traj_velocity_smoothing", "traj_turn_sigma_scale", "traj_border_region",
    "traj_wall_slowdown", "traj_wall_turn_scale",
    # optimisation (n_epochs too: the schedules and decay ramps span all steps)
    "batch_size", "learning_rate", "lr_schedule", "lr_warmup_steps", "lr_final_fraction",
    "weight_decay", "weight_decay_mode", "weight_decay_final", "weight_decay_start",
    "weight_decay_stop", "n_epochs", "n_steps", "precision", "init_from", "seed",
    # what the run directory records (history.csv, gridness.csv): changing them mid-run
    # would mix two cadences or two measurements in one file
    "log_every", "eval_every", "eval_units", "eval_batches",
})
"""The fields that define a training run: the model, its data, the optimisation, the seed
and what the run records. Resuming a run (``train(..., resume=True)``, the training
chapter's ``resume="auto"``) requires these to equal the stored ``config.yaml``; every other
field (:data:`ANALYSIS_FIELDS`) may change, so a chapter can be rerun with a new lag window,
bin count or shuffle count on the same trained network."""

ANALYSIS_FIELDS = FIELD_NAMES - TRAINING_FIELDS
"""Fields that do not change the trained weights: ``device`` (where the run continues),
``pretrained`` (which shipped model the chapters analyse instead of training), rate maps and
analysis (``nbins``, ``n_batches``, ``analysis_*``, ``Ng_use``, thresholds, ``max_lag``,
``shuffle_*``, ``ablation_*``, ``rng_seed``, ...), pattern formation (``pf_*``) and the
population's topology (``topology_*``)."""


def _reject_unknown(keys) -> None:
    for key in keys:
        if key not in FIELD_NAMES:
            close = difflib.get_close_matches(key, sorted(FIELD_NAMES), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"unknown parameter {key!r}{hint}")


def _check_value(f: dataclasses.Field, hint, value) -> None:
    name, meta = f.name, f.metadata
    allowed = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    if value is None:
        if type(None) in allowed:
            return
        raise ConfigError(f"{name}: expected {hint.__name__}, got None")
    base = next(t for t in allowed if t is not type(None))
    ok = (isinstance(value, bool) if base is bool else
          isinstance(value, int) and not isinstance(value, bool) if base is int else
          isinstance(value, (int, float)) and not isinstance(value, bool) if base is float else
          isinstance(value, str))
    if not ok:
        raise ConfigError(f"{name}: expected {base.__name__}, got {type(value).__name__} "
                          f"{value!r}")
    if base is float and not math.isfinite(value):
        raise ConfigError(f"{name}: expected a finite number, got {value!r}")
    if meta["choices"] is not None and value not in meta["choices"]:
        raise ConfigError(f"{name}: expected one of {list(meta['choices'])}, got {value!r}")
    lo, hi = meta["lo"], meta["hi"]
    if lo is not None and (value <= lo if meta["lo_open"] else value < lo):
        raise ConfigError(f"{name}: expected a value {'>' if meta['lo_open'] else '>='} {lo}, "
                          f"got {value!r}")
    if hi is not None and value > hi:
        raise ConfigError(f"{name}: expected a value <= {hi}, got {value!r}")


def load_config(path: str | Path | None = None, **overrides: Any) -> Config:
    """Defaults <- params file <- keyword overrides, validated.

    Examples
    --------
    >>> cfg = load_config("params/smoke.yaml", Ng=64, seed=1)
    """
    from_file = read_params(path) if path is not None else {}
    values = {**from_file, **overrides}
    try:
        _reject_unknown(values)
        return Config(**values)
    except ConfigError as exc:  # name the file when the offending key came from it
        key = str(exc).split(":", 1)[0].removeprefix("unknown parameter ").strip("'")
        if key in from_file and key not in overrides:
            raise ConfigError(f"params file {str(path)!r}: {exc}") from None
        raise


def config_from_namespace(path: str | Path | None, namespace: dict[str, Any],
                          names: Iterable[str]) -> Config:
    """Config from a params file plus the config fields among ``names`` read from
    ``namespace``.

    Used by the notebooks: papermill injects ``-p Ng 1024`` as a variable ``Ng``, and only
    the names it injected (``names``, :func:`gridcells.book.report.injected_names`) override the
    file, not every notebook variable that happens to be named like a field.
    """
    picked = {k: namespace[k] for k in names if k in FIELD_NAMES and k in namespace}
    return load_config(path, **picked)


def save_config(cfg: Config, path: str | Path) -> None:
    """Write the fully resolved config as YAML."""
    Path(path).write_text(yaml.safe_dump(cfg.to_dict(), sort_keys=False))


def config_from_dict(values: dict[str, Any]) -> Config:
    """A config from a stored, fully resolved mapping (unknown keys are an error)."""
    _reject_unknown(values)
    return Config(**values)
