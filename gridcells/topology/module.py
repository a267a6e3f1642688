"""Which units form one grid module: the largest group of grid units that share one
spacing and orientation, read from their autocorrelograms (the population
:mod:`gridcells.topology.homology` tests for a torus)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gridcells.analysis.map_geometry import spacing_orientation
from gridcells.analysis.scores import GridScores


@dataclass
class ModuleSelection:
    """units: [K] indices of the selected units (into the maps that were scored);
    spacing, orientation: [K] their grid spacing (unit of ``bin_size``) and orientation
    (degrees, modulo 60); spacing_ref, orientation_ref: the module's centre; candidates:
    how many units passed the grid-score threshold."""

    units: np.ndarray
    spacing: np.ndarray
    orientation: np.ndarray
    spacing_ref: float
    orientation_ref: float
    candidates: int


def select_module(scores: GridScores, bin_size: float = 1.0, threshold: float = 0.3,
                  spacing_tol: float = 0.15, orientation_tol: float | None = 10.0
                  ) -> ModuleSelection:
    """The largest group of grid units sharing one spacing and orientation.

    scores: grid scores of rate maps [U, n, n] (their ``score_60`` [U] and ``sac``
    [U, 2n - 1, 2n - 1]); bin_size: the maps' bin size (m, or 1 for bins); threshold: grid
    score 60 needed to be a candidate. A candidate's neighbourhood is the candidates whose
    spacing lies within ``spacing_tol`` (relative) of its own and whose orientation lies
    within ``orientation_tol`` degrees (circular, modulo 60; None: orientation ignored);
    the module is the largest neighbourhood (ties: the first candidate's).
    """
    cand = np.flatnonzero(np.nan_to_num(scores.score_60, nan=-np.inf) > threshold)
    so = np.array([spacing_orientation(scores.sac[u], bin_size) for u in cand]).reshape(-1, 2)
    ok = np.isfinite(so).all(1)
    cand, so = cand[ok], so[ok]
    if not len(cand):
        empty = np.zeros(0)
        return ModuleSelection(empty.astype(int), empty, empty, np.nan, np.nan, 0)
    sp, ori = so[:, 0], so[:, 1]
    near = np.abs(sp[None, :] / sp[:, None] - 1) <= spacing_tol
    if orientation_tol is not None:
        d = np.abs((ori[None, :] - ori[:, None] + 30) % 60 - 30)
        near &= d <= orientation_tol
    best = int(np.argmax(near.sum(1)))
    members = near[best]
    return ModuleSelection(cand[members], sp[members], ori[members], float(sp[best]),
                           float(ori[best]), len(cand))
