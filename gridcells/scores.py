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
from dataclasses import dataclass

import numpy as np
import scipy.ndimage as ndi
import scipy.sparse as sp
import torch

ANGLES = (30, 45, 60, 90, 120, 135, 150)
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


def window_sums(a: torch.Tensor) -> torch.Tensor:
    """out[u, k, dy, dx] = sum of a[u, k] over the rows and columns that overlap a copy
    shifted by (dy, dx), i.e. :func:`overlap_sums` with b = 1 everywhere. Computed with prefix
    and suffix sums only (no differences, so no cancellation)."""
    n = a.shape[-1]

    def along(t, dim):
        pre = t.cumsum(dim)                      # pre[m] = sum of the first m + 1 entries
        suf = t.flip(dim).cumsum(dim)            # suf[m] = sum of the last m + 1 entries
        # offset d >= 0 keeps the first n - d entries; d < 0 keeps the last n + d
        return torch.cat([suf.narrow(dim, 0, n - 1), pre.flip(dim)], dim)

    return along(along(a, -1), -2)


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
        flat = self.masks.reshape(n_masks, -1)
        self.used = flat.any(0)  # SAC pixels inside some ring: the only ones scores read
        self.mask_matrix = flat[:, self.used].T.astype(float)  # [P_used, n_masks]
        self.area = self.mask_matrix.sum(0)

    @functools.cached_property
    def _rotation(self) -> sp.csr_matrix:
        return self._interpolation_matrix()

    @staticmethod
    @functools.lru_cache(maxsize=4)
    def cached(nbins: int = 20, n_masks: int = 10) -> GridScorer:
        """A shared scorer per map size (building one takes about a second)."""
        return GridScorer(nbins, n_masks)

    def _interpolation_matrix(self) -> sp.csr_matrix:
        """Sparse [len(ANGLES) * P_used, size^2]: spline coefficients -> rotated SAC pixels.

        Built from scipy itself (rotate with prefilter=False applied to each basis image),
        so the batched rotation equals ``ndimage.rotate`` to rounding.
        """
        n = self.size * self.size
        blocks = []
        for angle in ANGLES:
            rows = []
            for start in range(0, n, 512):  # rotate a stack of basis images per call
                stop = min(start + 512, n)
                basis = np.zeros((stop - start, n))
                basis[np.arange(stop - start), np.arange(start, stop)] = 1.0
                out = ndi.rotate(basis.reshape(-1, self.size, self.size), angle, axes=(1, 2),
                                 reshape=False, order=3, prefilter=False)
                out = out.reshape(stop - start, n)[:, self.used]
                out[np.abs(out) < 1e-15] = 0.0
                rows.append(sp.csr_matrix(out))
            blocks.append(sp.vstack(rows).T.tocsr())  # [P_used, n]
        return sp.vstack(blocks).tocsr()

    def sac(self, maps: np.ndarray) -> np.ndarray:
        """Spatial autocorrelograms [U, 2n - 1, 2n - 1] of maps [U, n, n] (NaN = unvisited).

        Overlap sums of the values, squares and counts come from prefix/suffix sums (or direct
        sums when bins are missing); the cross term from an FFT, replaced by exact direct sums
        for the rare maps where FFT rounding would matter (nearly flat, near-zero overlaps).
        """
        maps = np.asarray(maps, dtype=float).reshape(-1, self.nbins, self.nbins)
        valid = np.isfinite(maps)
        x = torch.from_numpy(np.where(valid, maps, 0.0))
        m = torch.from_numpy(valid.astype(float))
        stacked = torch.stack([x, x * x, m], 1)
        sums = torch.empty(len(x), 3, self.size, self.size, dtype=torch.float64)
        full = torch.from_numpy(valid.all((1, 2)))
        if full.any():  # no unvisited bin: every overlap is a rectangle
            sums[full] = window_sums(stacked[full])
        if not full.all():
            sums[~full] = overlap_sums(stacked[~full], m[~full])
        s_xm, s_x2m, n = (t.numpy() for t in sums.unbind(1))
        flip = (slice(None), slice(None, None, -1), slice(None, None, -1))
        s_mx, s_mx2 = s_xm[flip], s_x2m[flip]   # the same sums over the other copy
        with np.errstate(divide="ignore", invalid="ignore"):
            var1 = s_x2m / n - (s_xm / n) ** 2
            var2 = s_mx2 / n - (s_mx / n) ** 2
            norm = np.sqrt(var1 * var2)
        s_xy = fft_autocorrelation(x.numpy())
        # FFT rounding is ~1e-16 of the map's total power: where the overlap's own variance is
        # tiny against it, the FFT value is noise, so those maps get exact direct sums
        power = (x.numpy() ** 2).sum((1, 2))[:, None, None] / n.clip(1)
        fragile = ((n > 1) & (norm > 0) & (norm < 1e-7 * power)).any((1, 2))
        if fragile.any():
            xf = x[torch.from_numpy(fragile)]
            s_xy[fragile] = overlap_sums(xf[:, None], xf)[:, 0].numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            r = (s_xy / n - s_xm * s_mx / n ** 2) / norm
        ok = (n > 1) & (var1 > 0) & (var2 > 0) & np.isfinite(r)
        return np.where(ok, r, 0.0)

    def rotated(self, sac: np.ndarray) -> np.ndarray:
        """Rotated SACs [len(ANGLES), U, P_used] (only pixels inside some ring)."""
        coeffs = ndi.spline_filter1d(sac, 3, axis=1, mode="constant", output=np.float64)
        coeffs = ndi.spline_filter1d(coeffs, 3, axis=2, mode="constant", output=np.float64)
        flat = coeffs.reshape(len(sac), -1)
        out = self._rotation @ np.ascontiguousarray(flat.T)  # [A * P_used, U]
        return out.reshape(len(ANGLES), -1, len(sac)).transpose(0, 2, 1)

    def score(self, maps: np.ndarray, chunk: int = 1024) -> GridScores:
        """Grid scores of rate maps [U, n, n] (or [n, n]); processed ``chunk`` maps at a time."""
        maps = np.asarray(maps, dtype=float)
        maps = maps.reshape(-1, self.nbins, self.nbins)
        parts = [self._score_chunk(maps[i:i + chunk]) for i in range(0, len(maps), chunk)]
        if not parts:
            empty = np.zeros(0)
            return GridScores(empty, empty, empty.astype(int), empty.astype(int),
                              np.zeros((0, self.size, self.size)))
        return GridScores(*(np.concatenate(p) for p in zip(*parts)))

    def _score_chunk(self, maps: np.ndarray):
        sac = self.sac(maps)
        s = sac.reshape(len(sac), -1)[:, self.used]
        rot = self.rotated(sac)
        M, area = self.mask_matrix, self.area
        mean = (s @ M) / area                                  # [U, masks]
        raw_var = (s * s) @ M / area - mean ** 2
        var = raw_var + 1e-5
        r = {}
        for angle, ra in zip(ANGLES, rot):
            cross = (s * ra) @ M / area - mean * (ra @ M) / area
            r[angle] = cross / var
        s60, s90 = grid_scores_from_corrs(r)
        flat_ring = raw_var < MIN_RING_VARIANCE
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
