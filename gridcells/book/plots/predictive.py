"""Figures of the predictive analysis and the ablation: classes, preferred shifts, lag
heatmaps, shift profiles, ablation bars. Same conventions as every figure module
(:mod:`gridcells.book.plots`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gridcells.book.plots.style import CLASS_COLORS, MAX_WIDTH, new_axes, panel_letter, width
from gridcells.predictive.classes import CLASSES


def class_counts(counts: dict[str, int], ax=None, title: str = ""):
    """(A) units per class. Returns (fig, ax)."""
    fig, ax = new_axes(ax)
    names = list(counts)[::-1]          # first class on top; horizontal, so labels never
    values = [counts[c] for c in names]  # overlap however narrow the panel
    ax.barh(names, values, color=[CLASS_COLORS[c] for c in names])
    for y, v in enumerate(values):
        ax.annotate(str(v), (v, y), xytext=(2, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.set_xlabel("units")
    ax.set_xlim(0, max(values, default=1) * 1.25 or 1)
    ax.set_title(title, fontsize=9)
    return fig, ax


def shift_distribution(preferred_cm: np.ndarray, labels: np.ndarray, min_shift_cm: float,
                       ax=None):
    """(B) preferred shifts (cm) of the grid units, with the +-min_shift_cm band."""
    fig, ax = new_axes(ax)
    grid = ~np.isin(labels, ["low-grid"])
    ax.axvspan(-min_shift_cm, min_shift_cm, color="0.9", label=f"±{min_shift_cm:g} cm")
    lim = max(np.abs(preferred_cm).max(initial=1), min_shift_cm) + 1
    ax.hist(preferred_cm[grid], np.linspace(-lim, lim, 41), color="k")
    ax.set_xlabel("preferred shift (cm)")
    ax.set_ylabel("units")
    ax.legend(fontsize=8)
    return fig, ax


def zero_vs_peak(zero: np.ndarray, peak: np.ndarray, labels: np.ndarray, ax=None):
    """(C) zero-shift against best-shift gridness, coloured by class."""
    fig, ax = new_axes(ax, (3.5, 3.5))
    # the largest class first, so that a class of a few units is drawn on top, and larger
    for c in sorted(CLASSES, key=lambda c: -int(np.sum(labels == c))):
        sel = labels == c
        if sel.any():
            few = sel.sum() < 5
            ax.scatter(zero[sel], peak[sel], s=30 if few else 8, color=CLASS_COLORS[c],
                       edgecolor="k" if few else "none", lw=0.6, zorder=3 if few else 2,
                       label=f"{c} ({sel.sum()})")
    lim = [min(np.nanmin(zero[np.isfinite(zero)], initial=-0.5), -0.5), 2]
    ax.plot(lim, lim, "k:", lw=0.8)
    ax.set_xlabel("zero-shift gridness")
    ax.set_ylabel("best-shift gridness")
    # best >= zero-shift gridness, so the points lie on or above the diagonal: the lower
    # right is empty
    ax.legend(fontsize=8, loc="lower right")
    return fig, ax


def classification_panels(c, min_shift_cm: float, title: str = "", fig=None):
    """(A) counts, (B) preferred shifts and (C) zero-shift against best-shift gridness of a
    :class:`~gridcells.predictive.classes.Classification`."""
    if fig is None:
        fig = plt.figure(figsize=(MAX_WIDTH, 2.9), layout="constrained")
    axes = fig.subplots(1, 3)
    class_counts(c.counts(), ax=axes[0], title=title or f"{c.criterion} criterion")
    shift_distribution(c.preferred_cm, c.labels, min_shift_cm, ax=axes[1])
    zero_vs_peak(c.zero_score, c.peak_score, c.labels, ax=axes[2])
    for ax, letter in zip(axes, "ABC"):
        panel_letter(ax, letter)
    return fig, axes


FEW_UNITS = 3   # a class with fewer units is drawn as curves, not as a heatmap


def lag_heatmaps(shifts_cm: np.ndarray, scores: np.ndarray, labels: np.ndarray,
                 preferred: np.ndarray, classes=("predictive", "zero-lag", "retrospective"),
                 fig=None):
    """Gridness against shift per class (rows sorted by preferred shift), with the class mean
    +- SEM underneath; a class of fewer than :data:`FEW_UNITS` units shows its units' curves
    instead of a heatmap, a class without units gets no panel (its count is in the class
    figure), and with no unit in any class one line says so."""
    empty = [c for c in classes if not (labels == c).any()]
    classes = [c for c in classes if c not in empty] or list(classes[:1])
    if fig is None:
        fig = plt.figure(figsize=(width(2.5 * len(classes)), 4.4), layout="constrained")
    axes = fig.subplots(2, len(classes), squeeze=False, height_ratios=[3, 1.3])
    for j, c in enumerate(classes):
        sel = np.flatnonzero(labels == c)
        top, bottom = axes[0, j], axes[1, j]
        top.set_title(f"{c} ({len(sel)})", fontsize=9)
        if len(sel) == 0:  # only when every class is empty
            top.text(0.5, 0.5, f"no {', '.join(empty)} units", ha="center",
                     transform=top.transAxes)
            _bare_axes(top, bottom)
            continue
        rows = sel[np.argsort(preferred[sel])]
        if len(rows) < FEW_UNITS:   # a heatmap of one or two rows shows nothing: curves
            for u in rows:
                top.plot(shifts_cm, scores[:, u], color=CLASS_COLORS[c], lw=1)
            top.set_ylabel("gridness (each unit)")
        else:
            ext = [shifts_cm[0], shifts_cm[-1], 0, len(rows)]
            im = top.imshow(scores[:, rows].T, aspect="auto", origin="lower", extent=ext,
                            cmap="viridis")
            fig.colorbar(im, ax=top, label="gridness", shrink=0.8)
            top.set_ylabel("unit (sorted)")
        m = np.nanmean(scores[:, sel], 1)
        sem = np.nanstd(scores[:, sel], 1) / np.sqrt(len(sel))
        bottom.plot(shifts_cm, m, color=CLASS_COLORS[c])
        bottom.fill_between(shifts_cm, m - sem, m + sem, color=CLASS_COLORS[c], alpha=0.3)
        bottom.set_xlabel("shift (cm)")
        bottom.set_ylabel("gridness")
    return fig, axes


def _bare_axes(*axes) -> None:
    for ax in axes:
        ax.axis("off")


def shift_profiles(shifts_cm: np.ndarray, gridness: np.ndarray, sharpness: np.ndarray,
                   preferred_cm: np.ndarray, names, fig=None):
    """Why the shift is read from sharpness, not gridness: for a few units (columns), gridness
    (top row) and sharpness as a fraction of its peak (bottom row) against shift (cm), the
    sharpness estimate marked. gridness, sharpness: [L, k]; preferred_cm: [k]; names: [k]
    titles. Returns (fig, axes [2, k])."""
    k = gridness.shape[1]
    if fig is None:
        fig = plt.figure(figsize=(width(1.9 * k), 3.8), layout="constrained")
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
                  zero_lag: list[float], ax=None, matched: list[float] | None = None):
    """Decoding error: intact and predictive-silenced bars, and the random, zero-lag and
    gridness-matched control sets that were run as points (a control with no sets, e.g. too
    few zero-lag units, is left out). Returns (fig, ax)."""
    fig, ax = new_axes(ax, (4, 3))
    ax.bar([0], [intact], color="0.6")
    if predictive is not None:
        ax.bar([1], [predictive], color=CLASS_COLORS["predictive"])
    else:
        ax.text(1, intact, "no predictive\nunits to silence", ha="center", va="bottom",
                fontsize=8)
    rng = np.random.default_rng(0)  # horizontal jitter only
    controls = [("random\nsets", random, "k"), ("zero-lag\nsets", zero_lag,
                                                CLASS_COLORS["zero-lag"]),
                ("gridness-\nmatched sets", matched or [], "tab:orange")]
    controls = [c for c in controls if len(c[1])]  # a control with no sets is not drawn
    for x, (_, vals, c) in enumerate(controls, start=2):
        ax.scatter(x + rng.uniform(-0.15, 0.15, len(vals)), vals, s=10, color=c)
    ax.set_xticks(range(2 + len(controls)), ["intact", "predictive\nsilenced"]
                  + [name for name, _, _ in controls], fontsize=8)
    ax.set_ylabel("decoding error (cm)")
    return fig, ax
