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
#   have a grid score above 0.3; {glue:text}`score_clause`
#   ({numref}`fig-ratemap-gallery`, {numref}`fig-score-hist`).
# - {glue:text}`module_sentence` {glue:text}`lattice_sentence`
#   ({numref}`fig-geometry`, {numref}`fig-lattice-profile`)
# - Few units are border cells: {glue:text}`n_border:d` have a border score above 0.5,
#   while {glue:text}`n_interior:d` have every field away from the walls (border score
#   exactly -1, by construction of the score).
# - Across the {glue:text}`ens_n:d` networks of the shipped ensemble,
#   {glue:text}`ens_share:.0%` of units are grid cells (95 % interval
#   {glue:text}`ens_share_lo:.0%` to {glue:text}`ens_share_hi:.0%`) at a median spacing of
#   {glue:text}`ens_spacing:.0f` cm; this network's share and spacing
#   {glue:text}`here_typical` the range of {glue:text}`range_of`
#   ({numref}`tab-ensemble-maps`). {glue:text}`here_outside`
# :::

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
import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from IPython.display import Markdown
from myst_nb import glue

import gridcells as gc
from gridcells.analysis.population import population
from gridcells.book import plots, report, sentences
from gridcells.predictive import study
from gridcells.stats import rayleigh_p_value

# %% tags=["parameters", "remove-cell"]
params_file = "params/default.yaml"
run_dir = None

# %% tags=["remove-cell"]
cfg, run_dir = report.start_notebook(params_file, run_dir, globals(), show=False)
model = gc.load_model(run_dir)

# %% tags=["remove-input"]
report.show_network_notice()

# %% [markdown]
# ## Rate maps of every unit
# The trained network runs on {glue:text}`n_paths:d` fresh paths of
# {glue:text}`path_len:d` steps; each unit's activity is averaged in
# {glue:text}`nbins:d` x {glue:text}`nbins:d` bins of the box (unvisited bins left empty).
# Here it decodes at {glue:text}`err_cm:.1f` cm; the training chapter measured
# {glue:text}`01_training.ipynb::err_cm:.1f` cm on its own paths (another seed and number).

# %% tags=["hide-input"]
pop = population(model, cfg)
ev, maps, scores, grid_units = pop.evaluation, pop.maps, pop.scores, pop.grid_units
s60 = scores.score_60
glue("n_paths", cfg.n_batches * model.cfg.batch_size, display=False)
glue("path_len", model.cfg.sequence_length, display=False)
glue("nbins", cfg.nbins, display=False)
glue("err_cm", float(ev.err_cm), display=False)
glue("n_units", len(s60), display=False)
glue("n_grid", len(grid_units), display=False)
glue("share_grid", len(grid_units) / len(s60), display=False)
glue("tab-ratemaps-md", Markdown(report.evaluation_table({"this network": ev.row()})),
     display=False)
fig, _ = plots.ratemap_gallery(maps.maps, s60)
glue("fig-ratemap-gallery", fig, display=False)
plt.close(fig)

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
fig, _ = plots.score_histogram({"score 60": s60, "score 90": scores.score_90},
                                  xlabel="grid score")
glue("fig-score-hist", fig, display=False)
plt.close(fig)
best = plots.best_first(s60)[:4]
fig, axes = plt.subplots(1, 4, figsize=(plots.MAX_WIDTH, 2.3), layout="constrained")
for ax, u in zip(axes, best):
    plots.plot_sac(scores.sac[u], scores.mask_60[u], cfg.nbins, ax=ax,
                      title=f"unit {u}: score {s60[u]:.2f}", colorbar=ax is axes[-1])
glue("fig-sacs", fig, display=False)
plt.close(fig)

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
# ({numref}`fig-lattice-profile`) asks the same question of all units together: three peaks
# 60 degrees apart would mean that the units share one hexagonal lattice, two at 90 degrees
# a square one; the order parameters in its legend measure how close the profile comes to
# each.

# %% tags=["hide-input"]
border, spacing_cm, orient = pop.border, pop.spacing_cm, pop.orientation_deg
here = pop.row()
glue("spacing_q1", here["spacing_q1_cm"], display=False)
glue("spacing_med", here["spacing_median_cm"], display=False)
glue("spacing_q3", here["spacing_q3_cm"], display=False)
glue("orient_med", here["orientation_deg"], display=False)
glue("n_border", here["n_border"], display=False)
here_p = rayleigh_p_value(np.radians(orient) * 6)
glue("module_sentence", sentences.module_sentence(here, here_p), display=False)
glue("lattice_sentence", sentences.lattice_sentence(here, "The population's units"),
     display=False)
glue("verdict_hex", sentences.hexagonal_maps_verdict(here), display=False)
glue("score_clause", sentences.score_comparison(
    float(np.nanmedian(s60[grid_units])) if len(grid_units) else float("nan"),
    here["median_score_90_grid"]) + ".", display=False)
glue("n_interior", here["n_interior"], display=False)
fig, axes = plt.subplots(1, 3, figsize=(plots.MAX_WIDTH, 2.6), layout="constrained")
plots.score_histogram({"border score": border}, ax=axes[0], xlabel="border score",
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
plt.close(fig)
fig, _ = plots.lattice_profile(maps.maps, label=f"{len(s60)} units")
glue("fig-lattice-profile", fig, display=False)
plt.close(fig)

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
# ## Across the ensemble
# Is this network typical of its recipe? The shipped ensemble (ensemble chapter) holds
# {glue:text}`ens_n:d` networks trained by the same recipe, each from its own seed. They
# were kept because they meet the recipe's criteria (among them: at least 40 % of units
# above 0.3), so the figures below describe the networks that succeed, not every seed.
# Each is measured here exactly as the network above, on the same paths
# ({numref}`tab-ensemble-maps`, {numref}`fig-ensemble-maps`). The intervals are 95 %
# t-intervals across networks. A module's orientation is tested with the Rayleigh test of
# its grid units' 6-fold orientation against a uniform one. Spacings are distances between
# bin centres of the autocorrelogram ({glue:text}`bin_cm:.0f` cm bins), so they take
# discrete values a few centimetres apart: differences finer than that are not resolved.

# %% tags=["hide-input"]
members = gc.load_ensemble()
pops = {name: population(net, cfg) for name, net in members.items()}
rows = [{"network": name, **p.row()} for name, p in pops.items()]
# a member is the book's network only if it holds the same weights (not merely its seed)
twin, same_file = sentences.book_twin(model, cfg.pretrained, members)
others = [r for r in rows if r["network"] != twin]
glue("twin_note", sentences.twin_sentence(twin, len(others), same_file), display=False)
glue("range_of", f"the other {len(others)} members" if twin else "the ensemble's members",
     display=False)
glue("bin_cm", 100 * model.cfg.box_width / model.cfg.nbins, display=False)
ens = study.across(rows)
ray_p = {name: rayleigh_p_value(np.radians(p.orientation_deg) * 6) for name, p in pops.items()}
# column: (label, format)
COLUMNS = {"err_cm": ("error (cm)", "{:.1f}"), "share_grid": ("share > 0.3", "{:.2f}"),
           "median_score_60": ("median score", "{:.2f}"),
           "spacing_median_cm": ("spacing (cm)", "{:.0f}"),
           "spacing_spread": ("IQR / median", "{:.2f}"),
           "orientation_resultant": ("orient. R", "{:.2f}"), "hex_order": ("hex order", "{:.2f}"),
           "n_border": ("border", "{:.0f}")}


table = [report.formatted_row(f"{r['network']} (this book's)" if r["network"] == twin
                              else r["network"], r, COLUMNS) for r in rows]
table.append(report.interval_row("mean [95 % CI]", ens, COLUMNS))
if twin is None:
    table.append(report.formatted_row("this book's network", here, COLUMNS))
glue("tab-ensemble-maps-md", Markdown(report.markdown_table(table)), display=False)
fig, axes = plt.subplots(2, 1, figsize=(6.5, 6), layout="constrained")
# the book's network once: as its member's point when a member holds its weights
book = f"{twin} (this book's)" if twin else "this book"
spacings = {**{book if n == twin else n: p.spacing_cm for n, p in pops.items()},
            **({} if twin else {book: spacing_cm})}
plots.by_network(spacings, ax=axes[0], highlight=book, ylabel="grid spacing (cm)")
axes[0].set_title("(a) spacing of the grid units", loc="left")
shares = {**{book if r["network"] == twin else r["network"]: r["share_grid"] for r in rows},
          **({} if twin else {book: here["share_grid"]})}
for i, (name, v) in enumerate(shares.items()):
    axes[1].scatter(i, v, color="tab:red" if name == book else "0.3", s=18)
e = ens["share_grid"]
axes[1].axhspan(e["lo"], e["hi"], color="0.85", zorder=0, label="ensemble 95 % CI")
axes[1].set_xticks(range(len(shares)), list(shares), rotation=45, ha="right")
axes[1].set_ylabel("share of units above 0.3")
axes[1].legend(loc="lower left")
axes[1].set_title("(b) grid share", loc="left")
glue("fig-ensemble-maps", fig, display=False)
plt.close(fig)
lo_share, hi_share = min(r["share_grid"] for r in others), max(r["share_grid"] for r in others)
glue("ens_n", len(rows), display=False)
glue("ens_share", ens["share_grid"]["mean"], display=False)
glue("ens_share_lo", ens["share_grid"]["lo"], display=False)
glue("ens_share_hi", ens["share_grid"]["hi"], display=False)
glue("ens_share_min", lo_share, display=False)
glue("ens_share_max", hi_share, display=False)
glue("ens_spacing", ens["spacing_median_cm"]["mean"], display=False)
glue("ens_spacing_lo", ens["spacing_median_cm"]["lo"], display=False)
glue("ens_spacing_hi", ens["spacing_median_cm"]["hi"], display=False)
glue("ens_spread_max", max(r["spacing_spread"] for r in rows), display=False)
glue("ens_R_min", min(r["orientation_resultant"] for r in rows), display=False)
glue("ens_rayleigh_max", f"{max(ray_p.values()):.1g}", display=False)
glue("ens_border", ens["n_border"]["mean"], display=False)
glue("ens_border_max", max(r["n_border"] for r in rows), display=False)
spacing_range = (min(r["spacing_median_cm"] for r in others),
                 max(r["spacing_median_cm"] for r in others))
within = (lo_share <= here["share_grid"] <= hi_share
          and spacing_range[0] <= here["spacing_median_cm"] <= spacing_range[1])
# the other columns: where this network falls against the other members
outside = []
for key, what in (("orientation_resultant", "orientation resultant"),
                  ("hex_order", "hexagonal order"), ("err_cm", "decoding error")):
    vals = [r[key] for r in others]
    if here[key] < min(vals):
        outside.append(f"its {what} ({here[key]:.2f}) is below every other member's")
    elif here[key] > max(vals):
        outside.append(f"its {what} ({here[key]:.2f}) is above every other member's")
glue("here_outside", ("On the other columns, " + "; ".join(outside) + ".") if outside
     else "On the other columns it also lies within the other members' range.",
     display=False)
n_oriented = sum(p < sentences.MODULE_ALPHA for p in ray_p.values())
n_module = sum(sentences.one_module(r, ray_p[r["network"]]) for r in rows)
glue("ens_module_lead", "Each network's grid units form one hexagonal module"
     if n_module == len(rows) else
     f"The grid units form one hexagonal module in {n_module} of {len(rows)} networks",
     display=False)
glue("ens_oriented_text", "in every network" if n_oriented == len(rows) else
     f"in {n_oriented} of {len(rows)} networks", display=False)
glue("ens_spacing_min", spacing_range[0], display=False)
glue("ens_spacing_max", spacing_range[1], display=False)
glue("here_typical", "lie within" if within else "do not both lie within", display=False)
glue("ens_n_oriented", n_oriented, display=False)

# %% [markdown]
# ```{glue:figure} tab-ensemble-maps-md
# :name: tab-ensemble-maps
#
# Every network of the shipped ensemble on this chapter's paths and their mean with its 95 %
# t-interval. Error: decoding error (cm); share > 0.3 and median score: grid score 60;
# spacing: median over the grid units; IQR / median: the spread of their spacings; orient.
# R: the resultant length of their 6-fold orientations (1: one orientation, near 0:
# uniform); border: units with a border score above 0.5.
# ```
#
# ```{glue:figure} fig-ensemble-maps
# :name: fig-ensemble-maps
#
# (a) Grid spacing of the grid units of each ensemble network (grey) and of this book's network
# (red; drawn once, as its member, when a member holds its weights); boxes: quartiles, orange
# line: median. (b) Each network's share of units with a grid score above 0.3; the band is
# the 95 % t-interval of the ensemble's mean (not the range of the networks).
# ```
#
# Across the {glue:text}`ens_n:d` networks, {glue:text}`ens_share:.0%` of the units are
# grid cells on average (95 % interval {glue:text}`ens_share_lo:.0%` to
# {glue:text}`ens_share_hi:.0%`), with a median spacing of {glue:text}`ens_spacing:.0f` cm
# ({glue:text}`ens_spacing_lo:.0f` to {glue:text}`ens_spacing_hi:.0f` cm).
# {glue:text}`ens_module_lead`: the spread of their spacings is at most
# {glue:text}`ens_spread_max:.2f` of the median, and their orientations are concentrated
# {glue:text}`ens_oriented_text` (Rayleigh p at most {glue:text}`ens_rayleigh_max`;
# resultant length at least {glue:text}`ens_R_min:.2f`). Each network has its own
# orientation, so no mean orientation is given. Border-like units (score above 0.5)
# number {glue:text}`ens_border:.0f` per network on average, at most
# {glue:text}`ens_border_max:d`, against
# {glue:text}`n_border:d` here. {glue:text}`twin_note` This book's network's grid share
# and median spacing {glue:text}`here_typical` the range of the other members (grid share
# {glue:text}`ens_share_min:.0%` to {glue:text}`ens_share_max:.0%`, median spacing
# {glue:text}`ens_spacing_min:.0f` to {glue:text}`ens_spacing_max:.0f` cm).
# {glue:text}`here_outside`
#
# ## Summary
# - {glue:text}`share_grid:.0%` of the units are grid-like (score above 0.3;
#   {numref}`fig-ratemap-gallery`, {numref}`fig-score-hist`).
# - {glue:text}`module_sentence` ({numref}`fig-geometry`)
# - {glue:text}`lattice_sentence` ({numref}`fig-lattice-profile`)
# - {glue:text}`n_border:d` units are border-like (score above 0.5).
# - The ensemble's {glue:text}`ens_n:d` networks agree: {glue:text}`ens_share:.0%` grid
#   units ({glue:text}`ens_share_lo:.0%` to {glue:text}`ens_share_hi:.0%`) at a median
#   spacing of about {glue:text}`ens_spacing:.0f` cm, their orientations concentrated
#   {glue:text}`ens_oriented_text` ({numref}`tab-ensemble-maps`, {numref}`fig-ensemble-maps`).
#
# The predictive chapter asks whether these maps are sharpest for where the animal *will
# be*, rather than where it is; the pattern-formation chapter compares this spacing with
# the theory's prediction.
#
# ## Provenance

# %% tags=["remove-input"]
report.show_provenance(cfg, params_file, uses="ratemaps")
