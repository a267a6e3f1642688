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
# # How the CPU recipe was found
#
# *Research note.* Every configuration explored while looking for a from-scratch recipe that
# fits a 2-core CPU, with its outcome ({numref}`tab-recipe-search`); negative results are
# kept. The tables are read from the records in `experiments/results/` (written by the
# scripts named there; the reproducibility chapter shows how to rerun them); the numbers in
# this note's prose are computed from those tables.

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
from IPython.display import Markdown
from myst_nb import glue

from gridcells.book import report
from gridcells.records import experiments as rc
from gridcells.records.experiments import read_jsonl
from gridcells.shipped.pretrained import model_card

# %% tags=["parameters", "remove-cell"]
params_file = "params/default.yaml"
run_dir = None

# %% tags=["remove-cell"]
cfg, run_dir = report.start_notebook(params_file, run_dir, globals(), show=False)

# %% tags=["remove-cell"]
search = read_jsonl("experiments/results/recipe_search.jsonl")
over = [r["overrides"] for r in search]
reference = next(r for r, o in zip(search, over)
                 if o.get("batch_size") == 200 and o.get("weight_decay") == 1e-4)
tiny = next(r for r, o in zip(search, over) if o == {"weight_decay": 1e-5})
no_decay = [r for r, o in zip(search, over) if o.get("weight_decay") == 0.0]
fast = min((r for r in no_decay if r["steps"] <= 5000), key=lambda r: r["err_cm"])
decoupled = [r for r, o in zip(search, over) if not r["stopped_early"] and (
    o.get("weight_decay_mode") == "decoupled" or r["params"].endswith("cpu_v2.yaml"))]
wd3 = next(r for r, o in zip(search, over)
           if o == {"weight_decay": 3.0, "weight_decay_mode": "decoupled", "n_epochs": 8})
wd3_seeds = sorted((r for r, o in zip(search, over) if r["params"].endswith("cpu_v2.yaml")
                    and o.get("weight_decay") == 3.0 and o.get("seed")), key=rc.seed_of)
shipped = model_card()["evaluation"]
rc.glue_all({
    "ref_err": reference["err_cm"], "ref_share": rc.span([reference["frac_above_03"]],
                                                         percent=True),
    "ref_steps": reference["steps"] / 1000, "tiny_err": tiny["err_cm"],
    "tiny_steps": tiny["steps"], "fast_err": fast["err_cm"], "fast_steps": fast["steps"],
    "no_decay_n": len(no_decay),
    "no_decay_share": rc.span([r["frac_above_03"] for r in no_decay], percent=True),
    "wd3_share": rc.span([wd3["frac_above_03"]], percent=True), "wd3_err": wd3["err_cm"],
    "wd3_steps": wd3["steps"],
    "wd3_seeds": rc.listing(rc.seed_of(r) for r in wd3_seeds),
    "wd3_seeds_share": rc.listing(rc.span([r["frac_above_03"]], percent=True)
                                  for r in wd3_seeds),
    "wd3_seeds_err": rc.listing(f"{r['err_cm']:.1f}" for r in wd3_seeds),
    "drift_points": 100 * rc.share_drift(decoupled), "drift_n": len(decoupled),
    "shipped_err": shipped["err_cm"],
    "shipped_share": rc.span([shipped["frac_above_03"]], percent=True)})

# %% [markdown]
# ## What the search found
# *base* is the params file the changes apply to: `cpu_v1.yaml` and `cpu_v2.yaml` (kept in
# `experiments/results/`) are the first two recipes; v1 is Ng 512, batch 100, lr 2e-3 cosine
# with warm-up, no weight decay, bf16, 5000 steps; v2 adds decoupled weight decay 1 and runs
# 8000 steps. Wall times are of the training loop on the 2-core development machine, often
# while other jobs shared it, so they are upper bounds.
#
# - The original recurrent weight decay (1e-4 * sum W_hh^2 in the loss) holds the network at
#   chance for thousands of steps: with Adam, its gradient is rescaled like any other, so where
#   the cross-entropy's gradient on W_hh is tiny every recurrent weight is pulled to zero at the
#   full step size; even 1e-5 stalls ({glue:text}`tiny_err:.0f` cm after
#   {glue:text}`tiny_steps:d` steps), and the reference configuration (Ng 512, batch 200, lr
#   1e-3) reaches only {glue:text}`ref_err:.1f` cm and {glue:text}`ref_share` grid units after
#   {glue:text}`ref_steps:.0f`k steps here.
# - Without any decay the network learns fast ({glue:text}`fast_err:.1f` cm at
#   {glue:text}`fast_steps:d` steps) but only {glue:text}`no_decay_share` of its units become
#   grid-like (the {glue:text}`no_decay_n:d` runs without decay).
# - *Decoupled* decay (`weight_decay_mode: decoupled`: W_hh shrinks by lr * weight_decay after
#   each step, outside Adam; {cite}`loshchilov2019`) keeps the fast learning; stronger decay
#   gives more grid units and slower decoding (weight_decay 3: {glue:text}`wd3_share` of the
#   units above 0.3 but {glue:text}`wd3_err:.1f` cm at {glue:text}`wd3_steps:d` steps), and the
#   outcome varies between runs (weight_decay 3 on seeds {glue:text}`wd3_seeds`:
#   {glue:text}`wd3_seeds_share`, at {glue:text}`wd3_seeds_err` cm).
#
# The in-training curves of these runs show *when* the share of grid units is decided: while
# the error falls from chance to about 20 cm. It hardly changes afterwards (by at most
# {glue:text}`drift_points:.0f` percentage points once the error is below 20 cm, in the
# {glue:text}`drift_n:d` decoupled-decay runs at Ng 512), or erodes slowly as decoding keeps
# improving. Two consequences:
# - settings can be compared on *screens*, runs cut early (the screens note);
# - a network that has formed its grids can be trained on at a lower learning rate without
#   decay and keep them: the weight_decay 3 network above trained for 10 000 more steps at
#   lr 5e-4 without decay (`params/cpu_finetune.yaml`) decodes at
#   {glue:text}`shipped_err:.1f` cm with {glue:text}`shipped_share` above 0.3; it is the
#   shipped model (its card; large-models note).
#
# Recipe v3 (`params/cpu.yaml` now) does this in one run: weight_decay 3 until step 4000,
# none after (`weight_decay_stop`).

# %% tags=["remove-input"]
glue("tab-recipe-search-md", Markdown(report.recipe_search_table(
    "experiments/results/recipe_search.jsonl")), display=False)

# %% [markdown]
# ```{glue:figure} tab-recipe-search-md
# :name: tab-recipe-search
#
# Every configuration tried for the {term}`CPU recipe` (`experiments/results/recipe_search.jsonl`):
# the changes to the base params file, steps, wall time, decoding error (cm), share of units
# above grid score 0.3, {term}`best-64` mean score, map correlation, silent share, shared lattice
# orders where measured, and whether the run met the recipe's criteria.
# ```

# %% [markdown]
# ## Provenance

# %% tags=["remove-input"]
report.show_provenance(cfg, params_file)
