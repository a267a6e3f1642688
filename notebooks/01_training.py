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
# # Training the path-integrating RNN
#
# ## Overview
# A recurrent network receives only the rat's velocity and must report its position as the
# place-cell code (Sorscher et al. 2019). This chapter trains it from scratch (or resumes the
# run if it already exists), follows the loss, the decoding error and the emergence of
# grid-like maps during training, and measures the trained network on fresh trajectories.
#
# ## Prerequisites
# - The methods chapter (trajectories, place cells, the RNN and its loss).
# - Time: the default parameters train the CPU recipe, about 5-10 minutes on two CPU cores;
#   a GPU (``device: auto``) makes it faster. ``params/smoke.yaml`` runs in seconds.

# %% [markdown]
# ## Imports

# %%
from IPython.display import Markdown, display

import gridcells as gc
from gridcells import plotting, report
from gridcells.pipeline import GENERATED
from gridcells.pretrained import install_pretrained, model_card

# %% tags=["parameters"]
params_file = "params/default.yaml"  # any params file; single values: papermill -p NAME VALUE
run_dir = None                       # default: runs/<params file name>

# %%
cfg, run_dir = report.start_notebook(params_file, run_dir, globals())

# %% [markdown]
# ## Training
# A run directory holds the resolved config, the weights of every epoch, the history and
# the in-training measurements. An existing run with the same config is resumed (and returns
# at once if it is complete); a different config in the same directory is refused.

# %%
if cfg.pretrained:  # analyse a shipped model: no training, its model card instead
    model = install_pretrained(cfg.pretrained, run_dir)
    history, gridness = [], []
    card = model_card(cfg.pretrained)
    display(Markdown(f"Shipped model **{cfg.pretrained}**: {card['steps']} steps on "
                     f"{card['hardware']} ({card['training_wall_s']} s)."))
else:
    result = gc.train(cfg, run_dir, resume="auto", progress=False)
    model, history, gridness = result.model, result.history, result.gridness
    last = history[-1]
    display(Markdown(f"Trained **{int(last['step'])} steps** in {last['elapsed_s']:.0f} s "
                     f"(training loop only); last window: loss {last['loss']:.4f}, "
                     f"decoding error {last['err_cm']:.1f} cm. Run directory: `{run_dir}`."))

# %% [markdown]
# ## Learning curves
# The loss barely moves: the cross-entropy of a perfect prediction of the DoG code is only
# about 0.09 below that of a uniform guess, so the decoding error and the map measurements
# tell more. *Map correlation* is the mean absolute correlation between units' rate maps:
# near 1 means collapse (every unit shows the same map, which can fool a grid score).

# %%
if history:
    fig = plotting.training_curves(history, gridness)

# %% [markdown]
# ## The trained network on fresh trajectories

# %%
ev, maps, scores = gc.evaluate(model, n_batches=cfg.eval_batches * 2,
                               seed=cfg.seed + 1000)
display(Markdown(report.markdown_table([ev.row()])))
display(Markdown(f"Meets the CPU recipe's criteria (error <= 6 cm, >= 40 % above 0.3, "
                 f"best-64 mean >= 1.0, map correlation < 0.5): **{ev.meets_recipe()}**"))

# %%
fig = plotting.ratemap_gallery(maps.maps, scores.score_60)
fig.savefig(f"{run_dir}/ratemaps.png", dpi=120)
fig.savefig(GENERATED / "ratemaps.png", dpi=120)  # the book's introduction shows it

# %% [markdown]
# ## Configurations tried for the CPU recipe
# Every configuration explored while looking for a from-scratch recipe that fits a 2-core
# CPU, with its outcome (``benchmarks/recipe_search.py``). *base* is the params file the
# changes apply to: ``cpu_v1.yaml`` (kept in ``benchmarks/results/``) is the first recipe,
# Ng 512, batch 100, lr 2e-3 cosine with warm-up, no weight decay, bf16, 5000 steps.
# Negative results are kept. Wall times are of the training loop on the 2-core development
# machine, often while other jobs shared it, so they are upper bounds.
#
# What the search found:
# - the original recurrent weight decay (1e-4 * sum W_hh^2 in the loss) holds the network at
#   chance for thousands of steps: with Adam, its gradient is rescaled like any other, so
#   where the cross-entropy's gradient on W_hh is tiny every recurrent weight is pulled to
#   zero at the full step size; even 1e-5 stalls, and the reference configuration
#   (Ng 512, batch 200, lr 1e-3) reaches only 8.2 cm and 16 % grid units after 12k steps here;
# - without any decay the network learns fast (8 cm at 5000 steps) but only about a quarter
#   of its units become grid-like;
# - *decoupled* decay (``weight_decay_mode: decoupled``: W_hh shrinks by lr * weight_decay
#   after each step, outside Adam) keeps the fast learning and raises the share of grid
#   units; stronger decay gives more grid units and slower decoding (weight_decay 3: 44 % of
#   the units above 0.3 but 10.5 cm at 8000 steps), and the outcome varies between
#   runs (weight_decay 2 gave fewer grid units than 1 or 3, and a ramp from 3 to 0.5 fewer
#   than either; weight_decay 3 repeated on seeds 1 and 2 gave 13 % and 38 %, both at
#   11 cm). weight_decay 1 is the recipe.
#
# Five seeds of it (below) show how much of that was luck: seed 0, the one searched with,
# is the best of the five for grid units (34 %); the others give 9-30 %. The decoding
# error improved over the first recipe (median 5.0 against 8.5 cm), the share of grid units
# did not (median 12 % against 30 %). No recipe tried meets the criteria (<= 6 cm,
# >= 40 % above 0.3, best-64 >= 1.0) in five minutes: when and whether a run breaks the
# symmetry of the collapsed phase into many hexagonal maps varies from run to run. The
# book's run uses seed 0, the default of every params file (not chosen after the fact: it
# was the first run of the recipe).
#
# The last row of the table is the largest CPU model tried, ``params/cpu_large.yaml``: the
# recipe with Ng 1024, 22 000 steps in 26 minutes. It path-integrates best (4.6 cm) but only
# 16 % of its units are above 0.3, so it is not shipped: the shipped model
# (``gridcells.load_pretrained()``, ``params/pretrained.yaml``) stays seed 2 of the first
# recipe (5.4 cm, 41 % above 0.3, best-64 0.85).

# %%
display(Markdown(report.recipe_search_table("benchmarks/results/recipe_search.jsonl")))

# %% [markdown]
# Five seeds of the recipe (``benchmarks/recipe_seeds.py``), as ``params/cpu.yaml`` now
# stands:

# %%
display(Markdown(report.recipe_search_table("benchmarks/results/recipe_seeds.jsonl")))

# %% [markdown]
# and the five seeds of the first recipe (``cpu_v1.yaml``); its seed 2 was the first
# shipped model:

# %%
display(Markdown(report.recipe_search_table("benchmarks/results/recipe_seeds_v1.jsonl")))

# %% [markdown]
# ## Summary
# The network was trained (or resumed) into the run directory, and measured: the tables
# above give its decoding error and the share of grid-like units.
#
# ## What's next
# The rate-maps chapter measures every unit of this run in detail.
