"""Rate maps: mean activity per spatial bin, for many units at once.

Samples are binned with one scatter-add per chunk (``torch.index_add_``), never a loop
over samples. Maps are [units, nbins_y, nbins_x] with row 0 at the bottom of the box
(y = -height/2); plot them with ``origin="lower"``. Unvisited bins are NaN.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import scipy.ndimage as ndi
import scipy.sparse as sp
import torch

from gridcells.network.model import PathRNN
from gridcells.network.running import fresh_batches, run_along
from gridcells.world.config import Config
from gridcells.world.trajectories import TrajectoryGenerator


@dataclass
class RateMaps:
    """maps: [U, nbins, nbins] mean activity per bin (NaN where unvisited);
    occupancy: [nbins, nbins] samples per bin."""

    maps: np.ndarray
    occupancy: np.ndarray


class PositionsClipped(UserWarning):
    """Positions slightly outside the box were clipped into its edge bins."""


ROUNDING_M = 1e-6  # positions this close outside the box are on its wall (rounding)


def bin_index(pos, box_width: float, box_height: float, nbins: int,
              tol: float | None = None) -> torch.Tensor:
    """Flat bin index [N] (iy * nbins + ix) of positions [N, 2] (m).

    Positions on the boundary go to the edge bins. Positions at most ``tol`` (m; default
    half a bin, ``min(box_width, box_height) / nbins / 2``) outside the box are clipped into
    the edge bins, which are their nearest, and a :class:`PositionsClipped` warning reports
    how many and how far (the original generator overshoots the walls by up to about
    2 mm; recordings have tracking jitter). Positions further out raise ValueError: they
    are not this box's (wrong units, wrong box, a bad sample) and would be misplaced.
    """
    pos = torch.as_tensor(pos, dtype=torch.float64)
    half = torch.tensor([box_width / 2, box_height / 2], dtype=torch.float64)
    if tol is None:
        tol = 0.5 * min(box_width, box_height) / nbins
    excess = (pos.abs() - half).clamp(min=0).amax(-1) if len(pos) else pos.new_zeros(0)
    outside = excess > max(tol, ROUNDING_M)
    if outside.any():
        bad = pos[outside][0].tolist()
        raise ValueError(f"{int(outside.sum())} positions lie more than {tol * 100:.2g} cm "
                         f"outside the {box_width} x {box_height} m box (first: {bad}); "
                         f"expected |x| <= {box_width / 2}, |y| <= {box_height / 2} (m)")
    clipped = excess > ROUNDING_M
    if clipped.any():
        warnings.warn(f"{int(clipped.sum())} of {len(pos)} positions up to "
                      f"{float(excess.max()) * 1000:.2g} mm outside the box were clipped into "
                      f"the edge bins (tolerance {tol * 1000:.3g} mm)", PositionsClipped,
                      stacklevel=2)
    frac = (pos + half) / (2 * half)
    ij = (frac * nbins).long().clamp_(0, nbins - 1)
    return ij[:, 1] * nbins + ij[:, 0]


class RateMapAccumulator:
    """Sums activity and occupancy per bin over any number of chunks.

    >>> acc = RateMapAccumulator(cfg, n_units=512)
    >>> acc.add(positions, activations)   # [N, 2] (m), [N, 512]; call repeatedly
    >>> rm = acc.result()                 # RateMaps
    """

    def __init__(self, cfg: Config, n_units: int, nbins: int | None = None):
        self.box = (cfg.box_width, cfg.box_height)
        self.nbins = nbins or cfg.nbins
        self.sums = torch.zeros(self.nbins ** 2, n_units, dtype=torch.float64)
        self.counts = torch.zeros(self.nbins ** 2, dtype=torch.float64)

    def add(self, positions, activations) -> None:
        """Add samples: positions [N, 2] (m), activations [N, U]."""
        pos = torch.as_tensor(positions).reshape(-1, 2)
        self.add_indexed(bin_index(pos, *self.box, self.nbins), activations)

    def add_indexed(self, idx, activations) -> None:
        """Add samples by flat bin index [N] (from :func:`bin_index`); an index equal to
        nbins^2 marks a sample to skip (used for shifted pairings without copying activity).

        The sums are one sparse one-hot [bins, N] times activations [N, U] product, in the
        activations' precision (float32 sums over one call are exact to ~1e-7 relative),
        accumulated across calls in float64.
        """
        idx = np.asarray(torch.as_tensor(idx).reshape(-1))
        act = torch.as_tensor(activations)
        act = act.reshape(len(idx), -1).numpy()
        if act.shape[1] != self.sums.shape[1]:
            raise ValueError(f"activations have {act.shape[1]} units, the accumulator "
                             f"expects {self.sums.shape[1]}")
        if not np.issubdtype(act.dtype, np.floating):
            act = act.astype(np.float64)
        nb = self.nbins ** 2
        onehot = sp.csc_matrix((np.ones(len(idx), act.dtype), idx, np.arange(len(idx) + 1)),
                               shape=(nb + 1, len(idx)))
        self.sums += torch.from_numpy(np.asarray(onehot @ act)[:nb]).double()
        self.counts += torch.from_numpy(np.bincount(idx, minlength=nb + 1)[:nb]).double()

    def result(self) -> RateMaps:
        with np.errstate(invalid="ignore", divide="ignore"):
            maps = (self.sums / self.counts[:, None]).numpy()
        maps[self.counts.numpy() == 0] = np.nan
        n = self.nbins
        return RateMaps(maps.T.reshape(-1, n, n).copy(), self.counts.numpy().reshape(n, n))


def rate_maps(positions, activations, cfg: Config, nbins: int | None = None) -> RateMaps:
    """Rate maps of activations [N, U] at positions [N, 2] (m)."""
    acc = RateMapAccumulator(cfg, torch.as_tensor(activations).reshape(len(positions), -1)
                             .shape[1], nbins)
    acc.add(positions, activations)
    return acc.result()


def smooth(maps: np.ndarray, sigma: float = 1.0) -> np.ndarray:
    """NaN-aware Gaussian smoothing of maps [..., n, n] (bins). For display only."""
    maps = np.asarray(maps, dtype=float)
    valid = np.isfinite(maps)
    s = (0,) * (maps.ndim - 2) + (sigma, sigma)
    num = ndi.gaussian_filter(np.where(valid, maps, 0.0), s, mode="constant")
    den = ndi.gaussian_filter(valid.astype(float), s, mode="constant")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    out[~valid] = np.nan
    return out


@dataclass
class Activity:
    """Network activity along trajectories (trajectory first, then time).

    positions: [n, T, 2] (m); velocities: [n, T, 2] (m/step);
    activations: [n, T, U] hidden-unit activity; units: [U] indices into the network.
    """

    positions: np.ndarray
    velocities: np.ndarray
    activations: np.ndarray
    units: np.ndarray


@torch.no_grad()
def iter_activity(model: PathRNN, gen: TrajectoryGenerator, n_batches: int,
                  batch_size: int | None = None, sequence_length: int | None = None,
                  units=None) -> Iterator[Activity]:
    """One :class:`Activity` per batch of fresh trajectories (memory: one batch at a time)."""
    units = np.arange(model.cfg.Ng) if units is None else np.asarray(units)
    batches = fresh_batches(model, gen, n_batches, batch_size, sequence_length)
    for b, _, g in run_along(model, batches, units):
        yield Activity(b.positions.transpose(0, 1).cpu().numpy(),
                       b.velocities.transpose(0, 1).cpu().numpy(),
                       g.transpose(0, 1).cpu().numpy(), units)


def collect_activity(model: PathRNN, gen: TrajectoryGenerator, n_batches: int,
                     batch_size: int | None = None, sequence_length: int | None = None,
                     units=None) -> Activity:
    """All batches of :func:`iter_activity` concatenated along trajectories.

    Memory is n_batches * batch_size * T * len(units) * 4 bytes: choose ``units`` (e.g. the
    first ``Ng_use``) or stream with :func:`iter_activity` + :class:`RateMapAccumulator`
    for very large runs.
    """
    parts = list(iter_activity(model, gen, n_batches, batch_size, sequence_length, units))
    return Activity(*(np.concatenate([getattr(p, k) for p in parts])
                      for k in ("positions", "velocities", "activations")), parts[0].units)


def model_rate_maps(model: PathRNN, gen: TrajectoryGenerator, n_batches: int,
                    batch_size: int | None = None, units=None) -> RateMaps:
    """Rate maps of a network's units from fresh trajectories, streamed batch by batch."""
    n_units = model.cfg.Ng if units is None else len(units)
    acc = RateMapAccumulator(model.cfg, n_units)
    for chunk in iter_activity(model, gen, n_batches, batch_size, units=units):
        acc.add(chunk.positions, chunk.activations)
    return acc.result()
