"""Running the analyses on trained networks: cached analysis trajectories, activity,
predictive classification, the earlier analysis's classes, ablation, and tables across
networks (the ensemble) and across the epochs of one run.

The analysis trajectories are simulated once (seed ``rng_seed``) and reused for every
checkpoint, so differences between checkpoints are not differences of paths. The ``traj_*``
knobs of the analysis config change only these trajectories, never the trained model.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from gridcells.analysis.ratemaps import Activity
from gridcells.network.checkpoints import load_model
from gridcells.network.model import PathRNN
from gridcells.network.running import path_batches, run_along
from gridcells.predictive.ablation import (
    AblationResult,
    WorkingComparison,
    ablation_experiment,
    working_comparison,
)
from gridcells.predictive.classes import Classification, PredictiveResult, analyse
from gridcells.predictive.earlier import (
    EARLIER_BATCH_SIZE,
    EARLIER_BATCHES,
    earlier_classification,
)
from gridcells.stats import t_interval
from gridcells.world.config import TRAJ_KEYS, Config
from gridcells.world.trajectories import simulate


@dataclass
class Paths:
    """Simulated paths: positions [T + 1, N, 2] (m) and velocities [T, N, 2] (m/step)."""

    positions: np.ndarray
    velocities: np.ndarray


def analysis_config(model_cfg: Config, cfg: Config) -> Config:
    """The model's box and place code with the analysis config's movement knobs."""
    return model_cfg.replace(**{k: getattr(cfg, k) for k in TRAJ_KEYS})


def simulate_paths(cfg: Config, n: int, length: int, stream: int) -> Paths:
    """``n`` paths of ``length`` steps from seed (rng_seed, stream)."""
    pos, vel = simulate(cfg, n, length, np.random.default_rng([cfg.rng_seed, stream]))
    return Paths(pos, vel)


@torch.no_grad()
def activity(model: PathRNN, paths: Paths, units, batch_size: int) -> Activity:
    """Hidden activity of ``units`` along ``paths`` ([n, T, U], trajectory first)."""
    batches = path_batches(model, paths.positions, paths.velocities, batch_size)
    acts = [g.transpose(0, 1).cpu().numpy() for _, _, g in run_along(model, batches, units)]
    return Activity(paths.positions[1:].transpose(1, 0, 2), paths.velocities.transpose(1, 0, 2),
                    np.concatenate(acts), np.asarray(units))


def check_units(model: PathRNN, cfg: Config) -> np.ndarray:
    if cfg.Ng_use > model.cfg.Ng:
        raise ValueError(f"Ng_use ({cfg.Ng_use}) is larger than the network (Ng = "
                         f"{model.cfg.Ng})")
    return np.arange(cfg.Ng_use)


def predictive_study(model: PathRNN, cfg: Config, paths: Paths | None = None
                     ) -> tuple[PredictiveResult, Activity]:
    """Lag sweep, shuffles and classification of the first ``Ng_use`` units on analysis
    trajectories (``n_batches`` x ``analysis_batch_size`` paths of
    ``analysis_sequence_length`` steps)."""
    units = check_units(model, cfg)
    acfg = analysis_config(model.cfg, cfg)
    if paths is None:
        paths = simulate_paths(acfg, cfg.n_batches * cfg.analysis_batch_size,
                               cfg.analysis_sequence_length, stream=1)
    act = activity(model, paths, units, cfg.analysis_batch_size)
    return analyse(act, cfg.replace(box_width=model.cfg.box_width,
                                    box_height=model.cfg.box_height)), act


def evaluation_paths(model: PathRNN, cfg: Config) -> Paths:
    """Paths of the model's training length for decoding (``ablation_batches`` batches)."""
    acfg = analysis_config(model.cfg, cfg)
    return simulate_paths(acfg, cfg.ablation_batches * model.cfg.batch_size,
                          model.cfg.sequence_length, stream=2)


def evaluation_batches(model: PathRNN, cfg: Config, paths: Paths | None = None) -> list:
    """``paths`` (default: :func:`evaluation_paths`) as the model's batches, for decoding."""
    paths = paths or evaluation_paths(model, cfg)
    return path_batches(model, paths.positions, paths.velocities, model.cfg.batch_size)


def _mean(values) -> float | None:
    return float(np.mean(values)) if len(values) else None


def ablation_study(model: PathRNN, cfg: Config, labels: np.ndarray, seed: int,
                   paths: Paths | None = None, scores: np.ndarray | None = None
                   ) -> AblationResult:
    """Silence the predictive units of ``labels`` and size-matched controls
    (``ablation_random_trials`` random sets; the predictive set's rank is its p-value; with
    grid ``scores`` [len(labels)], as many sets matched to it in grid score)."""
    batches = evaluation_batches(model, cfg, paths)
    return ablation_experiment(model, batches, np.flatnonzero(labels == "predictive"),
                               np.flatnonzero(labels == "zero-lag"), len(labels),
                               cfg.ablation_random_trials, seed, scores)


def earlier_ablation(model: PathRNN, cfg: Config, seed: int
                     ) -> tuple[dict, AblationResult, Classification]:
    """Silence the units the earlier analysis's rules call predictive (:func:`earlier_study`)
    against random sets, zero-lag sets and sets matched to them in the gridness its rules
    threshold (the zero-shift score of its own maps). Returns (row, result, classes); the
    row: the set's size and mean zero-shift gridness, the errors (cm) intact, silenced and
    the controls' means, and the rank p-values against random and matched sets."""
    earlier = earlier_study(model, cfg)
    abl = ablation_study(model, cfg, earlier.labels, seed, scores=earlier.zero_score)
    sel = earlier.labels == "predictive"
    row = {"earlier_predictive": int(sel.sum()),
           "earlier_gridness": float(np.nanmean(earlier.zero_score[sel])) if sel.any() else None,
           "all_gridness": float(np.nanmean(earlier.zero_score)),
           "err_intact_cm": abl.intact_error_cm, "err_earlier_cm": abl.predictive_error_cm,
           "err_random_mean_cm": _mean(abl.random_errors_cm),
           "err_matched_mean_cm": _mean(abl.matched_errors_cm),
           "err_zero_lag_mean_cm": _mean(abl.zero_lag_errors_cm),
           "p_random": abl.p_random, "p_matched": abl.p_matched}
    return row, abl, earlier


def earlier_working_ablation(model: PathRNN, cfg: Config, seed: int, trials: int = 30
                             ) -> tuple[dict, WorkingComparison]:
    """:func:`earlier_ablation` at a working error: subsets of the earlier rules' units, as
    large as random sets can be while the error stays within twice the intact one
    (:func:`gridcells.predictive.ablation.working_comparison`), against random and
    gridness-matched sets of that size. The row uses :func:`earlier_ablation`'s keys for the
    errors at that size (means over ``trials`` sets, cm) and one-sided Mann-Whitney p-values
    (p_matched_less: the other tail against matched sets), plus working_size and the
    dose-response means {size: mean error}."""
    earlier = earlier_study(model, cfg)
    chosen = np.flatnonzero(earlier.labels == "predictive")
    w = working_comparison(model, evaluation_batches(model, cfg), chosen, len(earlier.labels),
                           earlier.zero_score, trials=trials, seed=seed)
    row = {"earlier_predictive": int(len(chosen)), "working_size": w.size,
           "err_intact_cm": w.intact_error_cm, "err_earlier_cm": _mean(w.chosen_errors_cm),
           "err_random_mean_cm": _mean(w.random_errors_cm),
           "err_matched_mean_cm": _mean(w.matched_errors_cm),
           "p_random": w.p_random, "p_matched": w.p_matched,
           "p_matched_less": w.p_matched_less, "trials": trials,
           "dose_mean_cm": {str(k): float(np.mean(v)) for k, v in w.dose.items()}}
    return row, w


def earlier_study(model: PathRNN, cfg: Config) -> Classification:
    """The earlier public analysis's classes (:mod:`gridcells.predictive.earlier`) of the first
    ``Ng_use`` units: 10 batches of 100 paths of the model's training length."""
    units = check_units(model, cfg)
    acfg = analysis_config(model.cfg, cfg)
    paths = simulate_paths(acfg, EARLIER_BATCHES * EARLIER_BATCH_SIZE,
                           model.cfg.sequence_length, stream=3)
    act = activity(model, paths, units, EARLIER_BATCH_SIZE)
    return earlier_classification(act, cfg.replace(box_width=model.cfg.box_width,
                                                   box_height=model.cfg.box_height))[0]


def network_row(model: PathRNN, cfg: Config, paths: Paths | None = None,
                ablate: bool = True, result: PredictiveResult | None = None
                ) -> tuple[dict, PredictiveResult]:
    """One network's predictive figures: class counts under every criterion (``earlier``:
    the earlier analysis's rules on its own paths), the median preferred shift (cm) of the
    predictive and retrospective units and of all grid units (``shift`` criterion), the
    path's cm per step, and the ablation of its
    predictive units (error intact / silenced / mean of random sets, and the p-value).
    ``result``: the network's predictive analysis when already computed."""
    if result is None:
        result, _ = predictive_study(model, cfg, paths)
    classes = {**result.classes, "earlier": earlier_study(model, cfg)}
    row: dict = {}
    for name, c in classes.items():
        row.update({f"{name}_{k}": v for k, v in c.counts().items()})
    main = result.main
    for name in ("predictive", "retrospective"):
        sel = main.labels == name
        row[f"{name}_median_shift_cm"] = float(np.median(main.preferred_cm[sel])) \
            if sel.any() else None
    grid = ~np.isin(main.labels, ("low-grid",))
    row["grid_units"] = int(grid.sum())
    shifts = main.preferred_cm[grid]
    ok = np.isfinite(shifts)
    shifts, se = shifts[ok], main.se_cm[grid][ok]
    q25, med, q75 = (float(q) for q in np.percentile(shifts, (25, 50, 75))) \
        if len(shifts) else (None, None, None)
    row.update(grid_median_shift_cm=med, grid_shift_q25_cm=q25, grid_shift_q75_cm=q75)
    se = se[np.isfinite(se)]
    row["grid_median_halfwidth_cm"] = float(np.median(1.96 * se)) if len(se) else None
    row["cm_per_step"] = float(result.cm_per_step)
    row["predictive_share_of_grid"] = row[f"{main.criterion}_predictive"] / max(1, grid.sum())
    if ablate:
        abl = ablation_study(model, cfg, main.labels, cfg.rng_seed)
        row.update(err_intact_cm=abl.intact_error_cm, err_predictive_cm=abl.predictive_error_cm,
                   err_random_mean_cm=float(np.mean(abl.random_errors_cm))
                   if abl.random_errors_cm else None, ablation_p=abl.p_random)
    return row, result


def across(rows: list[dict]) -> dict:
    """Mean and 95 % t-interval across networks of every numeric column of ``rows``:
    column -> {"mean", "lo", "hi", "n"} (n: networks with a value)."""
    out = {}
    for key in rows[0]:
        vals = [r[key] for r in rows if isinstance(r.get(key), (int, float))
                and not isinstance(r.get(key), bool)]
        if vals:
            m, lo, hi = t_interval(vals)
            out[key] = {"mean": m, "lo": lo, "hi": hi, "n": len(vals)}
    return out


def resolve_checkpoints(spec) -> list[Path]:
    """A list of paths, a glob pattern, or a run directory (all its epochs) -> paths."""
    if isinstance(spec, (str, Path)):
        p = Path(spec)
        if p.is_dir():
            found = sorted(p.glob("checkpoints/epoch_*/model.safetensors"))
        else:
            found = [Path(f) for f in sorted(glob.glob(str(spec)))]
    else:
        found = [Path(s) for s in spec]
    if not found:
        raise ValueError(f"no checkpoints found for {spec!r}; expected a list of weights files, "
                         "a glob pattern or a run directory")
    return found


def checkpoint_table(checkpoints, cfg: Config, ablate: bool = True) -> list[dict]:
    """:func:`network_row` of several checkpoints (e.g. the epochs of one run) on the same
    cached trajectories, one row each with its ``checkpoint`` path. The epochs of one run are
    one network's development, not independent samples: no interval is computed across them
    (use :func:`across` on independently trained networks)."""
    paths = resolve_checkpoints(checkpoints)
    models = [load_model(p) for p in paths]
    acfg = analysis_config(models[0].cfg, cfg)
    shared = simulate_paths(acfg, cfg.n_batches * cfg.analysis_batch_size,
                            cfg.analysis_sequence_length, stream=1)
    return [{"checkpoint": str(path), **network_row(model, cfg, shared, ablate)[0]}
            for path, model in zip(paths, models)]
