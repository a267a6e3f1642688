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
# # Topology of the grid population
#
# :::{admonition} Key findings
# :class: important
# - The test is right on {glue:}`truth_right` of {glue:}`truth_total` synthetic populations:
#   one hexagonal or square module is a torus (Betti numbers 1, 2, 1), unrelated maps and
#   mixed modules are not.
# - This book's network, module of {glue:}`live_units` units, over the whole box:
#   {glue:md}`live_full` (away from the walls: {glue:md}`live_interior`).
# - {glue:}`n_tori_full` of the three networks analysed here are tori over the whole box; each
#   is one network and one draw of paths.
# - {glue:text}`ens_topology_sentence`
# :::
#
# A grid score says that one unit's map is periodic. It does not say that the population
# behaves like the continuous attractor theory expects of a grid module: if the units share
# one lattice and differ only in phase, the population vector depends on position only
# modulo the lattice, and the population's states lie on a two-dimensional **torus**.
# {cite:t}`gardner2022` showed this in recorded grid modules by persistent homology:
# Betti numbers (1, 2, 1) (one component, two independent loops, one cavity), with long bars
# in H1 and H2. This chapter applies the same test to the trained networks
# (`gridcells.topology.homology`): units of one module, their population vectors over space, PCA to
# six dimensions, an even subsample, the Vietoris-Rips persistence up to H2 (`ripser`,
# coefficients Z/47), and Betti numbers read against shuffled populations.

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
import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display
from myst_nb import glue

import gridcells as gc
from gridcells.book import plots, report, sentences, topology_text
from gridcells.records.experiments import network_label, topology_rows
from gridcells.topology import coordinates, homology
from gridcells.topology.network import analyse_network
from gridcells.topology.synthetic import component_maps, random_maps, synthetic_module

# %% tags=["parameters", "remove-cell"]
params_file = "params/default.yaml"
run_dir = None

# %% tags=["remove-cell"]
cfg, run_dir = report.start_notebook(params_file, run_dir, globals(), show=False)
model = gc.load_model(run_dir)
seed = cfg.rng_seed + 3000
settings = {"sigma": cfg.topology_sigma, "n_points": cfg.topology_points,
            "max_scale": cfg.topology_max_scale, "n_null": cfg.topology_nulls, "seed": seed}
glue("n_points", cfg.topology_points, display=False)
glue("n_nulls", cfg.topology_nulls, display=False)
glue("null_p_min", 1 / (cfg.topology_nulls + 1), display=False)
glue("max_scale", cfg.topology_max_scale, display=False)
glue("nbins_fine", cfg.topology_nbins, display=False)

# %% tags=["remove-input"]
report.show_network_notice()

# %% [markdown]
# ## Method
# 1. **Rate maps** of every unit on {glue:}`nbins_fine` x {glue:}`nbins_fine` bins (finer than
#    the 20 bins of the grid scores, so that a lattice period holds more points), from fresh
#    paths, smoothed with a Gaussian of {param}`topology_sigma` bins. The grid scores, spacing and
#    orientation come from the usual 20-bin maps accumulated on the same paths.
# 2. **One module**: units with grid score above {param}`topology_threshold`, and among them the
#    largest group sharing one spacing (within {param}`topology_spacing_tol`) and orientation
#    (within {param}`topology_orientation_tol` degrees, modulo 60), read from the autocorrelograms.
# 3. **Point cloud**: each spatial bin is one point in unit space; each unit is z-scored over
#    the bins; the points are projected on their first six principal components, and
#    {glue:}`n_points` of them are kept by farthest-point sampling (an even cover).
# 4. **Persistent homology** of the Rips filtration up to H2, distances in units of the
#    cloud's median pairwise distance, the filtration stopped at {glue:text}`max_scale:.2f`
#    (longer bars are cut there). Coefficients in Z/47 as in Gardner et al.: over Z/2 a Klein
#    bottle would also give (1, 2, 1).
# 5. **Null**: {glue:}`n_nulls` shuffled populations, in which every unit's map is rotated by
#    an independent random angle and shifted circularly by an independent random offset, go
#    through the same steps. A bar of the network counts only if it outlasts the longest bar
#    of the same dimension over all null draws. Under the null the network's longest bar is
#    one more draw, so it outlasts all {glue:}`n_nulls` with probability
#    {glue:text}`null_p_min:.3f`: the tables give each bar's permutation p-value ("H1 p" for
#    the second loop, "H2 p" for the cavity). In H0 the class that never dies always counts,
#    and a finite bar counts as a further component only if it is also longer than twice the
#    median finite H0 bar ("H0 scale"): the finite H0 bars of an evenly subsampled connected
#    cloud are merges at its sampling scale, and a cloud spread more evenly than its null's
#    would otherwise count every one of them. {glue:text}`h0_rule_sentence` A population with
#    separate components is in the ground truth below. A shift alone would be no null:
#    shifting a periodic map only changes its phase, and the population would still lie on a
#    torus; the rotation breaks the shared lattice while each unit keeps its own map
#    statistics.
#
# ## Ground truth: synthetic populations
# The test on populations whose answer is known, with this chapter's settings: one module of
# {glue:text}`truth_units` hexagonal or square units (different spacings, orientations, with
# and without noise, random phases), {glue:text}`truth_units` units with smooth random maps,
# {glue:text}`truth_units` with white-noise maps, and two hexagonal modules of unrelated
# spacing ({glue:text}`mixed_spacings`) mixed, and
# {glue:text}`truth_units` units that fire at their own rate in each of three strips of the
# box (separate components, no loop; analysed
# without the maps' smoothing, which would join the strips through their edges). A torus
# counts as right only with Betti numbers (1, 2, 1), the three strips only with
# {glue:text}`components_betti`.

# %% tags=["hide-input"]
n = cfg.topology_nbins
s = n / 40  # spacings below are given in bins of a 40-bin map
U, MIXED = 80, (9, 13.7)  # units per population; the mixed modules' spacings
glue("truth_units", U, display=False)
mixed = f"{MIXED[0] * s:.3g} and {MIXED[1] * s:.3g} bins"
glue("mixed_spacings", mixed, display=False)
truth = [
    ("hexagonal, spacing 9, 10 deg", True, synthetic_module(U, n, 9 * s, 10, "hex", 0, 1)),
    ("hexagonal, spacing 13, 40 deg, noise 0.1", True,
     synthetic_module(U, n, 13 * s, 40, "hex", 0.1, 2)),
    ("square, spacing 9, 20 deg", True, synthetic_module(U, n, 9 * s, 20, "square", 0, 3)),
    ("square, spacing 12, 0 deg, noise 0.1", True,
     synthetic_module(U, n, 12 * s, 0, "square", 0.1, 8)),
    ("smooth random maps", False, random_maps(U, n, 2 * s, seed=4)),
    ("white-noise maps", False, random_maps(U, n, 0, seed=5)),
    (f"two modules mixed ({mixed})", False,
     np.concatenate([synthetic_module(U // 2, n, MIXED[0] * s, 10, "hex", 0, 5),
                     synthetic_module(U // 2, n, MIXED[1] * s, 37, "hex", 0, 6)])),
]
# three components are separate only while the strips' edges stay sharp: smoothing the maps
# (topology_sigma) turns each edge into a path of intermediate population vectors, which
# joins or fragments the blobs, so this population is analysed unsmoothed, and its Betti
# numbers, not only "no torus", are the answer to get right
COMPONENTS = 3
glue("components_betti", str((COMPONENTS, 0, 0)), display=False)
truth_rows, n_right = [], 0
for label, torus, maps, betti, extra in (
        [(lab, tor, m, (1, 2, 1) if tor else None, {}) for lab, tor, m in truth]
        + [(f"{COMPONENTS} components (unsmoothed)", False,
            component_maps(U, n, COMPONENTS, 0.05, seed=7), (COMPONENTS, 0, 0),
            {"sigma": 0.0})]):
    top = homology.population_topology(maps, **{**settings, **extra})
    right = top.is_torus == torus and (betti is None or tuple(top.betti) == betti)
    n_right += right
    truth_rows.append({"population": label, "expected": ("torus" if torus else "no torus")
                       + (f", Betti {betti}" if betti else ""),
                       **top.row(), "right": "yes" if right else "no"})
glue("tab-topology-truth-md", Markdown(report.markdown_table(truth_rows)), display=False)
glue("truth_right", int(n_right), display=False)
glue("truth_total", len(truth_rows), display=False)

# %% [markdown]
# ```{glue:figure} tab-topology-truth-md
# :name: tab-topology-truth
#
# Synthetic populations with a known answer through the same pipeline: the expected answer, the
# Betti numbers, the longest bars of each dimension ("H*d* top bars") and the longest bar of the
# nulls ("H*d* null", the threshold).
# ```
#
# The pipeline answers {glue:}`truth_right` of {glue:}`truth_total` synthetic populations
# correctly ("H*d* top bars": the longest bars, "H*d* null": the longest bar of the nulls, the
# threshold). The mixture shows why the module selection comes first: two modules of
# unrelated spacing do not share one torus.
#
# ## This book's network

# %% tags=["hide-input"]
t0 = time.perf_counter()
live = analyse_network(model, cfg, seed)
live_seconds = time.perf_counter() - t0
sel = live.selection
display(Markdown(
    f"{sel.candidates} units score above {cfg.topology_threshold}; the module: "
    f"**{len(sel.units)} units**, spacing {sel.spacing_ref * 100:.0f} cm, orientation "
    f"{sel.orientation_ref:.0f} deg (the analysis took {live_seconds:.0f} s, of which "
    f"{live.seconds_maps:.0f} s rate maps)."))
live_label = sentences.book_label(*sentences.book_twin(model, cfg.pretrained),
                                  live=f"{cfg.Ng} units")
rows = live.rows(live_label)
glue("tab-topology-live-md", Markdown(report.markdown_table(rows)), display=False)


glue("live_units", len(sel.units), display=False)
glue("live_full", Markdown(topology_text.betti_text(live.full)), display=False)
glue("live_interior", Markdown(topology_text.betti_text(live.interior)), display=False)
glue("margin_cm", cfg.topology_margin * 100, display=False)

# %% [markdown]
# ```{glue:figure} tab-topology-live-md
# :name: tab-topology-live
#
# The module of this book's network: its Betti numbers over the whole box and away from the walls,
# with the longest bars and the nulls' thresholds.
# ```
#
# Over the whole box the module's population gives Betti numbers {glue:md}`live_full`;
# leaving out the bins within {glue:text}`margin_cm:.0f` cm of the walls,
# {glue:md}`live_interior`.

# %% tags=["hide-input"]
if live.full is not None:
    fig, ax = plots.barcodes(live.full, title="whole box")
    glue("fig_live_barcodes", fig, display=False)
    plt.close(fig)
    if live.interior is not None:
        fig, ax = plots.barcodes(live.interior, title="interior")
    else:
        fig, ax = plt.subplots(figsize=(3, 1))
        ax.text(0.5, 0.5, "no interior analysis", ha="center")
    glue("fig_live_interior", fig, display=False)
    plt.close(fig)
    # the loops to decode: the interior's where only the interior is a torus (the whole
    # box's two longest loops would be loops that did not clear the null)
    inner = live.interior is not None and live.interior.is_torus and not live.full.is_torus
    top = live.interior if inner else live.full
    nb = n - 2 * live.margin_bins if inner else n
    glue("cloud_region", "away from the walls, where the module is a torus" if inner else
         "over the whole box", display=False)
    glue("cloud_torus", "a torus" if top.is_torus else
         "no torus; its two longest loops, decoded here, "
         + ("both clear the null, but the rest of its Betti numbers do not fit a torus"
            if top.betti[1] >= 2 else "did not both clear the null"), display=False)
    coords = coordinates.toroidal_coordinates(top)
    fig = plt.figure(figsize=(plots.MAX_WIDTH, 2.7), layout="constrained")
    ax3 = fig.add_subplot(1, 3, 1, projection="3d")
    first = coords[np.searchsorted(top.point_bins, top.bins), 0]
    plots.point_cloud_3d(top, nb, ax=ax3, color=first, cmap="twilight",
                         title=f"{top.n_units} units (PCs 1-3)")
    plots.toroidal_maps(coords, top.point_bins, nb, ax=[fig.add_subplot(1, 3, 2),
                                                        fig.add_subplot(1, 3, 3)],
                        box=(model.cfg.box_width * nb / n, model.cfg.box_height * nb / n))
    glue("fig_live_cloud", fig, display=False)
    plt.close(fig)
else:
    glue("cloud_region", "nowhere", display=False)
    glue("cloud_torus", "no module", display=False)
    for name in ("fig_live_barcodes", "fig_live_interior", "fig_live_cloud"):
        fig, ax = plt.subplots(figsize=(3, 1))
        ax.text(0.5, 0.5, "no module: too few grid units", ha="center")
        ax.axis("off")
        glue(name, fig, display=False)
        plt.close(fig)

# %% [markdown]
# :::{glue:figure} fig_live_barcodes
# :name: fig-topology-live-barcodes
#
# Barcodes of this book's network's module over the whole box: the longest bars of H0, H1 and
# H2 (birth to death, in median pairwise distances; an arrow: still alive where the filtration
# stops). The grey band beside each bar is as long as the longest bar of that dimension in the
# shuffled populations (in H0, at least the sampling scale); coloured bars outlast it and
# count.
# :::
#
# :::{glue:figure} fig_live_interior
# :name: fig-topology-live-interior
#
# The same without the bins near the walls (interior of the box only).
# :::
#
# :::{glue:figure} fig_live_cloud
# :name: fig-topology-live-cloud
#
# The module {glue:text}`cloud_region` ({glue:text}`cloud_torus`). Left: the subsampled
# population vectors on their first three principal components, coloured by the first
# toroidal coordinate. Middle and right: the two circular coordinates decoded from the two
# longest H1 bars' cocycles, over the region analysed (cyclic colours). On a grid module
# each is a plane wave along one lattice direction.
# :::
#
# ## The shipped networks
# The shipped CPU model (`gc.load_pretrained()`, 512 units, a shared hexagonal lattice) and the
# paper-size model trained on a GPU (`gc.load_pretrained("paper")`, 4096 units, mostly bands and
# distorted lattices; research note on larger networks), analysed in the same way. Each is one
# network: the results below describe these networks, not their training recipes.

# %% tags=["hide-input"]
shipped, labels = {}, {"live": live_label}
for name, label in (("default", "shipped CPU model"), ("paper", "paper model (GPU)")):
    net = gc.load_pretrained(name)
    # the interior check only where a module exists to check (the paper model: bands)
    shipped[name] = analyse_network(net, cfg, seed, interior=name == "default")
    labels[name] = f"{label} ({net.cfg.Ng} units)"
    del net
results = {"live": live, **shipped}
lattices = {k: gc.lattice_symmetry(r.maps.maps) for k, r in results.items()}
table = []
for k, r in results.items():
    for row in r.rows(labels[k]):
        table.append({**row, "hex order": round(lattices[k].hex_order, 2),
                      "square order": round(lattices[k].square_order, 2)})
glue("tab-topology-networks-md", Markdown(report.markdown_table(table)), display=False)
for name, r in shipped.items():
    glue(f"{name}_units", len(r.selection.units), display=False)
    glue(f"{name}_full", Markdown(topology_text.betti_text(r.full)), display=False)
    glue(f"{name}_interior", Markdown("not analysed" if r.not_analysed("interior") else
                                      topology_text.betti_text(r.interior)), display=False)
    glue(f"{name}_hex", lattices[name].hex_order, display=False)
glue("h0_rule_sentence", topology_text.h0_rule_sentence(shipped["paper"].full,
                                                    "the paper model's module"), display=False)
tori = sum(r.full is not None and r.full.is_torus for r in results.values())
glue("n_tori_full", int(tori), display=False)

# %% tags=["hide-input"]
fig, axes = plt.subplots(2, 3, figsize=(plots.MAX_WIDTH, 4.6), layout="constrained")
for row, (name, r) in zip(axes, shipped.items()):
    if r.full is not None:
        plots.barcodes(r.full, ax=row, title=None)
        row[0].set_ylabel(labels[name], fontsize=8)
    else:
        row[1].text(0.5, 0.5, f"{labels[name]}: no module", ha="center")
        for a in row:
            a.axis("off")
glue("fig_shipped_barcodes", fig, display=False)
plt.close(fig)

# %% [markdown]
# ```{glue:figure} tab-topology-networks-md
# :name: tab-topology-networks
#
# The topology of this book's network and of the shipped models, with the hexagonal and square
# order their units share.
# ```
#
# :::{glue:figure} fig_shipped_barcodes
# :name: fig-topology-shipped
#
# Barcodes of the shipped CPU model's module (top) and the paper model's (bottom) over the
# whole box, against their null bands as above.
# :::
#
# ## Across the ensemble
# The shipped ensemble's networks (ensemble chapter) go through the same analysis, over the
# whole box and away from the walls (`experiments/topology_networks.py`, recorded in
# `experiments/results/topology_networks.jsonl` with these settings;
# {numref}`tab-topology-ensemble`).

# %% tags=["remove-cell"]
ens_rows = topology_rows("experiments/results/topology_networks.jsonl", cfg.topology_nulls,
                         cfg.topology_points)  # recorded with these settings
glue("tab-topology-ensemble-md", Markdown(report.markdown_table(
    [{"network": network_label(r["network"]), "region": r["region"],
      "units": r["module_units"], "Betti": tuple(r["betti"] or ()),
      "H1 bars": tuple((r.get("H1 top bars") or ())[:2]), "H1 null": r.get("H1 null"),
      "H1 p": r.get("H1 p"), "H2 bar": (r.get("H2 top bars") or [None])[0],
      "H2 null": r.get("H2 null"), "H2 p": r.get("H2 p"), "torus": r["torus"]}
     for r in ens_rows]) if ens_rows else "*(no ensemble network recorded)*"),
     display=False)


n_ens = len({r["network"] for r in ens_rows})
glue("ens_topology_sentence", (
    f"Across the {n_ens} networks of the shipped ensemble, "
    f"{topology_text.tori_text(ens_rows, 'whole box')} are tori over the whole box and "
    f"{topology_text.tori_text(ens_rows, 'interior')} away from the walls. "
    f"{topology_text.region_sentence(ens_rows)}")
    if ens_rows else "No ensemble network has been analysed.", display=False)
bins_of = {reg: sorted({r["bins"] for r in ens_rows if r["region"] == reg and r.get("bins")})
           for reg in ("whole box", "interior")}
denser = all(bins_of.values()) and cfg.topology_points < min(bins_of["whole box"]) and \
    min(bins_of["interior"]) < min(bins_of["whole box"])
glue("density_sentence", (
    f"Both regions keep up to {cfg.topology_points} points, drawn from "
    f"{'/'.join(map(str, bins_of['whole box']))} bins over the whole box and "
    f"{'/'.join(map(str, bins_of['interior']))} in the interior, so the interior's cloud is "
    "sampled more densely: the comparison of the regions changes the walls and the "
    "sampling density together, and this chapter does not separate the two.")
    if denser else "", display=False)
# calls that rest on a near-tie, in every table of this chapter (twins named as such)
near = table + [{**r, "network": network_label(r["network"])} for r in ens_rows]
glue("close_call_sentence", topology_text.close_call_sentence(
    near, cfg.topology_max_scale), display=False)

# %% [markdown]
# :::{glue:figure} tab-topology-ensemble-md
# :name: tab-topology-ensemble
#
# Every ensemble network's module over the whole box and away from the walls: its units, the
# Betti numbers (H0, H1, H2) counted against the null, the two longest H1 bars and the
# longest H2 bar next to the longest null bar of their dimension.
# :::
#
# {glue:text}`ens_topology_sentence` {glue:text}`density_sentence`
# {glue:text}`close_call_sentence` The null keeps each
# unit's map and destroys only the
# shared lattice, so a bar counts only when it is longer than every bar of maps that are as
# periodic but unrelated. A module whose second loop is shorter than that is not called a
# torus here; whether the loop is absent or only too short to clear the null at this number
# of points is not settled by this test.
#
# ## Summary
# With the settings above ({glue:}`n_points` points, {glue:}`n_nulls` null draws), the
# pipeline recovers the known answer on {glue:}`truth_right` of {glue:}`truth_total` synthetic
# populations: one hexagonal or square module is a torus, unrelated maps and mixed modules are
# not. On the trained networks, over the whole box:
#
# - this book's network, module of {glue:}`live_units` units: {glue:md}`live_full`
#   (interior: {glue:md}`live_interior`);
# - the shipped CPU model, module of {glue:}`default_units` units (hexagonal order
#   {glue:text}`default_hex:.2f`): {glue:md}`default_full` (interior:
#   {glue:md}`default_interior`);
# - the paper model, module of {glue:}`paper_units` units (hexagonal order
#   {glue:text}`paper_hex:.2f`): {glue:md}`paper_full` (interior: {glue:md}`paper_interior`).
#
# {glue:}`n_tori_full` of these three networks are tori over the whole box. Each line is one
# network and one draw of paths; the bars' margins over the null are in the tables.
#
# ## What's next
# Hexagonal against square networks side by side, and more points per cloud, would say
# whether the second loop is missing or only too short to clear the null here.
#
# ## Provenance

# %% tags=["remove-input"]
report.show_provenance(cfg, params_file, uses="topology")
