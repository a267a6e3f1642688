"""One network's population of rate maps in numbers: how many units are grid cells, how
strongly, and whether they form one module (shared spacing and orientation) -- the rate-map
chapter's figures, computed the same way for the network trained in the book and for every
member of the shipped ensemble, so the two can be set side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gridcells.analysis.evaluation import Evaluation, evaluate, summarize
from gridcells.analysis.map_geometry import border_score, spacing_orientation
from gridcells.analysis.ratemaps import RateMaps
from gridcells.analysis.scores import GridScorer, GridScores
from gridcells.network.model import PathRNN
from gridcells.world.config import Config

GRID_THRESHOLD = 0.3  # grid score 60 above which a unit counts as a grid cell
BORDER_THRESHOLD = 0.5  # border score above which a unit counts as a border cell


@dataclass
class Population:
    """The rate-map figures of one network.

    evaluation: the network on the chapter's paths (decoding error, lattice orders, ...)
    maps: [U, n, n] rate maps; scores: their grid scores
    grid_units: [G] indices of the units with score 60 > ``GRID_THRESHOLD``
    spacing_cm, orientation_deg: [<= G] spacing (cm) and orientation (deg in [0, 60)) of the
        grid units whose autocorrelogram has at least three peaks
    border: [U] border scores (NaN: no field)
    """

    evaluation: Evaluation
    maps: RateMaps
    scores: GridScores
    grid_units: np.ndarray
    spacing_cm: np.ndarray
    orientation_deg: np.ndarray
    border: np.ndarray

    def row(self) -> dict:
        """The network's summary: error (cm), grid share, median scores, the module's spacing
        quartiles (cm) and relative spread (IQR / median), the orientation (deg in [0, 60):
        the circular mean of the 6-fold orientations) and its 6-fold resultant length (1:
        every grid unit at one orientation, ~0: uniform), border counts and the shared
        hexagonal, square and stripe orders."""
        s60, s90 = self.scores.score_60, self.scores.score_90
        q1, med, q3 = (np.percentile(self.spacing_cm, [25, 50, 75]) if len(self.spacing_cm)
                       else [np.nan] * 3)
        theta = np.radians(self.orientation_deg) * 6
        ev = self.evaluation.row()
        return {
            "err_cm": float(self.evaluation.err_cm), "n_units": len(s60),
            "n_grid": len(self.grid_units), "share_grid": len(self.grid_units) / len(s60),
            "median_score_60": float(np.nanmedian(s60)),
            "median_score_90_grid": float(np.nanmedian(s90[self.grid_units]))
            if len(self.grid_units) else float("nan"),
            "spacing_q1_cm": float(q1), "spacing_median_cm": float(med),
            "spacing_q3_cm": float(q3), "spacing_spread": float((q3 - q1) / med),
            "orientation_deg": float(np.degrees(np.angle(np.exp(1j * theta).mean())) / 6 % 60)
            if len(theta) else float("nan"),
            "orientation_resultant": float(np.abs(np.exp(1j * theta).mean()))
            if len(theta) else float("nan"),
            "n_border": int((self.border > BORDER_THRESHOLD).sum()),
            "n_interior": int(np.isclose(self.border, -1).sum()),
            "hex_order": ev["hex_order"], "square_order": ev["square_order"],
            "stripe_order": ev["stripe_order"],
        }


def population(model: PathRNN, cfg: Config) -> Population:
    """Rate maps and their figures for ``model`` on the analysis paths of ``cfg``
    (``n_batches`` batches of the model's batch size and training length, drawn from
    ``rng_seed + 2000``: the rate-map chapter's paths)."""
    ev, maps, scores = evaluate(model, n_batches=cfg.n_batches, seed=cfg.rng_seed + 2000)
    return from_maps(maps, model.cfg.box_width / model.cfg.nbins, ev, scores)


def from_maps(maps: RateMaps, bin_m: float, evaluation: Evaluation | None = None,
              scores: GridScores | None = None) -> Population:
    """The figures of rate maps ``maps`` (bins of ``bin_m`` metres); ``evaluation`` and
    ``scores`` when already computed (otherwise: scored here, decoding error NaN)."""
    if scores is None:
        scores = GridScorer.cached(maps.maps.shape[-1]).score(maps.maps)
    if evaluation is None:
        evaluation = summarize(scores.score_60, maps.maps, float("nan"))
    grid = np.flatnonzero(scores.score_60 > GRID_THRESHOLD)
    so = np.array([spacing_orientation(scores.sac[u], bin_m) for u in grid]).reshape(-1, 2)
    border = np.array([border_score(m) for m in maps.maps])
    return Population(evaluation, maps, scores, grid, so[np.isfinite(so[:, 0]), 0] * 100,
                      so[np.isfinite(so[:, 1]), 1], border)
