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
# # Is the square lattice imposed by the square box?
#
# *Research note.* The weak seeds' square lattices lie along the walls; a circular arena
# tests whether the walls cause them. The tables are read from the records in
# `experiments/results/` (written by the scripts named there; the reproducibility chapter
# shows how to rerun them); the numbers in this note's prose quote those tables.

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
# In the box, the weak seeds' square lattices lie within 11 degrees of the walls or the
# diagonals (the square component's wave vectors at 79, 46, 6, 85, 84 and 3 degrees for seeds
# 1, 3, 6, 7, 8 and 9, in the shared-lattice note's table; a randomly oriented square lattice
# falls that close about half the time, so six of six would happen by chance about once in 70
# tries), so the box's four-fold symmetry was a suspect.
#
# In a circular arena of the same diameter (`arena: circle`; recipe v3 screened to step 3000 on
# six seeds, {numref}`tab-arena`) two seeds form a shared hexagonal lattice and four do not:
# they share a square lattice or one dominant band orientation. Seed 1 turns hexagonal and seed
# 4 square; the odds stay where they were. The walls orient the square lattices but do not
# cause them: the symmetry breaking is the network's own.

# %% tags=["remove-input"]
circle = [r for r in report.read_jsonl("experiments/results/recipe_screen.jsonl")
          if r["overrides"].get("arena") == "circle"]
glue("tab-arena-md", Markdown(report.markdown_table(
    [{"seed": r["overrides"].get("seed", 0), "steps": r["steps"],
      "error (cm)": r["err_cm"], "share > 0.3": r["frac_above_03"],
      "hex order": r.get("hex_order"), "square order": r.get("square_order"),
      "stripe order": r.get("stripe_order")} for r in circle])), display=False)

# %% [markdown]
# ```{glue:figure} tab-arena-md
# :name: tab-arena
#
# Recipe v3 in a circular arena, screened to step 3000 (the rows of
# `experiments/results/recipe_screen.jsonl` with `arena=circle`).
# ```

# %% [markdown]
# ## Provenance

# %% tags=["remove-input"]
report.show_provenance(cfg, params_file)
