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
# # Why a run fails: its units share a square lattice
#
# *Research note.* The shared-lattice measure (methods) applied to every recorded run. The
# tables are read from the records in `experiments/results/` (written by the scripts named
# there; the reproducibility chapter shows how to rerun them); the numbers in this note's
# prose quote those tables.

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
# ## Ten seeds of recipe v3
# The *shared lattice* measure asks whether most units are built from the same plane waves, and
# of which kind: three orientations 60 degrees apart (hexagonal) or two at 90 degrees (square:
# two sets of bands). On the ten seeds of recipe v3 ({numref}`tab-lattice-seeds`) it splits
# them cleanly:
# - the three seeds that end with 44-46 % of units above 0.3 (0, 2 and 4) share a hexagonal
#   lattice;
# - the five seeds that decode but form few grid units (1, 3, 6, 8 and 9) share a square
#   lattice: their units are mostly bands along the lattice's two directions and square arrays
#   of fields, which score low on the 60-degree grid score;
# - the two that do not finish decoding (seeds 5 and 7) are dominated by one shared band
#   orientation.
#
# The sign of hexagonal minus square order at step 3000 (about 100 s into the run, the error
# still 59-105 cm) matches the final outcome in all ten seeds (the training chapter's race
# figure). Both orders are present at first; one takes over by step 3000, and afterwards the
# lattice stays.

# %% tags=["remove-input"]
glue("tab-lattice-seeds-md", Markdown(report.lattice_table(
    "experiments/results/lattice_seeds.jsonl")), display=False)

# %% [markdown]
# ```{glue:figure} tab-lattice-seeds-md
# :name: tab-lattice-seeds
#
# Shared lattice of the ten seeds of recipe v3 at the end of training and at step 1000
# (`experiments/results/lattice_seeds.jsonl`).
# ```

# %% [markdown]
# ## Twenty more seeds: the odds
# Twenty more seeds (10-29) screened to step 3000 ({numref}`tab-lattice-odds`; one thread each,
# two side by side): seven form a clear shared hexagonal lattice, ten lean square (seven of them
# still dominated by one band orientation at that step, three sharing a square lattice) and
# three are undecided (within 0.02). The sign at step 1000 agrees with the sign at step 3000 in
# only 13 of these twenty: the early lead is often small and changes hands, so the lattice is
# settled by step 3000, not by step 1000. The training chapter gives the odds over all seeds.

# %% tags=["remove-input"]
glue("tab-lattice-odds-md", Markdown(report.recipe_search_table(
    "experiments/results/lattice_odds.jsonl")), display=False)

# %% [markdown]
# ```{glue:figure} tab-lattice-odds-md
# :name: tab-lattice-odds
#
# Twenty seeds of recipe v3 screened to step 3000 (`experiments/results/lattice_odds.jsonl`).
# ```

# %% [markdown]
# ## Where the shared lattice comes from
# The earlier recipes ({numref}`tab-lattice-recipes`): without recurrent weight decay (v1) the
# units share no lattice at all and 21-40 % of them are above 0.3; with weak decay (v2) the
# three weakest seeds share a square lattice or one band orientation; training on 10-step paths
# leaves at most a weak shared lattice. The decay that makes recipe v3 work pushes the whole
# population onto one attractor lattice, and whether that lattice is hexagonal or not is the
# coin that decides the run. None of the changes screened tips that coin; they reshuffle which
# seeds win.

# %% tags=["remove-input"]
glue("tab-lattice-recipes-md", Markdown(report.lattice_table(
    "experiments/results/lattice_recipes.jsonl")), display=False)

# %% [markdown]
# ```{glue:figure} tab-lattice-recipes-md
# :name: tab-lattice-recipes
#
# Shared lattice of the seeds of recipes v1, v2 and v3 on 10-step paths
# (`experiments/results/lattice_recipes.jsonl`).
# ```

# %% [markdown]
# ## Provenance

# %% tags=["remove-input"]
report.show_provenance(cfg, params_file)
