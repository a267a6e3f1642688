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

:class:`GridScorer` scores a whole batch at once, with no approximation (it equals a
per-map implementation of the definition, tests/oracle.py, to rounding):

* SAC: the overlap counts and sums are window sums (two matrix products with a 0/1 matrix
  over the whole batch), the cross term an FFT, replaced by exact sums at the pixels where
  its rounding could matter;
* rotation, being linear, is split exactly as scipy computes it: the separable spline
  prefilter (a 2n-1 x 2n-1 matrix on each axis), then one sparse interpolation matrix per
  angle; 90 degrees maps pixels onto pixels and is a permutation;
* a SAC is point-symmetric and so are the rings, so only the half ring is rotated and
  summed;
* the maps are cut into cache-sized chunks spread over threads.
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
from threadpoolctl import threadpool_limits

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
    (out [..., 2n - 1, 2n - 1]): W a W^T with the 0/1 :func:`window_matrix` W (sums only, no
    differences: no cancellation)."""
    W = window_matrix(a.shape[-1])
    return np.matmul(W, a @ W.T)


def products_at(x: np.ndarray, u: np.ndarray, dy: np.ndarray, dx: np.ndarray,
                chunk: int = 4096) -> np.ndarray:
    """sum_ij x[u, i, j] x[u, i + dy - n + 1, j + dx - n + 1] for maps x [U, n, n] at the
    listed (map, SAC row, SAC column) triples only: exact direct sums, [len(u)]."""
    out = np.empty(len(u))
    if not len(u):
        return out
    n = x.shape[-1]
    pad = np.pad(x, ((0, 0), (n - 1, n - 1), (n - 1, n - 1)))
    shifted = np.lib.stride_tricks.sliding_window_view(pad, (n, n), axis=(1, 2))
    for s in range(0, len(u), chunk):  # a chunk gathers chunk x n x n values
        i = slice(s, s + chunk)
        out[i] = np.einsum("tij,tij->t", x[u[i]], shifted[u[i], dy[i], dx[i]])
    return out


def fft_autocorrelation(x: np.ndarray) -> np.ndarray:
    """sum_ij x[u, i, j] x[u, i + dy, j + dx] for maps x [U, n, n] by FFT, for the offsets
    dy = 0..n-1 (the other half is its point reflection), dx = -(n-1)..n-1: [U, n, 2n - 1].
    The zero rows of the padding are not transformed and only the needed rows inverted."""
    n = x.shape[-1]
    f = np.fft.fft(np.fft.rfft(x, 2 * n, axis=2), 2 * n, axis=1)   # [U, 2n, n + 1]
    power = f.real ** 2 + f.imag ** 2
    c = np.fft.irfft(np.fft.ifft(power, axis=1)[:, :n], 2 * n, axis=2)  # [U, n, 2n] circular
    return np.concatenate([c[:, :, n + 1:], c[:, :, :n]], 2)


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
        """Sparse [P * len(SPLINE_ANGLES), size^2]: spline coefficients -> rotated SAC pixels.

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
        P, A = len(self.pixels), len(SPLINE_ANGLES)
        by_pixel = (np.arange(P)[:, None] + P * np.arange(A)[None, :]).ravel()
        return sp.vstack(blocks).tocsr()[by_pixel]  # row p * A + a: pixel p, angle a

    def sac(self, maps: np.ndarray) -> np.ndarray:
        """Spatial autocorrelograms [U, 2n - 1, 2n - 1] of maps [U, n, n] (NaN = unvisited).

        With N the overlap's bin count, S and Q the sums of the values and squares over the
        overlap in the first copy and S', Q' in the second (S' is S point-reflected):
        r = (N C - S S') / sqrt((N Q - S^2)(N Q' - S'^2)), C the sum of products. N, S, Q
        are window sums (direct overlap sums for maps with unvisited bins); C comes from an
        FFT, replaced by exact direct sums at the pixels where FFT rounding would matter
        (nearly flat, near-zero overlaps).
        """
        maps = np.asarray(maps, dtype=float).reshape(-1, self.nbins, self.nbins)
        valid = np.isfinite(maps)
        gaps = ~valid.all((1, 2))                    # maps with an unvisited bin
        x = np.where(valid, maps, 0.0) if gaps.any() else maps
        x2 = x * x
        # every overlap of a map without gaps is a rectangle: window sums
        S, Q = window_sums(np.stack([x, x2], 1)).transpose(1, 0, 2, 3)
        N = self.full_overlap[None]
        if gaps.any():
            m = torch.from_numpy(valid[gaps].astype(float))
            xm, xm2 = torch.from_numpy(x[gaps]), torch.from_numpy(x2[gaps])
            N = np.repeat(N, len(x), 0)
            S[gaps], Q[gaps], N[gaps] = overlap_sums(torch.stack([xm, xm2, m], 1), m).numpy(
                ).transpose(1, 0, 2, 3)
        spread = N * Q
        spread -= S * S
        np.maximum(spread, 0.0, out=spread)          # N^2 x the first copy's variance
        # r is point-symmetric: compute the rows dy >= 0 and mirror them. "_h": those rows;
        # "_r": the reflected array's (the second copy's sums)
        n = self.nbins
        half, mirror = (slice(None), slice(n - 1, None)), (slice(None), slice(n - 1, None, -1),
                                                           slice(None, None, -1))
        S_h, N_h, S_r = S[half], N[half], S[mirror]
        den = spread[half] * spread[mirror]
        np.sqrt(den, out=den)                        # 0 where either copy is constant (or N < 2)
        C = fft_autocorrelation(x)
        # FFT rounding is ~1e-16 of the map's total power: where the overlap's own variance is
        # tiny against it, the FFT value is noise, so those pixels get exact direct sums
        limit = (1e-7 * x2.sum((1, 2)))[:, None, None] * N_h
        u, dy, dx = np.nonzero((den > 0) & (den < limit))
        C[u, dy, dx] = products_at(x, u, dy + n - 1, dx)
        num = N_h * C
        num -= S_h * S_r
        r_h = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
        return np.concatenate([r_h[:, :0:-1, ::-1], r_h], 1)

    def rotated(self, sac_t: np.ndarray) -> np.ndarray:
        """Pixel-major SACs sac_t [2n - 1, 2n - 1, U] rotated by each of ``SPLINE_ANGLES``, at
        the half-ring pixels ``self.pixels`` only: [P, len(SPLINE_ANGLES), U]."""
        size, U = self.size, sac_t.shape[-1]
        coeffs = (self.prefilter @ sac_t.reshape(size, -1)).reshape(size, size, U)  # rows
        coeffs = np.matmul(self.prefilter, coeffs)                                  # columns
        return (self.rotation @ coeffs.reshape(-1, U)).reshape(len(self.pixels), -1, U)

    def score(self, maps: np.ndarray, chunk: int = 128, workers: int | None = None
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
        self.rotation  # noqa: B018 (builds the cached matrix here, not in several threads)
        # one BLAS thread per worker: nested BLAS threads would oversubscribe the cores
        with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(self._score_chunk, chunks))
        return GridScores(*(np.concatenate(p) for p in zip(*parts)))

    def _score_chunk(self, maps: np.ndarray):
        sac = self.sac(maps)
        U = len(sac)
        flat = np.ascontiguousarray(sac.transpose(1, 2, 0)).reshape(-1, U)  # pixel-major
        s = flat[self.pixels]                                  # [P, U]
        M, area = self.mask_matrix, self.area                  # [masks, P], [masks, 1]
        mean = 2 * (M @ s) / area                              # [masks, U]
        raw_var = 2 * (M @ (s * s)) / area - mean ** 2
        var = raw_var + 1e-5
        spline = self.rotated(flat.reshape(self.size, self.size, U))

        def ring_corr(rot):  # rotated SACs [P, angles, U] -> ring correlations [masks, angles, U]
            P, A, _ = rot.shape
            cross = (M @ (rot * s[:, None]).reshape(P, -1)).reshape(-1, A, U)
            ring = (M @ rot.reshape(P, -1)).reshape(-1, A, U)
            return 2 * (cross - mean[:, None] * ring) / area[:, :, None] / var[:, None]

        r = dict(zip(SPLINE_ANGLES, ring_corr(spline).transpose(1, 0, 2)))  # [masks, U] each
        r[90] = ring_corr(flat[self.perm90][:, None])[:, 0]
        s60, s90 = (t.T for t in grid_scores_from_corrs(r))   # [U, masks]
        flat_ring = raw_var.T < MIN_RING_VARIANCE
        s60[flat_ring], s90[flat_ring] = np.nan, np.nan
        values = maps.reshape(len(maps), -1)
        hi, lo = np.fmax.reduce(values, 1), np.fmin.reduce(values, 1)  # NaN bins ignored
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
