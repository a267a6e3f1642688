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
# # Seeds of the recipes
#
# *Research note.* Every seed trained to the end with recipes v1, v2 and v3, and v3 on
# 10-step paths. The tables are read from the records in `experiments/results/` (written by
# the scripts named there; the reproducibility chapter shows how to rerun them); the numbers
# in this note's prose quote those tables.

# %% tags=["hide-cell"]
from IPython.display import Markdown
from myst_nb import glue

from gridcells import report

# %% tags=["parameters", "hide-cell"]
params_file = "params/default.yaml"
run_dir = None

# %% tags=["hide-cell"]
cfg, run_dir = report.start_notebook(params_file, run_dir, globals(), show=False)

# %% [markdown]
# ## Recipe v3 (`params/cpu.yaml`)
# Ten seeds, on the idle machine ({numref}`tab-seeds-v3`). Seeds 0 and 4 meet every criterion
# (at most 6 cm, at least 40 % above 0.3, best-64 at least 1.0, map correlation below 0.5);
# seed 2 misses only best-64. Seeds 1, 3, 6, 8 and 9 decode but form few grid maps, and seeds
# 5 and 7 do not finish decoding (21.6 and 69.7 cm). The book's run is seed 0, the default of
# every params file, chosen before these seeds were run. Why the others fail is the subject of
# the shared-lattice note.

# %% tags=["remove-input"]
glue("tab-seeds-v3-md", Markdown(report.recipe_search_table(
    "experiments/results/recipe_seeds.jsonl")), display=False)

# %% [markdown]
# ```{glue:figure} tab-seeds-v3-md
# :name: tab-seeds-v3
#
# Ten seeds of recipe v3 trained to the end (`experiments/results/recipe_seeds.jsonl`).
# ```

# %% [markdown]
# ## Ten-step paths
# Training on 10-step trajectories instead of 20 (half the cost per step) moves every seed
# towards the middle ({numref}`tab-seeds-seq10`). Judged on the paper's 20-step trajectories,
# the weak seeds 1 and 3 improve and the strong seeds 0 and 4 lose most of their grids; none
# meets the criteria. Such a network path-integrates twice its training horizon almost as well
# as its own. With weight decay 5 as well, seeds 0, 1 and 3 are no better at step 3000 (screens
# note).

# %% tags=["remove-input"]
glue("tab-seeds-seq10-md", Markdown(report.recipe_search_table(
    "experiments/results/recipe_seeds_seq10.jsonl")), display=False)

# %% [markdown]
# ```{glue:figure} tab-seeds-seq10-md
# :name: tab-seeds-seq10
#
# Five seeds of recipe v3 trained on 10-step paths, judged on 20-step paths
# (`experiments/results/recipe_seeds_seq10.jsonl`).
# ```

# %% [markdown]
# ## The earlier recipes
# Recipe v2 (`cpu_v2.yaml`; its seed 0 was the book's run in the previous version,
# {numref}`tab-seeds-v2`) and the first recipe (`cpu_v1.yaml`, {numref}`tab-seeds-v1`).
# Against v2, v3 raised the median share of grid units from 12 % to 44 % and the median best-64
# from 0.49 to 0.91 over its first five seeds.

# %% tags=["remove-input"]
glue("tab-seeds-v2-md", Markdown(report.recipe_search_table(
    "experiments/results/recipe_seeds_v2.jsonl")), display=False)

# %% [markdown]
# ```{glue:figure} tab-seeds-v2-md
# :name: tab-seeds-v2
#
# Five seeds of recipe v2 (`experiments/results/recipe_seeds_v2.jsonl`).
# ```

# %% tags=["remove-input"]
glue("tab-seeds-v1-md", Markdown(report.recipe_search_table(
    "experiments/results/recipe_seeds_v1.jsonl")), display=False)

# %% [markdown]
# ```{glue:figure} tab-seeds-v1-md
# :name: tab-seeds-v1
#
# Five seeds of recipe v1 (`experiments/results/recipe_seeds_v1.jsonl`).
# ```

# %% [markdown]
# ## Provenance

# %% tags=["remove-input"]
report.show_provenance(cfg, params_file)
