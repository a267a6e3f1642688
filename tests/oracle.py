"""A plain per-unit implementation of the grid score, written from the definition (the
DeepMind scorer's formulas, one map at a time with scipy.signal and scipy.ndimage). It is
the oracle the batched :class:`gridcells.GridScorer` must equal, and the baseline of
benchmarks/score_speed.py."""

from __future__ import annotations

import numpy as np
import scipy.ndimage as ndi
import scipy.signal as sig

from gridcells.scores import ANGLES, MIN_RING_VARIANCE, grid_scores_from_corrs, ring_masks


def sac(rate_map: np.ndarray) -> np.ndarray:
    valid = np.isfinite(rate_map)
    x = np.where(valid, rate_map, 0.0)
    m = valid.astype(float)

    def filt(a, b):  # sum_i a[i] b[i + offset]
        return sig.convolve2d(b, np.rot90(a, 2), mode="full")

    n = filt(m, m)
    s_xy, s1, s2 = filt(x, x), filt(x, m), filt(m, x)
    q1, q2 = filt(x * x, m), filt(m, x * x)
    with np.errstate(divide="ignore", invalid="ignore"):
        var1 = q1 / n - (s1 / n) ** 2
        var2 = q2 / n - (s2 / n) ** 2
        r = (s_xy / n - s1 * s2 / n ** 2) / np.sqrt(var1 * var2)
    ok = (n > 1) & (var1 > 0) & (var2 > 0) & np.isfinite(r)
    return np.where(ok, r, 0.0)


def grid_score(rate_map: np.ndarray, nbins: int = 20):
    """(score_60, score_90, best mask 60, best mask 90) of one map."""
    finite = rate_map[np.isfinite(rate_map)]
    if finite.size == 0 or np.ptp(finite) == 0:
        return np.nan, np.nan, 0, 0
    s = sac(rate_map)
    rotated = {a: ndi.rotate(s, a, reshape=False, order=3) for a in ANGLES}
    s60, s90 = [], []
    for mask in ring_masks(nbins):
        area = mask.sum()
        mean = (s * mask).sum() / area
        centred = (s - mean) * mask
        raw_var = (centred ** 2).sum() / area
        if raw_var < MIN_RING_VARIANCE:
            s60.append(-np.inf)
            s90.append(-np.inf)
            continue
        var = raw_var + 1e-5
        r = {a: (centred * (rotated[a] - mean) * mask).sum() / area / var for a in ANGLES}
        a60, a90 = grid_scores_from_corrs(r)
        s60.append(a60)
        s90.append(a90)
    if max(s60) == -np.inf:
        return np.nan, np.nan, 0, 0
    return max(s60), max(s90), int(np.argmax(s60)), int(np.argmax(s90))
