"""An independent per-map grid score, written from the published definition (the DeepMind
grid-cells scorer of Banino et al. 2018, as used by Sorscher et al. 2019; the definition is
restated in /work/shared/REFERENCE.md, "Grid score"). It imports nothing from ``gridcells``:
the rings, the angles, the score formulas and the two deliberate departures of the package
are all written out here, so a wrong radius, angle set or formula in the package shows up as
a difference against this file. It is also the baseline of benchmarks/score_speed.py.

The definition, one n x n rate map at a time:

* SAC: the Pearson correlation of the map with a copy of itself shifted by every 2-d offset,
  over the bins both copies cover: a (2n - 1) x (2n - 1) array;
* ten ring masks on the SAC, centred on its middle pixel: a pixel at distance d (in bins)
  from the centre is in ring i when 0.2 n < d <= outer_i n, outer = linspace(0.4, 1.0, 10);
* the SAC rotated by 30, 45, 60, 90, 120, 135 and 150 degrees about its centre (cubic
  spline, same size, zero outside); in each ring, r_a = sum((s - m)(rot_a - m)) / A /
  (sum((s - m)^2) / A + 1e-5), with s the SAC, m its mean over the ring, A the ring's area;
* score 60 = mean(r60, r120) - mean(r30, r90, r150) (the scorer's default; its ``min_max``
  variant min(r60, r120) - max(r30, r90, r150) is ``min_max=True`` here), score 90 =
  r90 - mean(r45, r135); each the maximum over the rings.

The package departs from the DeepMind code in two documented ways, both selectable here:

* unvisited (NaN) bins are left out of the SAC's sums; the DeepMind code replaced NaNs by
  zeros before it built the mask of valid bins, so they entered as visited bins of rate 0
  (``nan_as_zero=True`` reproduces that);
* a ring whose SAC variance is below ``PACKAGE_MIN_RING_VARIANCE`` is not scored, and a map
  with no scorable ring, or a constant or empty map, scores NaN (``min_ring_variance=0``
  and ``deepmind=True`` drop that rule).
"""

from __future__ import annotations

import numpy as np
import scipy.ndimage as ndi
import scipy.signal as sig

ROTATIONS = (30, 45, 60, 90, 120, 135, 150)
RING_INNER = 0.2
RING_OUTERS = tuple(np.linspace(0.4, 1.0, 10))
VARIANCE_FLOOR = 1e-5          # the DeepMind code's "+ 1e-5" on the ring variance
PACKAGE_MIN_RING_VARIANCE = 1e-3  # the package's documented cut (gridcells/analysis/scores.py doc)


def rings(nbins: int = 20) -> np.ndarray:
    """[10, 2 nbins - 1, 2 nbins - 1] boolean ring masks: 0.2 nbins < d <= outer nbins."""
    offsets = np.arange(-(nbins - 1), nbins)
    d = np.sqrt(offsets[:, None] ** 2 + offsets[None, :] ** 2)
    return np.stack([(d > RING_INNER * nbins) & (d <= outer * nbins) for outer in RING_OUTERS])


def sac(rate_map: np.ndarray, nan_as_zero: bool = False) -> np.ndarray:
    """Spatial autocorrelogram [2n - 1, 2n - 1] of one map [n, n]: the Pearson correlation of
    the overlapping bins at every offset (0 where it is undefined: fewer than two bins or a
    constant copy). NaN bins are left out, or counted as 0 with ``nan_as_zero``."""
    m = np.asarray(rate_map, float)
    if nan_as_zero:
        m = np.nan_to_num(m, nan=0.0)
    seen = np.isfinite(m).astype(float)
    x = np.where(seen > 0, m, 0.0)

    def corr(a, b):  # out[offset] = sum_i a[i] b[i + offset], every 2-d offset
        return sig.correlate2d(b, a, mode="full")

    n = corr(seen, seen)
    sum_a, sum_b = corr(x, seen), corr(seen, x)
    sq_a, sq_b = corr(x * x, seen), corr(seen, x * x)
    cross = corr(x, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = cross / n - sum_a * sum_b / n ** 2
        var_a = sq_a / n - (sum_a / n) ** 2
        var_b = sq_b / n - (sum_b / n) ** 2
        r = cov / np.sqrt(var_a * var_b)
    defined = (n >= 2) & (var_a > 0) & (var_b > 0) & np.isfinite(r)
    return np.where(defined, r, 0.0)


def rotations(s: np.ndarray) -> dict:
    """{angle: the SAC rotated about its centre} (cubic spline, same size, 0 outside)."""
    return {angle: ndi.rotate(s, angle, reshape=False, order=3) for angle in ROTATIONS}


def ring_correlations(s: np.ndarray, turned: dict, ring: np.ndarray) -> tuple[dict, float]:
    """({angle: r_angle}, the ring's raw SAC variance) for one SAC, its rotations
    (:func:`rotations`) and one ring mask."""
    area = ring.sum()
    mean = s[ring].mean()
    centred = s[ring] - mean
    raw_var = (centred ** 2).sum() / area
    corrs = {}
    for angle in ROTATIONS:
        cross = (centred * (turned[angle][ring] - mean)).sum() / area
        corrs[angle] = cross / (raw_var + VARIANCE_FLOOR)
    return corrs, raw_var


def score_60(r: dict, min_max: bool = False) -> float:
    if min_max:
        return min(r[60], r[120]) - max(r[30], r[90], r[150])
    return (r[60] + r[120]) / 2 - (r[30] + r[90] + r[150]) / 3


def score_90(r: dict) -> float:
    return r[90] - (r[45] + r[135]) / 2


def grid_score(rate_map: np.ndarray, nbins: int = 20, *, deepmind: bool = False,
               min_max: bool = False):
    """(score 60, score 90, best ring for 60, best ring for 90) of one map.

    Default: the package's definition (NaN bins left out of the SAC, flat rings and constant
    maps not scored). ``deepmind=True``: the DeepMind code's (NaNs as zeros, every ring
    scored, a constant map scores 0)."""
    m = np.asarray(rate_map, float)
    if not deepmind:
        finite = m[np.isfinite(m)]
        if finite.size == 0 or finite.max() == finite.min():
            return np.nan, np.nan, 0, 0
    s = sac(m, nan_as_zero=deepmind)
    cut = 0.0 if deepmind else PACKAGE_MIN_RING_VARIANCE
    turned = rotations(s)
    s60, s90 = [], []
    for ring in rings(nbins):
        corrs, raw_var = ring_correlations(s, turned, ring)
        if raw_var < cut:
            s60.append(-np.inf)
            s90.append(-np.inf)
        else:
            s60.append(score_60(corrs, min_max))
            s90.append(score_90(corrs))
    if np.isneginf(s60).all():
        return np.nan, np.nan, 0, 0
    return max(s60), max(s90), int(np.argmax(s60)), int(np.argmax(s90))
