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
# # Predictive grid cells
#
# ## Overview
# For each unit, gridness of the rate map built from activity at time t against position at
# t + k, for shifts k from -``max_lag`` to +``max_lag`` steps (converted to cm with the
# measured displacement per step). Units are classified as predictive, retrospective
# (phase precession), zero-lag (phase locked), low-grid or unclassified under two criteria:
# ``fork`` (thresholds, as the earlier analysis code) and ``ouchi`` (shuffle significance, as
# Ouchi & Fujisawa 2024). Circular shuffles give each unit its own null distribution.
#
# ## Prerequisites
# - The training chapter's run directory.
# - Time: one to three minutes on the CPU for 512 units, 41 lags and 100 shuffles.

# %% [markdown]
# ## Imports

# %%
import numpy as np
from IPython.display import Markdown, display

import gridcells as gc
from gridcells import plotting, report, study
from gridcells.predictive import distance_sweep

# %% tags=["parameters"]
params_file = "params/default.yaml"
run_dir = None

# %%
cfg, run_dir = report.start_notebook(params_file, run_dir, globals())
model = gc.load_model(run_dir)
out_dir = f"{run_dir}/analysis/predictive"

# %% [markdown]
# ## Lag sweep, shuffles and classification

# %%
result, activity = study.predictive_study(model, cfg)
result.save(out_dir, cfg)
summary = result.summary(cfg)
display(Markdown(f"{len(result.sweep.units)} units, lags {result.sweep.shifts[0]}..."
                 f"{result.sweep.shifts[-1]} steps, {result.cm_per_step:.2f} cm per step, "
                 f"{result.sweep.n_samples[0]} samples behind every lag, "
                 f"{cfg.shuffle_trials} shuffles. Outputs: `{out_dir}`."))
rows = []
for crit in ("fork", "ouchi"):
    if summary[crit] is None:
        continue
    for name, s in summary[crit].items():
        rows.append({"criterion": crit, "class": name, **s})
display(Markdown(report.markdown_table(rows)))

# %% [markdown]
# ## (A) counts, (B) preferred shifts, (C) zero-shift against best-shift gridness
# Under the ``fork`` criterion.

# %%
c = result.fork
fig = plotting.classification_panels(c, cfg.min_shift_cm)
fig.savefig(f"{out_dir}/classes_fork.png", dpi=120)

# %% [markdown]
# The same under the shuffle-based ``ouchi`` criterion.

# %%
if result.ouchi is not None:
    fig = plotting.classification_panels(result.ouchi, cfg.min_shift_cm)
    fig.savefig(f"{out_dir}/classes_ouchi.png", dpi=120)

# %% [markdown]
# ## Gridness against shift, per class
# Rows sorted by preferred shift; below, the class mean +- SEM.

# %%
fig = plotting.lag_heatmaps(result.sweep.shifts_cm, result.sweep.score_60, c.labels,
                            c.preferred_cm)
fig.savefig(f"{out_dir}/lag_heatmaps.png", dpi=120)

# %% [markdown]
# ## Distance shift (Ouchi & Fujisawa)
# Position taken a path length ahead or behind along the trajectory instead of a time shift.
# Shown as the mean gridness of each ``fork`` class against the shift.

# %%
span = cfg.max_lag * result.cm_per_step
dist = distance_sweep(activity, cfg.replace(box_width=model.cfg.box_width,
                                            box_height=model.cfg.box_height),
                      np.linspace(-span, span, 21))
fig, ax = plotting.plt.subplots(figsize=(5, 3), layout="constrained")
for name in ("predictive", "zero-lag", "retrospective"):
    sel = c.labels == name
    if sel.any():
        ax.plot(dist.shifts_cm, np.nanmean(dist.score_60[:, sel], 1),
                color=plotting.CLASS_COLORS[name], label=f"{name} ({sel.sum()})")
ax.set_xlabel("distance shift (cm)")
ax.set_ylabel("mean gridness")
ax.legend(fontsize=7)

# %% [markdown]
# ## Low-grid units
# The units whose gridness never reaches ``low_grid_threshold`` at any shift.

# %%
low = np.flatnonzero(c.labels == "low-grid")
zero_maps = gc.rate_maps(activity.positions.reshape(-1, 2),
                         activity.activations.reshape(-1, activity.activations.shape[-1]),
                         model.cfg).maps
if len(low):
    fig = plotting.ratemap_gallery(zero_maps[low], c.peak_score[low], label="best-shift gridness")
else:
    display(Markdown("No low-grid units."))

# %% [markdown]
# ## Summary
# The tables give the class counts and preferred shifts under both criteria; the files in
# the run's ``analysis/predictive`` folder hold every number behind the figures.
#
# ## What's next
# The ablation chapter silences the predictive units and asks what the network loses.
