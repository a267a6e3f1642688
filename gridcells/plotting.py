"""Figures. Every helper takes ``ax=None`` (or ``fig=None`` for multi-panel figures),
draws, and returns the figure. Rate maps are drawn with ``origin="lower"`` (row 0 = the
bottom of the box)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle

from .lattice import profile_symmetry, ring_profiles
from .predictive import CLASSES
from .ratemaps import smooth
from .scores import ring_parameters

CLASS_COLORS = {"predictive": "tab:red", "retrospective": "tab:blue", "zero-lag": "tab:green",
                "low-grid": "tab:gray", "unresolved": "tab:purple", "unclassified": "tab:olive"}


def _ax(ax, figsize=(4, 3)):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax.figure, ax


def _grid(fig, rows, cols, size=1.1):
    if fig is None:
        fig = plt.figure(figsize=(cols * size, rows * size + 0.4), layout="constrained")
    return fig, fig.subplots(rows, cols, squeeze=False)


def show_map(m: np.ndarray, ax=None, title: str | None = None, cmap="jet", sigma=0.0):
    """One rate map (or pattern) [n, n], optionally smoothed for display."""
    fig, ax = _ax(ax, (2, 2))
    ax.imshow(smooth(m, sigma) if sigma else m, origin="lower", cmap=cmap,
              interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=7)
    return fig


def best_first(scores: np.ndarray) -> np.ndarray:
    """Indices of the units with a defined score (scores [U]), highest score first."""
    finite = np.flatnonzero(np.isfinite(scores))
    return finite[np.argsort(scores[finite])[::-1]]


def ratemap_gallery(maps: np.ndarray, scores: np.ndarray, per_row: int = 8, fig=None,
                    label: str = "grid score", sigma: float = 1.0):
    """Top, middle and bottom ``per_row`` maps of the score distribution, as in Fig. 2 of
    Sorscher et al.; each row is titled with its score range."""
    order = best_first(scores)
    n = len(order)
    if n == 0:
        fig, ax = _ax(None)
        ax.text(0.5, 0.5, "no unit has a defined score", ha="center")
        return fig
    k = min(per_row, n)
    picks = {"top": order[:k], "middle": order[max(n // 2 - k // 2, 0):][:k],
             "bottom": order[-k:]}
    fig, axes = _grid(fig, 3, k)
    for row, (name, idx) in enumerate(picks.items()):
        vals = scores[idx]
        for j, u in enumerate(idx):
            show_map(maps[u], axes[row, j], f"{scores[u]:.2f}", sigma=sigma)
        axes[row, 0].set_ylabel(f"{name}\n{np.nanmin(vals):.2f}..{np.nanmax(vals):.2f}",
                                fontsize=7)
    silent = len(scores) - n
    fig.suptitle(f"rate maps by {label}" + (f" ({silent} of {len(scores)} units have no score:"
                                             " silent or flat maps)" if silent else ""),
                 fontsize=9)
    return fig


def top_maps(maps: np.ndarray, scores: np.ndarray, n: int = 64, per_row: int = 8, fig=None,
             sigma: float = 1.0):
    """The ``n`` best-scoring rate maps (maps [U, nbins, nbins], scores [U]), best first, each
    titled with its score: the check that a network's top units are visibly hexagonal."""
    order = best_first(scores)[:n]
    rows = max(-(-len(order) // per_row), 1)
    fig, axes = _grid(fig, rows, per_row)
    for ax in axes.flat:
        ax.axis("off")
    for ax, u in zip(axes.flat, order):
        show_map(maps[u], ax, f"{scores[u]:.2f}", sigma=sigma)
    fig.suptitle(f"the {len(order)} best rate maps by grid score "
                 f"(mean {np.mean(scores[order]) if len(order) else np.nan:.2f})", fontsize=9)
    return fig


def plot_sac(sac: np.ndarray, ring: int, nbins: int = 20, ax=None, title: str | None = None):
    """An autocorrelogram with the chosen ring (index into ``ring_parameters()``) drawn."""
    fig, ax = _ax(ax, (3, 3))
    ax.imshow(sac, origin="lower", cmap="jet", vmin=-1, vmax=1)
    c = sac.shape[0] // 2
    lo, hi = ring_parameters()[ring]
    for r in (lo * nbins, hi * nbins):
        ax.add_patch(Circle((c, c), r, fill=False, color="w", lw=1))
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=8)
    return fig


def score_histogram(scores: dict[str, np.ndarray], ax=None, xlabel="grid score 60",
                    thresholds=(0.3,)):
    """Histograms of one or more named score arrays (NaNs dropped)."""
    fig, ax = _ax(ax)
    bins = np.linspace(-1, 2, 46)
    for name, s in scores.items():
        s = s[np.isfinite(s)]
        ax.hist(np.clip(s, -1, 2), bins, alpha=0.6, label=f"{name} (median {np.median(s):.2f})")
    for t in thresholds:
        ax.axvline(t, color="k", ls="--", lw=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("count")
    ax.legend(fontsize=7)
    return fig


def training_curves(history: list[dict], gridness: list[dict], fig=None):
    """Loss, decoding error and the in-training gridness/diversity measurement over steps."""
    if fig is None:
        fig = plt.figure(figsize=(12, 2.8), layout="constrained")
    axes = fig.subplots(1, 3)
    steps = [r["step"] for r in history]
    axes[0].plot(steps, [r["loss"] for r in history])
    axes[0].set_ylabel("loss")
    axes[1].plot(steps, [r["err_cm"] for r in history])
    axes[1].set_ylabel("decoding error (cm)")
    axes[1].set_yscale("log")
    if gridness:
        gs = [r["step"] for r in gridness]
        axes[2].plot(gs, [r["frac_above_03"] for r in gridness], "o-", label="fraction > 0.3")
        axes[2].plot(gs, [r["best64_mean"] for r in gridness], "s-", label="best-64 mean")
        axes[2].plot(gs, [r["map_corr"] for r in gridness], "^-",
                     label="mean |map corr| (collapse)")
        axes[2].plot(gs, [r.get("frac_silent", np.nan) for r in gridness], "v-",
                     label="fraction silent")
        axes[2].plot(gs, [r.get("hex_order", np.nan) for r in gridness], "h:",
                     label="shared hexagonal order")
        axes[2].plot(gs, [r.get("square_order", np.nan) for r in gridness], "D:",
                     label="shared square order")
        axes[2].plot(gs, [r.get("stripe_order", np.nan) for r in gridness], "|:",
                     label="shared stripe order")
        axes[2].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
        axes[2].set_title(f"in-training measurement ({int(gridness[-1]['n_units'])} units)",
                          fontsize=8)
    for ax in axes:
        ax.set_xlabel("step")
    return fig


def lattice_profile(maps: np.ndarray, ax=None, label: str | None = None):
    """The population's orientation profile (each unit's ring power at wave-vector
    orientations 5 degrees apart, normalised and averaged over units,
    :func:`gridcells.lattice.ring_profiles`) of rate maps [U, n, n]; the legend gives the
    shared hexagonal, square and stripe order."""
    fig, ax = _ax(ax)
    theta, prof, cycles = ring_profiles(maps)
    sym = profile_symmetry(theta, prof, cycles)
    ax.plot(np.degrees(theta), prof.mean(0) if len(prof) else np.full(len(theta), np.nan),
            label=f"{label + ': ' if label else ''}hex {sym.hex_order:.2f}, "
                  f"square {sym.square_order:.2f}, stripe {sym.stripe_order:.2f}")
    ax.set_xlim(0, 180)
    ax.set_xticks(range(0, 181, 30))
    ax.set_xlabel("wave-vector orientation (deg)")
    ax.set_ylabel("share of ring power")
    ax.legend(fontsize=7)
    return fig


def lattice_race(rows: list[dict], ax=None, threshold: float = 0.4):
    """Hexagonal minus square order over training for finished runs (rows of
    benchmarks/lattice_runs.py: ``seed``, ``frac_above_03`` and ``curve`` of per-epoch
    measurements), solid where the run ended with at least ``threshold`` of its units above
    grid score 0.3, dashed otherwise."""
    fig, ax = _ax(ax, figsize=(6.5, 3.2))
    for r in rows:
        steps = [c["step"] for c in r["curve"]]
        diff = [c["hex_order"] - c["square_order"] for c in r["curve"]]
        good = r["frac_above_03"] >= threshold
        ax.plot(steps, diff, "-" if good else "--", marker="o", ms=3,
                color="tab:green" if good else "tab:gray",
                label=f"seed {r['seed']}: {100 * r['frac_above_03']:.0f} % > 0.3")
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xlabel("step")
    ax.set_ylabel("hexagonal - square order")
    ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return fig


# ---- predictive ---------------------------------------------------------------------------


def class_counts(counts: dict[str, int], ax=None, title: str = ""):
    """(A) units per class."""
    fig, ax = _ax(ax)
    ax.bar(list(counts), list(counts.values()), color=[CLASS_COLORS[c] for c in counts])
    ax.set_ylabel("units")
    ax.tick_params(axis="x", labelrotation=30, labelsize=7)
    ax.set_title(title, fontsize=9)
    return fig


def shift_distribution(preferred_cm: np.ndarray, labels: np.ndarray, min_shift_cm: float,
                       ax=None):
    """(B) preferred shifts (cm) of the grid units, with the +-min_shift_cm band."""
    fig, ax = _ax(ax)
    grid = ~np.isin(labels, ["low-grid"])
    ax.axvspan(-min_shift_cm, min_shift_cm, color="0.9", label=f"+-{min_shift_cm:g} cm")
    lim = max(np.abs(preferred_cm).max(initial=1), min_shift_cm) + 1
    ax.hist(preferred_cm[grid], np.linspace(-lim, lim, 41), color="k")
    ax.set_xlabel("preferred shift (cm)")
    ax.set_ylabel("units")
    ax.legend(fontsize=7)
    return fig


def zero_vs_peak(zero: np.ndarray, peak: np.ndarray, labels: np.ndarray, ax=None):
    """(C) zero-shift against best-shift gridness, coloured by class."""
    fig, ax = _ax(ax, (3.5, 3.5))
    for c in CLASSES:
        sel = labels == c
        if sel.any():
            ax.scatter(zero[sel], peak[sel], s=8, color=CLASS_COLORS[c], label=f"{c} ({sel.sum()})")
    lim = [min(np.nanmin(zero[np.isfinite(zero)], initial=-0.5), -0.5), 2]
    ax.plot(lim, lim, "k:", lw=0.8)
    ax.set_xlabel("zero-shift gridness")
    ax.set_ylabel("best-shift gridness")
    ax.legend(fontsize=6)
    return fig


def classification_panels(c, min_shift_cm: float, title: str = "", fig=None):
    """(A) counts, (B) preferred shifts and (C) zero-shift against best-shift gridness of a
    :class:`~gridcells.predictive.Classification`."""
    if fig is None:
        fig = plt.figure(figsize=(11, 3.3), layout="constrained")
    axes = fig.subplots(1, 3)
    class_counts(c.counts(), ax=axes[0], title=title or f"{c.criterion} criterion")
    shift_distribution(c.preferred_cm, c.labels, min_shift_cm, ax=axes[1])
    zero_vs_peak(c.zero_score, c.peak_score, c.labels, ax=axes[2])
    return fig


def lag_heatmaps(shifts_cm: np.ndarray, scores: np.ndarray, labels: np.ndarray,
                 preferred: np.ndarray, classes=("predictive", "zero-lag", "retrospective"),
                 fig=None):
    """Gridness against shift per class (rows sorted by preferred shift), with the class mean
    +- SEM underneath."""
    if fig is None:
        fig = plt.figure(figsize=(3.2 * len(classes), 5), layout="constrained")
    axes = fig.subplots(2, len(classes), squeeze=False, height_ratios=[3, 1.3])
    for j, c in enumerate(classes):
        sel = np.flatnonzero(labels == c)
        top, bottom = axes[0, j], axes[1, j]
        top.set_title(f"{c} ({len(sel)})", fontsize=9)
        if len(sel) == 0:
            top.text(0.5, 0.5, "no units", ha="center", transform=top.transAxes)
            continue
        rows = sel[np.argsort(preferred[sel])]
        ext = [shifts_cm[0], shifts_cm[-1], 0, len(rows)]
        top.imshow(scores[:, rows].T, aspect="auto", origin="lower", extent=ext, cmap="viridis")
        top.set_ylabel("unit (sorted)")
        m = np.nanmean(scores[:, sel], 1)
        sem = np.nanstd(scores[:, sel], 1) / np.sqrt(len(sel))
        bottom.plot(shifts_cm, m, color=CLASS_COLORS[c])
        bottom.fill_between(shifts_cm, m - sem, m + sem, color=CLASS_COLORS[c], alpha=0.3)
        bottom.set_xlabel("shift (cm)")
        bottom.set_ylabel("gridness")
    return fig


def ablation_bars(intact: float, predictive: float | None, random: list[float],
                  zero_lag: list[float], ax=None):
    """Decoding error: intact and predictive-silenced bars, random and zero-lag control sets
    as points."""
    fig, ax = _ax(ax, (4, 3))
    ax.bar([0], [intact], color="0.6")
    if predictive is not None:
        ax.bar([1], [predictive], color=CLASS_COLORS["predictive"])
    rng = np.random.default_rng(0)
    for x, vals, c in ((2, random, "k"), (3, zero_lag, CLASS_COLORS["zero-lag"])):
        if vals:
            ax.scatter(x + rng.uniform(-0.15, 0.15, len(vals)), vals, s=10, color=c)
    ax.set_xticks(range(4), ["intact", "predictive\nsilenced", "random\nsets", "zero-lag\nsets"],
                  fontsize=7)
    ax.set_ylabel("decoding error (cm)")
    return fig


# ---- pattern formation --------------------------------------------------------------------


def covariance_panels(kernel: np.ndarray, power: np.ndarray, k_peak: float, fig=None):
    """Sigma (centred) and its Fourier power (centred), with the ring |k| = k_peak."""
    if fig is None:
        fig = plt.figure(figsize=(7, 3.2), layout="constrained")
    a, b = fig.subplots(1, 2)
    a.imshow(np.fft.fftshift(kernel), cmap="RdBu_r", origin="lower")
    a.set_title("place-code covariance Sigma(dx)", fontsize=9)
    b.imshow(np.fft.fftshift(power), cmap="magma", origin="lower")
    b.set_title(f"Fourier power (peak |k| = {k_peak:.1f} rad/m)", fontsize=9)
    for ax in (a, b):
        ax.set_xticks([])
        ax.set_yticks([])
    return fig
