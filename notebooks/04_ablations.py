# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
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
# - {glue:text}`abl_verdict`
# - {glue:text}`abl_live_sentence`
# - The {glue:text}`earlier_k` units the earlier analysis's rules call predictive in this
#   network cost {glue:text}`earlier_err` cm when silenced, against
#   {glue:text}`earlier_rand` cm for random sets (p = {glue:text}`earlier_p`) and
#   {glue:text}`earlier_matched` cm for sets matched to them in gridness (p =
#   {glue:text}`earlier_p_matched`).
# - {glue:text}`across_sentence`
# ```
#
# If predictive units carried information the network relies on, silencing them should hurt
# path integration more than silencing as many units chosen at random. A silenced unit is
# removed from the circuit (its input, recurrent and output weights are zeroed), and the
# decoding error is measured on one fixed set of evaluation paths for every condition. The
# test is the rank of the predictive set's error among
# ``ablation_random_trials`` size-matched random sets of the other analysed units: the
# p-value is (1 + the number of random sets at least as harmful) / (sets + 1).

# %% tags=["remove-cell"]
import numpy as np
from IPython.display import Markdown
from myst_nb import glue
from scipy.stats import binomtest

import gridcells as gc
from gridcells import plotting, report, study
from gridcells.predictive import PredictiveResult

# %% tags=["parameters", "remove-cell"]
params_file = "params/default.yaml"
run_dir = None

# %% tags=["remove-cell"]
cfg, run_dir = report.start_notebook(params_file, run_dir, globals(), show=False)
model = gc.load_model(run_dir)
labels = PredictiveResult.load(f"{run_dir}/analysis/predictive").main.labels
NETWORKS = "experiments/results/predictive_networks.jsonl"

# %% [markdown]
# ## The network trained in this book

# %% tags=["remove-cell"]
abl = study.ablation_study(model, cfg, labels, cfg.rng_seed)
abl.save(f"{run_dir}/analysis/predictive/ablation.json")
fmt = "{:.2f}".format
if abl.predictive_error_cm is not None and abl.random_errors_cm:
    rand = abl.random_errors_cm
    live = (f"silencing its {abl.n_predictive} predictive units raises the decoding error "
            f"from {fmt(abl.intact_error_cm)} to {fmt(abl.predictive_error_cm)} cm; as many "
            f"random other units raise it to {fmt(np.mean(rand))} cm on average (range "
            f"{fmt(min(rand))}-{fmt(max(rand))} cm; rank p-value {abl.p_random:.3f} among "
            f"{len(rand)} random sets).")
    glue("abl_live_sentence", "In the network trained in this book, " + live, display=False)
    glue("abl_live_text", "With the shift criterion, " + live, display=False)
else:
    none = (f"The network trained in this book has no predictive units under the shift "
            f"criterion (the predictive chapter), so there is nothing of its own to silence; "
            f"it decodes at {fmt(abl.intact_error_cm)} cm intact.")
    glue("abl_live_sentence", none, display=False)
    glue("abl_live_text", none, display=False)
fig, ax = plotting.plt.subplots(figsize=(4.5, 3.2), layout="constrained")
plotting.ablation_bars(abl.intact_error_cm, abl.predictive_error_cm, abl.random_errors_cm,
                       abl.zero_lag_errors_cm, ax=ax)
glue("fig_ablation", fig, display=False)
plotting.plt.close(fig)

# %% [markdown]
# ```{glue:figure} fig_ablation
# :name: fig-ablation
#
# Decoding error (cm) of the network trained in this book: intact, with its predictive units
# silenced, and with as many randomly chosen other units (points) or zero-lag units (points,
# when there are enough) silenced.
# ```
#
# {glue:text}`abl_live_text` This is one network; the last section asks the question
# across networks.
#
# ## The earlier analysis's predictive units
# The earlier analysis called many units of its networks predictive and silenced them. Do
# the units its rules pick in this network matter more than random units? Its rules
# (the predictive chapter) pick {glue:text}`earlier_k` units here; silencing them gives
# {glue:text}`earlier_err` cm against {glue:text}`earlier_rand` cm for as many random
# units (rank p-value {glue:text}`earlier_p`; {numref}`fig-ablation-earlier`). But its
# rules require gridness of at least 0.5 at zero shift, so they pick the network's
# strongest grid units (mean zero-shift gridness {glue:text}`earlier_grid` against
# {glue:text}`all_grid` over all units). The control for that is a set matched to them unit
# by unit in the same gridness (for each unit, one drawn from the five other units nearest
# in gridness): silencing such sets gives {glue:text}`earlier_matched` cm (rank p-value
# {glue:text}`earlier_p_matched`). {glue:text}`earlier_verdict`

# %% tags=["remove-cell"]
row_e, abl_e, earlier = study.earlier_ablation(model, cfg, cfg.rng_seed + 1)
glue("earlier_k", str(abl_e.n_predictive), display=False)
glue("all_grid", fmt(row_e["all_gridness"]), display=False)
if abl_e.predictive_error_cm is not None and abl_e.random_errors_cm:
    glue("earlier_err", fmt(abl_e.predictive_error_cm), display=False)
    glue("earlier_rand", fmt(np.mean(abl_e.random_errors_cm)), display=False)
    glue("earlier_p", f"{abl_e.p_random:.3f}", display=False)
    glue("earlier_grid", fmt(row_e["earlier_gridness"]), display=False)
    glue("earlier_matched", fmt(row_e["err_matched_mean_cm"]), display=False)
    glue("earlier_p_matched", f"{abl_e.p_matched:.3f}", display=False)
    glue("earlier_verdict", "So these units matter more than equally grid-like units of the "
         "same network; as their maps are sharpest at the present position (the predictive "
         "chapter), that is not a sign of prediction." if abl_e.p_matched <= 0.05 else
         "Against equally grid-like units their cost is not distinguishable: what the "
         "network loses with them is what it loses with any of its strongest grid units, "
         "not something predictive.",
         display=False)
else:
    for key in ("earlier_err", "earlier_rand", "earlier_p", "earlier_grid", "earlier_matched",
                "earlier_p_matched"):
        glue(key, "n/a (no units)", display=False)
    glue("earlier_verdict", "", display=False)
fig, ax = plotting.plt.subplots(figsize=(5, 3.2), layout="constrained")
plotting.ablation_bars(abl_e.intact_error_cm, abl_e.predictive_error_cm,
                       abl_e.random_errors_cm, abl_e.zero_lag_errors_cm, ax=ax,
                       matched=abl_e.matched_errors_cm)
glue("fig_ablation_earlier", fig, display=False)
plotting.plt.close(fig)

# %% [markdown]
# ```{glue:figure} fig_ablation_earlier
# :name: fig-ablation-earlier
#
# As {numref}`fig-ablation`, silencing the units the earlier analysis's rules call
# predictive in the network trained in this book (its "predictive" bar), against random sets
# of as many other units, of the units its rules call zero-lag, and of units matched to
# them one by one in zero-shift gridness.
# ```
#
# ## Across networks
# Every network of the shipped ensemble, and the shipped CPU model, is put through the same
# test (`experiments/earlier_ablation.py`, recorded in
# `experiments/results/earlier_ablation.jsonl`; {numref}`tab-ablation-networks`).

# %% tags=["remove-cell"]
EARLIER = "experiments/results/earlier_ablation.jsonl"
rows = [r for r in report.latest_rows(EARLIER, "network") if r.get("p_matched") is not None]
table = [{"network": r["network"].removeprefix("pretrained:"),
          "units": r["earlier_predictive"], "their gridness": r["earlier_gridness"],
          "intact": r["err_intact_cm"], "silenced": r["err_earlier_cm"],
          "random sets": r["err_random_mean_cm"], "matched sets": r["err_matched_mean_cm"],
          "p random": r["p_random"], "p matched": r["p_matched"]} for r in rows]
glue("tab-ablation-networks-md", Markdown(report.markdown_table(table, digits=3) if rows
     else "*(no network recorded)*"), display=False)
d_rand = [r["err_earlier_cm"] - r["err_random_mean_cm"] for r in rows]
d_match = [r["err_earlier_cm"] - r["err_matched_mean_cm"] for r in rows]
mr, lor, hir = gc.stats.t_interval(d_rand)
mm, lom, him = gc.stats.t_interval(d_match)
sig_r = sum(r["p_random"] <= 0.05 for r in rows)
sig_m = sum(r["p_matched"] <= 0.05 for r in rows)
# the other tail: the set costs less than at least 95 % of the matched sets
less_m = sum(r["p_matched"] >= 0.95 + 1 / (r["trials"] + 1) for r in rows)
glue("ea_nets", str(len(rows)), display=False)
glue("ea_rand", f"{mr:.2f} cm (95 % interval {lor:.2f} to {hir:.2f})", display=False)
glue("ea_match", f"{mm:.2f} cm (95 % interval {lom:.2f} to {him:.2f})", display=False)
glue("ea_sig_r", str(sig_r), display=False)
glue("ea_sig_m", str(sig_m), display=False)
# how many networks reach p <= 0.05 against matched sets, against chance (one in twenty)
count_p = binomtest(sig_m, len(rows), 0.05, alternative="greater").pvalue if rows else 1.0
glue("ea_count_p", f"{count_p:.1g}", display=False)
apart = lom > 0 or count_p <= 0.05  # more than grid-like units: on average, or in too many
if not rows:
    across = "No network's earlier-rule units have been recorded across networks."
else:
    across = (f"Across {len(rows)} networks, silencing the earlier rules' units costs "
              f"{mr:.2f} cm more than random sets (95 % interval {lor:.2f} to {hir:.2f}) and "
              f"{mm:+.2f} cm against gridness-matched sets (95 % interval {lom:.2f} to "
              f"{him:.2f}); {sig_m} of {len(rows)} networks reach p <= 0.05 against matched "
              f"sets (binomial p = {count_p:.1g} against one in twenty by chance). ")
    if less_m:
        across += (f"In {less_m} other networks they cost less than at least 95 % of the "
                   "matched sets. ")
    if apart:
        across += ("So in some networks these units matter more than equally grid-like ones"
                   + (", in others less" if less_m else "") + ". Their maps are sharpest at "
                   "the present position (the predictive chapter), so what sets them apart is "
                   "not prediction; what it is is not examined here.")
    else:
        across += "Their cost is that of strong grid units."
glue("across_sentence", across, display=False)
shift_rows = report.latest_rows(NETWORKS, "network")
with_pred = [r for r in shift_rows if r.get("ablation_p") is not None]
glue("shift_nets", str(len(shift_rows)), display=False)
glue("shift_with_pred", str(len(with_pred)), display=False)
if not with_pred:
    verdict = (f"None of the {len(shift_rows)} networks analysed in the predictive chapter "
               "has predictive units, so there are none to silence.")
    if rows:
        verdict += (" The units the earlier analysis called predictive cost "
                    + ("more than" if lor > 0 else "not distinguishably more than")
                    + " random units when silenced, " + (
                        "and in some networks more than equally grid-like units too"
                        + (" (in others less)" if less_m else "") + ", though their maps are "
                        "sharpest at the present position." if apart else
                        "but no more than equally grid-like units: they are strong grid "
                        "units, not predictive ones."))
else:
    d = [r["err_predictive_cm"] - r["err_random_mean_cm"] for r in with_pred]
    m, lo, hi = gc.stats.t_interval(d)
    verdict = (f"In the {len(with_pred)} networks with predictive units, silencing them costs "
               f"{m:.2f} cm more than random sets on average (95 % interval {lo:.2f} to "
               f"{hi:.2f}).")
glue("abl_verdict", verdict, display=False)

# %% [markdown]
# ```{glue:figure} tab-ablation-networks-md
# :name: tab-ablation-networks
#
# The units the earlier analysis's rules call predictive, silenced in each network: how many
# and their mean zero-shift gridness; decoding error (cm) intact, with them silenced, and the
# means over random, and gridness-matched, sets of as many units; the rank p-values against
# each.
# ```
#
# Silencing the earlier rules' units costs {glue:text}`ea_rand` more than random sets, and
# {glue:text}`ea_match` more than gridness-matched sets, across {glue:text}`ea_nets`
# networks; {glue:text}`ea_sig_r` and {glue:text}`ea_sig_m` of them reach p <= 0.05 against
# random and matched sets, where chance alone would give about one in twenty (binomial
# p = {glue:text}`ea_count_p` for the matched count). The matched sets equal the earlier
# rules' units in zero-shift gridness only; they may differ in other ways (spacing, field
# size, firing rate) that this control does not hold fixed.
# {glue:text}`shift_with_pred` of the {glue:text}`shift_nets` networks of the predictive
# chapter have predictive units under the shift criterion.
#
# ## Summary
# {glue:text}`abl_verdict`
#
# ## What's next
# The pattern-formation chapter explains, from the place-cell covariance alone, why
# hexagonal maps form.
#
# ## Provenance

# %% tags=["remove-input"]
report.show_provenance(cfg, params_file)
