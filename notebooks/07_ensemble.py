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
# # An ensemble of networks, not one draw
#
# :::{admonition} Key findings
# :class: important
# - {glue:text}`ens_n` independently trained networks of the {term}`CPU recipe` that meet every
#   criterion of the recipe ship with the package (`gc.load_ensemble()`): the
#   {glue:text}`n_meet_sweep` of {glue:text}`n_finished` finished seeds that met it, out of
#   {glue:text}`n_screened` screened.
# - Across them: decoding error {glue:text}`ens_err` cm, {glue:text}`ens_frac` % of units
#   above grid score 0.3, {term}`best-64` mean {glue:text}`ens_best` (mean and 95 % interval across
#   networks). These networks were selected: screened at step 3000 by the sweep's rule
#   (their units lean hexagonal), trained to the end, and kept only if they met the
#   recipe's four criteria. Their figures describe the networks that succeed, not every
#   seed of the recipe.
# - Screening seeds at step 3000 by the lattice their units share, a
#   {glue:text}`pair_cores`-core machine yields about {glue:text}`yield_2w` such networks an
#   hour with two workers ({glue:text}`yield_1w` with one); a {glue:text}`cluster_n`-seed
#   sweep on {glue:text}`cluster_n` cores would take about
#   {glue:text}`wall_64` minutes.
# :::
#
# Every other chapter analyses one network, and the recipe grows hexagonal grid cells on
# only some seeds (the training chapter gives the odds). A finding about one network may be
# a finding about its seed. This chapter describes the ensemble the other chapters use to
# tell the two apart: seeds trained by `gridcells sweep` (or `gridcells train` into the same
# layout, which the sweep adopts), screened at step 3000 by the shared lattice, finished, and
# shipped when they meet the recipe (`experiments/export_ensemble.py`).

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
from IPython.display import Markdown
from myst_nb import glue

from gridcells.book import plots, report
from gridcells.records import experiments as recorded
from gridcells.records.experiments import read_jsonl
from gridcells.shipped.ensemble import ensemble_rows, throughput
from gridcells.shipped.pretrained import DATA
from gridcells.stats import t_interval
from gridcells.sweep.table import read_sweep

# %% tags=["parameters", "remove-cell"]
params_file = "params/default.yaml"
run_dir = None

# %% tags=["remove-cell"]
cfg, run_dir = report.start_notebook(params_file, run_dir, globals(), show=False)

# %% tags=["remove-input"]
report.show_network_notice()
plots.set_style()  # the book's figure style (resolution, sizes) for the plots drawn here
rows = ensemble_rows()
sweep_rows = read_sweep(DATA / "ensemble" / "sweep.jsonl")

# %% [markdown]
# ## The networks

# %% tags=["remove-cell"]
glue("ens_n", str(len(rows)), display=False)
glue("ens_meet", str(sum(bool(r["meets"]) for r in rows)), display=False)
for key, col, scale, fmt in (("ens_err", "err_cm", 1, ".2f"), ("ens_frac", "frac_above_03", 100,
                                                                ".0f"),
                             ("ens_best", "best64_mean", 1, ".2f")):
    m, lo, hi = t_interval([scale * r[col] for r in rows])
    glue(key, f"{m:{fmt}} ({lo:{fmt}} to {hi:{fmt}})", display=False)
fig, axes = plt.subplots(1, 3, figsize=(plots.MAX_WIDTH, 2.8), layout="constrained")
for ax, (col, label, line) in zip(axes, (("err_cm", "decoding error (cm)", 6.0),
                                         ("frac_above_03", "share of units above 0.3", 0.4),
                                         ("best64_mean", "best-64 mean grid score", 1.0))):
    plots.network_strip([r[col] for r in rows], ax=ax, threshold=line, label=label)
glue("fig_ensemble", fig, display=False)
plt.close(fig)
table = [{"network": r["network"], "error (cm)": r["err_cm"], "above 0.3": r["frac_above_03"],
          "best-64": r["best64_mean"], "hexagonal order": r["hex_order"],
          "square order": r["square_order"], "meets": "yes" if r["meets"] else "no",
          "training (s)": round(r["training_wall_s"] or 0)} for r in rows]
glue("tab-ensemble-md", Markdown(report.markdown_table(table)), display=False)

# %% [markdown]
# ```{glue:figure} fig_ensemble
# :name: fig-ensemble
#
# The shipped networks (one point each), judged by the recipe's protocol on their shipped
# float16 weights (all units, 50 batches of 20-step paths). Dashed: the recipe's criteria
# (error at most 6 cm, at least 40 % of units above 0.3, best-64 mean at least 1.0).
# ```
#
# ```{glue:figure} tab-ensemble-md
# :name: tab-ensemble
#
# Every shipped network: the recipe's judgement, the shared hexagonal and square order of its
# units, and its training time (one torch thread, the machine shared with other jobs).
# ```
#
# ## The sweep
# The sweep table records every seed's screening verdict at step 3000 and its final
# judgement ({numref}`tab-sweep`); a seed whose units do not lean hexagonal at step 3000 is
# stopped there and keeps its checkpoints. Its seeds are those of two batches: the seeds an
# earlier screen (`experiments/results/lattice_odds.jsonl`, `lattice_seeds.jsonl`) had
# found leaning hexagonal, trained to the end and adopted by the sweep, and the new seeds from
# {glue:text}`first_new_seed` on, screened by the sweep itself. The table therefore over-represents
# hexagonal seeds; the share below that continues comes from unselected screens only.

# %% tags=["remove-cell"]
glue("tab-sweep-md", Markdown(report.markdown_table(
    [{"run": r["name"], "status": r["status"], "screen: hexagonal": r["screen_hex_order"],
      "square": r["screen_square_order"], "stripe": r["screen_stripe_order"],
      "verdict": r["verdict"], "error (cm)": r["err_cm"], "above 0.3": r["frac_above_03"],
      "best-64": r["best64_mean"], "meets": {True: "yes", False: "no"}.get(r["meets"])}
     for r in sweep_rows])),
     display=False)
finished = [r for r in sweep_rows if r["status"] == "finished"]
q = sum(bool(r["meets"]) for r in finished) / max(1, len(finished))
glue("q_meet", f"{100 * q:.0f}", display=False)
glue("n_finished", str(len(finished)), display=False)
glue("n_meet_sweep", str(sum(bool(r["meets"]) for r in finished)), display=False)
glue("n_screened", str(len(sweep_rows)), display=False)
earlier = {r["overrides"]["seed"] for r in read_jsonl("experiments/results/lattice_odds.jsonl")}
earlier |= {r["seed"] for r in read_jsonl("experiments/results/lattice_seeds.jsonl")}
glue("first_new_seed", min(r["seed"] for r in sweep_rows if r["seed"] not in earlier),
     display=False)

# %% [markdown]
# ```{glue:figure} tab-sweep-md
# :name: tab-sweep
#
# The sweep table (`gridcells/data/ensemble/sweep.jsonl`, `gridcells.sweep.table.read_sweep`): the
# lattice orders at the screening step and the verdict; error, share above 0.3, best-64 and
# "meets" are the final judgement of the runs that finished (a dash for the runs stopped at
# step 3000).
# ```
#
# Of the {glue:text}`n_finished` finished seeds, {glue:text}`q_meet` % meet every criterion.
#
# ## What a sweep yields
# The share of seeds that continue after screening is measured on every seed screened
# without selection: the thirty recorded screens of the training chapter and the sweep's own
# screens of new seeds, each judged by the sweep's rule ({glue:text}`p_hex` %, Wilson 95 %
# interval {glue:text}`p_hex_lo` to {glue:text}`p_hex_hi` %, over {glue:text}`p_hex_n`
# seeds). The per-seed times come from recorded runs on an idle machine of this kind: one
# worker with two torch threads (`experiments/results/recipe_seeds.jsonl`, ten seeds) and
# two workers with one thread each, side by side (`experiments/results/lattice_odds.jsonl`,
# twenty screens).

# %% tags=["remove-cell"]
seeds_rows = [r for r in read_jsonl("experiments/results/recipe_seeds.jsonl")
              if r.get("wall_s") and r.get("steps", 8000) == 8000][-10:]
screens = read_jsonl("experiments/results/lattice_odds.jsonl")
# every seed screened without selection, judged by the sweep's rule
odds = recorded.recipe_odds()
glue("p_hex_lo", f"{100 * odds['lo']:.0f}", display=False)
glue("p_hex_hi", f"{100 * odds['hi']:.0f}", display=False)
glue("p_hex_n", str(odds["n"]), display=False)
full_2t = float(np.median([r["wall_s"] for r in seeds_rows]))
screen_1t = float(np.median([r["wall_s"] for r in screens]))
frac = 3000 / 8000
PAIR, CLUSTER = 2, 64  # the timed machine's cores (two workers); the projected cluster
one = throughput(frac * full_2t, (1 - frac) * full_2t, odds["share"], q, 1, CLUSTER)
two = throughput(screen_1t, screen_1t * (1 - frac) / frac, odds["share"], q, PAIR, CLUSTER)
cluster = throughput(screen_1t, screen_1t * (1 - frac) / frac, odds["share"], q, CLUSTER,
                     CLUSTER)
glue("pair_cores", PAIR, display=False)
glue("cluster_n", CLUSTER, display=False)
glue("yield_1w", f"{one.per_hour:.1f}", display=False)
glue("yield_2w", f"{two.per_hour:.1f}", display=False)
glue("wall_64", f"{cluster.sweep_wall_s / 60:.0f}", display=False)
glue("cost_64", f"{CLUSTER * cluster.sweep_wall_s / 3600:.1f}", display=False)
glue("yield_64", f"{CLUSTER * odds['share'] * q:.0f}", display=False)
glue("p_hex", f"{100 * odds['share']:.0f}", display=False)
glue("full_2t", f"{full_2t:.0f}", display=False)
glue("screen_1t", f"{screen_1t:.0f}", display=False)
display_rows = [{"set-up": "1 worker x 2 threads", "seconds per seed": one.seconds_per_seed,
                 "networks meeting the recipe per hour": one.per_hour},
                {"set-up": "2 workers x 1 thread", "seconds per seed": two.seconds_per_seed,
                 "networks meeting the recipe per hour": two.per_hour},
                {"set-up": "64 workers x 1 thread (projected)",
                 "seconds per seed": cluster.seconds_per_seed,
                 "networks meeting the recipe per hour": cluster.per_hour}]
glue("tab-yield-md", Markdown(report.markdown_table(display_rows)), display=False)

# %% [markdown]
# ```{glue:figure} tab-yield-md
# :name: tab-yield
#
# Networks that meet the recipe per hour of a screened sweep, from the measured per-seed
# times, the share of seeds that lean hexagonal at step 3000 and the share of finished seeds
# that meet the recipe (gridcells.shipped.ensemble.throughput).
# ```
#
# A full run takes {glue:text}`full_2t` s on one worker with two threads, a screen to step
# 3000 {glue:text}`screen_1t` s on each of two one-thread workers. With
# {glue:text}`p_hex` % of seeds continuing after screening and {glue:text}`q_meet` % of the
# finished ones meeting the recipe, two workers yield {glue:text}`yield_2w` networks an hour
# ({numref}`tab-yield`). On a {glue:text}`cluster_n`-core cluster (one thread a worker, as
# `dask-jobqueue`'s SLURM set-up in the reproducibility chapter gives), a
# {glue:text}`cluster_n`-seed sweep takes
# about {glue:text}`wall_64` minutes of wall time ({glue:text}`cost_64` core-hours) and yields
# about {glue:text}`yield_64` networks that meet the recipe. The hourly rates of
# {numref}`tab-yield` are steady-state rates of a worker that keeps taking new seeds; one sweep of
# {glue:text}`cluster_n` seeds waits at its end for its slowest runs, so it yields fewer per hour of
# its own wall time. These are projections from the measured times, not a measured cluster run.
#
# ## Summary
# The ensemble turns "a network of this recipe" from one draw into a sample:
# {glue:text}`ens_n` networks, decoding at {glue:text}`ens_err` cm with
# {glue:text}`ens_frac` % grid units. The predictive and ablation chapters report their
# figures across these networks.
#
# ## Provenance

# %% tags=["remove-input"]
report.show_provenance(cfg, params_file, uses="ratemaps")
