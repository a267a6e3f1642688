"""Is the population a torus? Persistent homology of a grid module's population activity.

A grid module whose units share one lattice (same spacing and orientation, different phases)
maps every position of the box to one point of a two-dimensional torus: the population vector
depends on position only modulo the lattice. Gardner et al. (Nature 2022, "Toroidal topology
of population activity in grid cells") showed that the recorded activity of one module has the
homology of a torus, Betti numbers (1, 2, 1): one connected component, two independent loops,
one enclosed cavity. This module applies that test to rate maps:

1. **Units of one module** (:func:`gridcells.topology.module.select_module`): units with
   grid score above a threshold, and among them the largest group that shares a grid
   spacing (within ``spacing_tol``, relative) and orientation (within ``orientation_tol``
   degrees, modulo 60), both read from the spatial autocorrelogram
   (:func:`gridcells.analysis.map_geometry.spacing_orientation`).
2. **Point cloud** (:func:`point_cloud`): every spatial bin of the (optionally smoothed) rate
   maps is one point in unit space (``[bins, units]``); each unit is z-scored over the bins
   and the points are projected on their first ``n_components`` (6) principal components.
   Rate maps finer than the 20 bins of the grid scores give more points per lattice period
   (:func:`network_maps` accumulates both resolutions on the same paths).
3. **Subsampling** (:func:`subsample`): ``n_points`` are chosen by greedy farthest-point
   sampling (an even cover of the cloud, from a seeded start point). Gardner et al. first
   discard the points of lowest density, outliers among noisy time samples; that step is
   here (``drop_fraction``) but off by default: a rate map's bins are already averages, and
   their density in the cloud varies with how much the embedding stretches space, not with
   noise, so dropping the sparsest 10 % cut holes into synthetic tori (a spurious third H1
   bar above the null, and H2 lost or shortened, in 7 of 7 synthetic modules tried).
4. **Persistent homology** (:func:`persistence`) of the Vietoris-Rips filtration up to H2 with
   ``ripser`` (the maintained C++ Ripser with Python bindings). Distances are divided by the
   cloud's median pairwise distance, so bars of different clouds are comparable, and the
   filtration stops at ``max_scale`` of that unit (the full filtration of 1000 points in six
   dimensions takes minutes for H2; what is still alive there is cut at ``max_scale``, so a
   lifetime is ``min(death, max_scale) - birth``). Coefficients are in Z/47, as in Gardner
   et al.: with Z/2 a Klein bottle has the same Betti numbers as a torus (1, 2, 1); over a
   field of odd characteristic it has (1, 1, 0), so Z/47 tells the two apart (the torus's
   numbers are the same in every field).
5. **Null** (:func:`null_maps`): the same pipeline on ``n_null`` shuffled populations in which
   every unit's map is rotated by an independent uniform angle and shifted circularly by an
   independent uniform offset. Each unit keeps its own spatial statistics (field size,
   spacing, grid score), but the units no longer share an orientation or a phase relation,
   so a shared attractor is destroyed. (A circular shift alone is no null for a grid module:
   shifting a periodic map changes only its phase, and the shifted population would still
   lie on a torus.)

**Betti numbers against the null** (the rule): for each dimension d, the threshold is the
longest bar of dimension d over all null draws (in H0 the one class that never dies is left
out); a bar of the data counts only if its lifetime exceeds that threshold. Under the null
the data's longest bar is one more draw, so it exceeds all ``n_null`` draws' longest with
probability 1 / (n_null + 1): with 20 draws a counted bar has a permutation p-value below
0.05 (:meth:`Topology.p_value` gives it for any bar). In H0 the never-dying class always
counts, so Betti 0 is 1 plus the finite bars that exceed both the null's threshold and twice
the data's own sampling scale (the median finite H0 bar). The second condition is what makes
H0 count components: the finite H0 bars of an evenly subsampled connected cloud are merge
distances at its sampling scale, all within a factor of about two of one another, and when
the data's cloud is spread more evenly than the null's (the paper model's band module: bars
of 0.22-0.24 median distances against a null's 0.18) every one of them cleared the null's
threshold alone, giving Betti 0 = 163 for one connected cloud. A separate component is a gap
well beyond the sampling scale.

Everything random takes an explicit seed (``numpy.random.default_rng``); no global state.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import scipy.ndimage as ndi
from scipy.spatial import cKDTree
from scipy.spatial.distance import pdist

from gridcells.analysis.ratemaps import smooth

TORUS = (1, 2, 1)


# ----------------------------------------------------------------------------------------
# point cloud, subsampling, persistence
# ----------------------------------------------------------------------------------------


def point_cloud(maps: np.ndarray, n_components: int = 6, sigma: float = 0.0
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Population vectors over space, z-scored and reduced by PCA.

    maps: [K, n, n] rate maps (NaN = unvisited); sigma: Gaussian smoothing of each map
    (bins, NaN-aware; 0: none). Bins unvisited by any unit are left out, as are units
    constant over the remaining bins. Returns (points [P, n_components], the projections
    on the principal components; bins [P], flat indices iy * n + ix of the points' bins;
    explained [n_components], the fraction of the z-scored variance each component holds).
    """
    maps = np.asarray(maps, dtype=float)
    if maps.ndim != 3:
        raise ValueError(f"maps must be [units, n, n], got shape {maps.shape}")
    if sigma:
        maps = smooth(maps, sigma)
    flat = maps.reshape(len(maps), -1)
    bins = np.flatnonzero(np.isfinite(flat).all(0))
    x = flat[:, bins]
    sd = x.std(1)
    x = x[sd > 1e-12 * max(float(np.abs(x).max(initial=0)), 1e-300)]
    if len(x) < 2 or len(bins) < 3:
        raise ValueError(f"need at least 2 non-constant units and 3 visited bins, got "
                         f"{len(x)} units and {len(bins)} bins")
    z = (x - x.mean(1, keepdims=True)) / x.std(1, keepdims=True)   # [K, P]
    z = z.T - z.T.mean(0)                                            # [P, K], centred points
    u, s, _ = np.linalg.svd(z, full_matrices=False)
    d = min(n_components, len(s))
    return u[:, :d] * s[:d], bins, (s[:d] ** 2) / (s ** 2).sum()


def subsample(points: np.ndarray, n_points: int = 500, k: int = 15,
              drop_fraction: float = 0.0, seed: int = 0) -> np.ndarray:
    """Indices [m <= n_points] (sorted) of an even subsample of points [P, D].

    If ``drop_fraction`` > 0, that fraction of points with the largest mean distance to
    their ``k`` nearest neighbours (the sparsest: outliers) is discarded first; from the
    rest, greedy farthest-point sampling starting at a point drawn with ``seed`` picks
    ``n_points`` (all of them if fewer remain)."""
    points = np.asarray(points, dtype=float)
    P = len(points)
    keep = np.arange(P)
    if drop_fraction > 0 and P > k + 1:
        dist, _ = cKDTree(points).query(points, k + 1)
        sparse = dist[:, 1:].mean(1)
        keep = np.sort(np.argsort(sparse, kind="stable")[:int(np.ceil(P * (1 - drop_fraction)))])
    if len(keep) <= n_points:
        return keep
    x = points[keep]
    rng = np.random.default_rng(seed)
    chosen = np.empty(n_points, dtype=int)
    chosen[0] = rng.integers(len(x))
    gap = np.linalg.norm(x - x[chosen[0]], axis=1)
    for i in range(1, n_points):
        chosen[i] = int(np.argmax(gap))
        np.minimum(gap, np.linalg.norm(x - x[chosen[i]], axis=1), out=gap)
    return keep[np.sort(chosen)]


def persistence(points: np.ndarray, maxdim: int = 2, coeff: int = 47,
                max_scale: float = 0.7) -> tuple[list[np.ndarray], float]:
    """Vietoris-Rips persistence diagrams of points [m, D] up to H``maxdim``.

    Distances are in units of the cloud's median pairwise distance; the filtration stops at
    ``max_scale`` (same unit) and classes still alive there get death ``inf``. Returns
    (diagrams: one [n_d, 2] array of (birth, death) per dimension; the median distance used
    as the unit)."""
    from ripser import ripser

    points = np.asarray(points, dtype=float)
    unit = float(np.median(pdist(points)))
    if not unit > 0:
        raise ValueError("all points coincide: no persistence to compute")
    out = ripser(points / unit, maxdim=maxdim, coeff=coeff, thresh=max_scale)
    return [np.asarray(d, dtype=float).reshape(-1, 2) for d in out["dgms"]], unit


def lifetimes(diagram: np.ndarray, max_scale: float) -> np.ndarray:
    """Bar lengths [n] of a diagram [n, 2], deaths cut at ``max_scale``, longest first."""
    life = np.minimum(diagram[:, 1], max_scale) - diagram[:, 0]
    return np.sort(life)[::-1]


# ----------------------------------------------------------------------------------------
# null populations
# ----------------------------------------------------------------------------------------


def null_maps(maps: np.ndarray, seed: int = 0) -> np.ndarray:
    """A shuffled population [K, n, n]: every unit's map (maps [K, n, n]) rotated about the
    box centre by an independent uniform angle (linear interpolation, the box continued
    periodically into the corners) and shifted circularly by an independent uniform offset
    in both axes. Unvisited (NaN) bins stay NaN where they were; before rotating they are
    filled with the unit's mean."""
    maps = np.asarray(maps, dtype=float)
    rng = np.random.default_rng(seed)
    angles = rng.uniform(0, 360, len(maps))
    shifts = rng.integers(0, maps.shape[-1], (len(maps), 2))
    invalid = ~np.isfinite(maps)
    with np.errstate(invalid="ignore"):
        fill = np.nan_to_num(np.nanmean(maps, axis=(1, 2)))
    out = np.empty_like(maps)
    for u, m in enumerate(maps):
        m = np.where(invalid[u], fill[u], m)
        r = ndi.rotate(m, angles[u], reshape=False, order=1, mode="grid-wrap")
        out[u] = np.roll(r, tuple(shifts[u]), axis=(0, 1))
    out[invalid] = np.nan
    return out


# ----------------------------------------------------------------------------------------
# the whole test
# ----------------------------------------------------------------------------------------


@dataclass
class Topology:
    """The persistent homology of one population and its null.

    diagrams: [H0, H1, H2] persistence diagrams, each [n_d, 2] (birth, death; in units of
    the cloud's median pairwise distance; death ``inf``: still alive at ``max_scale``);
    null_diagrams: one such list per null draw; null_draws: [n_null, maxdim + 1] each draw's
    longest bar per dimension (H0 without its never-dying class); null_longest: [maxdim + 1]
    their maximum over the draws, the counting thresholds; h0_scale: twice the median finite
    H0 bar of the data, the least length of a counted H0 bar (see the module docstring);
    betti: bars per dimension longer than the thresholds (H0: plus the never-dying class);
    cloud: [m, n_components] the subsampled points (PCA coordinates, not rescaled); bins:
    [m] the flat bin index (iy * n + ix) of each point; points, point_bins: all P population
    vectors [P, n_components] and their bins [P], before subsampling; explained:
    [n_components] variance fractions of the components; n_units, n_bins: units and bins
    that went in; max_scale, coeff, n_null, seed: the settings; seconds: wall time of the
    whole analysis.
    """

    diagrams: list[np.ndarray]
    null_diagrams: list[list[np.ndarray]]
    null_draws: np.ndarray
    null_longest: np.ndarray
    h0_scale: float
    betti: tuple[int, ...]
    cloud: np.ndarray
    bins: np.ndarray
    points: np.ndarray
    point_bins: np.ndarray
    explained: np.ndarray
    n_units: int
    n_bins: int
    max_scale: float
    coeff: int
    n_null: int
    seed: int
    seconds: float = field(default=float("nan"))

    @property
    def is_torus(self) -> bool:
        """Betti numbers (1, 2, 1) against the null."""
        return tuple(self.betti) == TORUS

    def lifetimes(self, dim: int) -> np.ndarray:
        """Bar lengths of dimension ``dim``, longest first (deaths cut at max_scale)."""
        return lifetimes(self.diagrams[dim], self.max_scale)

    def threshold(self, dim: int) -> float:
        """The length a bar of dimension ``dim`` must exceed to count (:func:`count_threshold`)."""
        return count_threshold(dim, self.null_longest, self.max_scale, self.h0_scale)

    def p_value(self, dim: int, rank: int = 0) -> float:
        """Permutation p-value of the data's ``rank``-th longest bar of dimension ``dim``
        (H0: of the finite bars) against the null draws' longest bars: (1 + the draws whose
        longest bar is at least as long) / (n_null + 1). Its least value is 1 / (n_null + 1)."""
        life = self.lifetimes(dim)[1:] if dim == 0 else self.lifetimes(dim)
        bar = float(life[rank]) if rank < len(life) else 0.0
        return float((1 + np.sum(self.null_draws[:, dim] >= bar)) / (len(self.null_draws) + 1))

    def row(self) -> dict:
        """One table row: units, Betti numbers and the bars next to the null's thresholds
        (and, for H0, the sampling scale a component's bar must also exceed); the permutation
        p-values of the second H1 bar and the first H2 bar (a torus needs both); the points
        and null draws used."""
        r = {"units": self.n_units, "bins": self.n_bins, "betti": tuple(self.betti),
             "torus": "yes" if self.is_torus else "no"}
        for d in range(len(self.diagrams)):
            life = self.lifetimes(d)
            if d == 0:
                life = life[1:]  # the never-dying class
            r[f"H{d} top bars"] = tuple(round(float(v), 3) for v in life[:3])
            r[f"H{d} null"] = round(float(self.null_longest[d]), 3)
            if d == 0:
                r["H0 scale"] = round(float(self.h0_scale), 3)
        if len(self.diagrams) > 2:  # what a torus needs: a second loop and a cavity
            r["H1 p"] = round(self.p_value(1, 1), 3)
            r["H2 p"] = round(self.p_value(2, 0), 3)
        r["points"], r["nulls"] = len(self.cloud), self.n_null
        r["seconds"] = round(self.seconds, 1)
        return r


def _longest(life: np.ndarray, dim: int) -> float:
    """The longest bar of a lifetimes array (longest first); in H0 the never-dying class is
    left out."""
    life = life[1:] if dim == 0 else life
    return float(life[0]) if len(life) else 0.0


def betti_numbers(diagrams: list[np.ndarray], thresholds: np.ndarray, max_scale: float
                  ) -> tuple[tuple[int, ...], float]:
    """Betti numbers of diagrams [H0, H1, ...] (deaths cut at ``max_scale``) against the
    per-dimension ``thresholds`` (the null's longest bars): in H1 and up, the bars longer
    than the threshold; in H0, 1 (the class that never dies) plus the other bars (finite, or
    cut at ``max_scale``) longer than both the threshold and twice their median (the
    sampling scale, capped below ``max_scale``; see the module docstring). Returns
    (betti, that H0 scale)."""
    betti = []
    h0_scale = 0.0
    for d, dg in enumerate(diagrams):
        life = lifetimes(dg, max_scale)
        if d == 0:
            finite = life[1:]
            h0_scale = 2.0 * float(np.median(finite)) if len(finite) else 0.0
            least = count_threshold(0, thresholds, max_scale, h0_scale)
            betti.append(1 + int((finite > least).sum()))
        else:
            betti.append(int((life > count_threshold(d, thresholds, max_scale)).sum()))
    return tuple(betti), h0_scale


def count_threshold(dim: int, null_longest: np.ndarray, max_scale: float,
                    h0_scale: float = 0.0) -> float:
    """The length a bar of dimension ``dim`` must exceed to count: the null's longest bar
    (``null_longest[dim]``); in H0 also the sampling scale ``h0_scale``, capped below
    ``max_scale`` so that a component still apart at the end of the filtration (lifetime =
    ``max_scale``) stays countable."""
    if dim:
        return float(null_longest[dim])
    return max(float(null_longest[0]), min(h0_scale, max_scale * (1 - 1e-9)))


def _cloud(maps, n_components, sigma, n_points, drop_fraction, seed):
    points, bins, explained = point_cloud(maps, n_components, sigma)
    idx = subsample(points, n_points, drop_fraction=drop_fraction, seed=seed)
    return points[idx], bins[idx], explained, points, bins


def population_topology(maps: np.ndarray, n_components: int = 6, sigma: float = 0.0,
                        n_points: int = 500, drop_fraction: float = 0.0,
                        max_scale: float = 0.7, coeff: int = 47, maxdim: int = 2,
                        n_null: int = 20, seed: int = 0) -> Topology:
    """Betti numbers of the population activity of maps [K, n, n] against the null.

    The maps are used as given (select the module's units first:
    :func:`gridcells.topology.module.select_module`).
    Steps and the counting rule: see the module docstring. Null draw j uses the seed
    ``[seed, j]`` for both its shuffle and its subsample. The time grows with ``n_points``
    and ``max_scale`` (Rips complexes up to H2: about 0.5-1 s for 500 points, 9 s for 1000, on
    one 2-core AMD EPYC thread) and linearly with ``n_null``.
    """
    if n_null < 1:
        raise ValueError(f"n_null: expected at least 1 null draw (the thresholds), got {n_null}")
    t0 = time.perf_counter()
    maps = np.asarray(maps, dtype=float)
    cloud, bins, explained, points, point_bins = _cloud(maps, n_components, sigma, n_points,
                                                        drop_fraction, seed)
    diagrams, _ = persistence(cloud, maxdim, coeff, max_scale)
    null_diagrams = []
    for j in range(n_null):
        s = np.random.default_rng([seed, j]).integers(2 ** 32)
        null_cloud = _cloud(null_maps(maps, s), n_components, sigma, n_points, drop_fraction,
                            s)[0]
        null_diagrams.append(persistence(null_cloud, maxdim, coeff, max_scale)[0])
    draws = np.array([[_longest(lifetimes(dg, max_scale), d) for d, dg in enumerate(dgms)]
                      for dgms in null_diagrams]).reshape(n_null, maxdim + 1)
    betti, h0_scale = betti_numbers(diagrams, draws.max(0), max_scale)
    valid = np.isfinite(maps.reshape(len(maps), -1)).all(0)
    return Topology(diagrams, null_diagrams, draws, draws.max(0), h0_scale, betti, cloud, bins,
                    points, point_bins, explained, len(maps), int(valid.sum()), max_scale,
                    coeff, n_null, seed, time.perf_counter() - t0)
