"""Spatial autocorrelograms, grid scores, border scores, grid spacing and orientation.

The grid score is the definition of the DeepMind grid-cells scorer (Banino et al. 2018)
used by Sorscher et al. (2019):

* SAC: Pearson correlation of the rate map with itself at every 2-d offset, over the
  bins both copies cover ([2n - 1, 2n - 1] for n x n maps);
* ten ring masks, inner radius 0.2 n bins, outer radius linspace(0.4, 1.0, 10) n bins;
* the SAC rotated by 30, 45, 60, 90, 120, 135, 150 degrees (cubic spline,
  ``scipy.ndimage.rotate(order=3, reshape=False)``), correlated with the unrotated SAC
  inside each ring (both centred on the ring mean of the unrotated SAC, normalised by its
  ring variance + 1e-5, as the DeepMind code does);
* score 60 = mean(r60, r120) - mean(r30, r90, r150); score 90 = r90 - mean(r45, r135);
  each is the maximum over the rings.

Two deliberate differences from the DeepMind code: unvisited (NaN) bins are excluded from
the SAC sums (its ``nan_to_num`` ran before the mask was built, so NaNs counted as zeros);
a ring whose SAC variance is below ``MIN_RING_VARIANCE`` is not scored (see there). A
constant map, or one with no scorable ring, gets NaN scores.

:class:`GridScorer` scores a whole batch at once. The SACs are batched direct overlap
sums; the rotation, being linear, is split exactly as scipy computes it: a separable spline
prefilter applied to the batch, then one sparse interpolation matrix per angle.
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.ndimage as ndi
import scipy.sparse as sp
import torch

ANGLES = (30, 45, 60, 90, 120, 135, 150)
SPLINE_ANGLES = tuple(a for a in ANGLES if a != 90)  # 90 degrees is a permutation of pixels
# A ring whose SAC values are (nearly) constant has no defined correlation: the DeepMind
# formula divides by its variance + 1e-5 and, for sparse or nearly silent units, returns
# scores of 10-100 (spline ringing from the SAC centre leaks into the rotated ring). Such
# rings are not scored.
MIN_RING_VARIANCE = 1e-3


def overlap_sums(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """out[u, k, dy, dx] = sum_ij a[u, k, i, j] * b[u, i + dy, j + dx] for a [U, K, n, n] and
    b [U, n, n], offsets -(n-1)..(n-1) (indices [U, K, 2n - 1, 2n - 1]); float64, exact sums."""
    U, K, n, _ = a.shape
    D = 2 * n - 1
    win = torch.nn.functional.pad(b, (n - 1, n - 1)).unfold(2, n, 1)  # [U, n(i'), D(dx), n(j)]
    # rows[u, k, i, i', dx]: row i of a against row i' of b shifted by dx
    rows = torch.einsum("ukij,uldj->ukild", a, win)
    # sum along diagonals i' - i = dy: pad i' by n - 1 on both sides, then a skewed view whose
    # row i starts at padded column i picks i' = i + dy for dy = -(n-1)..(n-1)
    rows = torch.nn.functional.pad(rows, (0, 0, n - 1, n - 1)).contiguous()
    su, sk, si, sl, sd = rows.stride()
    skew = rows.as_strided((U, K, n, D, D), (su, sk, si + sl, sl, sd))
    return skew.sum(2)


def window_matrix(n: int) -> np.ndarray:
    """[2n - 1, n] 0/1 matrix: row d + n - 1 selects the entries of a length-n axis that
    overlap a copy shifted by d (the first n - d for d >= 0, the last n + d for d < 0)."""
    d = np.arange(-(n - 1), n)[:, None]
    i = np.arange(n)[None, :]
    return ((i < n - d) & (i >= -d)).astype(float)


def window_sums(a: np.ndarray) -> np.ndarray:
    """out[..., dy, dx] = sum of a[..., :, :] over the rows and columns that overlap a copy
    shifted by (dy, dx), i.e. :func:`overlap_sums` with b = 1 everywhere, for a [..., n, n]
    (out [..., 2n - 1, 2n - 1]): W a W^T with the 0/1 :func:`window_matrix` W, as two
    matrix products over the whole batch (sums only, no differences: no cancellation)."""
    W = window_matrix(a.shape[-1])
    return apply_both_axes(a, W)


def apply_both_axes(a: np.ndarray, L: np.ndarray) -> np.ndarray:
    """L a L^T for every trailing matrix a[..., n, n] and L [m, n] ([..., m, m]), as two
    matrix products with the whole batch stacked (two BLAS calls, not one per matrix)."""
    lead, n = a.shape[:-2], a.shape[-1]
    t = a.reshape(-1, n) @ L.T                                # [..., n(rows), m]
    t = np.swapaxes(t.reshape(-1, n, L.shape[0]), 1, 2).reshape(-1, n) @ L.T
    return np.swapaxes(t.reshape(-1, L.shape[0], L.shape[0]), 1, 2).reshape(
        *lead, L.shape[0], L.shape[0])


def products_at(x: np.ndarray, u: np.ndarray, dy: np.ndarray, dx: np.ndarray,
                chunk: int = 4096) -> np.ndarray:
    """sum_ij x[u, i, j] x[u, i + dy - n + 1, j + dx - n + 1] for maps x [U, n, n] at the
    listed (map, SAC row, SAC column) triples only: exact direct sums, [len(u)]."""
    n = x.shape[-1]
    pad = np.pad(x, ((0, 0), (n - 1, n - 1), (n - 1, n - 1)))
    shifted = np.lib.stride_tricks.sliding_window_view(pad, (n, n), axis=(1, 2))
    out = np.empty(len(u))
    for s in range(0, len(u), chunk):  # a chunk gathers chunk x n x n values
        i = slice(s, s + chunk)
        out[i] = np.einsum("tij,tij->t", x[u[i]], shifted[u[i], dy[i], dx[i]])
    return out


def fft_autocorrelation(x: np.ndarray) -> np.ndarray:
    """sum_ij x[u, i, j] x[u, i + dy, j + dx] for maps x [U, n, n] by FFT ([U, 2n-1, 2n-1])."""
    n = x.shape[-1]
    f = np.fft.rfft2(x, (2 * n, 2 * n))
    c = np.fft.fftshift(np.fft.irfft2(f.conj() * f, (2 * n, 2 * n)), axes=(1, 2))
    return c[:, 1:, 1:]


def ring_parameters(n_masks: int = 10) -> list[tuple[float, float]]:
    """(inner, outer) radii of the rings, in units of the map size."""
    return [(0.2, outer) for outer in np.linspace(0.4, 1.0, n_masks)]


def circle_mask(size: int, radius: float) -> np.ndarray:
    """[size, size] boolean disc of ``radius`` bins around the centre pixel."""
    r = np.arange(size) - size // 2
    return np.hypot(r[None, :], r[:, None]) <= radius


def ring_masks(nbins: int, n_masks: int = 10) -> np.ndarray:
    """[n_masks, 2 nbins - 1, 2 nbins - 1] boolean rings (inner 0.2, outer 0.4 .. 1.0, x nbins)."""
    size = 2 * nbins - 1
    return np.stack([circle_mask(size, hi * nbins) & ~circle_mask(size, lo * nbins)
                     for lo, hi in ring_parameters(n_masks)])


def grid_scores_from_corrs(r: dict[int, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Score 60 and score 90 from rotation correlations {angle: array}."""
    s60 = (r[60] + r[120]) / 2 - (r[30] + r[90] + r[150]) / 3
    s90 = r[90] - (r[45] + r[135]) / 2
    return s60, s90


@dataclass
class GridScores:
    """Scores of U rate maps.

    score_60, score_90: [U] (NaN for constant or empty maps)
    mask_60, mask_90: [U] index of the best ring (into ``ring_parameters()``)
    sac: [U, 2n - 1, 2n - 1] spatial autocorrelograms
    """

    score_60: np.ndarray
    score_90: np.ndarray
    mask_60: np.ndarray
    mask_90: np.ndarray
    sac: np.ndarray


class GridScorer:
    """Batched grid scorer for n x n rate maps; build once, call many times.

    Parameters
    ----------
    nbins : int
        rate-map bins per side (20 in the original).
    n_masks : int
        number of ring masks (10).
    """

    def __init__(self, nbins: int = 20, n_masks: int = 10):
        self.nbins = nbins
        self.size = 2 * nbins - 1
        self.masks = ring_masks(nbins, n_masks)
        # A SAC is point-symmetric, s(-p) = s(p), and so is its spline rotation; the rings are
        # too and exclude the centre. Every ring sum is therefore twice the sum over the half
        # ring with dy > 0 (or dy = 0, dx > 0): only those pixels are rotated and summed.
        dy, dx = np.indices((self.size, self.size)) - nbins + 1
        half = ((dy > 0) | ((dy == 0) & (dx > 0))).ravel()
        flat = self.masks.reshape(n_masks, -1)
        self.pixels = np.flatnonzero(flat.any(0) & half)  # [P] SAC pixels the scores read
        self.mask_matrix = flat[:, self.pixels].astype(float)  # [masks, P]
        self.area = 2 * self.mask_matrix.sum(1)[:, None]  # [masks, 1] full ring areas
        # the cubic-spline prefilter of one axis (scipy's, mode "constant") as a matrix
        self.prefilter = ndi.spline_filter1d(np.eye(self.size), 3, axis=0, mode="constant")
        # a rotation by 90 degrees maps pixels onto pixels: the spline reproduces the samples
        index = np.arange(self.size * self.size).reshape(self.size, self.size)
        self.perm90 = ndi.rotate(index, 90, reshape=False, order=0).ravel()[self.pixels]
        self.full_overlap = window_sums(np.ones((nbins, nbins)))  # N of a map without gaps

    @functools.cached_property
    def rotation(self) -> sp.csr_matrix:
        """The interpolation matrix of :meth:`_interpolation_matrix`, built on first use."""
        return self._interpolation_matrix()

    @staticmethod
    @functools.lru_cache(maxsize=4)
    def cached(nbins: int = 20, n_masks: int = 10) -> GridScorer:
        """A shared scorer per map size (building one takes about a second)."""
        return GridScorer(nbins, n_masks)

    def _interpolation_matrix(self) -> sp.csr_matrix:
        """Sparse [len(SPLINE_ANGLES) * P, size^2]: spline coefficients -> rotated SAC pixels.

        Built from scipy itself (rotate with prefilter=False applied to each basis image),
        so the batched rotation equals ``ndimage.rotate`` to rounding.
        """
        n = self.size * self.size
        blocks = []
        for angle in SPLINE_ANGLES:
            rows = []
            for start in range(0, n, 512):  # rotate a stack of basis images per call
                stop = min(start + 512, n)
                basis = np.zeros((stop - start, n))
                basis[np.arange(stop - start), np.arange(start, stop)] = 1.0
                out = ndi.rotate(basis.reshape(-1, self.size, self.size), angle, axes=(1, 2),
                                 reshape=False, order=3, prefilter=False)
                out = out.reshape(stop - start, n)[:, self.pixels]
                out[np.abs(out) < 1e-15] = 0.0
                rows.append(sp.csr_matrix(out))
            blocks.append(sp.vstack(rows).T.tocsr())  # [P, n]
        return sp.vstack(blocks).tocsr()

    def sac(self, maps: np.ndarray) -> np.ndarray:
        """Spatial autocorrelograms [U, 2n - 1, 2n - 1] of maps [U, n, n] (NaN = unvisited).

        With N the overlap's bin count, S and Q the sums of the values and squares over the
        overlap in the first copy and S', Q' in the second (S' is S point-reflected):
        r = (N C - S S') / sqrt((N Q - S^2)(N Q' - S'^2)), C the sum of products. N, S, Q
        come from prefix/suffix sums (direct sums when bins are missing); C from an FFT,
        replaced by exact direct sums for the rare maps where FFT rounding would matter
        (nearly flat, near-zero overlaps).
        """
        maps = np.asarray(maps, dtype=float).reshape(-1, self.nbins, self.nbins)
        valid = np.isfinite(maps)
        full = valid.all((1, 2))
        x = np.where(valid, maps, 0.0)
        sums = np.empty((len(x), 3, self.size, self.size))   # S, Q, N
        if full.any():  # no unvisited bin: every overlap is a rectangle
            sums[full, :2] = window_sums(np.stack([x[full], x[full] ** 2], 1))
            sums[full, 2] = self.full_overlap
        if not full.all():
            m = torch.from_numpy(valid[~full].astype(float))
            xm = torch.from_numpy(x[~full])
            sums[~full] = overlap_sums(torch.stack([xm, xm * xm, m], 1), m).numpy()
        S, Q, N = sums.transpose(1, 0, 2, 3)
        reflect = (slice(None), slice(None, None, -1), slice(None, None, -1))
        spread = np.maximum(N * Q - S * S, 0.0)      # N^2 x the first copy's variance
        den = np.sqrt(spread * spread[reflect])
        C = fft_autocorrelation(x)
        # FFT rounding is ~1e-16 of the map's total power: where the overlap's own variance is
        # tiny against it, the FFT value is noise, so those maps get exact direct sums
        power = (x * x).sum((1, 2))[:, None, None]
        fragile = np.nonzero((N > 1) & (den > 0) & (den < 1e-7 * power * N))
        C[fragile] = products_at(x, *fragile)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = (N * C - S * S[reflect]) / den
        ok = (N > 1) & (spread > 0) & (spread[reflect] > 0) & np.isfinite(r)
        return np.where(ok, r, 0.0)

    def rotated(self, sac: np.ndarray, rotation: sp.csr_matrix | None = None
                ) -> dict[int, np.ndarray]:
        """SACs [U, 2n - 1, 2n - 1] rotated by each angle of ``ANGLES``: {angle: [P, U]}, the
        values at the half-ring pixels ``self.pixels`` only (pixel-major). ``rotation``:
        ``self.rotation``, given explicitly by the threads of :meth:`score`."""
        rotation = self.rotation if rotation is None else rotation
        coeffs = apply_both_axes(sac, self.prefilter)          # [U, size, size] spline coeffs
        flat = np.ascontiguousarray(coeffs.reshape(len(sac), -1).T)  # [size^2, U]
        spline = (rotation @ flat).reshape(len(SPLINE_ANGLES), -1, len(sac))
        out = dict(zip(SPLINE_ANGLES, spline))
        out[90] = sac.reshape(len(sac), -1)[:, self.perm90].T
        return out

    def score(self, maps: np.ndarray, chunk: int = 256, workers: int | None = None
              ) -> GridScores:
        """Grid scores of rate maps [U, n, n] (or [n, n]), ``chunk`` maps at a time (small
        enough to stay in cache), the chunks spread over ``workers`` threads (default: the
        CPUs this process may use; numpy, BLAS and scipy release the GIL here)."""
        maps = np.asarray(maps, dtype=float)
        maps = maps.reshape(-1, self.nbins, self.nbins)
        if not len(maps):
            empty = np.zeros(0)
            return GridScores(empty, empty, empty.astype(int), empty.astype(int),
                              np.zeros((0, self.size, self.size)))
        chunks = [maps[i:i + chunk] for i in range(0, len(maps), chunk)]
        workers = min(workers or len(os.sched_getaffinity(0)), len(chunks))
        rotation = self.rotation  # built here, not by several threads at once
        with ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(self._score_chunk, chunks, [rotation] * len(chunks)))
        return GridScores(*(np.concatenate(p) for p in zip(*parts)))

    def _score_chunk(self, maps: np.ndarray, rotation: sp.csr_matrix):
        sac = self.sac(maps)
        s = np.ascontiguousarray(sac.reshape(len(sac), -1)[:, self.pixels].T)  # [P, U]
        M, area = self.mask_matrix, self.area                  # [masks, P], [masks, 1]
        mean = 2 * (M @ s) / area                              # [masks, U]
        raw_var = 2 * (M @ (s * s)) / area - mean ** 2
        var = raw_var + 1e-5
        r = {angle: (2 * (M @ (s * ra)) - mean * 2 * (M @ ra)) / area / var
             for angle, ra in self.rotated(sac, rotation).items()}       # [masks, U] each
        s60, s90 = (t.T for t in grid_scores_from_corrs(r))   # [U, masks]
        flat_ring = raw_var.T < MIN_RING_VARIANCE
        s60[flat_ring], s90[flat_ring] = np.nan, np.nan
        finite = np.isfinite(maps)
        hi = np.where(finite, maps, -np.inf).max((1, 2))
        lo = np.where(finite, maps, np.inf).min((1, 2))
        flat = ~(hi > lo)  # constant or empty: no autocorrelogram
        s60[flat], s90[flat] = np.nan, np.nan
        best60 = np.argmax(np.nan_to_num(s60, nan=-np.inf), 1)
        best90 = np.argmax(np.nan_to_num(s90, nan=-np.inf), 1)
        rows = np.arange(len(maps))
        return s60[rows, best60], s90[rows, best90], best60, best90, sac


# ----------------------------------------------------------------------------------------
# spacing, orientation, border score
# ----------------------------------------------------------------------------------------


def sac_peaks(sac: np.ndarray, n: int = 6) -> np.ndarray:
    """Offsets [k <= n, 2] (bins, (dy, dx)) of the n local maxima of a SAC nearest its centre
    (the centre excluded; only positive peaks)."""
    size = sac.shape[0]
    c = size // 2
    is_peak = (sac == ndi.maximum_filter(sac, size=3, mode="constant", cval=-np.inf)) & (sac > 0)
    is_peak[c, c] = False
    ys, xs = np.nonzero(is_peak)
    off = np.stack([ys - c, xs - c], -1)
    order = np.argsort(np.hypot(off[:, 0], off[:, 1]), kind="stable")
    return off[order[:n]]


def spacing_orientation(sac: np.ndarray, bin_size: float) -> tuple[float, float]:
    """Grid spacing (median distance of the six nearest SAC peaks, in the unit of
    ``bin_size``) and orientation (degrees in [0, 60), the 6-fold circular mean of the
    peak angles). NaN when fewer than three peaks exist."""
    peaks = sac_peaks(sac)
    if len(peaks) < 3:
        return np.nan, np.nan
    dist = np.hypot(peaks[:, 0], peaks[:, 1])
    theta = np.arctan2(peaks[:, 0], peaks[:, 1])
    orient = np.degrees(np.angle(np.exp(6j * theta).mean()) / 6) % 60
    return float(np.median(dist) * bin_size), float(orient)


def border_score(rate_map: np.ndarray, field_threshold: float = 0.3,
                 min_field_bins: int = 4) -> float:
    """Border score of Solstad et al. (2008): (cM - dm) / (cM + dm).

    Fields are connected regions above ``field_threshold`` x the peak with at least
    ``min_field_bins`` bins. cM: the largest fraction of one wall's bins covered by one
    field, over all fields (the original code looped over fields but kept the first);
    dm: the rate-weighted mean distance of field bins to the nearest wall, divided by
    half the map's side. Range [-1, 1]; NaN when the map has no field.
    """
    rm = np.nan_to_num(np.asarray(rate_map, dtype=float), nan=0.0)
    if rm.max() <= 0:
        return np.nan
    labels, n_fields = ndi.label(rm > field_threshold * rm.max())
    ny, nx = rm.shape
    yy, xx = np.mgrid[0:ny, 0:nx]
    wall_dist = np.minimum.reduce([yy, xx, ny - 1 - yy, nx - 1 - xx]).astype(float)
    walls = [labels[0, :], labels[-1, :], labels[:, 0], labels[:, -1]]
    cm, field_any = 0.0, np.zeros_like(rm, dtype=bool)
    for f in range(1, n_fields + 1):
        field = labels == f
        if field.sum() < min_field_bins:
            continue
        field_any |= field
        cm = max(cm, max(np.mean(w == f) for w in walls))
    if not field_any.any():
        return np.nan
    weights = rm * field_any
    dm = (weights * wall_dist).sum() / weights.sum() / (min(ny, nx) / 2)
    return float((cm - dm) / (cm + dm)) if cm + dm > 0 else np.nan
