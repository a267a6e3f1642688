"""Power of the predictive analysis: would it have seen a predictive minority?

The shuffle tests and the classification label every unit on its own: a unit's label depends
on its activity, the paths and the shuffle offsets, never on the other units. A population's
count of predictive labels is therefore a sum over its units. Let p_det be the probability
that a unit which is predictive (its activity re-paired with a position a known shift ahead)
is labelled predictive, and f the probability that a unit which is not is labelled predictive
(both measured by ``benchmarks/predictive_power.py``). A population of N units of which
m = round(share * N) are predictive then has

    count ~ Binomial(m, p_det) + Binomial(N - m, f),

taking units as independent given their rates (the benchmark checks this against directly
simulated populations).

**Detection rule.** A population is called to hold predictive units when its count exceeds
the one-sided ``alpha`` critical value of Binomial(N, f_rule): count >= c, with c the
smallest count such that P(Binomial(N, f_rule) >= c) <= alpha. ``f_rule`` is f or an upper
bound of it (the benchmark uses the upper end of f's Wilson 95 % interval), so the rule keeps
its level for every false-positive rate up to f_rule. The power is P(count >= c).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

ALPHA = 0.05
TARGET = 0.8


def n_predictive(N: int, share: float) -> int:
    """Predictive units m in a population of N at ``share`` (0-1): share * N rounded half up."""
    return int(np.floor(share * N + 0.5))


def critical_count(N: int, f: float, alpha: float = ALPHA) -> int:
    """The smallest count c with P(Binomial(N, f) >= c) <= alpha: a population of N units
    is called predictive when at least c are labelled predictive (c = 1 when f = 0)."""
    c = np.arange(N + 2)
    tail = stats.binom.sf(c - 1, N, f)  # P(X >= c)
    return int(c[np.flatnonzero(tail <= alpha)[0]])


def count_pmf(N: int, m: int, p_det: float, f: float) -> np.ndarray:
    """Distribution [N + 1] of the count of predictive labels, Binomial(m, p_det) +
    Binomial(N - m, f): entry j is P(count = j)."""
    if not 0 <= m <= N:
        raise ValueError(f"predictive units m = {m} outside 0..N = {N}")
    a = stats.binom.pmf(np.arange(m + 1), m, p_det)
    b = stats.binom.pmf(np.arange(N - m + 1), N - m, f)
    return np.convolve(a, b)


def power(N: int, share: float, p_det: float, f: float, alpha: float = ALPHA,
          f_rule: float | None = None) -> float:
    """P(detected) for N units, a ``share`` (0-1) of them predictive with detection
    probability ``p_det``, the rest labelled predictive with probability ``f``; the rule's
    critical count is taken at ``f_rule`` (default f). At share 0 this is the rule's false
    alarm rate, at most alpha when f <= f_rule."""
    c = critical_count(N, f if f_rule is None else f_rule, alpha)
    return float(count_pmf(N, n_predictive(N, share), p_det, f)[c:].sum())


def power_table(N: int, shares, p_det, f: float, alpha: float = ALPHA,
                f_rule: float | None = None) -> np.ndarray:
    """Power [len(shares), len(p_det)]: shares (0-1) by the detection probabilities p_det
    of the shifts (one per shift)."""
    return np.array([[power(N, s, p, f, alpha, f_rule) for p in p_det] for s in shares])


def smallest_detected(shares, shifts_cm, table, target: float = TARGET) -> dict:
    """Where ``table`` [shares, shifts] (from :func:`power_table`) reaches ``target``.

    Returns ``by_shift``: for each shift (cm), the smallest share detected with at least
    ``target`` power (None if none); and the headline: ``share``, the smallest share
    detected at any shift, with ``shift_cm``, the smallest shift at which that share is
    detected, and its ``power`` (all None when nothing reaches the target)."""
    shares, shifts_cm = np.asarray(shares, float), np.asarray(shifts_cm, float)
    ok = np.asarray(table) >= target
    by_shift = [{"shift_cm": float(s), "share": float(shares[ok[:, j]].min())
                 if ok[:, j].any() else None} for j, s in enumerate(shifts_cm)]
    out = {"by_shift": by_shift, "share": None, "shift_cm": None, "power": None,
           "target": target}
    if ok.any():
        i = int(np.flatnonzero(ok.any(1))[np.argmin(shares[ok.any(1)])])
        j = int(np.flatnonzero(ok[i])[np.argmin(shifts_cm[ok[i]])])
        out.update(share=float(shares[i]), shift_cm=float(shifts_cm[j]),
                   power=float(np.asarray(table)[i, j]))
    return out


def noise_key(noise: float) -> str:
    """The key of a noise level in the benchmark's record ("0", "10", "0.3")."""
    return f"{float(noise):g}"


def from_record(record: dict, N: int, population: str = "network", criterion: str = "shift",
                noise: float = 0.0, target: float | None = None,
                given_grid: bool = False) -> dict:
    """Power of a population of N units from the rates of ``record`` (the JSON of
    ``benchmarks/predictive_power.py``): its ``rates[population][criterion][noise]``
    (p_det per shift, f and f_rule), ``shares``, ``shifts_cm``, ``alpha``. With
    ``given_grid``, the rates among units that pass the grid test on the analysed paths (the
    entry's ``given_grid``): the share is then a share of the grid units.

    Returns N, the critical count, the table [shares, shifts] and, merged in, the result of
    :func:`smallest_detected` (``share``, ``shift_cm``, ``power``, ``by_shift``)."""
    r = record["rates"][population][criterion][noise_key(noise)]
    r = r["given_grid"] if given_grid else r
    alpha = record.get("alpha", ALPHA)
    target = record.get("target_power", TARGET) if target is None else target
    table = power_table(N, record["shares"], r["p_det"], r["f"], alpha, r["f_rule"])
    return {"N": N, "critical_count": critical_count(N, r["f_rule"], alpha),
            "table": table.tolist(),
            **smallest_detected(record["shares"], record["shifts_cm"], table, target)}
