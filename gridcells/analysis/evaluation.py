"""Measuring a trained network: decoding error, gridness, map diversity and shared lattice.

The same measurement is used during training (on a subset of units), by the CPU-recipe
benchmark and by the notebooks, so all report comparable numbers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch

from gridcells.analysis.lattice import lattice_symmetry
from gridcells.analysis.ratemaps import RateMapAccumulator, RateMaps
from gridcells.analysis.scores import GridScorer, GridScores
from gridcells.network.model import PathRNN
from gridcells.network.running import fresh_batches, run_along
from gridcells.world.trajectories import TrajectoryGenerator

EVAL_STREAM = 0xE7A1  # evaluation trajectories use their own seed stream
CRITERIA_SEQUENCE_LENGTH = 20  # steps: the paper's trajectories, on which the recipe is judged
CRITERIA_BATCHES = 50  # batches of the model's batch size: the judgement's paths
CRITERIA_SEED_OFFSET = 10_000  # the judgement's paths are drawn from seed 10 000 + the run's seed
# the recipe's criteria, by evaluation field: (short name, passes)
RECIPE_CRITERIA = {"err_cm": ("error", lambda v: v <= 6),
                   "frac_above_03": ("share above 0.3", lambda v: v >= 0.4),
                   "best64_mean": ("best-64", lambda v: v >= 1.0),
                   "map_corr": ("map correlation", lambda v: v < 0.5)}


def missed_criteria(row: dict) -> list[str]:
    """The short names of the recipe's criteria (:data:`RECIPE_CRITERIA`) that an evaluation
    row (``Evaluation.row()``, a recorded table's row or a model card's ``evaluation``)
    misses; [] when it meets them all."""
    return [name for key, (name, passes) in RECIPE_CRITERIA.items() if not passes(row[key])]


def criteria_sentence(row: dict) -> str:
    """A sentence true of an evaluation row: whether it meets the CPU recipe's four criteria
    (error at most 6 cm, at least 40 % of units above grid score 0.3, a best-64 mean of at
    least 1.0, map correlation below 0.5), and which it misses."""
    missed = missed_criteria(row)
    if not missed:
        return "It meets all four criteria of the CPU recipe."
    names = missed[0] if len(missed) == 1 else ", ".join(missed[:-1]) + " and " + missed[-1]
    return (f"It does not meet the CPU recipe: it misses {len(missed)} of its four criteria "
            f"({names}).")


def map_diversity(maps: np.ndarray) -> float:
    """Mean |Pearson correlation| between distinct units' rate maps [U, n, n] (bins visited by
    all). Near 1: collapse (every unit shows the same map); trained grids: ~0.1-0.3."""
    flat = maps.reshape(len(maps), -1)
    flat = flat[:, np.isfinite(flat).all(0)]
    flat = flat[flat.std(1) > 0]
    if len(flat) < 2:
        return float("nan")
    c = np.corrcoef(flat)
    return float(np.abs(c[~np.eye(len(c), dtype=bool)]).mean())


def silent_fraction(maps: np.ndarray, rel: float = 0.01) -> float:
    """Fraction of units whose rate-map maximum (maps [U, n, n]) is below ``rel`` times the
    median unit's maximum: dead or nearly dead ReLU units. A unit's map that stays this weak
    while others grow rarely recovers (it gets almost no gradient)."""
    if len(maps) == 0:
        return float("nan")
    peak = np.nan_to_num(maps.reshape(len(maps), -1), nan=0.0).max(1)
    return float((peak <= rel * np.median(peak)).mean())


@dataclass
class Evaluation:
    """err_cm: mean decoding error (cm); frac_above_03: fraction of scored units with grid
    score 60 > 0.3; best64_mean: mean score of the best 64 (or all, if fewer); median_score;
    map_corr: :func:`map_diversity`; frac_silent: :func:`silent_fraction`; n_units: units
    scored; hex_order, square_order, stripe_order: how strongly the units share one
    hexagonal lattice, one square lattice or one band orientation (0-1; a shared band
    orientation raises all three, :func:`gridcells.analysis.lattice.lattice_symmetry`)."""

    err_cm: float
    frac_above_03: float
    best64_mean: float
    best_score: float
    median_score: float
    map_corr: float
    n_units: int
    frac_silent: float = float("nan")
    hex_order: float = float("nan")
    square_order: float = float("nan")
    stripe_order: float = float("nan")

    def row(self) -> dict[str, float]:
        return asdict(self)

    def meets_recipe(self) -> bool:
        """The CPU recipe's criteria: error <= 6 cm, >= 40 % above 0.3, best-64 mean >= 1.0,
        diverse maps (mean |corr| < 0.5); judged on an evaluation over trajectories of
        :data:`CRITERIA_SEQUENCE_LENGTH` steps, whatever length the network trained on."""
        return not missed_criteria(self.row())


def summarize(scores: np.ndarray, maps: np.ndarray, err_cm: float) -> Evaluation:
    """An :class:`Evaluation` from grid scores [U] and rate maps [U, n, n]."""
    finite = scores[np.isfinite(scores)]  # units with no defined score count as non-grid
    top = np.sort(finite)[::-1][:64]
    lattice = lattice_symmetry(maps)
    return Evaluation(
        err_cm=float(err_cm),
        frac_above_03=float((finite > 0.3).sum() / max(len(scores), 1)),
        best64_mean=float(np.mean(top)) if len(top) else float("nan"),
        best_score=float(top[0]) if len(top) else float("nan"),
        median_score=float(np.median(finite)) if len(finite) else float("nan"),
        map_corr=map_diversity(maps),
        n_units=len(scores),
        frac_silent=silent_fraction(maps),
        hex_order=lattice.hex_order,
        square_order=lattice.square_order,
        stripe_order=lattice.stripe_order,
    )


@torch.no_grad()
def evaluate(model: PathRNN, n_batches: int = 10, units=None, seed: int | None = None,
             batch_size: int | None = None, sequence_length: int | None = None
             ) -> tuple[Evaluation, RateMaps, GridScores]:
    """Decode and score ``model`` on fresh trajectories of ``sequence_length`` steps (default:
    its training length; longer paths are harder to decode, so compare errors at one length).

    Trajectories are drawn from ``seed`` (default: the model's seed) on a stream separate
    from training, so repeated evaluations of a run see the same paths.
    """
    cfg = model.cfg
    units = np.arange(cfg.Ng) if units is None else np.asarray(units)
    gen = TrajectoryGenerator(cfg, model.place_cells(),
                              np.random.default_rng([cfg.seed if seed is None else seed,
                                                     EVAL_STREAM]))
    acc = RateMapAccumulator(cfg, len(units))
    errs = []
    batches = fresh_batches(model, gen, n_batches, batch_size, sequence_length)
    for b, g, g_units in run_along(model, batches, units):
        errs.append(float(model.decoding_error_cm(model.decoder(g), b.positions)))
        acc.add(b.positions.reshape(-1, 2).cpu(), g_units.reshape(-1, len(units)).cpu())
    rm = acc.result()
    scores = GridScorer.cached(cfg.nbins).score(rm.maps)
    return summarize(scores.score_60, rm.maps, float(np.mean(errs))), rm, scores


def criteria_evaluation(model: PathRNN, n_batches: int = CRITERIA_BATCHES
                        ) -> tuple[Evaluation, RateMaps, GridScores]:
    """The recipe's judgement of a finished network (:meth:`Evaluation.meets_recipe`): all
    units, ``n_batches`` batches of fresh paths of the paper's
    :data:`CRITERIA_SEQUENCE_LENGTH` steps drawn from seed :data:`CRITERIA_SEED_OFFSET` + the
    run's seed. Returns (Evaluation, RateMaps, GridScores) as :func:`evaluate`."""
    return evaluate(model, n_batches=n_batches, seed=CRITERIA_SEED_OFFSET + model.cfg.seed,
                    sequence_length=CRITERIA_SEQUENCE_LENGTH)
