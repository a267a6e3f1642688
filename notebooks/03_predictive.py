# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Predictive grid cells
#
# ```{admonition} Key findings
# :class: tip
# - {glue:text}`verdict`
# - Across {glue:text}`n_networks` independently trained networks,
#   {glue:text}`net_pred_total` of {glue:text}`net_grid_total` grid units are predictive
#   ({glue:text}`net_share_interval`); Ouchi & Fujisawa found about 28 % in rats. Their
#   own rule, with calibrated shuffles, calls {glue:text}`ouchi_net_share` % of the grid
#   cells it counts predictive (bootstrap over networks {glue:text}`ouchi_net_lo` to
#   {glue:text}`ouchi_net_hi` %).
# - {glue:text}`power_sentence` (`benchmarks/predictive_power.py`)
# - {glue:text}`control_summary`
# - {glue:text}`live_lead` {glue:text}`live_name`: in it, {glue:text}`live_pred` of
#   {glue:text}`live_grid` grid units map best onto a future position
#   ({glue:text}`live_pred_detail`),
#   {glue:text}`live_retro` onto a past one and {glue:text}`live_zero` onto the present;
#   {glue:text}`live_unres` cannot be placed.
# - Its grid units' maps are {glue:text}`live_shift_phrase` (one step is
#   {glue:text}`cm_per_step` cm){glue:text}`live_shift_where`. Advancing their activity by
#   {glue:text}`inj_steps` steps moves the estimate by {glue:text}`inj_pos_median` cm
#   (injected {glue:text}`inj_pos_cm` cm), so the estimate would see a real shift.
# - The earlier analysis's rules, applied to the same network, call
#   {glue:text}`earlier_pred` units predictive; {glue:text}`earlier_survive` of them are
#   predictive by the calibrated analysis. Its argmax of gridness recovers a known shift
#   within 3 cm for {glue:text}`truth_argmax` % of synthetic units, the sharpness peak used
#   here for {glue:text}`truth_sharp` %.
# ```
#
# Does a network trained only to path integrate carry *prospective* codes: units whose
# activity is best explained by where the animal will be, as {cite:t}`ouchi2024` found in
# rat entorhinal cortex? This chapter answers it with an analysis built so that no artefact can
# fake the answer: a shift estimator checked on units with known shifts, shuffle tests whose
# false-positive rate was measured on noise, a window whose edges never count as a finding,
# and counts across networks, not one.
#
# **Method in brief** (details in the methods chapter). For every unit the rate map is built
# from activity at time *t* against position at *t + k*, for shifts *k* from
# -``max_lag`` to +``max_lag`` steps (``max_lag`` = {glue:text}`max_lag` steps here,
# converted to cm with the measured displacement per step).
# Gridness of that map against *k* is what {cite:t}`ouchi2024` plot; the preferred shift is where
# the map is *sharpest* (the fraction of the unit's activity variance explained by the shifted
# position), with a jackknife interval over trajectory groups. A unit is a grid cell when its
# best gridness is significant against shuffles that give every trajectory group its own
# circular offset; it is *predictive* when its preferred shift is at least +5 cm with an
# interval that excludes 0, *retrospective* when it is at most -5 cm, *zero-lag* in between,
# and *unresolved* when the peak is on the window's edge or too uncertain to place.

# %% tags=["remove-cell"]
# Opened from the chapter's Colab or Binder link: fetch and install the package on Colab,
# and run from the repository's root, as the book does (no effect when the book runs it).
import os
import sys

if "google.colab" in sys.modules:
    if not os.path.isdir("/content/gridcells"):
        import subprocess

        subprocess.run(["git", "clone", "--depth", "1", "https://github.com/gridcells/gridcells",
                        "/content/gridcells"], check=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "/content/gridcells[book]"],
                       check=True)
    os.chdir("/content/gridcells")
elif os.path.basename(os.getcwd()) == "notebooks":
    os.chdir("..")

# %% tags=["remove-cell"]
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown
from myst_nb import glue

import gridcells as gc
from gridcells.book import network as book_network
from gridcells.book import plots, predictive_text, report, sentences
from gridcells.predictive import study
from gridcells.predictive.classes import CLASSES, crosstab
from gridcells.records.experiments import network_label, network_units, read_json, span
from gridcells.stats import cluster_bootstrap_share, t_interval, wilson_interval, zero_share_bounds

# %% tags=["parameters", "remove-cell"]
params_file = "params/default.yaml"
run_dir = None

# %% tags=["remove-cell"]
cfg, run_dir = report.start_notebook(params_file, run_dir, globals(), show=False)
for name in ("max_lag", "shuffle_trials", "shuffle_groups", "min_shift_cm"):
    glue(name, f"{getattr(cfg, name):g}", display=False)  # the settings the prose names
model = gc.load_model(run_dir)
out_dir = f"{run_dir}/analysis/predictive"
TRUTH = "benchmarks/results/predictive_truth.json"

# %% tags=["remove-input"]
report.show_network_notice()
glue("live_name", book_network.network_name(report.selection()), display=False)
# the book's network is one more point, unless it is a shipped network counted among them
glue("live_lead", "Of these networks," if cfg.pretrained else "One more point,", display=False)
FALSE_POS = "benchmarks/results/predictive_false_positives.json"
FALSE_POS_COMMON = "benchmarks/results/predictive_false_positives_200units.json"
NETWORKS = "experiments/results/predictive_networks.jsonl"

# %% [markdown]
# ## Why the shift is read from sharpness, not gridness
# Shifting a clean grid blurs it almost isotropically, and blur keeps hexagonal symmetry:
# gridness stays flat over many steps, drops where the grid contrast inverts and rises
# again. Its maximum (the earlier analysis) or the centre of its peak lands anywhere on that
# plateau. Sharpness falls on both sides of the true shift for any spacing, so its peak is the
# shift ({numref}`fig-shift-profiles`).

# %% tags=["remove-cell"]
result, activity = study.predictive_study(model, cfg)
result.save(out_dir, cfg)
sweep, main = result.sweep, result.classes["shift"]
examples = np.argsort(-np.nan_to_num(main.peak_score, nan=-9))[:4]  # the best grid units
fig, _ = plots.shift_profiles(sweep.shifts_cm, sweep.score_60[:, examples],
                                 sweep.sharpness[:, examples], main.preferred_cm[examples],
                                 [f"unit {u}: {main.labels[u]}" for u in examples])
glue("fig_shift_profiles", fig, display=False)

# %% [markdown]
# ```{glue:figure} fig_shift_profiles
# :name: fig-shift-profiles
#
# The four grid units with the highest gridness in this book's network. Top:
# gridness of the shifted rate map against the shift (cm; positive: activity against a future
# position). Bottom: the map's sharpness (variance of activity explained by the shifted
# position) as a fraction of its peak. Dashed: the preferred shift read from sharpness.
# ```
#
# On synthetic grid units with known shifts (spacings 40-90 cm, wide fields, three noise
# levels, time and distance shifts from -30 to +30 cm; `benchmarks/predictive_truth.py`) the
# three estimators recover the shift as in
# {numref}`tab-truth`.

# %% tags=["remove-cell"]
truth = read_json(TRUTH)
rows = [{"sweep": r["sweep"], "estimator": r["estimator"], "units": r["n"],
         "within 3 cm (%)": 100 * r["within_3cm"], "within 1 step (%)": 100 * r["within_1step"],
         "peak on the edge": r["at_edge"]}
        for r in truth["estimators"] if r["units"] == "all"]
get = {(r["sweep"], r["estimator"]): r for r in truth["estimators"] if r["units"] == "all"}
glue("truth_sharp", f"{100 * get['time', 'sharpness']['within_3cm']:.0f}", display=False)
glue("truth_argmax", f"{100 * get['time', 'argmax']['within_3cm']:.0f}", display=False)
glue("truth_centroid", f"{100 * get['time', 'centroid']['within_3cm']:.0f}", display=False)
shift_cls = truth["classes"]["shift"]
glue("truth_class", f"{100 * shift_cls['accuracy_grid_units']:.0f}", display=False)
glue("truth_edge_pred", str(shift_cls["predictive_on_edge"]), display=False)
glue("tab-truth-md", Markdown(report.markdown_table(rows, digits=3)), display=False)

# %% [markdown]
# ```{glue:figure} tab-truth-md
# :name: tab-truth
#
# Recovery of known shifts by each estimator, on a time sweep (the book's)
# and a distance sweep, over the synthetic grid units
# (`benchmarks/results/predictive_truth.json`).
# ```

# %% [markdown]
# The sharpness peak places {glue:text}`truth_sharp` % of the units within 3 cm of their true
# shift; the centroid of the gridness peak {glue:text}`truth_centroid` % and its argmax
# {glue:text}`truth_argmax` %. With the calibrated test below, the classes of the synthetic
# grid units come out right for {glue:text}`truth_class` %, and
# {glue:text}`truth_edge_pred` units are called predictive because of a peak on the window's
# edge.

# %% tags=["remove-cell"]
glue("truth_n", str(get["time", "sharpness"]["n"]), display=False)

# %% [markdown]
# ## A shuffle test that holds its level
# A shuffle shifts each trajectory's activity circularly in time against its positions.
# Giving all trajectories one common offset (this project's first test, and the usual
# recipe) leaves only about as many distinct shuffled maps as steps in a trajectory, and on
# pure noise called {glue:text}`fp_common` of units significantly ahead or behind at a
# nominal 5 % ({glue:text}`fp_common_units` units of each kind,
# `benchmarks/results/predictive_false_positives_200units.json`). Here every group of
# trajectories draws its own offset in every shuffle. On {glue:text}`fp_units` noise units of
# each kind
# ({numref}`tab-false-positives`; `benchmarks/predictive_false_positives.py`) every test's
# false-positive rate is at most {glue:text}`fp_max` % at a nominal 5 %.

# %% tags=["remove-cell"]
fp = read_json(FALSE_POS)
rows, worst = [], 0.0
for noise_kind, rates in fp["rates"].items():
    for key, v in rates.items():
        test, alpha = key.split("@")
        rows.append({"noise": noise_kind.split(",")[0], "test": test, "alpha": float(alpha),
                     "false positives (%)": 100 * v["rate"],
                     "95 % interval (%)": f"{100 * v['ci95'][0]:.1f}-{100 * v['ci95'][1]:.1f}",
                     "contains alpha": "yes" if v["contains_alpha"] else "no"})
        if float(alpha) == 0.05:
            worst = max(worst, 100 * v["rate"])
glue("fp_max", f"{worst:.1f}", display=False)
common = read_json(FALSE_POS_COMMON)  # the same benchmark with the common offset kept
glue("fp_common", span([v["any@0.05"]["rate"] for k, v in common["rates"].items()
                       if k.endswith("common offset")], percent=True), display=False)
glue("fp_common_units", common["args"]["units"], display=False)
glue("fp_units", fp["args"]["units"], display=False)
glue("tab-false-positives-md", Markdown(report.markdown_table(rows, digits=3)), display=False)

# %% [markdown]
# ```{glue:figure} tab-false-positives-md
# :name: tab-false-positives
#
# False-positive rate of the four shuffle tests on units of pure noise (iid
# and AR(1)), with the Wilson 95 % interval of the rate
# (`benchmarks/results/predictive_false_positives.json`).
# ```

# %% [markdown]
# ## This book's network

# %% tags=["remove-cell"]
counts = main.counts()
grid = len(main.labels) - counts["low-grid"]
pred = main.labels == "predictive"
glue("live_grid", str(grid), display=False)
glue("live_units", str(len(main.labels)), display=False)
for key, name in (("live_pred", "predictive"), ("live_retro", "retrospective"),
                  ("live_zero", "zero-lag"), ("live_unres", "unresolved")):
    glue(key, str(counts[name]), display=False)
glue("live_pred_share", f"{100 * counts['predictive'] / max(grid, 1):.1f}", display=False)
glue("live_pred_detail", f"{100 * counts['predictive'] / max(grid, 1):.1f} %, median shift "
     f"{np.median(main.preferred_cm[pred]):.1f} cm" if pred.any() else
     f"{100 * counts['predictive'] / max(grid, 1):.1f} %, so no predictive shift to report",
     display=False)
g = main.labels != "low-grid"
q25, q50, q75 = (np.percentile(main.preferred_cm[g], [25, 50, 75]) if g.any()
                 else (np.nan,) * 3)
glue("live_shift_median", f"{q50:.1f}", display=False)
glue("live_shift_iqr", f"{q25:.1f} to {q75:.1f}", display=False)
glue("live_se_median", f"{np.nanmedian(main.se_cm[g]):.2f}" if g.any() else "none",
     display=False)
glue("live_shift_phrase", f"sharpest at a median shift of {q50:.1f} cm (interquartile range "
     f"{q25:.1f} to {q75:.1f} cm; median jackknife standard error "
     f"{np.nanmedian(main.se_cm[g]):.2f} cm)" if g.any() else "not placed in time: no unit "
     "of this network is a grid unit at any shift, so no shift is measured", display=False)
glue("live_shift_where", (": within about a step of the present position"
                          if abs(q50) <= 1.5 * result.cm_per_step else
                          ": more than a step from the present position") if g.any() else "",
     display=False)
glue("window_cm", f"{cfg.max_lag * result.cm_per_step:.1f}", display=False)
glue("cm_per_step", f"{result.cm_per_step:.2f}", display=False)
fig, _ = plots.classification_panels(main, cfg.min_shift_cm, title="shift criterion")
glue("fig_classes", fig, display=False)

# %% [markdown]
# Of the {glue:text}`live_units` units analysed, {glue:text}`live_grid` are grid cells at
# some shift. The analysed window reaches ±{glue:text}`window_cm` cm
# ({glue:text}`cm_per_step` cm per step); {numref}`fig-classes` shows the classes and where
# the grid units' maps are sharpest: {glue:text}`live_shift_phrase`.
#
# ```{glue:figure} fig_classes
# :name: fig-classes
#
# This book's network, ``shift`` criterion. (A) Units per class. (B) Preferred
# shifts of the grid units (sharpness peak, cm); the grey band is ±5 cm. (C) Gridness at shift
# 0 against the best gridness over shifts, coloured by class.
# ```

# %% tags=["remove-cell"]
fig, _ = plots.lag_heatmaps(sweep.shifts_cm, sweep.score_60, main.labels,
                               main.preferred_cm)
glue("fig_lag_heatmaps", fig, display=False)

# %% [markdown]
# ```{glue:figure} fig_lag_heatmaps
# :name: fig-lag-heatmaps
#
# Gridness against shift (cm) for the units of each class that has units (rows sorted by
# preferred shift;
# colour: gridness; a class of fewer than three units shows each unit's curve instead), and
# the class mean ± s.e.m. below: the curves Ouchi & Fujisawa plot.
# ```
#
# ## A positive control on this network's own units
# Synthetic units are not the network's. As a control with the network's own field shapes,
# noise and history dependence, each grid unit's activity is advanced by *k* steps within
# its trajectory (activity at *t + k* paired with position at *t*): whatever shift the unit
# mapped best at, it must now map best *k* steps further. {numref}`fig-injection` and
# {numref}`tab-injection` show how far the estimate moves: by a median of
# {glue:text}`inj_pos_median` cm for an injected {glue:text}`inj_pos_cm` cm, and
# {glue:text}`inj_neg_median` cm for {glue:text}`inj_neg_cm` cm ({glue:text}`inj_within` % of
# units within 3 cm in both).

# %% tags=["remove-cell"]
from gridcells.predictive.shift_estimate import injection_control  # noqa: E402

units = np.flatnonzero(main.labels != "low-grid")
if len(units) < 4:  # tiny networks: the best-scoring units stand in
    units = examples
sub = gc.Activity(activity.positions, activity.velocities, activity.activations[..., units],
                  activity.units[units])
INJECT = 8  # steps of the injected shift, each way
inj = injection_control(sub, cfg, steps=(-INJECT, INJECT))
glue("inj_steps", INJECT, display=False)
neg, pos = inj
glue("inj_pos_cm", f"{pos['injected_cm']:+.1f}", display=False)
glue("inj_neg_cm", f"{neg['injected_cm']:+.1f}", display=False)
glue("inj_pos_median", f"{pos['median_change_cm']:+.1f}", display=False)
glue("inj_neg_median", f"{neg['median_change_cm']:+.1f}", display=False)
glue("inj_within", f"{100 * min(pos['within_3cm'], neg['within_3cm']):.0f}", display=False)
fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
for r, colour in ((neg, "tab:blue"), (pos, "tab:red")):
    lo, hi = r["change_5_95_cm"]
    ax.errorbar([r["injected_cm"]], [r["median_change_cm"]],
                yerr=[[r["median_change_cm"] - lo], [hi - r["median_change_cm"]]], fmt="o",
                color=colour, capsize=4)
lim = 1.3 * max(abs(pos["injected_cm"]), abs(neg["injected_cm"]))
ax.plot([-lim, lim], [-lim, lim], "k:", lw=0.8)
ax.set_xlabel("injected shift (cm)")
ax.set_ylabel("change of the estimate (cm)")
glue("fig_injection", fig, display=False)
plt.close(fig)

# %% [markdown]
# ```{glue:figure} fig_injection
# :name: fig-injection
#
# Positive control on the grid units of this book's network: activity advanced or
# delayed by {glue:text}`inj_steps` steps against position. Points: median change of the estimated
# preferred shift over units; bars: 5-95 % of units; dotted: the injected shift.
# ```

# %% tags=["remove-cell"]
glue("tab-injection-md", Markdown(report.markdown_table(
    [{"injected (steps)": r["injected_steps"], "injected (cm)": r["injected_cm"],
      "median change (cm)": r["median_change_cm"],
      "5-95 % of units (cm)": f"{r['change_5_95_cm'][0]:.1f} to {r['change_5_95_cm'][1]:.1f}",
      "within 3 cm (%)": 100 * r["within_3cm"], "units": r["units"]} for r in inj])), display=False)

# %% [markdown]
# ```{glue:figure} tab-injection-md
# :name: tab-injection
#
# The control of {numref}`fig-injection`: injected shift, the estimated change
# over units (median and 5-95 % range) and the share of units within 3 cm of the injection.
# ```

# %% [markdown]
# ## The earlier analysis, rule for rule
# The earlier public analysis (a fork of the original code) ran on 20-step paths, dropped the
# samples a shift pushes out of a path, read the shift from the argmax of gridness and used
# thresholds only (0.5 at zero shift and at the best shift, 5 cm). Applied to the same network
# it gives {numref}`tab-earlier`; the rows are its classes, the columns the classes the
# calibrated analysis gives the same units.

# %% tags=["remove-cell"]
earlier = study.earlier_study(model, cfg)
table = crosstab(earlier, main)
for r in table:
    r["earlier analysis"] = r.pop("fork")
glue("tab-earlier-md", Markdown(report.markdown_table(table, ["earlier analysis"] + [
    c for c in CLASSES if any(c in r for r in table)])), display=False)
e_pred = earlier.labels == "predictive"
glue("earlier_pred", str(int(e_pred.sum())), display=False)
glue("earlier_survive", str(int((e_pred & pred).sum())), display=False)
glue("verdict_earlier_units", "not confirmed" if not (e_pred & pred).any() else
     f"{int((e_pred & pred).sum())} of {int(e_pred.sum())} confirmed", display=False)
glue("earlier_pred_median", f"median shift {np.median(earlier.preferred_cm[e_pred]):.1f} cm"
     if e_pred.any() else "none, so no median shift", display=False)
glue("earlier_edge", str(int((e_pred & (np.abs(earlier.preferred_cm) >= 0.9 * np.nanmax(
    np.abs(earlier.preferred_cm)))).sum())), display=False)
ouchi = result.classes["ouchi"].counts()
glue("ouchi_pred", str(ouchi["predictive"]), display=False)
glue("ouchi_zero", str(ouchi["zero-lag"]), display=False)
glue("ouchi_uncl", str(ouchi["unclassified"]), display=False)

# %% [markdown]
# ```{glue:figure} tab-earlier-md
# :name: tab-earlier
#
# The earlier analysis's classes of this network (rows) against the
# calibrated ``shift`` classes of the same units (columns).
# ```

# %% [markdown]
# The earlier rules call {glue:text}`earlier_pred` units predictive
# ({glue:text}`earlier_pred_median`, {glue:text}`earlier_edge` of them within a tenth of the
# largest shift its short paths allow); {glue:text}`earlier_survive` of them are predictive by
# the calibrated analysis. Ouchi & Fujisawa's rule (a significant best future gridness while
# gridness at zero shift is not), with the calibrated shuffles, calls
# {glue:text}`ouchi_pred` units predictive and {glue:text}`ouchi_zero` zero-lag: gridness of
# a wide-field grid is significant at zero shift too, so most grid units fit none of its
# classes ({glue:text}`ouchi_uncl` unclassified).
#
# ## Across networks
# One network is one draw. {numref}`tab-networks` repeats the analysis on every network
# recorded in `experiments/results/predictive_networks.jsonl` (the shipped models and the
# ensemble, analysed by `experiments/predictive_networks.py` with these parameters) beside
# this book's network. {glue:text}`scope_sentence`
# {glue:text}`other_size_sentence`

# %% tags=["remove-cell"]
live_row, _ = study.network_row(model, cfg, ablate=False, result=result)
recorded = [r for r in report.latest_rows(NETWORKS, "network") if not r.get("target_shift")]
# the interval runs over the networks of the ensemble's size (the CPU recipe's); a network of
# another size (the paper-size model) is one more row, reported as such
ens_Ng = {r["Ng"] for r in recorded if r["network"].startswith("pretrained:ensemble/")}
same_size = [r for r in recorded if r["Ng"] in ens_Ng]
other_size = [r for r in recorded if r["Ng"] not in ens_Ng]
live_name = sentences.book_label(*sentences.book_twin(model, cfg.pretrained))
nets = [{"network": live_name, "Ng": model.cfg.Ng, **live_row}] + same_size + other_size
cols = {"network": "network", "Ng": "units", "grid_units": "grid units",
        "shift_predictive": "predictive", "shift_retrospective": "retrospective",
        "shift_zero-lag": "zero-lag", "shift_unresolved": "unresolved",
        "grid_median_shift_cm": "grid units' median shift (cm)",
        "earlier_predictive": "earlier rules: predictive"}
glue("tab-networks-md", Markdown(report.markdown_table(
    [{v: network_label(r[k]) if k == "network" and r is not nets[0] else r.get(k)
      for k, v in cols.items()} for r in nets], digits=3)), display=False)
independent = same_size if len(same_size) >= 2 else nets
n_meet = sum(bool((r.get("judgement") or {}).get("meets")) for r in independent)
glue("scope_sentence", (
    f"The intervals below run over the {len(independent)} recorded networks of the "
    f"ensemble's size; {n_meet} of them meet the CPU recipe's criteria (the ensemble was "
    "selected by them), so they describe networks in which grids formed"
    + ("." if n_meet == len(independent) else ", all but "
       f"{len(independent) - n_meet} of them.")) if independent is same_size else
    "Fewer than two networks of the ensemble's size are recorded, so the intervals below "
    "run over every network in the table.", display=False)
glue("other_size_sentence", ("Networks of another size are rows of their own, not part of "
     "the interval: " if independent is same_size else "") + "; ".join(
    f"{network_label(r['network'])}: {r['shift_predictive']} of {r['grid_units']} grid units "
    f"predictive, median preferred shift of its grid units "
    + (f"{r['grid_median_shift_cm']:.1f} cm" if r.get("grid_median_shift_cm") is not None
       else "undefined (no grid unit)") for r in other_size) + "." if other_size
     else "No network of another size is recorded.", display=False)
share = [100 * r["predictive_share_of_grid"] for r in independent]
m, lo, hi = t_interval(share)
glue("n_networks", str(len(share)), display=False)
glue("net_share_mean", f"{m:.1f}", display=False)
glue("net_share_lo", f"{max(lo, 0):.1f}" if np.isfinite(lo) else "n/a", display=False)
glue("net_share_hi", f"{hi:.1f}" if np.isfinite(hi) else "n/a", display=False)
glue("net_pred_total", str(sum(r["shift_predictive"] for r in independent)), display=False)
glue("net_grid_total", str(sum(r["grid_units"] for r in independent)), display=False)
k_pred = sum(r["shift_predictive"] for r in independent)
n_grid = sum(r["grid_units"] for r in independent)
pool_lo, pool_hi = wilson_interval(k_pred, n_grid)
glue("net_pool", f"{100 * k_pred / max(n_grid, 1):.1f}", display=False)
glue("net_pool_lo", f"{100 * pool_lo:.1f}", display=False)
glue("net_pool_hi", f"{100 * pool_hi:.1f}", display=False)
# units of one network share a lattice: intervals that resample whole networks, and with no
# predictive unit at all the two one-sided bounds between which the truth lies
sizes = [r["grid_units"] for r in independent]
_, clu_lo, clu_hi = cluster_bootstrap_share(
    [r["shift_predictive"] for r in independent], sizes, seed=cfg.rng_seed)
ind_bound, clu_bound = zero_share_bounds(sizes)
share_interval = (f"bootstrap over networks {100 * clu_lo:.1f} to {100 * clu_hi:.1f} %"
                  if k_pred else f"none in any network: at most {100 * ind_bound:.1f} % if "
                  f"units were independent, at most {100 * clu_bound:.0f} % if the units of a "
                  "network were all alike (one-sided 95 % bounds)")
glue("net_share_interval", share_interval, display=False)
# Ouchi & Fujisawa's own rule with the calibrated shuffles, like for like with their 28 %:
# predictive units among the units their rule counts as grid cells (all but low-grid)
o_k = [r["ouchi_predictive"] for r in independent]
o_n = [sum(v for key, v in r.items() if key.startswith("ouchi_") and key != "ouchi_low-grid")
       for r in independent]
o_share, o_lo, o_hi = cluster_bootstrap_share(o_k, o_n, seed=cfg.rng_seed)
glue("ouchi_net_k", str(sum(o_k)), display=False)
glue("ouchi_net_n", str(sum(o_n)), display=False)
glue("ouchi_net_share", f"{100 * o_share:.1f}", display=False)
glue("ouchi_net_lo", f"{100 * o_lo:.1f}", display=False)
glue("ouchi_net_hi", f"{100 * o_hi:.1f}", display=False)
glue("ouchi_net_with", str(sum(k > 0 for k in o_k)), display=False)

# %% [markdown]
# ```{glue:figure} tab-networks-md
# :name: tab-networks
#
# Classes of the grid units of each network (``shift`` criterion), the median preferred
# shift of all its grid units (cm; positive: the map is sharpest ahead of the animal), and
# the earlier rules' predictive count on the same network. The first row is this book's
# network, analysed live; when its weights equal an ensemble member's the row says which
# (its float16 twin: the same recipe and seed on this CPU type; or that member itself, when
# the build fell back to it).
# ```

# %% [markdown]
# Over {glue:text}`n_networks` independently trained networks,
# {glue:text}`net_pred_total` of {glue:text}`net_grid_total` grid units are predictive.
# Units of one network share a lattice, so they are not independent samples, and a
# Wilson interval over the pooled units (here {glue:text}`net_pool_lo` to
# {glue:text}`net_pool_hi` %) is too narrow; the interval that respects the networks is:
# {glue:text}`net_share_interval`.
#
# **Like for like with Ouchi & Fujisawa.** Their own rule (a significant best future
# gridness while gridness at zero shift is not), run with the calibrated shuffles on the
# same networks, calls {glue:text}`ouchi_net_k` of {glue:text}`ouchi_net_n` units that it
# counts as grid cells predictive ({glue:text}`ouchi_net_share` %, bootstrap over networks
# {glue:text}`ouchi_net_lo` to {glue:text}`ouchi_net_hi` %), in
# {glue:text}`ouchi_net_with` of {glue:text}`n_networks` networks: units whose gridness at
# zero shift just misses significance while a future shift's reaches it. Their rule reads
# significance, not where the map is sharpest, so its label alone does not place a map
# ahead of the animal; the ``shift`` classes of {numref}`tab-networks` do.
#
# ## Networks trained to predict
# Re-indexing a unit's activity by a known shift tests the arithmetic of the analysis, not
# whether it would see prediction that a network learned. The direct test: networks of the
# CPU recipe trained to report the place code a few steps *ahead* (`target_shift`), analysed
# exactly as the others (`experiments/predictive_networks.py --out
# experiments/results/predictive_controls.jsonl`). Their grid units should be found
# predictive at about the trained shift, judged against where path-integrating networks'
# grid units are sharpest, which need not be zero shift. {glue:text}`baseline_sentence`
# {glue:text}`control_sentence`
#
# **Power.** Would the analysis have seen a predictive minority had there been one? A known
# share of a network's own grid units is advanced by a known shift, and the per-unit
# detection and false-positive rates give the chance that the count of predictive labels
# exceeds what unshifted units give at 5 % (`gridcells.predictive.power`,
# `benchmarks/results/predictive_power.json`). {glue:text}`power_sentence`

# %% tags=["remove-cell"]
CONTROLS = Path("experiments/results/predictive_controls.jsonl")
controls = report.latest_rows(str(CONTROLS), "network")
# the baseline: path-integrating networks of the controls' size (the recorded ones)
control_Ng = {r["Ng"] for r in controls}
baseline = predictive_text.shift_baseline([r for r in recorded if r.get("Ng") in control_Ng])
glue("baseline_sentence", predictive_text.baseline_sentence(baseline), display=False)
glue("control_sentence", predictive_text.positive_control_sentence(
    controls, baseline, cfg.min_shift_cm), display=False)
glue("control_summary", predictive_text.control_summary(controls, baseline), display=False)
glue("control_conclusion", predictive_text.control_conclusion(
    controls, baseline, cfg.min_shift_cm), display=False)
POWER = read_json("benchmarks/results/predictive_power.json")
glue("power_sentence", predictive_text.power_sentence(
    POWER["headline"]["network"]["shift"]["0"], POWER["headline"]["network"]["ouchi"]["0"],
    f"the grid units of the {network_label(POWER['book_network']['name'])}"),
    display=False)

# %% [markdown]
# ## Against the published figures

# %% tags=["remove-cell"]
rows = [
    {"": "predictive share of grid cells", "Ouchi & Fujisawa 2024 (rat MEC)": "about 28 %",
     "earlier analysis (5 networks)": "9-37 of 512 units (thresholds only)",
     "this book, across networks": f"{m:.1f} % ({share_interval})" if k_pred
     else share_interval},
    {"": "preferred shift of predictive cells", "Ouchi & Fujisawa 2024 (rat MEC)":
     "22.5 ± 10.2 cm", "earlier analysis (5 networks)": "about +12 cm (argmax)",
     "this book, across networks": "the table of networks above"},
    {"": "how the shift is defined", "Ouchi & Fujisawa 2024 (rat MEC)":
     "distance along the path; gridness peak", "earlier analysis (5 networks)":
     "time (steps); argmax of gridness", "this book, across networks":
     "time (steps); sharpness peak, jackknife interval"},
    {"": "significance", "Ouchi & Fujisawa 2024 (rat MEC)": "shuffles",
     "earlier analysis (5 networks)": "none (shuffles off)",
     "this book, across networks": "group-wise circular shuffles, measured level"},
]
glue("tab-published-md", Markdown(report.markdown_table(rows)), display=False)

# %% [markdown]
# ```{glue:figure} tab-published-md
# :name: tab-published
#
# This book's predictive figures beside Ouchi & Fujisawa (2024) and the
# earlier public analysis. Ouchi & Fujisawa's other two classes (phase precession, phase
# locking) are defined by theta phase, which this model does not have.
# ```

# %% [markdown]
# ## Conclusion
# {glue:text}`verdict` The answer rests on a shift estimator that recovers known shifts
# ({glue:text}`truth_sharp` % within 3 cm), a shuffle test whose false-positive rate was
# measured (at most {glue:text}`fp_max` % at 5 %), and {glue:text}`n_networks` networks. The
# earlier analysis's predictive units are explained by its argmax on flat gridness curves
# and by shifts at the edge of its short paths; {glue:text}`earlier_survive` of its
# {glue:text}`earlier_pred` on this network survive. {glue:text}`control_summary`
# {glue:text}`control_conclusion`

# %% tags=["remove-cell"]
ngs = sorted({r.get("Ng") or network_units(r["network"]) for r in independent})
scope = (f"the {len(share)} shipped networks of {' or '.join(map(str, ngs))} units analysed "
         "(the CPU model and the ensemble's members)")
verdict = sentences.predictive_verdict(share, k_pred, n_grid, (ind_bound, clu_bound), scope,
                                       cfg.min_shift_cm)
glue("verdict", verdict, display=False)
# verdicts for the "Against the paper" page: the published figure against this book's interval
glue("verdict_share", "not reproduced" if not k_pred else "reproduced"
     if 100 * clu_lo <= 28 <= 100 * clu_hi else "partly" if 100 * clu_hi >= 10
     else "not reproduced", display=False)
glue("verdict_ouchi", "reproduced" if 100 * o_lo <= 28 <= 100 * o_hi else "partly"
     if 100 * o_hi >= 10 else "not reproduced", display=False)
n_earlier = int(e_pred.sum())
# the published count is 9-37 units of 512: inside it the count is reproduced, outside not
glue("verdict_earlier", "reproduced" if 9 <= n_earlier <= 37 else "not reproduced (more units)"
     if n_earlier > 37 else "not reproduced (fewer units)", display=False)
glue("verdict_shift", "not reproduced" if not pred.any() else "reproduced"
     if abs(np.median(main.preferred_cm[pred]) - 22.5) <= 10.2 else "partly", display=False)

# %% [markdown]
# ## What's next
# The ablation chapter silences the predictive units and asks whether the network needs them.
#
# ## Provenance

# %% tags=["remove-input"]
report.show_provenance(cfg, params_file, uses="predictive")
