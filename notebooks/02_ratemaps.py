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
# # Rate maps and grid scores
#
# ## Overview
# Every hidden unit's mean activity as a function of position (its rate map), its spatial
# autocorrelogram, grid scores (60 and 90 degrees), border score, grid spacing and
# orientation, for the network trained in the previous chapter.
#
# ## Prerequisites
# - The training chapter has produced the run directory.
# - Time: under a minute on the CPU; no GPU needed.

# %% [markdown]
# ## Imports

# %%
import numpy as np
from IPython.display import Markdown, display

import gridcells as gc
from gridcells import plotting, report

# %% tags=["parameters"]
params_file = "params/default.yaml"
run_dir = None

# %%
cfg, run_dir = report.start_notebook(params_file, run_dir, globals())
model = gc.load_model(run_dir)

# %% [markdown]
# ## Rate maps of every unit
# Fresh trajectories of the training length, ``n_batches`` batches; 20 x 20 bins over the
# box, unvisited bins empty.

# %%
ev, maps, scores = gc.evaluate(model, n_batches=cfg.n_batches, seed=cfg.rng_seed + 2000)
display(Markdown(report.markdown_table([ev.row()])))
fig = plotting.ratemap_gallery(maps.maps, scores.score_60, per_row=10)

# %% [markdown]
# ## Grid-score distribution

# %%
fig = plotting.score_histogram({"score 60": scores.score_60, "score 90": scores.score_90},
                               xlabel="grid score")

# %% [markdown]
# ## Autocorrelograms of the best units, with the ring that gave their score

# %%
best = plotting.best_first(scores.score_60)[:4]
fig, axes = plotting.plt.subplots(1, 4, figsize=(10, 2.8), layout="constrained")
for ax, u in zip(axes, best):
    plotting.plot_sac(scores.sac[u], scores.mask_60[u], cfg.nbins, ax=ax,
                      title=f"unit {u}: score {scores.score_60[u]:.2f}")

# %% [markdown]
# ## Border score, grid spacing and orientation
# Spacing and orientation come from the six autocorrelogram peaks nearest the centre, for
# units with grid score above 0.3.

# %%
border = np.array([gc.border_score(m) for m in maps.maps])
grid_units = np.flatnonzero(scores.score_60 > 0.3)
bin_m = cfg.box_width / cfg.nbins
so = np.array([gc.spacing_orientation(scores.sac[u], bin_m) for u in grid_units]).reshape(-1, 2)
fig, axes = plotting.plt.subplots(1, 3, figsize=(10, 2.8), layout="constrained")
plotting.score_histogram({"border score": border}, ax=axes[0], xlabel="border score",
                         thresholds=(0.5,))
axes[1].hist(so[:, 0] * 100, 20, color="k")
axes[1].set_xlabel("grid spacing (cm)")
axes[2].hist(so[:, 1], np.arange(0, 61, 5), color="k")
axes[2].set_xlabel("orientation (deg)")
display(Markdown(f"{len(grid_units)} units above 0.3; median spacing "
                 f"{np.nanmedian(so[:, 0]) * 100 if len(so) else float('nan'):.0f} cm; "
                 f"{int((border > 0.5).sum())} units with border score > 0.5."))

# %% [markdown]
# ## Summary
# The figures above measure every unit of the trained network with the project's scorer
# (the DeepMind definition, batched).
#
# ## What's next
# The predictive chapter asks whether these maps are sharpest for where the animal *will
# be*, rather than where it is.
