"""Power of the predictive analysis (issue 27, item 2): would it have seen a predictive minority?

    OMP_NUM_THREADS=1 python benchmarks/predictive_power.py [--network default] [--shuffles 100]
        [--f-path-sets 3] [--validation-path-sets 2] [--seed 0]

N, the population size, is the number of grid units of the shipped network (``--network``)
under the chapter's analysis (``--params``, shuffles and paths as the chapter: the same paths,
the same shuffle offsets, the same labels; only units whose best gridness is below the
threshold, low-grid whatever their shuffles, are left out of the shuffle test). Two kinds of
populations of N units:

* ``network``: the network's own grid units, run along fresh paths of the analysis length. A
  predictive unit's activity is advanced by k steps, a'(t) = a(t + k) (the paths are k steps
  longer, so every unit keeps the analysis length): it now reports the position k steps
  ahead of the one it reported, k = round(target cm / measured cm per step);
* ``synthetic``: grid units of :mod:`gridcells.predictive.synthetic` (spacing 40-90 cm, random
  orientation and phase, gain noise 0.2) encoding the position k steps ahead (0: the
  present).

Both get additive Gaussian noise of c times the analysed activity's s.d. per sample and unit
(c in ``--noise``), predictive or not. At the chapter's 4000 paths a rate-map bin averages
about 1600 samples, so c = 10 leaves a bin's noise at about a quarter of the activity's s.d.

**Per-unit rates.** The labels are computed unit by unit (``tests/test_power.py``), so a
population's count of predictive labels is a sum over units. p_det(shift, noise): the share of
the N units labelled predictive when every one is advanced (one path set); f(noise): the share
of unshifted units labelled predictive (``--f-path-sets`` path sets). The count of a
population with m = round(share N) predictive units is Binomial(m, p_det) +
Binomial(N - m, f), and the population is *detected* when the count reaches the smallest c with
P(Binomial(N, f_rule) >= c) <= 0.05, f_rule the upper end of f's Wilson 95 % interval
(:mod:`gridcells.predictive.power`). Rates and power are given for the ``shift`` criterion (the
chapter's) and Ouchi & Fujisawa's (``ouchi``); and, as ``given_grid``, among the units that
pass the grid test on the analysed paths (the chapter's share is a share of its grid units;
the network's units were selected as grid units on the chapter's paths, and near the
threshold some fail the test on fresh paths, a loss the unconditional p_det includes).
The power runs use the chapter's 100 shuffles: with 50, p_det of the network's units
advanced by 9.8 cm fell from 78 to 70 of 94 on the same path set (the grid test).

**Validation.** On ``--validation-path-sets`` fresh path sets (new paths, noise and shuffle
offsets), for the ``--validation-cells`` (shift, noise) cells per population whose analytic
power is nearest one half over the shares, every unit is analysed unshifted and advanced. A
direct population of N units with a random set of m advanced ones then has exactly those
units' labels (checked once per population kind by analysing the mixed population itself);
the share of ``--validation-draws`` such populations per path set and share that is detected
is compared with the analytic power.

Writes benchmarks/results/predictive_power.json (CPU model, wall and CPU time, seeds,
settings, rates, power tables at N, the smallest share and shift at 80 % power, validation).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch

import gridcells as gc
from gridcells.predictive import power as pw
from gridcells.predictive import study, synthetic
from gridcells.predictive.classes import CLASSES, analyse
from gridcells.predictive.shifted import lag_sweep
from gridcells.records.speed import git_state
from gridcells.rundir.history import cpu_model
from gridcells.stats import wilson_interval

CRITERIA = ("shift", "ouchi")
KINDS = ("network", "synthetic")
CODE = [f"gridcells/predictive/{m}.py" for m in ("power", "classes", "shifted", "shuffles",
                                                 "shift_estimate", "synthetic")]
CODE.append("benchmarks/predictive_power.py")


def floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",")]


def book_grid_units(model, cfg) -> tuple[np.ndarray, dict]:
    """The network's grid units under the chapter's analysis (``cfg``): the chapter's paths and
    shuffles. A unit whose best gridness over the lags is below gridness_threshold is low-grid
    under the ``shift`` criterion whatever its shuffles, and the shuffle offsets do not depend
    on the units analysed, so the shuffle test runs on the others only."""
    acfg = study.analysis_config(model.cfg, cfg)
    paths = study.simulate_paths(acfg, cfg.n_batches * cfg.analysis_batch_size,
                                 cfg.analysis_sequence_length, stream=1)
    units = study.check_units(model, cfg)
    candidates, kept = [], []
    for part in np.array_split(units, 2):  # two passes: half the activity in memory
        act = study.activity(model, paths, part, cfg.analysis_batch_size)
        keep = np.nan_to_num(lag_sweep(act, cfg).score_60, nan=-np.inf).max(0) \
            >= cfg.gridness_threshold
        candidates.append(part[keep])
        kept.append(act.activations[..., keep])
        del act
    cand = np.concatenate(candidates)
    res = analyse(gc.Activity(paths.positions[1:].transpose(1, 0, 2),
                              paths.velocities.transpose(1, 0, 2),
                              np.concatenate(kept, -1), cand), cfg)
    grid = cand[res.main.labels != "low-grid"]
    counts = {c: res.classes[c].counts() for c in CRITERIA}
    assert cfg.low_grid_threshold == cfg.gridness_threshold  # ouchi's low-grid: peak below it
    for c in CRITERIA:
        counts[c]["low-grid"] += len(units) - len(cand)
    return grid, {"units": len(units), "candidates": len(cand), "grid_units": len(grid),
                  "counts": counts, "cm_per_step": res.cm_per_step}


class Source:
    """Activity of one kind of population on one path set: ``window(k)`` [n, T, U], every unit
    advanced by k steps (network) or encoding the position k steps ahead (synthetic), on the
    positions and velocities [n, T, 2] of the set (paths of T + K steps, K the largest k)."""

    def __init__(self, kind: str, model, acfg, units, n: int, T: int, K: int, stream: int,
                 batch: int, seed: int):
        self.kind, self.T, self.units = kind, T, np.asarray(units)
        if kind == "network":
            paths = study.simulate_paths(acfg, n, T + K, stream)
            act = study.activity(model, paths, self.units, batch)
            self.full = act.activations  # [n, T + K, U]
            pos, vel = act.positions, act.velocities
        else:
            pos, vel = synthetic.paths(acfg, n, T + K, seed=stream)
            self.full_paths = pos, vel
            rng = np.random.default_rng([seed, stream])
            self.spacings = rng.uniform(0.4, 0.9, len(self.units))  # m
            self.unit_seed = int(rng.integers(2 ** 31))
        self.positions, self.velocities = pos[:, :T], vel[:, :T]

    def window(self, k: int) -> np.ndarray:
        if self.kind == "network":
            return self.full[:, k:k + self.T]
        U = len(self.units)  # the same units (orientation, phase, gain noise) for every k
        pop = synthetic.population(*self.full_paths, [k] * U, ["time"] * U, self.spacings,
                                   self.unit_seed, additive_noise=0.0)
        return pop.activity.activations[:, :self.T]

    def activity(self, a: np.ndarray) -> gc.Activity:
        return gc.Activity(self.positions, self.velocities, np.ascontiguousarray(a, np.float32),
                           self.units)


def noisy(a: np.ndarray, c: float, rng: np.random.Generator) -> np.ndarray:
    """a [n, T, U] plus Gaussian noise of c times each unit's s.d. (float32)."""
    if c == 0:
        return np.asarray(a, np.float32)
    sd = a.std((0, 1)).astype(np.float32)
    return (a + (np.float32(c) * sd) * rng.standard_normal(a.shape, dtype=np.float32))


def label(src: Source, window: np.ndarray, k: int, c: float, cfg, seed,
          keep: bool = False) -> dict:
    """Labels [U] per criterion of ``window`` (the set's units advanced by k steps) with noise
    c, and their preferred shifts (cm, ``shift`` criterion); with ``keep``, the analysed
    array."""
    a = noisy(window, c, np.random.default_rng([*seed, k, int(round(1000 * c))]))
    res = analyse(src.activity(a), cfg)
    out = {name: res.classes[name].labels for name in CRITERIA}
    out["preferred_cm"] = res.main.preferred_cm
    if keep:
        out["array"] = a
    return out


def run_set(src: Source, conditions, cfg, seed, keep=()) -> dict:
    """Labels of every (k, c) in ``conditions`` on one path set, one window per k in memory;
    the shuffle offsets from ``cfg.rng_seed``."""
    out = {}
    for k in sorted({k for k, _ in conditions}):
        window = src.window(k)
        for c in [c for kk, c in conditions if kk == k]:
            out[k, c] = label(src, window, k, c, cfg, seed, keep=(k, c) in keep)
        del window
    return out


def predictive(labels: np.ndarray) -> np.ndarray:
    return labels == "predictive"


def rates_of(sets: list[dict], ks, noise, N) -> dict:
    """Per criterion and noise level: p_det per shift (the first set), f over all sets and
    its Wilson upper bound (f_rule), the median preferred shift and the classes per shift."""
    out = {}
    for crit in CRITERIA:
        out[crit] = {}
        for c in noise:
            first = sets[0]
            det = [int(predictive(first[k, c][crit]).sum()) for k in ks]
            kf = sum(int(predictive(s[0, c][crit]).sum()) for s in sets)
            nf = N * len(sets)
            # among the units that pass the grid test on the analysed paths
            g_det = [int((first[k, c][crit] != "low-grid").sum()) for k in ks]
            g_f = sum(int((s[0, c][crit] != "low-grid").sum()) for s in sets)
            out[crit][pw.noise_key(c)] = {
                "p_det": [d / N for d in det], "k_det": det, "n_det": N,
                "f": kf / nf, "k_f": kf, "n_f": nf, "f_rule": wilson_interval(kf, nf)[1],
                "given_grid": {"p_det": [d / max(g, 1) for d, g in zip(det, g_det)],
                               "k_det": det, "n_det": g_det, "f": kf / max(g_f, 1), "k_f": kf,
                               "n_f": g_f, "f_rule": wilson_interval(kf, g_f)[1]},
                "median_preferred_cm": [float(np.nanmedian(first[k, c]["preferred_cm"]))
                                        for k in [0, *ks]],
                "classes": {str(k): {name: int((first[k, c][crit] == name).sum())
                                     for name in CLASSES} for k in [0, *ks]}}
    return out


def validation_cells(tables: dict, ks, noise, n_cells: int) -> list[tuple[int, float]]:
    """(k, c) cells to validate: the headline's (noise 0 or the lowest level, the shift of
    the smallest share at 80 %), then those whose power over the shares is nearest one half."""
    step_of = dict(zip([round(x, 9) for x in tables["shifts_cm"]], ks))
    low = min(noise)
    head = tables[pw.noise_key(low)]
    cells = [(step_of[round(head["shift_cm"], 9)], low)] if head["shift_cm"] is not None else []
    scored = []
    for c in noise:
        t = np.asarray(tables[pw.noise_key(c)]["table"])
        for j, k in enumerate(ks):
            scored.append((-float(np.minimum(t[:, j], 1 - t[:, j]).max()), k, c))
    for _, k, c in sorted(scored):
        if len(cells) >= n_cells:
            break
        if (k, c) not in cells:
            cells.append((k, c))
    return cells


def direct_counts(base: np.ndarray, adv: np.ndarray, m: int, draws: int,
                  rng: np.random.Generator) -> np.ndarray:
    """Counts [draws] of predictive labels of populations whose random m units are advanced:
    base, adv [N] bool, the units' labels unshifted and advanced on one path set."""
    N = len(base)
    out = np.empty(draws, int)
    for d in range(draws):
        mask = np.zeros(N, bool)
        mask[rng.choice(N, m, replace=False)] = True
        out[d] = int((adv & mask).sum() + (base & ~mask).sum())
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--network", default="default", help="shipped network (gc.load_pretrained)")
    ap.add_argument("--params", default="params/default.yaml", help="the chapter's parameters")
    ap.add_argument("--shuffles", type=int, default=None,
                    help="shuffles of the power runs (default: the chapter's)")
    ap.add_argument("--trajectories", type=int, default=None,
                    help="paths per path set (default: the chapter's)")
    ap.add_argument("--shifts", type=floats, default=[5, 10, 15, 20, 30], help="target cm")
    ap.add_argument("--noise", type=floats, default=[0, 10, 30],
                    help="additive noise, times the activity's s.d.")
    ap.add_argument("--shares", type=floats,
                    default=[0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5])
    ap.add_argument("--f-path-sets", type=int, default=3)
    ap.add_argument("--validation-path-sets", type=int, default=2)
    ap.add_argument("--validation-cells", type=int, default=2)
    ap.add_argument("--validation-draws", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="benchmarks/results/predictive_power.json")
    args = ap.parse_args()
    t_wall, t_cpu = time.perf_counter(), time.process_time()
    load_before = os.getloadavg()[0]
    torch.set_num_threads(1)
    model = gc.load_pretrained(args.network)
    chapter = gc.load_config(args.params, device="cpu").replace(
        box_width=model.cfg.box_width, box_height=model.cfg.box_height)
    grid, book = book_grid_units(model, chapter)
    N = len(grid)
    book["wall_s"] = round(time.perf_counter() - t_wall, 1)
    print(f"# {args.network}: {N} grid units of {book['units']} under {args.params} "
          f"({book['cm_per_step']:.3f} cm/step; {book['wall_s']:.0f} s)", flush=True)
    n = args.trajectories or chapter.n_batches * chapter.analysis_batch_size
    cfg = chapter.replace(shuffle_trials=args.shuffles or chapter.shuffle_trials)
    acfg = study.analysis_config(model.cfg, cfg)
    step = book["cm_per_step"]
    ks = [max(1, int(round(s / step))) for s in args.shifts]
    K, T = max(ks), cfg.analysis_sequence_length
    if K > cfg.max_lag:
        raise SystemExit(f"shift {K} steps beyond the analysed window (max_lag {cfg.max_lag})")
    shifts_cm = [k * step for k in ks]

    def path_set(kind, stream):
        src = Source(kind, model, acfg, grid, n, T, K, stream, cfg.analysis_batch_size,
                     args.seed)
        return src, cfg.replace(rng_seed=stream), [args.seed, stream]

    # per-unit rates: every unit advanced at every shift on the first path set, unshifted on
    # --f-path-sets sets
    rates, timing = {}, {}
    for i, kind in enumerate(KINDS):
        t0, sets = time.perf_counter(), []
        for r in range(args.f_path_sets):
            src, run, seed = path_set(kind, 1000 * (1 + i) + r)
            shifts = [0, *ks] if r == 0 else [0]
            sets.append(run_set(src, [(k, c) for k in shifts for c in args.noise], run, seed))
            del src
            print(f"  {kind} path set {r}: {time.perf_counter() - t0:.0f} s", flush=True)
        rates[kind] = rates_of(sets, ks, args.noise, N)
        timing[f"{kind}_rates_s"] = round(time.perf_counter() - t0, 1)
    record = {"benchmark": "predictive_power", "alpha": pw.ALPHA, "target_power": pw.TARGET,
              "shares": args.shares, "shifts_target_cm": args.shifts, "shift_steps": ks,
              "shifts_cm": shifts_cm, "noise_levels": args.noise, "rates": rates}
    tables = {kind: {crit: {pw.noise_key(c): pw.from_record(record, N, kind, crit, c)
                            for c in args.noise} for crit in CRITERIA} for kind in KINDS}
    tables_grid = {kind: {crit: {pw.noise_key(c): pw.from_record(record, N, kind, crit, c,
                                                                 given_grid=True)
                                 for c in args.noise} for crit in CRITERIA} for kind in KINDS}

    # validation: direct populations on fresh path sets
    t0 = time.perf_counter()
    rng = np.random.default_rng([args.seed, 99])
    rows, separable = [], {}
    for i, kind in enumerate(KINDS):
        cells = validation_cells({**tables[kind]["shift"], "shifts_cm": shifts_cm}, ks,
                                 args.noise, args.validation_cells)
        conditions = sorted({(kk, c) for k, c in cells for kk in (0, k)})
        for v in range(args.validation_path_sets):
            src, run, seed = path_set(kind, 5000 * (1 + i) + v)
            keep = {(0, cells[0][1]), cells[0]} if v == 0 else set()
            got = run_set(src, conditions, run, seed, keep)
            for k, c in cells:
                rt = rates[kind]["shift"][pw.noise_key(c)]
                crit_c = pw.critical_count(N, rt["f_rule"])
                base, adv = predictive(got[0, c]["shift"]), predictive(got[k, c]["shift"])
                for share in args.shares:
                    counts = direct_counts(base, adv, pw.n_predictive(N, share),
                                           args.validation_draws, rng)
                    rows.append({"population": kind, "k": k, "noise": c, "share": share,
                                 "detected": float((counts >= crit_c).mean()),
                                 "mean_count": float(counts.mean()),
                                 "p_det": float(adv.mean()), "f": float(base.mean())})
            if v == 0:  # a mixed population analysed as a whole: the same labels?
                k, c = cells[0]
                m = pw.n_predictive(N, 0.2)
                mask = np.zeros(N, bool)
                mask[np.random.default_rng([args.seed, 7]).choice(N, m, replace=False)] = True
                mixed = np.where(mask, got[k, c]["array"], got[0, c]["array"])
                labels = analyse(src.activity(mixed), run).main.labels
                want = np.where(mask, got[k, c]["shift"], got[0, c]["shift"])
                separable[kind] = {"shift_cm": k * step, "noise": c, "advanced": m,
                                   "label_mismatches": int((labels != want).sum()),
                                   "predictive": int(predictive(labels).sum())}
                del mixed
            del src, got
            print(f"  validation {kind} path set {v}: {time.perf_counter() - t0:.0f} s",
                  flush=True)
    timing["validation_s"] = round(time.perf_counter() - t0, 1)
    summary = []
    for key in dict.fromkeys((r["population"], r["k"], r["noise"], r["share"]) for r in rows):
        kind, k, c, share = key
        sel = [r for r in rows if (r["population"], r["k"], r["noise"], r["share"]) == key]
        rt = rates[kind]["shift"][pw.noise_key(c)]
        p, m = rt["p_det"][ks.index(k)], pw.n_predictive(N, share)
        per_set = [r["detected"] for r in sel]
        summary.append({
            "population": kind, "noise": c, "shift_cm": k * step, "share": share, "m": m,
            "analytic": pw.power(N, share, p, rt["f"], f_rule=rt["f_rule"]),
            "direct": float(np.mean(per_set)), "direct_per_path_set": per_set,
            "mean_count_analytic": m * p + (N - m) * rt["f"],
            "mean_count_direct": float(np.mean([r["mean_count"] for r in sel])),
            "p_det": p, "p_det_validation": [r["p_det"] for r in sel],
            "f": rt["f"], "f_validation": [r["f"] for r in sel],
            "populations": len(sel) * args.validation_draws})
    diffs = np.array([abs(s["analytic"] - s["direct"]) for s in summary])
    def heads(tabs):
        return {kind: {crit: {key: {f: t[f] for f in ("N", "critical_count", "share",
                                                      "shift_cm", "power")}
                              for key, t in tabs[kind][crit].items()}
                       for crit in CRITERIA} for kind in KINDS}
    headline = heads(tables)
    record.update({
        "date": time.strftime("%Y-%m-%d %H:%M"), "cpu": cpu_model(),
        "threads": {"torch": torch.get_num_threads(),
                    "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS")},
        "platform": platform.platform(), **git_state(CODE),
        "wall_s": round(time.perf_counter() - t_wall, 1),
        "cpu_s": round(time.process_time() - t_cpu, 1), "timing": timing,
        "load_average": [load_before, os.getloadavg()[0]], "args": vars(args),
        "settings": {"trajectories": n, "steps": T, "extra_steps": K,
                     "shuffles": cfg.shuffle_trials,
                     "chapter_shuffles": chapter.shuffle_trials, "max_lag": cfg.max_lag,
                     "min_shift_cm": cfg.min_shift_cm, "shuffle_groups": cfg.shuffle_groups,
                     "seeds": {"path streams (rates)": "1000 network, 2000 synthetic, + set",
                               "path streams (validation)": "5000 network, 10000 synthetic, "
                               "+ set", "shuffle offsets": "rng_seed = the path stream",
                               "synthetic units": "[seed, stream]",
                               "noise": "[seed, stream, k, round(1000 noise)]",
                               "validation draws": f"[{args.seed}, 99]"}},
        "book_network": {"name": f"pretrained:{args.network}", "params": args.params, **book},
        "N": N, "grid_units": [int(u) for u in grid], "power": tables, "headline": headline,
        "power_given_grid": tables_grid, "headline_given_grid": heads(tables_grid),
        "validation": summary, "validation_max_abs_diff": float(diffs.max()),
        "validation_mean_abs_diff": float(diffs.mean()), "separable": separable})
    Path(args.out).write_text(json.dumps(record, indent=1, default=float))
    for kind in KINDS:
        for c in args.noise:
            rt, h = rates[kind]["shift"][pw.noise_key(c)], headline[kind]["shift"][
                pw.noise_key(c)]
            print(f"{kind:9} noise {c:4g}: p_det " + " ".join(
                f"{s:.1f}cm {p:.2f}" for s, p in zip(shifts_cm, rt["p_det"]))
                + f"; f {rt['k_f']}/{rt['n_f']} (rule {rt['f_rule']:.4f}, c "
                f"{h['critical_count']}); 80 %: share {h['share']} at {h['shift_cm']} cm")
    for kind in KINDS:
        for c in args.noise:
            h = record["headline_given_grid"][kind]["shift"][pw.noise_key(c)]
            g = rates[kind]["shift"][pw.noise_key(c)]["given_grid"]
            print(f"{kind:9} noise {c:4g} given grid: p_det " + " ".join(
                f"{p:.2f}" for p in g["p_det"]) + f"; f {g['k_f']}/{g['n_f']}; 80 %: share "
                f"{h['share']} at {h['shift_cm']} cm")
    for s in summary:
        print(f"validation {s['population']:9} noise {s['noise']:g} {s['shift_cm']:.1f} cm "
              f"share {s['share']:.2f}: analytic {s['analytic']:.3f} direct {s['direct']:.3f}")
    print(f"# max |analytic - direct| {diffs.max():.3f}; separable {separable}; "
          f"wall {record['wall_s']:.0f} s, cpu {record['cpu_s']:.0f} s")


if __name__ == "__main__":
    main()
