"""Figures. Every helper takes ``ax=None`` (or ``fig=None`` for multi-panel figures: a
figure or subfigure to draw into), draws, and returns ``(fig, ax)`` (``(fig, axes)`` for
multi-panel figures). Rate maps are drawn with ``origin="lower"`` (row 0 = the bottom of the
box) in a perceptually uniform colour map with a colour bar. Importing this module sets the
project's one plotting style (seaborn's ``ticks`` theme, :data:`MAP_CMAP` for images)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.patches import Circle

from .lattice import profile_symmetry, ring_profiles
from .predictive import CLASSES
from .ratemaps import smooth
from .scores import ring_parameters

CLASS_COLORS = {"predictive": "tab:red", "retrospective": "tab:blue", "zero-lag": "tab:green",
                "low-grid": "tab:gray", "unresolved": "tab:purple", "unclassified": "tab:olive"}
MAP_CMAP = "viridis"  # rate maps, patterns, autocorrelograms (perceptually uniform)
MAP_INCHES = 1.5      # one map of a gallery: 150 px at 100 dpi, >= 120 px in the book


def set_style() -> None:
    """The project's plotting style, set once when this module is imported."""
    sns.set_theme(context="paper", style="ticks", palette="colorblind",
                  rc={"image.cmap": MAP_CMAP, "figure.dpi": 100, "savefig.dpi": 100,
                      "axes.titlesize": 9, "axes.labelsize": 9, "legend.fontsize": 8,
                      "xtick.labelsize": 8, "ytick.labelsize": 8,
                      "axes.spines.top": False, "axes.spines.right": False})


set_style()


def _ax(ax, figsize=(4, 3)):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax.figure, ax


def _grid(fig, rows, cols, size=MAP_INCHES):
    if fig is None:
        fig = plt.figure(figsize=(cols * size + 0.8, rows * size + 0.5), layout="constrained")
    return fig, fig.subplots(rows, cols, squeeze=False)


def _bare(ax):
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)


def show_map(m: np.ndarray, ax=None, title: str | None = None, cmap=MAP_CMAP, sigma=0.0,
             colorbar: str | None = "activity", vmin=None, vmax=None):
    """One rate map (or pattern) [n, n], optionally smoothed for display, with a colour bar
    labelled ``colorbar`` (None: no bar, e.g. when a gallery shares one). Returns (fig, ax)."""
    fig, ax = _ax(ax, (2.4, 2))
    im = ax.imshow(smooth(m, sigma) if sigma else m, origin="lower", cmap=cmap,
                   interpolation="nearest", vmin=vmin, vmax=vmax)
    _bare(ax)
    if title:
        ax.set_title(title, fontsize=8)
    if colorbar:
        fig.colorbar(im, ax=ax, shrink=0.8, label=colorbar)
    return fig, ax


def peak_normalised(m: np.ndarray, sigma: float) -> np.ndarray:
    """A map smoothed for display and divided by its peak (0..1), NaNs kept."""
    m = smooth(m, sigma) if sigma else np.asarray(m, float)
    peak = np.nanmax(m) if np.isfinite(m).any() else np.nan
    return m / peak if peak and np.isfinite(peak) and peak > 0 else m


def shared_colorbar(fig, axes, label="activity / unit's peak"):
    sm = plt.cm.ScalarMappable(cmap=MAP_CMAP, norm=plt.Normalize(0, 1))
    fig.colorbar(sm, ax=axes, shrink=0.6, label=label, aspect=30)


def best_first(scores: np.ndarray) -> np.ndarray:
    """Indices of the units with a defined score (scores [U]), highest score first."""
    finite = np.flatnonzero(np.isfinite(scores))
    return finite[np.argsort(scores[finite])[::-1]]


def ratemap_gallery(maps: np.ndarray, scores: np.ndarray, per_row: int = 4, fig=None,
                    label: str = "grid score", sigma: float = 1.0):
    """Top, middle and bottom ``per_row`` maps of the score distribution, as in Fig. 2 of
    Sorscher et al.; each map is titled with its score, each row with its score range; maps
    are divided by their peak and share one colour bar. Returns (fig, axes [3, per_row])."""
    order = best_first(scores)
    n = len(order)
    if n == 0:
        fig, ax = _ax(None)
        ax.text(0.5, 0.5, "no unit has a defined score", ha="center")
        _bare(ax)
        return fig, np.array([[ax]])
    k = min(per_row, n)
    picks = {"top": order[:k], "middle": order[max(n // 2 - k // 2, 0):][:k],
             "bottom": order[-k:]}
    fig, axes = _grid(fig, 3, k)
    for row, (name, idx) in enumerate(picks.items()):
        vals = scores[idx]
        for j, u in enumerate(idx):
            show_map(peak_normalised(maps[u], sigma), axes[row, j], f"{scores[u]:.2f}",
                     colorbar=None, vmin=0, vmax=1)
        axes[row, 0].set_ylabel(f"{name}\n{np.nanmin(vals):.2f} to {np.nanmax(vals):.2f}",
                                fontsize=8)
    shared_colorbar(fig, axes)
    silent = len(scores) - n
    if silent:
        fig.suptitle(f"{silent} of {len(scores)} units have no {label} (silent or flat maps)",
                     fontsize=8)
    return fig, axes


def top_maps(maps: np.ndarray, scores: np.ndarray, n: int = 25, per_row: int = 5, fig=None,
             sigma: float = 1.0):
    """The ``n`` best-scoring rate maps (maps [U, nbins, nbins], scores [U]), best first, each
    titled with its score (peak-normalised, one colour bar): the check that a network's top
    units are visibly hexagonal. Returns (fig, axes)."""
    order = best_first(scores)[:n]
    rows = max(-(-len(order) // per_row), 1)
    fig, axes = _grid(fig, rows, per_row)
    for ax in axes.flat:
        ax.axis("off")
    for ax, u in zip(axes.flat, order):
        ax.axis("on")
        show_map(peak_normalised(maps[u], sigma), ax, f"{scores[u]:.2f}", colorbar=None,
                 vmin=0, vmax=1)
    shared_colorbar(fig, axes)
    return fig, axes


def plot_sac(sac: np.ndarray, ring: int, nbins: int = 20, ax=None, title: str | None = None,
             colorbar: bool = True):
    """An autocorrelogram with the chosen ring (index into ``ring_parameters()``) drawn.
    Returns (fig, ax)."""
    fig, ax = _ax(ax, (3, 2.6))
    im = ax.imshow(sac, origin="lower", cmap=MAP_CMAP, vmin=-1, vmax=1)
    c = sac.shape[0] // 2
    lo, hi = ring_parameters()[ring]
    for r in (lo * nbins, hi * nbins):
        ax.add_patch(Circle((c, c), r, fill=False, color="w", lw=1))
    _bare(ax)
    if title:
        ax.set_title(title, fontsize=8)
    if colorbar:
        fig.colorbar(im, ax=ax, shrink=0.8, label="correlation")
    return fig, ax


def score_histogram(scores: dict[str, np.ndarray], ax=None, xlabel="grid score 60",
                    thresholds=(0.3,)):
    """Histograms of one or more named score arrays (NaNs dropped). Returns (fig, ax)."""
    fig, ax = _ax(ax)
    bins = np.linspace(-1, 2, 46)
    for name, s in scores.items():
        s = s[np.isfinite(s)]
        ax.hist(np.clip(s, -1, 2), bins, alpha=0.6,
                label=f"{name} (median {np.median(s) if len(s) else np.nan:.2f})")
    for t in thresholds:
        ax.axvline(t, color="k", ls="--", lw=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("units")
    ax.legend(fontsize=7)
    return fig, ax


def training_curves(history: list[dict], gridness: list[dict], fig=None):
    """Four panels over training steps, one quantity each (two for the order panel): (a)
    decoding error (cm, log scale), (b) share of the measured units above grid score 0.3 and
    the best-64 mean grid score, (c) map correlation and share of silent units, (d) the
    shared hexagonal, square and stripe order. Returns (fig, axes)."""
    if fig is None:
        fig = plt.figure(figsize=(10, 5), layout="constrained")
    axes = fig.subplots(2, 2, sharex=True).ravel()
    steps = [r["step"] for r in history]
    axes[0].plot(steps, [r["err_cm"] for r in history], color="k")
    axes[0].set_ylabel("decoding error (cm)")
    axes[0].set_yscale("log")
    axes[0].yaxis.set_major_formatter(plt.matplotlib.ticker.ScalarFormatter())
    axes[0].yaxis.set_minor_formatter(plt.matplotlib.ticker.NullFormatter())
    axes[0].set_title("(a) decoding error on training paths", loc="left")
    gs = [r["step"] for r in gridness]

    def series(ax, key, label, style):
        ax.plot(gs, [r.get(key, np.nan) for r in gridness], style, label=label, ms=4)

    if gridness:
        series(axes[1], "frac_above_03", "share of units > 0.3", "o-")
        series(axes[1], "best64_mean", "best-64 mean grid score", "s-")
        axes[1].set_ylabel("share / grid score")
        axes[1].set_title("(b) grid-like units", loc="left")
        series(axes[2], "map_corr", "mean |map correlation|", "^-")
        series(axes[2], "frac_silent", "share of silent units", "v-")
        axes[2].set_ylabel("correlation / share")
        axes[2].set_title("(c) collapse and dead units", loc="left")
        for key, name, style in (("hex_order", "hexagonal", "h-"),
                                 ("square_order", "square", "D-"),
                                 ("stripe_order", "stripe", "|-")):
            series(axes[3], key, name, style)
        axes[3].set_ylabel("shared order")
        axes[3].set_title(f"(d) lattice shared by {int(gridness[-1]['n_units'])} measured "
                          "units", loc="left")
        for ax in axes[1:]:
            ax.legend(fontsize=7)
    for ax in axes[2:]:
        ax.set_xlabel("training step")
    return fig, axes


def lattice_profile(maps: np.ndarray, ax=None, label: str | None = None):
    """The population's orientation profile (each unit's ring power at wave-vector
    orientations 5 degrees apart, normalised and averaged over units,
    :func:`gridcells.lattice.ring_profiles`) of rate maps [U, n, n]; the legend gives the
    shared hexagonal, square and stripe order. Returns (fig, ax)."""
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
    return fig, ax


def lattice_race(rows: list[dict], ax=None, threshold: float = 0.4):
    """Hexagonal minus square order over training for finished runs (rows of
    experiments/lattice_runs.py: ``seed``, ``frac_above_03`` and ``curve`` of per-epoch
    measurements), solid where the run ended with at least ``threshold`` of its units above
    grid score 0.3, dashed otherwise. Returns (fig, ax)."""
    fig, ax = _ax(ax, figsize=(7.5, 3.4))
    for r in rows:
        steps = [c["step"] for c in r["curve"]]
        diff = [c["hex_order"] - c["square_order"] for c in r["curve"]]
        good = r["frac_above_03"] >= threshold
        ax.plot(steps, diff, "-" if good else "--", marker="o", ms=3,
                color="tab:green" if good else "tab:gray",
                label=f"seed {r['seed']}: {100 * r['frac_above_03']:.0f} % > 0.3")
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xlabel("training step")
    ax.set_ylabel("hexagonal - square order")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return fig, ax


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


def shift_profiles(shifts_cm: np.ndarray, gridness: np.ndarray, sharpness: np.ndarray,
                   preferred_cm: np.ndarray, names, fig=None):
    """Why the shift is read from sharpness, not gridness: for a few units (columns), gridness
    (top row) and sharpness as a fraction of its peak (bottom row) against shift (cm), the
    sharpness estimate marked. gridness, sharpness: [L, k]; preferred_cm: [k]; names: [k]
    titles. Returns (fig, axes [2, k])."""
    k = gridness.shape[1]
    if fig is None:
        fig = plt.figure(figsize=(2.6 * k, 4.2), layout="constrained")
    axes = fig.subplots(2, k, squeeze=False, sharex=True)
    for j in range(k):
        top, bottom = axes[0, j], axes[1, j]
        top.plot(shifts_cm, gridness[:, j], color="k")
        rel = sharpness[:, j] / np.nanmax(sharpness[:, j])
        bottom.plot(shifts_cm, rel, color=CLASS_COLORS["predictive"])
        for ax in (top, bottom):
            ax.axvline(preferred_cm[j], color="0.5", ls="--", lw=0.8)
            ax.axvline(0, color="0.8", lw=0.6)
        top.set_title(names[j], fontsize=9)
        bottom.set_xlabel("shift (cm)")
    axes[0, 0].set_ylabel("gridness")
    axes[1, 0].set_ylabel("sharpness / peak")
    return fig, axes


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


def covariance_panels(kernel: np.ndarray, power: np.ndarray, k_peak: float, fig=None,
                      box_width: float | None = None):
    """Sigma (centred) and its Fourier power (centred), each with a colour bar; the ring
    |k| = k_peak named in the title. ``box_width`` (m) labels the offset axes. Returns
    (fig, axes)."""
    if fig is None:
        fig = plt.figure(figsize=(8, 3.4), layout="constrained")
    a, b = fig.subplots(1, 2)
    k = np.fft.fftshift(kernel)
    lim = np.abs(k).max()
    ext = None if box_width is None else [-box_width / 2, box_width / 2] * 2
    im = a.imshow(k, cmap="RdBu_r", origin="lower", vmin=-lim, vmax=lim, extent=ext)
    fig.colorbar(im, ax=a, shrink=0.8, label="covariance")
    a.set_title("place-code covariance Sigma(offset)", fontsize=9)
    im = b.imshow(np.fft.fftshift(power), cmap="magma", origin="lower")
    fig.colorbar(im, ax=b, shrink=0.8, label="Fourier power")
    b.set_title(f"its Fourier power (peak at |k| = {k_peak:.1f} rad/m)", fontsize=9)
    if ext is None:
        _bare(a)
    else:
        a.set_xlabel("offset x (m)")
        a.set_ylabel("offset y (m)")
    _bare(b)
    b.set_xlabel("wave vector k_x")
    b.set_ylabel("wave vector k_y")
    return fig, (a, b)
