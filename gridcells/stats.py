"""Small statistics every analysis shares: binomial and t intervals, rank p-values."""

from __future__ import annotations

import numpy as np


def wilson_interval(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval (lo, hi) of a binomial share k / n at ``z`` (1.96: 95 %);
    (nan, nan) for n = 0."""
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(centre - half), float(centre + half)


def t_interval(values, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the t-based interval (mean, lo, hi) of finite ``values`` [n]; the interval is
    (nan, nan) for fewer than two values."""
    from scipy import stats
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return float("nan"), float("nan"), float("nan")
    m = float(v.mean())
    if len(v) < 2:
        return m, float("nan"), float("nan")
    half = stats.t.ppf(0.5 + level / 2, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v))
    return m, float(m - half), float(m + half)


def rank_p_value(observed: float, null, greater: bool = True) -> float:
    """Monte-Carlo p-value (1 + #{null at least as extreme}) / (n + 1) of ``observed``
    against ``null`` [n] (greater: extreme means >= observed)."""
    null = np.asarray(null, float)
    hits = (null >= observed).sum() if greater else (null <= observed).sum()
    return float((1 + hits) / (len(null) + 1))


def rayleigh_p_value(angles_rad) -> float:
    """Rayleigh test of a uniform circular distribution against one preferred direction:
    the p-value of the mean resultant length of ``angles_rad`` [n] (radians), with Zar's
    (Biostatistical Analysis, 1999, eq. 27.4) approximation
    p = exp(sqrt(1 + 4n + 4(n^2 - R_n^2)) - (1 + 2n)), R_n = n x the resultant length.
    For the 6-fold orientation of grids pass 6 x the orientation. NaN for n < 2."""
    a = np.asarray(angles_rad, float)
    a = a[np.isfinite(a)]
    n = len(a)
    if n < 2:
        return float("nan")
    rn = np.abs(np.exp(1j * a).sum())
    return float(min(1.0, np.exp(np.sqrt(1 + 4 * n + 4 * (n * n - rn * rn)) - (1 + 2 * n))))
