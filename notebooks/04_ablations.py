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
# - In the network trained in this book, silencing its {glue:text}`abl_k` predictive units
#   raises the decoding error from {glue:text}`abl_intact` to {glue:text}`abl_pred` cm;
#   silencing as many other units raises it to {glue:text}`abl_rand` cm on average (rank
#   p-value {glue:text}`abl_p` among {glue:text}`abl_trials` random sets).
# - The {glue:text}`earlier_k` units the earlier analysis's rules call predictive cost
#   {glue:text}`earlier_err` cm when silenced, against {glue:text}`earlier_rand` cm for
#   random sets (p = {glue:text}`earlier_p`).
# - Across {glue:text}`abl_nets` networks, the predictive set costs
#   {glue:text}`abl_diff_mean` cm more than random sets on average (95 % interval
#   {glue:text}`abl_diff_lo` to {glue:text}`abl_diff_hi` cm); {glue:text}`abl_sig` of them
#   have p <= 0.05.
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
from IPython.display import Markdown, display
from myst_nb import glue

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
glue("abl_k", str(abl.n_predictive), display=False)
glue("abl_intact", fmt(abl.intact_error_cm), display=False)
glue("abl_trials", str(len(abl.random_errors_cm)), display=False)
if abl.predictive_error_cm is not None and abl.random_errors_cm:
    glue("abl_pred", fmt(abl.predictive_error_cm), display=False)
    glue("abl_rand", fmt(np.mean(abl.random_errors_cm)), display=False)
    glue("abl_rand_range", f"{min(abl.random_errors_cm):.2f}-{max(abl.random_errors_cm):.2f}",
         display=False)
    glue("abl_p", f"{abl.p_random:.3f}", display=False)
else:
    for key in ("abl_pred", "abl_rand", "abl_rand_range", "abl_p"):
        glue(key, "n/a (no predictive units)", display=False)
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
# With its {glue:text}`abl_k` predictive units silenced the network decodes at
# {glue:text}`abl_pred` cm (intact: {glue:text}`abl_intact` cm); the random sets range
# {glue:text}`abl_rand_range` cm, and the predictive set's rank gives p =
# {glue:text}`abl_p` ({numref}`fig-ablation`). This is one network; the next section asks
# whether it holds across networks.
#
# ## The earlier analysis's predictive units
# The earlier analysis called many units of its networks predictive and silenced them. Do
# the units its rules pick in this network matter more than random units? Its rules
# (the predictive chapter) pick {glue:text}`earlier_k` units here; silencing them gives
# {glue:text}`earlier_err` cm against {glue:text}`earlier_rand` cm for as many random
# units (rank p-value {glue:text}`earlier_p`; {numref}`fig-ablation-earlier`). Read this
# with care: its rules require gridness of at least 0.5 at zero shift, so they pick the
# network's strongest grid units. A larger cost than random sets says that the network needs
# its best grid units; it says nothing about prediction, since the same units' maps are
# sharpest at the present position (the predictive chapter). Random sets matched in
# gridness would be the control for that, and are not run here.

# %% tags=["remove-cell"]
earlier = study.earlier_study(model, cfg)
abl_e = study.ablation_study(model, cfg, earlier.labels, cfg.rng_seed + 1)
glue("earlier_k", str(abl_e.n_predictive), display=False)
if abl_e.predictive_error_cm is not None and abl_e.random_errors_cm:
    glue("earlier_err", fmt(abl_e.predictive_error_cm), display=False)
    glue("earlier_rand", fmt(np.mean(abl_e.random_errors_cm)), display=False)
    glue("earlier_p", f"{abl_e.p_random:.3f}", display=False)
else:
    for key in ("earlier_err", "earlier_rand", "earlier_p"):
        glue(key, "n/a (no units)", display=False)
fig, ax = plotting.plt.subplots(figsize=(4.5, 3.2), layout="constrained")
plotting.ablation_bars(abl_e.intact_error_cm, abl_e.predictive_error_cm,
                       abl_e.random_errors_cm, abl_e.zero_lag_errors_cm, ax=ax)
glue("fig_ablation_earlier", fig, display=False)
plotting.plt.close(fig)

# %% [markdown]
# ```{glue:figure} fig_ablation_earlier
# :name: fig-ablation-earlier
#
# As {numref}`fig-ablation`, silencing the units the earlier analysis's rules call
# predictive in the network trained in this book (its "predictive" bar), against random sets
# of as many other units and of the units its rules call zero-lag.
# ```
#
# ## Across networks

# %% [markdown]
# **Table 1.** Ablation of the predictive units of every recorded network
# (`experiments/results/predictive_networks.jsonl`): decoding error (cm) intact, with the
# predictive units silenced, the mean over size-matched random sets, and the rank p-value.

# %% tags=["remove-input"]
rows = [r for r in report.latest_rows(NETWORKS, "network") if r.get("ablation_p") is not None]
display(Markdown(report.markdown_table(
    [{"network": r["network"], "predictive units": r["shift_predictive"],
      "intact (cm)": r["err_intact_cm"], "predictive silenced (cm)": r["err_predictive_cm"],
      "random sets (cm)": r["err_random_mean_cm"], "p": r["ablation_p"]} for r in rows],
    digits=3) if rows else "No recorded network has predictive units to silence."))
diff = [r["err_predictive_cm"] - r["err_random_mean_cm"] for r in rows]
m, lo, hi = gc.stats.t_interval(diff)
n_sig = sum(r["ablation_p"] <= 0.05 for r in rows)
glue("abl_nets", str(len(rows)), display=False)
glue("abl_diff_mean", f"{m:.2f}" if rows else "n/a", display=False)
glue("abl_diff_lo", f"{lo:.2f}" if np.isfinite(lo) else "n/a", display=False)
glue("abl_diff_hi", f"{hi:.2f}" if np.isfinite(hi) else "n/a", display=False)
glue("abl_sig", str(n_sig), display=False)
if not rows:
    verdict = "No recorded network has predictive units to silence."
elif np.isfinite(lo) and lo > 0:
    verdict = ("Silencing the predictive units hurts path integration more than silencing as "
               "many random units, consistently across networks.")
else:
    verdict = ("Silencing the predictive units hurts path integration no more than silencing "
               "as many random units: across networks the difference is not distinguishable "
               "from zero.")
glue("abl_verdict", verdict, display=False)

# %% [markdown]
# Over {glue:text}`abl_nets` networks the predictive set costs {glue:text}`abl_diff_mean` cm
# more than the random sets' mean (95 % interval {glue:text}`abl_diff_lo` to
# {glue:text}`abl_diff_hi` cm across networks); {glue:text}`abl_sig` of
# {glue:text}`abl_nets` networks reach p <= 0.05, where chance alone would give about one in
# twenty.
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
