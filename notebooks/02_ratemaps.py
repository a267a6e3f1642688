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
# Are the trained network's units grid cells, and of how many grid modules? Every hidden
# unit's mean activity as a function of position (its rate map) is measured with the grid
# score of {cite:t}`banino2018` (60 and 90 degrees), the border score of
# {cite:t}`solstad2008`, and the grid spacing and orientation read from its spatial
# autocorrelogram.
#
# :::{admonition} Key findings
# :class: important
# - {glue:text}`n_grid:d` of {glue:text}`n_units:d` units ({glue:text}`share_grid:.0%`)
#   have a grid score above 0.3; their 90-degree score stays lower
#   ({numref}`fig-ratemap-gallery`, {numref}`fig-score-hist`).
# - The grid units form **one module**: spacing {glue:text}`spacing_med:.0f` cm (half of
#   them within {glue:text}`spacing_q1:.0f` to {glue:text}`spacing_q3:.0f` cm), with a
#   shared orientation near {glue:text}`orient_med:.0f` degrees
#   ({numref}`fig-geometry`, {numref}`fig-lattice-profile`).
# - Few units are border cells: {glue:text}`n_border:d` have a border score above 0.5,
#   while {glue:text}`n_interior:d` have every field away from the walls (border score
#   exactly -1, by construction of the score).
# :::

# %% tags=["hide-cell"]
import numpy as np
import seaborn as sns
from IPython.display import Markdown
from myst_nb import glue

import gridcells as gc
from gridcells import plotting, report

# %% tags=["parameters", "hide-cell"]
params_file = "params/default.yaml"
run_dir = None

# %% tags=["hide-cell"]
cfg, run_dir = report.start_notebook(params_file, run_dir, globals(), show=False)
model = gc.load_model(run_dir)

# %% [markdown]
# ## Rate maps of every unit
# The trained network runs on {glue:text}`n_paths:d` fresh paths of
# {glue:text}`path_len:d` steps; each unit's activity is averaged in
# {glue:text}`nbins:d` x {glue:text}`nbins:d` bins of the box (unvisited bins left empty).
# Here it decodes at {glue:text}`err_cm:.1f` cm; the training chapter measured
# {glue:text}`01_training.ipynb::err_cm:.1f` cm on its own paths (another seed and number).

# %% tags=["hide-input"]
ev, maps, scores = gc.evaluate(model, n_batches=cfg.n_batches, seed=cfg.rng_seed + 2000)
s60 = scores.score_60
grid_units = np.flatnonzero(s60 > 0.3)
glue("n_paths", cfg.n_batches * model.cfg.batch_size, display=False)
glue("path_len", model.cfg.sequence_length, display=False)
glue("nbins", cfg.nbins, display=False)
glue("err_cm", float(ev.err_cm), display=False)
glue("n_units", len(s60), display=False)
glue("n_grid", len(grid_units), display=False)
glue("share_grid", len(grid_units) / len(s60), display=False)
glue("tab-ratemaps-md", Markdown(report.evaluation_table({"this network": ev.row()})),
     display=False)
fig, _ = plotting.ratemap_gallery(maps.maps, s60)
glue("fig-ratemap-gallery", fig, display=False)
plotting.plt.close(fig)

# %% [markdown]
# ```{glue:figure} fig-ratemap-gallery
# :name: fig-ratemap-gallery
#
# Rate maps of the units with the highest, middle and lowest grid scores (score above
# each map; each map divided by its peak and lightly smoothed for display).
# ```
#
# ```{glue:figure} tab-ratemaps-md
# :name: tab-ratemaps
# :figwidth: 70%
#
# The network on this chapter's paths: decoding error, grid-score summary, map
# correlation and shared lattice (methods).
# ```
#
# ## Grid scores
# The 60-degree score compares the autocorrelogram with itself rotated by 60 and 120
# degrees against 30, 90 and 150; the 90-degree score does the same for a square lattice
# ({numref}`fig-score-hist`). A hexagonal population scores high on the first and low on
# the second. {numref}`fig-sacs` shows the autocorrelograms of the four best units with the
# ring that gave each its score.

# %% tags=["hide-input"]
fig, _ = plotting.score_histogram({"score 60": s60, "score 90": scores.score_90},
                                  xlabel="grid score")
glue("fig-score-hist", fig, display=False)
plotting.plt.close(fig)
best = plotting.best_first(s60)[:4]
fig, axes = plotting.plt.subplots(1, 4, figsize=(10, 2.6), layout="constrained")
for ax, u in zip(axes, best):
    plotting.plot_sac(scores.sac[u], scores.mask_60[u], cfg.nbins, ax=ax,
                      title=f"unit {u}: score {s60[u]:.2f}", colorbar=ax is axes[-1])
glue("fig-sacs", fig, display=False)
plotting.plt.close(fig)

# %% [markdown]
# ```{glue:figure} fig-score-hist
# :name: fig-score-hist
# :figwidth: 60%
#
# Distribution of the 60- and 90-degree grid scores over all units with a defined score
# (dashed: the usual 0.3 threshold).
# ```
#
# ```{glue:figure} fig-sacs
# :name: fig-sacs
#
# Spatial autocorrelograms of the four best units (Pearson correlation of the map with
# itself shifted; white circles: the ring that gave the unit its score).
# ```
#
# ## Spacing, orientation and borders
# Spacing and orientation come from the six autocorrelogram peaks nearest the centre, for
# the units above 0.3 ({numref}`fig-geometry`). The population's orientation profile
# ({numref}`fig-lattice-profile`) asks the same question of all units together: peaks 60
# degrees apart mean the units share one hexagonal lattice.

# %% tags=["hide-input"]
border = np.array([gc.border_score(m) for m in maps.maps])
bin_m = cfg.box_width / cfg.nbins
so = np.array([gc.spacing_orientation(scores.sac[u], bin_m) for u in grid_units]).reshape(-1, 2)
spacing_cm, orient = so[np.isfinite(so[:, 0]), 0] * 100, so[np.isfinite(so[:, 1]), 1]
q = np.percentile(spacing_cm, [25, 50, 75]) if len(spacing_cm) else [np.nan] * 3
glue("spacing_q1", float(q[0]), display=False)
glue("spacing_med", float(q[1]), display=False)
glue("spacing_q3", float(q[2]), display=False)
glue("orient_med", float(np.median(orient)) if len(orient) else float("nan"), display=False)
glue("n_border", int((border > 0.5).sum()), display=False)
glue("n_interior", int(np.isclose(border, -1).sum()), display=False)
fig, axes = plotting.plt.subplots(1, 3, figsize=(10, 2.8), layout="constrained")
plotting.score_histogram({"border score": border}, ax=axes[0], xlabel="border score",
                         thresholds=(0.5,))
axes[0].set_title("(a) all units", loc="left")
sns.histplot(spacing_cm, bins=20, ax=axes[1], color="k")
axes[1].set_xlabel("grid spacing (cm)")
axes[1].set_ylabel("units")
axes[1].set_title("(b) units above 0.3", loc="left")
sns.histplot(orient, bins=np.arange(0, 61, 5), ax=axes[2], color="k")
axes[2].set_xlabel("grid orientation (deg)")
axes[2].set_ylabel("units")
axes[2].set_title("(c) units above 0.3", loc="left")
glue("fig-geometry", fig, display=False)
plotting.plt.close(fig)
fig, _ = plotting.lattice_profile(maps.maps, label=f"{len(s60)} units")
glue("fig-lattice-profile", fig, display=False)
plotting.plt.close(fig)

# %% [markdown]
# ```{glue:figure} fig-geometry
# :name: fig-geometry
#
# (a) Border scores of all units (dashed: 0.5); a score of exactly -1 means no field
# touches a wall. (b) Grid spacing and (c) orientation (modulo 60 degrees) of the units
# with a grid score above 0.3.
# ```
#
# ```{glue:figure} fig-lattice-profile
# :name: fig-lattice-profile
# :figwidth: 60%
#
# Orientation profile of the population: each unit's power on its dominant spatial
# frequency at wave-vector orientations 5 degrees apart, normalised and averaged over
# units. The legend gives the shared hexagonal, square and stripe order (methods).
# ```
#
# ## Summary
# - {glue:text}`share_grid:.0%` of the units are grid-like (score above 0.3;
#   {numref}`fig-ratemap-gallery`, {numref}`fig-score-hist`).
# - They form one module of spacing {glue:text}`spacing_med:.0f` cm and a common
#   orientation near {glue:text}`orient_med:.0f` degrees ({numref}`fig-geometry`): the
#   population shares one lattice ({numref}`fig-lattice-profile`).
# - {glue:text}`n_border:d` units are border-like (score above 0.5).
#
# The predictive chapter asks whether these maps are sharpest for where the animal *will
# be*, rather than where it is; the pattern-formation chapter compares this spacing with
# the theory's prediction.
#
# ## Provenance

# %% tags=["remove-input"]
report.show_provenance(cfg, params_file)
