"""Silencing units and measuring what the network loses.

A silenced unit is removed from the circuit on a copy of the model: its encoder row, input
weights, recurrent row and column and decoder column are zeroed, so it neither receives,
keeps nor sends activity (with ReLU it then stays at 0). Decoding error is measured on one
fixed set of evaluation trajectories for every condition, so differences between
conditions are not sampling noise of the trajectories.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from gridcells.network.model import PathRNN
from gridcells.stats import rank_p_value
from gridcells.world.trajectories import Batch


def silence(model: PathRNN, units) -> PathRNN:
    """A copy of ``model`` with ``units`` (indices into Ng) removed; the original is untouched.
    For an LSTM, the units' rows in all four gates are zeroed."""
    units = torch.as_tensor(np.asarray(units, dtype=np.int64))
    out = copy.deepcopy(model)
    Ng = model.cfg.Ng
    if len(units) and (units.min() < 0 or units.max() >= Ng):
        raise ValueError(f"units: expected indices in [0, {Ng}), got {units.min()}..{units.max()}")
    gates = 1 if model.cfg.RNN_type == "RNN" else 4
    rows = torch.cat([units + g * Ng for g in range(gates)]) if len(units) else units
    with torch.no_grad():
        out.encoder.weight[units] = 0
        if hasattr(out, "encoder_c"):
            out.encoder_c.weight[units] = 0
        out.RNN.weight_ih_l0[rows] = 0
        out.RNN.weight_hh_l0[rows] = 0
        out.RNN.weight_hh_l0[:, units] = 0
        out.decoder.weight[:, units] = 0
    return out


@torch.no_grad()
def decoding_error(model: PathRNN, batches: list[Batch]) -> float:
    """Mean decoding error (cm) over cached batches."""
    errs = [model.decoding_error_cm(model(b.velocities, b.init_code), b.positions).item()
            for b in batches]
    return float(np.mean(errs))


def matched_set(scores: np.ndarray, chosen: np.ndarray, rng: np.random.Generator,
                pool: int = 5, exclude=None) -> np.ndarray:
    """A set of units matched to ``chosen`` in grid score: for each chosen unit (in random
    order) one unit drawn at random among the ``pool`` not-yet-taken, not-chosen units whose
    score [n_units] is nearest to its score (units without a score count as scoring below
    every scored unit). ``exclude``: more units never drawn (e.g. the rest of the set that
    ``chosen`` is a subset of). Needs at least len(chosen) other units."""
    s = np.asarray(scores, float)
    ok = np.isfinite(s)
    s = np.where(ok, s, (s[ok].min() - 10) if ok.any() else 0.0)
    barred = np.asarray(chosen, int) if exclude is None else np.union1d(chosen, exclude)
    free = np.setdiff1d(np.arange(len(s)), barred)
    if len(free) < len(chosen):
        raise ValueError(f"matched_set: {len(chosen)} units to match but only {len(free)} "
                         "others; expected at least as many other units as chosen ones")
    out = []
    for u in rng.permutation(chosen):
        near = np.argsort(np.abs(s[free] - s[u]), kind="stable")[:pool]
        pick = rng.choice(near)
        out.append(free[pick])
        free = np.delete(free, pick)
    return np.array(out, dtype=int)


@dataclass
class AblationResult:
    """Decoding errors (cm) of the intact network and with sets of units silenced.

    predictive_units: the set silenced; random_errors: errors for size-matched random sets of
    non-predictive units; zero_lag_errors: for size-matched sets of zero-lag units (empty when
    there are fewer zero-lag than predictive units); p_random: the rank p-value of the
    predictive set's error among the random sets' ((1 + #random >= predictive) / (n + 1):
    small when silencing the predictive units hurts more than silencing as many others);
    matched_errors_cm: errors for sets matched unit by unit in grid score (``matched_set``;
    empty when no scores were given); p_matched: the predictive set's rank among them (small:
    the predictive units matter more than equally grid-like ones); note: plain-language
    caveats."""

    intact_error_cm: float
    predictive_error_cm: float | None
    n_predictive: int
    random_errors_cm: list[float]
    zero_lag_errors_cm: list[float]
    n_zero_lag: int
    seed: int
    note: str
    p_random: float | None = None
    matched_errors_cm: list[float] = field(default_factory=list)
    p_matched: float | None = None

    def save(self, path: str | Path) -> None:
        from gridcells.rundir.layout import atomic_write_text
        atomic_write_text(path, json.dumps(asdict(self), indent=1))


def ablation_experiment(model: PathRNN, batches: list[Batch], predictive, zero_lag,
                        n_units: int, trials: int, seed: int,
                        scores: np.ndarray | None = None) -> AblationResult:
    """Silence the predictive units, and ``trials`` random size-matched control sets drawn
    from the other analysed units (``range(n_units)``) and from the zero-lag units; with
    grid ``scores`` [n_units], also ``trials`` sets matched to the predictive set in grid
    score (:func:`matched_set`)."""
    rng = np.random.default_rng([seed, 0xAB1])
    predictive = np.asarray(predictive, dtype=int)
    zero_lag = np.asarray(zero_lag, dtype=int)
    k = len(predictive)
    intact = decoding_error(model, batches)
    if k == 0:
        return AblationResult(intact, None, 0, [], [], len(zero_lag), seed,
                              "no predictive units: nothing to silence")
    others = np.setdiff1d(np.arange(n_units), predictive)
    rand = [decoding_error(silence(model, rng.choice(others, k, replace=False)), batches)
            for _ in range(trials)] if len(others) >= k else []
    zl = [decoding_error(silence(model, rng.choice(zero_lag, k, replace=False)), batches)
          for _ in range(trials)] if len(zero_lag) >= k else []
    notes = []
    if len(zero_lag) < k:
        notes.append(f"only {len(zero_lag)} zero-lag units for sets of {k}: no zero-lag control")
    matched = []
    if scores is not None:
        if len(scores) != n_units:
            raise ValueError(f"scores: expected one grid score per analysed unit "
                             f"({n_units}), got {len(scores)}")
        mrng = np.random.default_rng([seed, 0xAB2])
        matched = [decoding_error(silence(model, matched_set(scores, predictive, mrng)),
                                  batches) for _ in range(trials)]
    err = decoding_error(silence(model, predictive), batches)
    return AblationResult(intact, err, k, rand, zl, len(zero_lag), seed, "; ".join(notes),
                          rank_p_value(err, rand) if rand else None, matched,
                          rank_p_value(err, matched) if matched else None)


WORKING_FACTOR = 2.0  # a working error: random sets of this size at most double the error


def working_size(intact_cm: float, dose: dict[int, list[float]],
                 factor: float = WORKING_FACTOR) -> int:
    """The largest set size of ``dose`` (size -> errors of random sets, cm) whose mean error
    is at most ``factor`` x ``intact_cm``: where the network still path integrates; 0 when
    even the smallest size does more damage."""
    ok = [k for k, errs in dose.items() if errs and np.mean(errs) <= factor * intact_cm]
    return max(ok, default=0)


@dataclass
class WorkingComparison:
    """Silencing at a working error. dose: set size -> errors (cm) of random sets of that
    size; size: the working size (:func:`working_size`); chosen_errors: errors of random
    subsets of that size of the chosen units; random_errors, matched_errors: of random sets
    of the other units and of sets matched to each subset in grid score (never holding a
    chosen unit); p_random, p_matched: one-sided Mann-Whitney p-values (small: the chosen
    units' subsets cost more), p_matched_less the other tail (small: they cost less); when
    the working size holds every chosen unit, the one set's rank p-values instead."""

    intact_error_cm: float
    n_chosen: int
    dose: dict[int, list[float]]
    size: int
    chosen_errors_cm: list[float]
    random_errors_cm: list[float]
    matched_errors_cm: list[float]
    p_random: float | None
    p_matched: float | None
    p_matched_less: float | None = None


def working_comparison(model: PathRNN, batches: list[Batch], chosen, n_units: int,
                       scores: np.ndarray, sizes=(1, 2, 4, 8, 16, 32), trials: int = 30,
                       seed: int = 0, factor: float = WORKING_FACTOR) -> WorkingComparison:
    """Silence subsets of ``chosen`` at a working error instead of all of them at once: the
    errors of ``trials`` random sets of every size in ``sizes`` (the dose-response of
    ``range(n_units)``), the largest size that keeps the mean within ``factor`` x intact, and
    at that size (at most len(chosen)) ``trials`` random subsets of ``chosen`` against as
    many random sets of the other units and sets matched in grid ``scores`` [n_units]."""
    from scipy.stats import mannwhitneyu

    chosen = np.asarray(chosen, dtype=int)
    rng = np.random.default_rng([seed, 0xAB3])
    intact = decoding_error(model, batches)
    dose = {int(k): [decoding_error(silence(model, rng.choice(n_units, k, replace=False)),
                                    batches) for _ in range(trials)]
            for k in sizes if k <= n_units}
    size = min(working_size(intact, dose, factor), len(chosen))
    if size == 0:
        return WorkingComparison(intact, len(chosen), dose, 0, [], [], [], None, None)
    others = np.setdiff1d(np.arange(n_units), chosen)
    # the whole set fits: it is one set, so its rank among the controls is the p-value
    whole = size == len(chosen)
    subsets = [chosen] if whole else [rng.choice(chosen, size, replace=False)
                                      for _ in range(trials)]
    mine = [decoding_error(silence(model, s), batches) for s in subsets]
    rand = [decoding_error(silence(model, rng.choice(others, size, replace=False)), batches)
            for _ in range(trials)]
    matched = [decoding_error(silence(model, matched_set(scores, subsets[t % len(subsets)],
                                                         rng, exclude=chosen)), batches)
               for t in range(trials)]

    def p(ctrl, side):
        if whole:
            return rank_p_value(mine[0], ctrl, greater=side == "greater")
        return float(mannwhitneyu(mine, ctrl, alternative=side).pvalue)
    return WorkingComparison(intact, len(chosen), dose, size, mine, rand, matched,
                             p(rand, "greater"), p(matched, "greater"),
                             p(matched, "less"))
