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
# # Pattern formation
#
# ## Overview
# The theory of Sorscher et al. (2019): the network's maps approximately maximise
# g^T Sigma g, Sigma being the spatial covariance of the place code. Gradient dynamics on
# that objective, with a nonlinearity, form patterns whose shape depends on Sigma and on the
# nonlinearity. Here they are simulated and *measured* with the project's grid scorer.
#
# ## Prerequisites
# - The methods chapter (pattern-formation section).
# - Time: under a minute on the CPU.

# %% [markdown]
# ## Imports

# %%
import numpy as np
from IPython.display import Markdown, display

from gridcells import pattern_formation as pf
from gridcells import plotting, report

# %% tags=["parameters"]
params_file = "params/default.yaml"
run_dir = None

# %%
cfg, run_dir = report.start_notebook(params_file, run_dir, globals())
rng_seed = cfg.rng_seed

# %% [markdown]
# ## The place-code covariance and its Fourier power

# %%
covs = {"DoG": pf.covariance(cfg.replace(DoG=True)),
        "Gaussian": pf.covariance(cfg.replace(DoG=False))}
fig = plotting.covariance_panels(covs["DoG"].kernel, covs["DoG"].power, covs["DoG"].k_peak)

# %% [markdown]
# ## Single-cell dynamics: ReLU against tanh, DoG against Gaussian

# %%
measures, finals, shots = {}, {}, {}
snapshots = tuple(int(cfg.pf_iterations * f) for f in (0.05, 0.25, 1.0))
for tuning, cov in covs.items():
    for nl in ("relu", "tanh"):
        g, s = pf.single_cell(cov, cfg.pf_cells, cfg.pf_iterations, cfg.pf_lr, nl,
                              np.random.default_rng([rng_seed, 7]), snapshots)
        measures[tuning, nl], finals[tuning, nl], shots[tuning, nl] = pf.measure(g, cov), g, s
rows = [{"tuning": t, "nonlinearity": nl, "median score 60": float(np.nanmedian(m.score_60)),
         "fraction > 0.5": float(np.mean(m.score_60 > 0.5)),
         "median score 90": float(np.nanmedian(m.score_90)),
         "spacing (Fourier, m)": float(np.median(m.spacing_fourier)),
         "spacing (SAC, m)": float(np.nanmedian(m.spacing_sac)),
         "predicted spacing (m)": covs[t].predicted_spacing}
        for (t, nl), m in measures.items()]
display(Markdown(report.markdown_table(rows)))

# %%
fig = plotting.score_histogram({f"{t} {nl}": m.score_60 for (t, nl), m in measures.items()})

# %% [markdown]
# Snapshots of four DoG patterns over the iterations (ReLU top, tanh bottom).

# %%
fig, axes = plotting.plt.subplots(2 * len(snapshots), 4, figsize=(6, 3 * len(snapshots)),
                                  layout="constrained")
for r, (nl, it) in enumerate([(nl, it) for nl in ("relu", "tanh") for it in snapshots]):
    for j in range(4):
        plotting.show_map(shots["DoG", nl][it][j], axes[r, j],
                          f"{nl}, iteration {it}" if j == 0 else None)

# %% [markdown]
# ## Multi-cell dynamics: a hierarchy of patterns
# Sanger's rule orthogonalises each cell against the ones before it. With DoG tuning the
# leading patterns are hexagonal; with Gaussian tuning they are square, because the finite
# box's Fourier lattice is square.

# %%
fig, axes = plotting.plt.subplots(2, 6, figsize=(9, 3.4), layout="constrained")
for r, (tuning, cov) in enumerate(covs.items()):
    G = pf.multi_cell(cov, 6, cfg.pf_iterations, cfg.pf_lr, "relu",
                      np.random.default_rng([rng_seed, 8]))
    m = pf.measure(G, cov)
    for j in range(6):
        plotting.show_map(G[j], axes[r, j], f"{tuning} {j}: 60={m.score_60[j]:.2f} "
                          f"90={m.score_90[j]:.2f}")

# %% [markdown]
# ## Summary
# The table compares the measured gridness of formed patterns across nonlinearities and
# tunings, and their spacing with the spacing predicted from the peak of Sigma's power.
#
# ## What's next
# Back to the results overview, or rerun this chapter with other ``place_cell_rf``,
# ``surround_scale`` or box sizes.
