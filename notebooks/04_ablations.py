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
# # Ablations and many checkpoints
#
# ## Overview
# Silence the predictive units found in the previous chapter (``fork`` criterion) and
# measure the decoding error on fixed evaluation trajectories, against size-matched random
# sets of the other units and of the zero-lag units. Then repeat the whole predictive
# analysis for every stored epoch of the run, on the same trajectories, to see how the
# classes develop over training.
#
# ## Prerequisites
# - The training and predictive chapters.
# - Time: one to a few minutes on the CPU.

# %% [markdown]
# ## Imports

# %%
import numpy as np
from IPython.display import Markdown, display

import gridcells as gc
from gridcells import plotting, report, study

# %% tags=["parameters"]
params_file = "params/default.yaml"
run_dir = None

# %%
cfg, run_dir = report.start_notebook(params_file, run_dir, globals())
model = gc.load_model(run_dir)
labels = np.load(f"{run_dir}/analysis/predictive/data.npz")["labels_fork"]

# %% [markdown]
# ## Silencing the predictive units

# %%
abl = study.ablation_study(model, cfg, labels, cfg.rng_seed)
abl.save(f"{run_dir}/analysis/predictive/ablation.json")
rows = [{"condition": "intact", "units silenced": 0, "error (cm)": abl.intact_error_cm},
        {"condition": "predictive silenced", "units silenced": abl.n_predictive,
         "error (cm)": abl.predictive_error_cm}]
for name, errs in (("random sets", abl.random_errors_cm), ("zero-lag sets",
                                                          abl.zero_lag_errors_cm)):
    if errs:
        rows.append({"condition": f"{name} (mean of {len(errs)})",
                     "units silenced": abl.n_predictive, "error (cm)": float(np.mean(errs))})
display(Markdown(report.markdown_table(rows)))
if abl.note:
    display(Markdown(f"*Note:* {abl.note}."))
fig = plotting.ablation_bars(abl.intact_error_cm, abl.predictive_error_cm,
                             abl.random_errors_cm, abl.zero_lag_errors_cm)
fig.savefig(f"{run_dir}/analysis/predictive/ablation.png", dpi=120)

# %% [markdown]
# ## Every stored epoch of the run
# Counts, preferred shifts and ablation effects per checkpoint (``fork`` criterion, which
# needs no shuffles; a quarter of the analysis trajectories, to keep this chapter quick),
# with the mean and 95 % interval across checkpoints. For several seeds, pass their weights
# files (a list or a glob) instead of the run directory.

# %%
table = study.checkpoint_table(run_dir, cfg.replace(shuffle_trials=0,
                                                     n_batches=max(1, cfg.n_batches // 4)))
cols = ["checkpoint", "n_predictive", "n_retrospective", "n_zero-lag", "n_low-grid",
        "pred_shift_cm", "err_intact_cm", "err_predictive_cm", "err_random_mean_cm"]
for r in table["rows"]:
    r["checkpoint"] = r["checkpoint"].split("/")[-2]
display(Markdown(report.markdown_table(table["rows"], cols)))
display(Markdown(report.markdown_table(
    [{"column": k, **v} for k, v in table["summary"].items()])))

# %% [markdown]
# ## Summary
# The first table compares the decoding error with the predictive units silenced to
# silencing as many other units; the second follows the classes across training.
#
# ## What's next
# The pattern-formation chapter explains, from the place-cell covariance alone, why
# hexagonal maps form.
