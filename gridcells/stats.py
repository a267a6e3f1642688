"""Small statistics every analysis shares: binomial and t intervals, rank p-values."""

from __future__ import annotations

import numpy as np


def wilson_interval(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval (lo, hi) of a binomial share k / n at ``z`` (1.96: 95 %);
    (nan, nan) for n = 0. The bound at an edge is exact: 0 for k = 0 and 1 for k = n (the
    formula leaves a rounding error there, 2.8e-17 at 0 of 11)."""
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    lo = 0.0 if k == 0 else float(centre - half)
    hi = 1.0 if k == n else float(centre + half)
    return lo, hi


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


def prediction_interval(values, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the normal-theory interval (mean, lo, hi) in which one more draw from the
    population of finite ``values`` [n] falls with probability ``level``: mean +- t(n-1) x
    sd x sqrt(1 + 1/n). Wider than :func:`t_interval`, which bounds the mean; (nan, nan) for
    fewer than two values (mean, nan, nan)."""
    from scipy import stats
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    m = float(v.mean()) if len(v) else float("nan")
    if len(v) < 2:
        return m, float("nan"), float("nan")
    half = stats.t.ppf(0.5 + level / 2, len(v) - 1) * v.std(ddof=1) * np.sqrt(1 + 1 / len(v))
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


def cluster_bootstrap_share(k, n, reps: int = 10_000, level: float = 0.95,
                            seed: int = 0) -> tuple[float, float, float]:
    """The pooled share sum(k) / sum(n) of counts ``k`` [m] among ``n`` [m] units in m
    clusters (networks), with a percentile bootstrap interval that resamples whole clusters
    (units of one network share a lattice, so they are not independent): (share, lo, hi).
    With no events at all the interval is (0, 0): use :func:`zero_share_bounds` then."""
    k, n = np.asarray(k, float), np.asarray(n, float)
    if k.shape != n.shape or len(k) == 0 or (n <= 0).any() or (k < 0).any() or (k > n).any():
        raise ValueError("cluster_bootstrap_share: expected counts 0 <= k <= n, n > 0, of equal "
                         f"length >= 1, got k={k.tolist()}, n={n.tolist()}")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(k), (reps, len(k)))
    boot = k[idx].sum(1) / n[idx].sum(1)
    a = (1 - level) / 2
    return float(k.sum() / n.sum()), float(np.quantile(boot, a)), float(np.quantile(boot, 1 - a))


def zero_share_bounds(n, level: float = 0.95) -> tuple[float, float]:
    """One-sided upper bounds on a share when none of the units in m clusters (sizes ``n``
    [m]) shows the event: (units independent: 1 - (1 - level)^(1 / sum(n)), the exact
    binomial bound; units of a cluster perfectly alike, so that only clusters count:
    1 - (1 - level)^(1 / m)). The truth lies between the two."""
    n = np.asarray(n, float)
    if len(n) == 0 or (n <= 0).any():
        raise ValueError(f"zero_share_bounds: expected cluster sizes > 0, got {n.tolist()}")
    alpha = 1 - level
    return float(1 - alpha ** (1 / n.sum())), float(1 - alpha ** (1 / len(n)))


def holm(pvalues) -> np.ndarray:
    """Holm's step-down adjustment of p-values [m] (family-wise error over the settings)."""
    p = np.asarray(pvalues, float)
    order = np.argsort(p)
    adj = np.empty_like(p)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - rank) * p[i]))
        adj[i] = running
    return adj


def _shuffled_within_rows(table: np.ndarray, reps: int, rng) -> np.ndarray:
    """``reps`` copies of ``table`` [n, k] with each row's entries permuted independently:
    [reps, n, k]."""
    order = rng.random((reps,) + table.shape).argsort(axis=2)
    return np.take_along_axis(np.broadcast_to(table, order.shape), order, axis=2)


def _binary_table(table, name: str) -> np.ndarray:
    t = np.asarray(table)
    if t.ndim != 2 or min(t.shape) < 2 or not np.isin(t, (0, 1)).all():
        raise ValueError(f"{name}: expected a 0/1 table [units, conditions] of at least 2 x 2, "
                         f"got shape {t.shape} with values {np.unique(t).tolist()[:5]}")
    return t.astype(float)


def cochran_q(table, reps: int = 9999, seed: int = 0) -> tuple[float, float]:
    """Do k paired conditions differ in their share of successes? Cochran's Q of a 0/1
    ``table`` [n units (seeds), k conditions (settings)], each unit seen under every
    condition, and its permutation p-value: each unit's k outcomes are shuffled among the
    conditions (exact under the null that a unit's outcomes are exchangeable across
    conditions, with no chi-square approximation, which small tables break). (Q, p)."""
    t = _binary_table(table, "cochran_q")
    k = t.shape[1]

    def q(x):
        cols, rows = x.sum(-2), x.sum(-1)
        n = rows.sum(-1)
        den = k * n - (rows ** 2).sum(-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, (k - 1) * (k * (cols ** 2).sum(-1) - n ** 2) / den, 0.0)

    observed = float(q(t))
    null = q(_shuffled_within_rows(t, reps, np.random.default_rng(seed)))
    return observed, rank_p_value(observed - 1e-9, null)


def unit_concordance(table, reps: int = 9999, seed: int = 0) -> tuple[float, float]:
    """Do some units succeed under every condition and others under none, more than the
    conditions' own shares explain? The variance across units of their success counts in a
    0/1 ``table`` [n units (seeds), k conditions (settings)], and its one-sided permutation
    p-value: each condition's column is shuffled among the units (exact under the null that
    a unit's outcomes under different conditions are independent). (variance, p)."""
    t = _binary_table(table, "unit_concordance")
    observed = float(t.sum(1).var())
    # each setting's column shuffled among the units: the rows of the transpose
    shuffled = _shuffled_within_rows(t.T, reps, np.random.default_rng(seed))
    null = shuffled.sum(1).var(-1)
    return observed, rank_p_value(observed - 1e-9, null)
