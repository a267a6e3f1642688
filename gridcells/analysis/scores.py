"""Spatial autocorrelograms and grid scores (spacing, orientation and the border score:
:mod:`gridcells.analysis.map_geometry`).

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
per-map implementation of the definition, tests/oracle.py, to rounding: float64 throughout):

* every array is pixel-major (the maps side by side on the last, contiguous axis), so each
  step is one vectorised operation or one matrix product over a chunk of maps;
* SAC: the overlap counts and sums are window sums (matrix products with a 0/1 matrix), the
  cross term an FFT (scipy's, the maps transformed side by side), replaced by exact sums at
  the pixels where its rounding could matter; maps with unvisited bins get direct overlap
  sums (about 8 times the cost of a gap-free map: benchmarks/score_speed.py);
* rotation, being linear, is split exactly as scipy computes it: the separable spline
  prefilter (a 2n-1 x 2n-1 matrix on each axis), then one sparse interpolation matrix per
  angle; 90 degrees maps pixels onto pixels and is a permutation;
* a SAC is point-symmetric and so are the rings and the spline coefficients, so only the
  half ring is rotated and summed, from the top half of the coefficients;
* the maps are cut into chunks that stay in a core's cache, spread over threads (numpy,
  scipy and one-thread BLAS only: no torch intra-op threads inside them).
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.fft as sfft
import scipy.ndimage as ndi
import scipy.sparse as sp
from threadpoolctl import ThreadpoolController

ANGLES = (30, 45, 60, 90, 120, 135, 150)
SPLINE_ANGLES = tuple(a for a in ANGLES if a != 90)  # 90 degrees is a permutation of pixels
# A ring whose SAC values are (nearly) constant has no defined correlation: the DeepMind
# formula divides by its variance + 1e-5 and, for sparse or nearly silent units, returns
# scores of 10-100 (spline ringing from the SAC centre leaks into the rotated ring). Such
# rings are not scored.
MIN_RING_VARIANCE = 1e-3


def overlap_sums(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """out[u, k, dy, dx] = sum_ij a[u, k, i, j] * b[u, i + dy, j + dx] for a [U, K, n, n] and
    b [U, n, n], offsets -(n-1)..(n-1) (indices [U, K, 2n - 1, 2n - 1]); float64, exact sums
    (no differences), numpy only (the scorer's worker threads must not start torch's)."""
    U, K, n, _ = a.shape
    D = 2 * n - 1
    pad = np.pad(b, ((0, 0), (0, 0), (n - 1, n - 1)))
    win = np.lib.stride_tricks.sliding_window_view(pad, n, axis=2)  # [U, n(i'), D(dx), n(j)]
    # rows[u, k, i, i', dx]: row i of a against row i' of b shifted by dx
    rows = np.matmul(a.reshape(U, K * n, n), win.reshape(U, n * D, n).transpose(0, 2, 1))
    # sum along diagonals i' - i = dy: pad i' by n - 1 on both sides, then a skewed view whose
    # row i starts at padded column i picks i' = i + dy for dy = -(n-1)..(n-1)
    rows = np.pad(rows.reshape(U, K, n, n, D), ((0, 0), (0, 0), (0, 0), (n - 1, n - 1), (0, 0)))
    su, sk, si, sl, sd = rows.strides
    skew = np.lib.stride_tricks.as_strided(rows, (U, K, n, D, D), (su, sk, si + sl, sl, sd),
                                           writeable=False)
    return skew.sum(2)


def window_matrix(n: int) -> np.ndarray:
    """[2n - 1, n] 0/1 matrix: row d + n - 1 selects the entries of a length-n axis that
    overlap a copy shifted by d (the first n - d for d >= 0, the last n + d for d < 0)."""
    d = np.arange(-(n - 1), n)[:, None]
    i = np.arange(n)[None, :]
    return ((i < n - d) & (i >= -d)).astype(float)


def window_sums(a: np.ndarray) -> np.ndarray:
    """Pixel-major window sums: out[dy, dx, ...] = sum of a[:, :, ...] over the rows and
    columns that overlap a copy shifted by (dy, dx), for a [n, n, ...] (out [2n - 1, 2n - 1,
    ...]), i.e. :func:`overlap_sums` with b = 1 everywhere: W a W^T with the 0/1
    :func:`window_matrix` W (sums only, no differences: no cancellation), as one matrix
    product over the rows and a batch of them over the columns."""
    n, rest = a.shape[0], a.shape[2:]
    W = window_matrix(n)
    rows = (W @ a.reshape(n, -1)).reshape(2 * n - 1, n, -1)
    return np.matmul(W, rows).reshape(2 * n - 1, 2 * n - 1, *rest)


def products_at(x: np.ndarray, u: np.ndarray, dy: np.ndarray, dx: np.ndarray,
                chunk: int = 4096) -> np.ndarray:
    """sum_ij x[u, i, j] x[u, i + dy - n + 1, j + dx - n + 1] for maps x [U, n, n] at the
    listed (map, SAC row, SAC column) triples only: exact direct sums, [len(u)]."""
    out = np.empty(len(u))
    if not len(u):
        return out
    n = x.shape[-1]
    maps, u = np.unique(u, return_inverse=True)  # pad only the maps that are asked for
    x = x[maps]
    pad = np.pad(x, ((0, 0), (n - 1, n - 1), (n - 1, n - 1)))
    shifted = np.lib.stride_tricks.sliding_window_view(pad, (n, n), axis=(1, 2))
    for s in range(0, len(u), chunk):  # a chunk gathers chunk x n x n values
        i = slice(s, s + chunk)
        out[i] = np.einsum("tij,tij->t", x[u[i]], shifted[u[i], dy[i], dx[i]])
    return out


def fft_autocorrelation(x: np.ndarray) -> np.ndarray:
    """sum_ij x[i, j, u] x[i + dy, j + dx, u] for pixel-major maps x [n, n, U] by FFT, for
    the offsets dy = 0..n-1 (the other half is its point reflection), dx = -(n-1)..n-1:
    [n, 2n - 1, U]. The zero rows of the padding are not transformed and only the needed rows
    inverted; scipy's FFT transforms the maps side by side (the contiguous axis)."""
    n = x.shape[0]
    f = sfft.fft(sfft.rfft(x, 2 * n, axis=1), 2 * n, axis=0)   # [2n, n + 1, U]
    power = f.real ** 2
    power += f.imag ** 2
    c = sfft.irfft(sfft.ifft(power, axis=0)[:n], 2 * n, axis=1)  # [n, 2n, U] circular
    return np.concatenate([c[:, n + 1:], c[:, :n]], 1)


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
        self.size = size = 2 * nbins - 1
        self.masks = ring_masks(nbins, n_masks)
        # A SAC is point-symmetric, s(-p) = s(p), and so is its spline rotation; the rings are
        # too and exclude the centre. Every ring sum is therefore twice the sum over the half
        # ring with dy > 0 (or dy = 0, dx > 0): only those pixels are rotated and summed.
        dy, dx = np.indices((size, size)) - nbins + 1
        half = ((dy > 0) | ((dy == 0) & (dx > 0))).ravel()
        flat = self.masks.reshape(n_masks, -1)
        self.pixels = np.flatnonzero(flat.any(0) & half)  # [P] SAC pixels the scores read
        self.mask_matrix = flat[:, self.pixels].astype(float)  # [masks, P]
        self.area = 2 * self.mask_matrix.sum(1)[:, None]  # [masks, 1] full ring areas
        # the cubic-spline prefilter of one axis (scipy's, mode "constant") as a matrix; it
        # commutes with reversal, so the spline coefficients of a SAC are point-symmetric too
        # and only their rows 0..n-1 are computed (the last one whole, see _fold)
        self.prefilter = ndi.spline_filter1d(np.eye(size), 3, axis=0, mode="constant")
        self.prefilter_top = np.ascontiguousarray(self.prefilter[:nbins])
        # a rotation by 90 degrees maps pixels onto pixels: the spline reproduces the samples
        index = np.arange(size * size).reshape(size, size)
        self.perm90 = ndi.rotate(index, 90, reshape=False, order=0).ravel()[self.pixels]
        self.full_overlap = window_sums(np.ones((nbins, nbins)))  # N of a map without gaps

    @functools.cached_property
    def rotation(self) -> sp.csr_matrix:
        """The interpolation matrix of :meth:`_interpolation_matrix`, built on first use."""
        return self._interpolation_matrix()

    @functools.cached_property
    def rotation_top(self) -> sp.csr_matrix:
        """:attr:`rotation` acting on the top rows 0..n-1 of point-symmetric coefficients."""
        return self._fold(self.rotation)

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

    def _fold(self, matrix: sp.csr_matrix) -> sp.csr_matrix:
        """A matrix over all size^2 pixels as one over the rows 0..n-1 (n x size columns) of a
        point-symmetric image: each pixel below the centre, and right of it on the centre
        row, is read from its point reflection (the centre row's right half gets no weight)."""
        size, n = self.size, self.nbins
        m = matrix.tocoo()
        col = m.col.copy()
        row = col // size
        below = (row > n - 1) | ((row == n - 1) & (col % size > n - 1))
        col[below] = size * size - 1 - col[below]  # the point reflection of a flat index
        folded = sp.csr_matrix((m.data, (m.row, col)), shape=(m.shape[0], n * size))
        folded.sum_duplicates()
        return folded

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
        return np.ascontiguousarray(self._sac_pixel_major(maps).transpose(2, 0, 1))

    def _sac_pixel_major(self, maps: np.ndarray) -> np.ndarray:
        """:meth:`sac` of float64 maps [U, n, n], pixel-major: [2n - 1, 2n - 1, U] (every array
        here is pixel-major, the maps side by side, so each step is one vectorised operation
        or matrix product over the whole chunk)."""
        n, U = self.nbins, len(maps)
        valid = np.isfinite(maps)
        gaps = ~valid.all((1, 2))                    # maps with an unvisited bin
        x = np.where(valid, maps, 0.0) if gaps.any() else maps
        xp = np.ascontiguousarray(x.transpose(1, 2, 0))               # [n, n, U]
        xp2 = xp * xp
        # every overlap of a map without gaps is a rectangle: window sums
        sums = window_sums(np.stack([xp, xp2], 2))                    # [D, D, 2, U]
        S, Q = sums[:, :, 0], sums[:, :, 1]
        N = self.full_overlap[:, :, None]
        if gaps.any():
            m = valid[gaps].astype(float)
            direct = overlap_sums(np.stack([x[gaps], x[gaps] ** 2, m], 1), m)  # [G, 3, D, D]
            N = np.repeat(N, U, 2)
            S[..., gaps], Q[..., gaps], N[..., gaps] = direct.transpose(1, 2, 3, 0)
        spread = N * Q
        spread -= S * S
        np.maximum(spread, 0.0, out=spread)          # N^2 x the first copy's variance
        # r is point-symmetric: compute the rows dy >= 0 and mirror them. "_h": those rows;
        # "_r": the reflected array's (the second copy's sums)
        half, mirror = slice(n - 1, None), (slice(n - 1, None, -1), slice(None, None, -1))
        S_h, N_h, S_r = S[half], N[half], S[mirror]
        den = spread[half] * spread[mirror]
        np.sqrt(den, out=den)                        # 0 where either copy is constant (or N < 2)
        C = fft_autocorrelation(xp)
        # FFT rounding is ~1e-16 of the map's total power: where the overlap's own variance is
        # tiny against it, the FFT value is noise, so those pixels get exact direct sums
        limit = N_h * (1e-7 * xp2.sum((0, 1)))
        dy, dx, u = np.nonzero(den < limit)
        keep = den[dy, dx, u] > 0
        dy, dx, u = dy[keep], dx[keep], u[keep]
        C[dy, dx, u] = products_at(x, u, dy + n - 1, dx)
        C *= N_h
        C -= S_h * S_r
        den[den == 0] = np.inf                       # r = 0 there
        C /= den
        return np.concatenate([C[:0:-1, ::-1], C], 0)

    def rotated(self, sac_t: np.ndarray) -> np.ndarray:
        """Pixel-major SACs sac_t [2n - 1, 2n - 1, U] rotated by each of ``SPLINE_ANGLES``, at
        the half-ring pixels ``self.pixels`` only: [P, len(SPLINE_ANGLES), U]. The spline
        prefilter runs on the rows, then the columns, of the top half only (the coefficients
        are point-symmetric), and the folded interpolation matrix reads that half."""
        size, n, U = self.size, self.nbins, sac_t.shape[-1]
        coeffs = (self.prefilter_top @ sac_t.reshape(size, -1)).reshape(n, size, U)  # rows
        coeffs = np.matmul(self.prefilter, coeffs)                                  # columns
        return (self.rotation_top @ coeffs.reshape(-1, U)).reshape(len(self.pixels), -1, U)

    def score(self, maps: np.ndarray, chunk: int = 64, workers: int | None = None
              ) -> GridScores:
        """Grid scores of rate maps [U, n, n] (or [n, n]), ``chunk`` maps at a time (small
        enough to stay in a core's cache), the chunks spread over ``workers`` threads (default:
        the CPUs this process may use; numpy, BLAS and scipy release the GIL here)."""
        maps = np.asarray(maps, dtype=float)
        maps = maps.reshape(-1, self.nbins, self.nbins)
        if not len(maps):
            empty = np.zeros(0)
            return GridScores(empty, empty, empty.astype(int), empty.astype(int),
                              np.zeros((0, self.size, self.size)))
        chunks = [maps[i:i + chunk] for i in range(0, len(maps), chunk)]
        workers = min(workers or len(os.sched_getaffinity(0)), len(chunks))
        keep_freed_memory()
        self.rotation_top  # noqa: B018 (builds the cached matrix here, not in several threads)
        # one BLAS thread per worker: nested BLAS threads would oversubscribe the cores
        with _blas_controller().limit(limits=1, user_api="blas"):
            if workers == 1:
                parts = [self._score_chunk(c) for c in chunks]
            else:
                with ThreadPoolExecutor(workers) as pool:
                    parts = list(pool.map(self._score_chunk, chunks))
        return GridScores(*(np.concatenate(p) for p in zip(*parts)))

    def _score_chunk(self, maps: np.ndarray):
        sac_t = self._sac_pixel_major(maps)                    # [size, size, U]
        U = sac_t.shape[-1]
        flat = sac_t.reshape(-1, U)                            # pixel-major
        s = flat[self.pixels]                                  # [P, U]
        M, area = self.mask_matrix, self.area                  # [masks, P], [masks, 1]
        mean = 2 * (M @ s) / area                              # [masks, U]
        raw_var = 2 * (M @ (s * s)) / area - mean ** 2
        var = raw_var + 1e-5
        spline = self.rotated(sac_t)

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
        constant = ~(hi > lo)  # constant or empty: no autocorrelogram
        s60[constant], s90[constant] = np.nan, np.nan
        best60 = np.argmax(np.nan_to_num(s60, nan=-np.inf), 1)
        best90 = np.argmax(np.nan_to_num(s90, nan=-np.inf), 1)
        rows = np.arange(len(maps))
        return (s60[rows, best60], s90[rows, best90], best60, best90,
                sac_t.transpose(2, 0, 1).copy())


# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


@functools.cache
def keep_freed_memory() -> bool:
    """Tell glibc's malloc to keep freed memory for reuse (trim threshold 256 MiB, mmap
    threshold 32 MiB) instead of handing it back to the system after each chunk. A chunk's
    arrays (0.1-2 MB each) are otherwise unmapped and faulted in again every time, and in
    threads those page faults serialise on the process's memory-map lock: on 2 cores the
    second worker then adds about 20 % instead of about 70 % (benchmarks/score_speed.py).
    Process-wide and done once; the cost is up to 256 MiB of freed memory kept by the
    process. Returns whether it applied (False where the C library is not glibc)."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_TRIM_THRESHOLD, 256 << 20)) and bool(
        mallopt(_M_MMAP_THRESHOLD, 32 << 20))


@functools.cache
def _blas_controller() -> ThreadpoolController:
    """The process's BLAS libraries, found once (finding them takes milliseconds a call)."""
    return ThreadpoolController()


# ----------------------------------------------------------------------------------------
# spacing, orientation, border score
# ----------------------------------------------------------------------------------------


