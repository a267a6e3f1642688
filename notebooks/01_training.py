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
from gridcells import lattice, plotting, report
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
    if "stages" in card:  # trained in stages, each from the previous one's weights
        display(Markdown(report.stages_table(card)))
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
# *Fraction silent* counts units whose map stays below 1 % of the median unit's maximum:
# dead or nearly dead ReLU units, which get almost no gradient and rarely recover.
# *Shared hexagonal / square order* say whether the units' maps are built from the same
# plane waves: three orientations 60 degrees apart (a hexagonal lattice shared by the
# population) or two at 90 degrees (a shared square lattice; methods chapter).

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
# changes apply to: ``cpu_v1.yaml`` and ``cpu_v2.yaml`` (kept in ``benchmarks/results/``) are
# the first two recipes; v1 is Ng 512, batch 100, lr 2e-3 cosine with warm-up, no weight
# decay, bf16, 5000 steps; v2 adds decoupled weight decay 1 and runs 8000 steps. Negative
# results are kept. Wall times are of the training loop on the 2-core development machine,
# often while other jobs shared it, so they are upper bounds.
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
#   after each step, outside Adam) keeps the fast learning; stronger decay gives more grid
#   units and slower decoding (weight_decay 3: 44 % of the units above 0.3 but 10.5 cm at
#   8000 steps), and the outcome varies between runs (weight_decay 3 on seeds 1 and 2: 13 %
#   and 38 %, both at 11 cm).
#
# The in-training curves of these runs (``gridness.csv`` of each run) show *when* the share
# of grid units is decided: while the error falls from chance to about 20 cm. It hardly
# changes afterwards, or erodes slowly as decoding keeps improving (weight_decay 3, seed 0:
# 73 % of the measured units above 0.3 at 83 cm, 44 % at 10 cm). Two consequences:
# - settings can be compared on *screens*, runs cut at step 4000 of the 8000-step schedule,
#   two seeds side by side on one thread each (table below);
# - a network that has formed its grids can be trained on at a lower learning rate without
#   decay and keep them: the weight_decay 3 network (10.4 cm, 45 %) trained for 4000 more
#   steps at lr 5e-4 decodes at 5.3 cm with 46 % above 0.3 and best-64 0.96 (all units).
#
# Recipe v3 (``params/cpu.yaml`` now) does this in one run: weight_decay 3 until step 4000,
# none after (``weight_decay_stop``).

# %%
display(Markdown(report.recipe_search_table("benchmarks/results/recipe_search.jsonl")))

# %% [markdown]
# ### Screens
# What fails in the weak seeds of recipe v2: at step 1000, 30-57 % of their units are nearly
# silent (7 % in seed 0), and 13-15 % are dead at the end; seed 1's maps are mostly bands
# sharing one orientation. Screens on the two weakest v2 seeds (1 and 2, which ended with
# 8 % and 10 % of units above 0.3), measured on the first 256 units at step 4000, and full
# 8000-step screens of recipe v3 (``weight_decay_stop``), last with an orthogonal W_hh on
# its two weak seeds (1 and 3: 2 % and 18 %, no better) and with weight decay 4 (7 % and 3 %
# at step 3000, and slower); half the learning rate with twice the decay (lr 1e-3, weight
# decay 6: the same shrinkage per step, smaller Adam steps) turned seed 3 around (70 % at
# step 3000, against 9 %) but not seed 1 (2 %), and on six seeds it only reshuffles the
# outcomes: 3, 2, 47, 70, 64 and 86 % at step 3000 for seeds 0-5 (v3: 73, 16, 55, 9, 50 %
# for seeds 0-4), with the error still at 81-89 cm. Seed 1 resisted every change.
# Later screens of v3 on its weak seeds 1 and 3 (step 3000; v3 itself: 16 % and 9 %):
# batch 50: 12 % and 25 %, but it ruins the good seeds (0, 2, 4: 5 %, 7 %, 6 %, against
# 73 %, 55 %, 50 %); learning rate 3e-3: 16 %, 21 %; warm-up over 1000 steps: 15 %, 23 %;
# batch 50 with that warm-up (seed 1): 7 %; identity W_hh: 4 %, 9 %; weight decay 2: 9 %,
# 5 %; batch 200: 12 %, 13 % (the error falls sooner: 34 and 14 cm at step 3000); Ng 768:
# 16 %, 7 %. None comes near the 50-73 % of the seeds that succeed.
# Neither the initial weights nor the place-cell layout carries the outcome: seed 0's
# weights and trajectories with seed 1's place-cell centres give 7 % at step 3000 (73 % with
# its own), seed 1's with seed 0's centres 2 % (16 % with its own). Whether a run breaks into
# hexagons is a sensitive function of everything, so a robust recipe has to raise the odds
# for every run rather than avoid bad seeds. The measurement at step 3000 (about 100 s into
# the recipe) already separates the five seeds of v3 below: 50-73 % in those that end with
# 44-46 % grid units, 9-16 % in those that end with 17-20 %.
# Screens ran two at a time with one thread each (together 1.4x the throughput of one run on
# two threads), so their wall times are not comparable with the other tables.

# %%
display(Markdown(report.recipe_search_table("benchmarks/results/recipe_screen.jsonl")))

# %% [markdown]
# ### Five seeds
# Five seeds of the recipe (``benchmarks/recipe_seeds.py``), as ``params/cpu.yaml`` now
# stands (v3), on the idle machine:

# %%
display(Markdown(report.recipe_search_table("benchmarks/results/recipe_seeds.jsonl")))

# %% [markdown]
# Recipe v3 meets every criterion (<= 6 cm, >= 40 % above 0.3, best-64 >= 1.0, map
# correlation < 0.5) on two seeds of five (0 and 4) and misses only best-64 on a third
# (seed 2: 0.91); all five decode at 5.0-6.0 cm in 272-285 s. Seeds 1 and 3 form few grid
# maps (20 % and 17 %): as in v2, whether the maps break into hexagons while the error
# falls is decided early and differs between seeds. Against v2 the median share of grid
# units rose from 12 % to 44 % and the median best-64 from 0.49 to 0.91. The book's run is
# seed 0, the default of every params file (chosen before these seeds were run).
# Five more seeds (5-9, last five rows, run later on the same idle machine) meet none of
# the criteria together: 4-24 % above 0.3, best-64 0.30-0.67, and two of them decode
# badly (seed 5: 21.6 cm; seed 7: 69.7 cm, still near chance). Over ten seeds recipe v3
# meets every criterion in 2 (seeds 0 and 4) and has >= 40 % grid units in 3: its odds are
# about one in four or five, not the two in five its first five seeds suggested. Why the
# others fail is the next section.
#
# Training on 10-step trajectories instead of 20 (half the cost per step) moves every seed
# towards the middle. Judged on the paper's 20-step trajectories (the recipe's criteria are
# always judged at that length: ``evaluation.CRITERIA_SEQUENCE_LENGTH``), the five seeds
# decode at 4.6-4.9 cm with 14-36 % of units above 0.3 and best-64 0.50-0.86: the weak
# seeds 1 and 3 improve (29 % and 28 %, best-64 0.79 and 0.86), the strong seeds 0 and 4
# lose most of their grids (29 % and 14 %), and none meets the criteria. Such a network
# path-integrates twice its training horizon almost as well as its own (seeds 1 and 3:
# 4.7 and 4.5 cm on 10-step paths, 4.8 and 4.6 cm on 20-step paths). With weight decay 5
# as well, seeds 0, 1 and 3 have 25 %, 21 % and 28 % above 0.3 at step 3000: no better
# (screens table). The five seeds (full-length screens run two at a time, recorded with
# ``recipe_search.py --evaluate RUN_DIR``):

# %%
display(Markdown(report.recipe_search_table("benchmarks/results/recipe_seeds_seq10.jsonl")))

# %% [markdown]
# The five seeds of recipe v2 (``cpu_v2.yaml``; its seed 0 was the book's run in the
# previous version):

# %%
display(Markdown(report.recipe_search_table("benchmarks/results/recipe_seeds_v2.jsonl")))

# %% [markdown]
# and of the first recipe (``cpu_v1.yaml``):

# %%
display(Markdown(report.recipe_search_table("benchmarks/results/recipe_seeds_v1.jsonl")))

# %% [markdown]
# ### Why a run fails: its units share a square lattice
# The units of a trained network do not choose their maps one by one. The *shared lattice*
# measure (methods chapter) asks whether most units are built from the same plane waves,
# and of which kind: three orientations 60 degrees apart (a hexagonal lattice) or two at 90
# degrees (a square lattice: two sets of bands). Measured on the ten seeds of recipe v3
# (``benchmarks/lattice_runs.py``, rows below; each epoch's weights as during training, the
# final network as the recipe judges it), it splits them cleanly:
# - the three seeds that end with 44-46 % of units above 0.3 (0, 2 and 4) share a
#   hexagonal lattice (hexagonal order 0.20-0.23, square 0.07-0.13, stripe 0.03-0.07);
# - the five seeds that decode but form few grid units (1, 3, 6, 8 and 9: 17-24 % above 0.3)
#   share a square lattice (square order 0.24-0.43, hexagonal 0.08-0.14, stripe 0.08-0.19;
#   in seed 8 one of its two band directions dominates): their units are mostly bands along
#   the lattice's two directions and square arrays of fields (seen in seed 3's maps), which
#   score low on the 60-degree grid score;
# - the two that do not finish decoding (seeds 5 and 7: 21.6 and 69.7 cm) are dominated by
#   one shared band orientation (stripe order 0.31 and 0.55).
#
# The choice is made early: the sign of hexagonal minus square order at step 3000 (about
# 100 s into the run, the error still 59-105 cm) matches the final outcome in all ten seeds,
# and in these ten it did so already at step 1000 (figure; but see the twenty seeds below).
# Both orders are present at first; one takes over by step 3000, and afterwards the lattice
# stays.

# %%
lattice_rows = report.read_jsonl("benchmarks/results/lattice_seeds.jsonl")
display(Markdown(report.lattice_table("benchmarks/results/lattice_seeds.jsonl")))
fig = plotting.lattice_race(lattice_rows)

# %% [markdown]
# How often does a seed end up hexagonal? Twenty more seeds (10-29) screened to step 3000
# (``benchmarks/results/lattice_odds.jsonl``; one thread each, two side by side, 156-165 s):
# seven form a clear shared hexagonal lattice (hexagonal minus square order 0.10-0.36, with
# 56-77 % of the measured units above 0.3, like the successful seeds 0, 2 and 4 at that
# step: 50-73 %), ten lean square (-0.08 to -0.23; measured again from their step-3000
# weights, seven of them are still dominated by one band orientation at that step, stripe
# order 0.36-0.57, and three share a square lattice) and three are undecided (within
# +-0.02). The sign at step 1000 agrees with the sign at step 3000 in only 13 of these
# twenty: the early lead is often small (below 0.03 either way in seven of them) and
# changes hands, so the lattice is settled by step 3000, not by step 1000. Over all thirty
# seeds:

# %%
odds_rows = report.read_jsonl("benchmarks/results/lattice_odds.jsonl")
at_3000 = [next(c for c in r["curve"] if c["step"] == 3000) for r in lattice_rows + odds_rows]
odds = lattice.hexagonal_odds(at_3000)
display(Markdown(
    f"Seeds with a hexagonal rather than a square lattice at step 3000: "
    f"**{odds['hexagonal']} of {odds['n']}** "
    f"(share {odds['share']:.2f}, 95 % interval {odds['lo']:.2f}-{odds['hi']:.2f})."))

# %% [markdown]
# A hexagonal lattice met every criterion in two of the three finished cases (seeds 0 and
# 4; seed 2 missed best-64 >= 1.0), so a seed of recipe v3 meets the criteria with a
# probability of roughly 0.4 x 2/3 = 0.27, and five seeds of five roughly once in 700
# tries. The five-seed acceptance cannot be reached by choosing among the settings tried
# here, only by changing the odds of this symmetry breaking.

# %% [markdown]
# The earlier recipes show where the shared lattice comes from
# (``benchmarks/results/lattice_recipes.jsonl``, below): without recurrent weight decay (v1)
# the units share no lattice at all (both orders <= 0.10) and 21-40 % of them are above
# 0.3; with weak decay (v2) the three weakest seeds (9-12 %) share a square lattice or one
# band orientation (square order 0.16-0.32, stripe 0.13-0.25); training on 10-step paths
# (v3's schedule) leaves at most a weak shared lattice (orders <= 0.20; the weakest seed, 4
# at 14 %, leans square) and 14-36 % grid units. The decay that makes recipe v3 work pushes
# the whole population onto one attractor lattice, and whether that lattice is hexagonal or
# not is the coin that decides the run. None of the changes screened above tips that coin;
# they reshuffle which seeds win.

# %%
display(Markdown(report.lattice_table("benchmarks/results/lattice_recipes.jsonl")))

# %% [markdown]
# The orientation profile of this chapter's network (the maps measured above): each unit's
# power on the dominant spatial frequency at wave-vector orientations 5 degrees apart,
# normalised and averaged over units. Peaks 60 degrees apart: a shared hexagonal lattice; 90
# degrees apart: a shared square one.

# %%
fig = plotting.lattice_profile(maps.maps, label=f"seed {cfg.seed}")

# %% [markdown]
# Is the square lattice imposed by the square box? In the box, the weak seeds' square
# lattices lie within 11 degrees of the walls or the diagonals (the square component's wave
# vectors at 79, 46, 6, 85, 84 and 3 degrees for seeds 1, 3, 6, 7, 8 and 9; a randomly
# oriented square lattice falls that close about half the time, so six of six would happen
# by chance about once in 70 tries), so the box's four-fold symmetry was a suspect.
# In a circular arena of the same diameter (``arena: circle``; recipe v3 screened to step
# 3000 on six seeds, last rows of the screens table) two seeds form a shared hexagonal
# lattice (seed 0: 62 % of the measured units above 0.3; seed 1: 33 %) and four do not
# (seeds 3, 4, 5, 7: 14-30 %): they share a square lattice or one dominant band orientation
# (square order 0.25-0.37, stripe 0.13-0.49, hexagonal 0.04-0.22 on the measured units).
# Seed 1 turns hexagonal and seed 4 square; the odds stay where they were. The walls orient
# the square lattices but do not cause them: the symmetry breaking is the network's own.

# %% [markdown]
# ### The largest CPU model and the shipped model
# ``params/cpu_large.yaml`` is recipe v2 with Ng 1024, 22 000 steps in 26 minutes (in the
# search table above): it path-integrates best (4.6 cm) but only 16 % of its units are above
# 0.3. The decay that forms grids at Ng 512 does not carry over to Ng 1024: with weight
# decay 3 the larger network stays at chance until the decay stops (step 4000, with either
# schedule), and then 40 % of its units are silent and 5 % above 0.3; with weight decay 1.5
# it leaves chance sooner but has 30 % silent units and 20 % above 0.3 at step 3000 (last
# three rows of the search table, all stopped by hand). Scaling the learning rate with the
# initial weights (1.4e-3 = 2e-3 / sqrt 2) and keeping the shrinkage per step (weight decay
# 4.2) or halving it (2) does not help either: 4 % and 5 % above 0.3 at step 3000, with 16 %
# and 18 % silent units (screens table). No network larger than 512 units meets the
# criteria here. The shipped model is instead a 512-unit network trained in two
# stages: the recipe v2 run with weight_decay 3 (seed 0; 8000 steps, 282 s), trained on
# for 10 000 steps at a lower learning rate without decay (``params/cpu_finetune.yaml``,
# 451 s). Its card, measured on the float16 weights that ship: 4.87 cm, 45 % of the 512
# units above 0.3, best-64 0.93.
#
# The shipped model (``gc.load_pretrained()``), measured again here on the fresh
# trajectories its card names, with the stages it was trained in and its 64 best units:

# %%
shipped_card = model_card()
shipped_ev, shipped_maps, shipped_scores = gc.evaluate(
    gc.load_pretrained(), n_batches=shipped_card["evaluation"]["eval_batches"],
    seed=shipped_card["evaluation"]["eval_seed"])
display(Markdown(report.markdown_table(
    [{"": "model card", **{k: shipped_card["evaluation"].get(k) for k in shipped_ev.row()}},
     {"": "measured now", **shipped_ev.row()}])))
if "stages" in shipped_card:
    display(Markdown(report.stages_table(shipped_card)))
fig = plotting.top_maps(shipped_maps.maps, shipped_scores.score_60)

# %% [markdown]
# ### The paper's network: Ng 4096, trained on a GPU
# ``gc.load_pretrained("paper")`` is the paper's configuration (``params/paper.yaml``: 4096
# units, batch 200, Adam at a constant 1e-4, weight decay 1e-4 in the loss) trained on one
# NVIDIA H200 lent for 15 minutes (``benchmarks/paper_gpu.sh``, float32 with TF32 matrix
# products). Stage 1 is the paper's run, stopped by a time budget at step 54 000 of the
# paper's 100 000 (421 s; the training loop ran at about 130 steps/s: at Ng 4096 and batch
# 200 the step is bound by kernel launches and the per-step loss check, not by arithmetic).
# Stage 2 trained on from its weights for 20 000 steps with a cosine decay from 1e-4 to
# 1e-5 (158 s). The curves below join both stages (measurements on the first 256 units).
# The error leaves chance only after about 15 000 steps and reaches 5.5 cm at 50 000; the
# share of grid units among the measured ones stays at 4-8 %.
#
# Card, measured on the GPU on the shipped float16 weights (all 4096 units, 50 batches;
# measured again on the CPU: the same to three digits): **4.89 cm,
# 9.7 % of units above 0.3 (398 units), best 1.24, best-64 0.73**, map correlation 0.21
# (stage 1 alone: 5.40 cm, 8.2 %, best 1.18, with 35 % silent units; after stage 2, 4.8 %
# silent). It path-integrates as well as the published models (4-5 cm) and its best unit
# scores within the published 1.2-1.4, but its grid cells are few and, below, mostly not
# clean lattices: its 64 best maps are two- to five-field maps, many along the walls, with a
# handful of hexagonal ones. Against the 512-unit CPU model (45 % above 0.3, clean
# hexagons) this is a negative result at this training length: with the paper's settings,
# 74 000 steps give a good path integrator with weak grids. The shared-lattice measure
# (section above) shows what its units share instead of a hexagonal lattice (hexagonal
# order 0.03-0.04 on this chapter's batches, printed below): most of their power lies along
# two wave-vector orientations about 35 degrees apart (near 40 and 75 degrees) with a
# weaker third near 140 (figure below; stripe order 0.37 and square order 0.29 on ten
# batches), a population of bands and distorted lattices rather than the clean hexagons of
# the CPU model or the clean square lattice of the weak CPU seeds. It ships (41 MB, float16) for
# analyses that need many units and as the paper-size reference; the default shipped model
# stays the CPU one, which meets the acceptance figures.

# %%
paper_card = model_card("paper")
paper_history, paper_gridness = gc.training.read_stages(
    [f"benchmarks/results/paper_stage{k}" for k in (1, 2)])
fig = plotting.training_curves(paper_history, paper_gridness)
paper = gc.load_pretrained("paper")
q = paper_card["quick_check"]
quick, _, _ = gc.evaluate(paper, n_batches=q["n_batches"], seed=q["eval_seed"],
                          batch_size=q["batch_size"])
display(Markdown(report.markdown_table(
    [{"": "model card (GPU)", **{k: paper_card["evaluation"].get(k) for k in quick.row()}}])))
display(Markdown(f"The card's quick check (one batch of {q['batch_size']} paths) measured "
                 f"again here: {quick.err_cm:.4f} cm (card: {q['err_cm']:.4f} cm)."))
display(Markdown(report.stages_table(paper_card)))
# the maps on this chapter's analysis batches (the card used 50; 4096 units cost ~1 s a batch)
paper_ev, paper_maps, paper_scores = gc.evaluate(paper, n_batches=cfg.n_batches,
                                                 seed=paper_card["evaluation"]["eval_seed"])
display(Markdown(f"Shared lattice of its {paper.cfg.Ng} units on these batches: hexagonal "
                 f"order {paper_ev.hex_order:.2f}, square order {paper_ev.square_order:.2f} "
                 f"(this chapter's network: {ev.hex_order:.2f} and {ev.square_order:.2f})."))
fig = plotting.lattice_profile(maps.maps, label=f"this chapter's network ({cfg.Ng} units)")
fig = plotting.lattice_profile(paper_maps.maps, ax=fig.axes[0],
                               label=f"paper model ({paper.cfg.Ng} units)")
fig = plotting.top_maps(paper_maps.maps, paper_scores.score_60)

# %% [markdown]
# ## Summary
# The network was trained (or resumed) into the run directory, and measured: the tables
# above give its decoding error and the share of grid-like units.
#
# ## What's next
# The rate-maps chapter measures every unit of this run in detail.
