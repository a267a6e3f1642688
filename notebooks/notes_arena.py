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
# # Is the square lattice imposed by the square box?
#
# *Research note.* The weak seeds' square lattices lie along the walls; a circular arena
# tests whether the walls cause them. The tables are read from the records in
# `experiments/results/` (written by the scripts named there; the reproducibility chapter
# shows how to rerun them); the numbers in this note's prose are computed from those tables.

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

# %% tags=["parameters", "remove-cell"]
params_file = "params/default.yaml"
run_dir = None

# %% tags=["remove-cell"]
cfg, run_dir = report.start_notebook(params_file, run_dir, globals(), show=False)

# %% tags=["remove-cell"]
box = read_jsonl("experiments/results/lattice_seeds.jsonl")
SQUARE = 0.2  # a clear square component: square order above this at the end of training
squares = [r for r in box if r["square_order"] > SQUARE]
offsets = [rc.wall_offset(r["square_deg"]) for r in squares]
p_one, one_in = rc.chance_alignment(offsets)
circle = [r for r in read_jsonl("experiments/results/recipe_screen.jsonl")
          if r["overrides"].get("arena") == "circle"]
in_circle = {rc.seed_of(r): rc.lean(r, margin=0) for r in circle}
in_box = {s: rc.lean(rc.at_step(r, 3000), margin=0)
          for s, r in rc.by_seed(box).items() if s in in_circle}
rc.glue_all({
    "box_degs": rc.listing(f"{r['square_deg']:.0f}" for r in squares),
    "box_seeds": rc.listing(rc.seed_of(r) for r in squares), "box_n": len(squares),
    "box_offset": max(offsets), "box_p": rc.span([p_one], percent=True), "box_one_in": one_in,
    "circle_n": len(circle), "circle_hex": list(in_circle.values()).count("hexagonal"),
    "circle_other": len(circle) - list(in_circle.values()).count("hexagonal"),
    "box_hex": list(in_box.values()).count("hexagonal"),
    "turned_hex": rc.listing(s for s in in_circle
                             if in_circle[s] == "hexagonal" != in_box[s]),
    "turned_square": rc.listing(s for s in in_circle
                                if in_circle[s] == "square" != in_box[s])})

# %% [markdown]
# In the box, the weak seeds' square lattices lie within {glue:text}`box_offset:.0f` degrees
# of the walls or the diagonals (the square component's wave vectors at
# {glue:text}`box_degs` degrees for seeds {glue:text}`box_seeds`, the seeds with square order
# above 0.2 in the shared-lattice note's table; a randomly oriented square lattice falls that
# close {glue:text}`box_p` of the time, so {glue:text}`box_n:d` of
# {glue:text}`box_n:d` would happen by chance about once in {glue:text}`box_one_in:.0f`
# tries), so the box's four-fold symmetry was a suspect.
#
# In a circular arena of the same diameter (`arena: circle`; recipe v3 screened to step 3000 on
# {glue:text}`circle_n:d` seeds, {numref}`tab-arena`) {glue:text}`circle_hex:d` seeds form a
# shared hexagonal lattice and {glue:text}`circle_other:d` lean square (the screens recorded
# no stripe order, so a square lean may also be one dominant band orientation). Seed
# {glue:text}`turned_hex` turns hexagonal and seed {glue:text}`turned_square` square; the odds
# stay where they were ({glue:text}`box_hex:d` of the same seeds lean hexagonal at step 3000
# in the box). The walls orient the square lattices but do not cause them: the symmetry
# breaking is the network's own.

# %% tags=["remove-input"]
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
