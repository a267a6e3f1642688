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
# # Ablations: does the network need its predictive units?
#
# ```{admonition} Key findings
# :class: tip
# - {glue:text}`abl_verdict` {glue:text}`working_verdict`
# - {glue:text}`abl_live_sentence`
# - {glue:text}`earlier_sentence`
# - {glue:text}`across_sentence`
# - {glue:text}`working_sentence`
# ```
#
# If predictive units carried information the network relies on, silencing them should hurt
# path integration more than silencing as many units chosen at random. A silenced unit is
# removed from the circuit (its input, recurrent and output weights are zeroed), and the
# decoding error is measured on one fixed set of evaluation paths for every condition. The
# test is the rank of the predictive set's error among
# {glue:text}`abl_trials` (``ablation_random_trials``) size-matched random sets of the
# other analysed units: the
# p-value is (1 + the number of random sets at least as harmful) / (sets + 1).

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
from gridcells.book import plots, report, sentences
from gridcells.predictive import study
from gridcells.predictive.classes import PredictiveResult
from gridcells.records import experiments as recorded
from gridcells.stats import t_interval

# %% tags=["parameters", "remove-cell"]
params_file = "params/default.yaml"
run_dir = None

# %% tags=["remove-cell"]
cfg, run_dir = report.start_notebook(params_file, run_dir, globals(), show=False)
model = gc.load_model(run_dir)
labels = PredictiveResult.load(f"{run_dir}/analysis/predictive").main.labels
NETWORKS = "experiments/results/predictive_networks.jsonl"

# %% tags=["remove-input"]
report.show_network_notice()

# %% [markdown]
# ## This book's network

# %% tags=["remove-cell"]
abl = study.ablation_study(model, cfg, labels, cfg.rng_seed)
abl.save(f"{run_dir}/analysis/predictive/ablation.json")
fmt = "{:.1f}".format
glue("abl_trials", str(cfg.ablation_random_trials), display=False)
if abl.predictive_error_cm is not None and abl.random_errors_cm:
    rand = abl.random_errors_cm
    live = (f"silencing its {abl.n_predictive} predictive units raises the decoding error "
            f"from {fmt(abl.intact_error_cm)} to {fmt(abl.predictive_error_cm)} cm; as many "
            f"random other units raise it to {fmt(np.mean(rand))} cm on average (range "
            f"{fmt(min(rand))}-{fmt(max(rand))} cm; rank p-value {abl.p_random:.3f} among "
            f"{len(rand)} random sets).")
    glue("abl_live_sentence", "In this book's network, " + live, display=False)
    glue("abl_live_text", "With the shift criterion, " + live, display=False)
else:
    none = (f"This book's network has no predictive units under the shift "
            f"criterion (the predictive chapter), so there is nothing of its own to silence; "
            f"it decodes at {fmt(abl.intact_error_cm)} cm intact.")
    glue("abl_live_sentence", none, display=False)
    glue("abl_live_text", none, display=False)
fig, ax = plt.subplots(figsize=(4.5, 3.2), layout="constrained")
plots.ablation_bars(abl.intact_error_cm, abl.predictive_error_cm, abl.random_errors_cm,
                       abl.zero_lag_errors_cm, ax=ax)
glue("fig_ablation", fig, display=False)
plt.close(fig)
glue("fig_ablation_caption", "Decoding error (cm) of this book's network: "
     "intact, with its predictive units silenced, and with as many randomly chosen other "
     "units (points)" + (" or zero-lag units (points)" if abl.zero_lag_errors_cm else "")
     + " silenced." if abl.predictive_error_cm is not None else
     "Decoding error (cm) of this book's network, intact: it has no predictive "
     "units under the shift criterion, so nothing is silenced and no control sets are drawn.",
     display=False)

# %% [markdown]
# ```{glue:figure} fig_ablation
# :name: fig-ablation
#
# {glue:text}`fig_ablation_caption`
# ```
#
# {glue:text}`abl_live_text` This is one network; the last section asks the question
# across networks.
#
# ## The earlier analysis's predictive units
# The earlier analysis called many units of its networks predictive and silenced them. Do
# the units its rules pick in this network matter more than random units? Its rules
# (the predictive chapter) pick {glue:text}`earlier_k` units here; {glue:text}`earlier_result`
# ({numref}`fig-ablation-earlier`). But its rules require gridness of at least 0.5 at zero
# shift, so they pick the network's strongest grid units{glue:text}`earlier_grid_clause`.
# The control for that is a set matched to them unit by unit in the same gridness (for each
# unit, one drawn from the five other units nearest in
# gridness){glue:text}`earlier_matched_clause`. {glue:text}`earlier_verdict`

# %% tags=["remove-cell"]
row_e, abl_e, earlier = study.earlier_ablation(model, cfg, cfg.rng_seed + 1)
glue("earlier_k", str(abl_e.n_predictive), display=False)
if abl_e.predictive_error_cm is not None and abl_e.matched_errors_cm:
    glue("earlier_sentence", f"The {abl_e.n_predictive} units the earlier analysis's rules "
         f"call predictive in this network cost {fmt(abl_e.predictive_error_cm)} cm when "
         f"silenced, against {fmt(np.mean(abl_e.random_errors_cm))} cm for random sets "
         f"(p = {abl_e.p_random:.2f}) and {fmt(np.mean(abl_e.matched_errors_cm))} cm for sets "
         f"matched to them in gridness (p = {abl_e.p_matched:.2f}).", display=False)
else:
    glue("earlier_sentence", "The earlier analysis's rules call no unit of this network "
         "predictive.", display=False)
glue("all_grid", fmt(row_e["all_gridness"]), display=False)
if abl_e.predictive_error_cm is not None and abl_e.random_errors_cm:
    glue("earlier_err", fmt(abl_e.predictive_error_cm), display=False)
    glue("earlier_rand", fmt(np.mean(abl_e.random_errors_cm)), display=False)
    glue("earlier_p", f"{abl_e.p_random:.2f}", display=False)
    glue("earlier_grid", fmt(row_e["earlier_gridness"]), display=False)
    glue("earlier_matched", fmt(row_e["err_matched_mean_cm"]), display=False)
    glue("earlier_p_matched", f"{abl_e.p_matched:.2f}", display=False)
    glue("earlier_verdict", "So in this one network these units matter more than equally "
         "grid-like units of the same network (across networks, see below); as their maps "
         "are sharpest at the present position (the predictive chapter), that is not a sign "
         "of prediction." if abl_e.p_matched <= 0.05 else
         "In this one network, against equally grid-like units their cost is not "
         "distinguishable: what the "
         "network loses with them is what it loses with any of its strongest grid units, "
         "not something predictive.",
         display=False)
    glue("earlier_result", f"silencing them gives {fmt(abl_e.predictive_error_cm)} cm against "
         f"{fmt(np.mean(abl_e.random_errors_cm))} cm for as many random units (rank p-value "
         f"{abl_e.p_random:.2f})", display=False)
    glue("earlier_grid_clause", f" (mean zero-shift gridness {fmt(row_e['earlier_gridness'])} "
         f"against {fmt(row_e['all_gridness'])} over all units)", display=False)
    glue("earlier_matched_clause", ": silencing such sets gives "
         f"{fmt(row_e['err_matched_mean_cm'])} cm (rank p-value {abl_e.p_matched:.2f})",
         display=False)
else:
    glue("earlier_result", "with none to silence, there is no cost to compare with random "
         "units", display=False)
    glue("earlier_grid_clause", " (none here; the mean zero-shift gridness over all units is "
         f"{fmt(row_e['all_gridness'])})", display=False)
    glue("earlier_matched_clause", ", which has nothing to match here", display=False)
    glue("earlier_verdict", "", display=False)
fig, ax = plt.subplots(figsize=(5, 3.2), layout="constrained")
plots.ablation_bars(abl_e.intact_error_cm, abl_e.predictive_error_cm,
                       abl_e.random_errors_cm, abl_e.zero_lag_errors_cm, ax=ax,
                       matched=abl_e.matched_errors_cm)
glue("fig_ablation_earlier", fig, display=False)
plt.close(fig)
glue("earlier_controls_caption", recorded.listing(
    [name for name, errs in (("random sets of as many other units", abl_e.random_errors_cm),
                             ("sets of the units its rules call zero-lag",
                              abl_e.zero_lag_errors_cm),
                             ("units matched to them one by one in zero-shift gridness",
                              abl_e.matched_errors_cm)) if errs] or ["no control set (none "
                                                                     "to silence)"]),
     display=False)

# %% [markdown]
# ```{glue:figure} fig_ablation_earlier
# :name: fig-ablation-earlier
#
# Silencing the units the earlier analysis's rules call predictive in this book's network
# (its "predictive" bar), against {glue:text}`earlier_controls_caption`.
# ```
#
# ## Across networks
# Every network of the shipped ensemble, and the shipped CPU model, is put through the same
# test (`experiments/earlier_ablation.py`, recorded in
# `experiments/results/earlier_ablation.jsonl`; {numref}`tab-ablation-networks`).

# %% tags=["remove-cell"]
EARLIER = "experiments/results/earlier_ablation.jsonl"
rows = [r for r in report.latest_rows(EARLIER, "network") if r.get("p_matched") is not None]
table = [{"network": recorded.network_label(r["network"]),
          "units": r["earlier_predictive"], "gridness": f"{r['earlier_gridness']:.2f}",
          "intact": f"{r['err_intact_cm']:.1f}", "silenced": f"{r['err_earlier_cm']:.1f}",
          "random": f"{r['err_random_mean_cm']:.1f}",
          "matched": f"{r['err_matched_mean_cm']:.1f}",
          "p rand.": f"{r['p_random']:.2f}", "p match.": f"{r['p_matched']:.2f}"}
         for r in rows]
glue("tab-ablation-networks-md", Markdown(report.markdown_table(table, digits=3) if rows
     else "*(no network recorded)*"), display=False)
ab = sentences.ablation_across(rows)
glue("ea_nets", str(len(rows)), display=False)
if rows:
    glue("ea_sig_r", str(sum(r["p_random"] <= 0.05 for r in rows)), display=False)
    glue("ea_k_range", recorded.span([r["earlier_predictive"] for r in rows]), display=False)
    glue("ea_intact_range", recorded.span([r["err_intact_cm"] for r in rows], 1),
         display=False)
    glue("ea_silenced_range", recorded.span([r["err_earlier_cm"] for r in rows]),
         display=False)
glue("across_sentence", " ".join([ab["across"], ab["heterogeneity"], ab["equivalence"]]),
     display=False)
glue("ea_scale", ab["scale"], display=False)
# the live network's twin among the members (same weights, not merely the same seed)
twin, same_file = sentences.book_twin(model, cfg.pretrained)
twin_row = next((r for r in rows if twin and r["network"].endswith("/" + twin)), None)
glue("ea_twin", sentences.twin_row_sentence(
    f"ensemble {twin}" if twin else None, row_e, twin_row,
    ("err_intact_cm", "err_earlier_cm", "err_random_mean_cm", "err_matched_mean_cm"),
    same_file=same_file), display=False)
shift_rows = report.latest_rows(NETWORKS, "network")
with_pred = [r for r in shift_rows if r.get("ablation_p") is not None]
glue("shift_nets", str(len(shift_rows)), display=False)
glue("shift_with_pred", str(len(with_pred)), display=False)
sizes = {n: sum(r["Ng"] == n for r in shift_rows) for n in sorted({r["Ng"] for r in shift_rows})}
if not with_pred:
    verdict = (f"None of the {len(shift_rows)} networks analysed in the predictive chapter ("
               + " and ".join(f"{c} of {n} units" for n, c in sizes.items())
               + ") has predictive units, so there are none to silence.")
    if rows:
        hit = [r["err_earlier_cm"] for r in rows]
        verdict += (" Silenced all at once, which takes the networks to errors of "
                    f"{min(hit):.0f}-{max(hit):.0f} cm, the units the earlier analysis called "
                    "predictive cost "
                    + ("more than random units on average. " if ab["lor"] > 0
                       else "less than random units on average. " if ab["hir"] < 0
                       else "about what random units cost. ")
                    + ab["equivalence"])
else:
    d = [r["err_predictive_cm"] - r["err_random_mean_cm"] for r in with_pred]
    m, lo, hi = t_interval(d)
    verdict = (f"In the {len(with_pred)} networks with predictive units, silencing them costs "
               f"{m:.2f} cm more than random sets on average (95 % interval {lo:.2f} to "
               f"{hi:.2f}).")
glue("abl_verdict", verdict, display=False)

# %% [markdown]
# ```{glue:figure} tab-ablation-networks-md
# :name: tab-ablation-networks
#
# The units the earlier analysis's rules call predictive, silenced in each network (the
# shipped CPU model and the ensemble's members by seed): how many and their mean zero-shift
# gridness; decoding error (cm) intact, with them silenced, and the means over random and
# over gridness-matched sets of as many units; the rank p-values against each.
# ```
#
# {glue:text}`across_sentence` Against random sets, {glue:text}`ea_sig_r` of the
# {glue:text}`ea_nets` networks reach p <= 0.05. A network's p-value compares its set
# with sets drawn from its own few units of equal gridness; it says that set differs from
# them, in either direction, not that such units matter in general. The matched sets equal
# the earlier rules' units in zero-shift gridness only; they may differ in other ways
# (spacing, field size, firing rate) that this control does not hold fixed.
# {glue:text}`ea_scale` {glue:text}`ea_twin`
#
# ## At a working error
# Silencing all of a network's earlier-rule units at once takes it far from path
# integration, where every strong set breaks decoding alike. The same question at a working
# error (`experiments/working_ablation.py`, `experiments/results/working_ablation.jsonl`):
# per network, random sets of {glue:text}`dose_sizes` units give the dose-response of the error
# ({numref}`fig-ablation-dose`); the largest size whose mean error stays within twice the
# intact error is the working size; at that size, random subsets of the earlier rules' units
# are silenced against as many random sets of the other units and sets matched to each
# subset in zero-shift gridness ({numref}`tab-ablation-working`; one-sided Mann-Whitney
# p-values, small when the earlier rules' units cost more).

# %% tags=["remove-cell"]
WORKING = Path("experiments/results/working_ablation.jsonl")
wrows = [r for r in report.latest_rows(str(WORKING), "network") if r.get("working_size")] \
    if WORKING.exists() else []
wtable = [{"network": recorded.network_label(r["network"]), "units": r["earlier_predictive"],
           "working size": r["working_size"], "intact": f"{r['err_intact_cm']:.1f}",
           "subsets": f"{r['err_earlier_cm']:.1f}", "random": f"{r['err_random_mean_cm']:.1f}",
           "matched": f"{r['err_matched_mean_cm']:.1f}", "p rand.": f"{r['p_random']:.2g}",
           "p match.": f"{r['p_matched']:.2g}"} for r in wrows]
dose_keys = sorted({int(k) for r in wrows for k in r["dose_mean_cm"]})
glue("dose_sizes", f"{dose_keys[0]} to {dose_keys[-1]}" if dose_keys else "several sizes of",
     display=False)
glue("tab-ablation-working-md", Markdown(report.markdown_table(wtable) if wrows
     else "*(no network recorded yet)*"), display=False)
# at a working error the errors are a few cm, so the equivalence margin scales with them
w_margin = 0.2 * float(np.mean([r["err_intact_cm"] for r in wrows])) if wrows else 1.0
wab = sentences.ablation_across(wrows, margin_cm=w_margin,
                                margin_why="a fifth of the mean intact error")
glue("working_sentence", "At a working error, " + " ".join(
    [wab["across"][0].lower() + wab["across"][1:], wab["heterogeneity"], wab["equivalence"],
     wab["scale"]]) if wrows else
     "The comparison at a working error has not been recorded yet.", display=False)
glue("working_verdict", f"At a working error (subsets of up to "
     f"{max(r['working_size'] for r in wrows)} units) they cost {wab['mr']:+.1f} cm against "
     f"random sets (95 % interval {wab['lor']:.1f} to {wab['hir']:.1f}): "
     + ("more than random units. " if wab["lor"] > 0 else "less than random units. "
        if wab["hir"] < 0 else "not distinguishable from random units. ")
     + wab["equivalence"] if wrows else "", display=False)
fig, ax = plt.subplots(figsize=(plots.MAX_WIDTH * 0.7, 3.2), layout="constrained")
for r in wrows:
    sizes = sorted(int(k) for k in r["dose_mean_cm"])
    ax.plot(sizes, [r["dose_mean_cm"][str(k)] / r["err_intact_cm"] for k in sizes],
            color="0.5", marker="o", ms=3, lw=1)
ax.axhline(2.0, color="tab:red", ls="--", label="twice the intact error")
ax.set_xscale("log", base=2)
ax.set_xticks(dose_keys, [str(t) for t in dose_keys])
ax.set_xlabel("units silenced (random sets)")
ax.set_ylabel("error / intact error")
ax.legend(loc="upper left")
glue("fig-ablation-dose", fig, display=False)
plt.close(fig)

# %% [markdown]
# ```{glue:figure} fig-ablation-dose
# :name: fig-ablation-dose
#
# Dose-response of silencing: the mean decoding error of random sets of each size,
# relative to the intact network's, one line per network. The working size is the largest
# size below the dashed line.
# ```
#
# ```{glue:figure} tab-ablation-working-md
# :name: tab-ablation-working
#
# Silencing at the working size: each network's earlier-rule units (count), the working
# size, and the mean decoding error (cm) intact, of random subsets of those units, of random
# sets of the other units and of gridness-matched sets, with one-sided p-values.
# ```
#
# {glue:text}`working_sentence`
# {glue:text}`shift_with_pred` of the {glue:text}`shift_nets` networks of the predictive
# chapter have predictive units under the shift criterion.
#
# ## Summary
# {glue:text}`abl_verdict` {glue:text}`working_verdict`
#
# ## What's next
# The pattern-formation chapter explains, from the place-cell covariance alone, why
# hexagonal maps form.
#
# ## Provenance

# %% tags=["remove-input"]
report.show_provenance(cfg, params_file, uses="ablations")
