"""Figures of rate maps and their scores: maps and galleries (``origin="lower"``: row 0 is the
bottom of the box, with a colour bar), autocorrelograms with their ring, score histograms,
the lattice profile, and a per-unit figure across networks. Each takes ``ax=None`` (or
``fig=None`` for galleries) and returns ``(fig, ax)`` (``(fig, axes)``)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle

from gridcells.analysis.lattice import profile_symmetry, ring_profiles
from gridcells.analysis.ratemaps import smooth
from gridcells.analysis.scores import ring_parameters
from gridcells.book.plots.style import MAP_CMAP, axes_grid, bare, new_axes, width


def show_map(m: np.ndarray, ax=None, title: str | None = None, cmap=MAP_CMAP, sigma=0.0,
             colorbar: str | None = "activity", vmin=None, vmax=None):
    """One rate map (or pattern) [n, n], optionally smoothed for display, with a colour bar
    labelled ``colorbar`` (None: no bar, e.g. when a gallery shares one). Returns (fig, ax)."""
    fig, ax = new_axes(ax, (2.4, 2))
    im = ax.imshow(smooth(m, sigma) if sigma else m, origin="lower", cmap=cmap,
                   interpolation="nearest", vmin=vmin, vmax=vmax)
    bare(ax)
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
        fig, ax = new_axes(None)
        ax.text(0.5, 0.5, "no unit has a defined score", ha="center")
        bare(ax)
        return fig, np.array([[ax]])
    k = min(per_row, n)
    picks = {"top": order[:k], "middle": order[max(n // 2 - k // 2, 0):][:k],
             "bottom": order[-k:]}
    fig, axes = axes_grid(fig, 3, k)
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
    fig, axes = axes_grid(fig, rows, per_row)
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
    fig, ax = new_axes(ax, (3, 2.6))
    im = ax.imshow(sac, origin="lower", cmap=MAP_CMAP, vmin=-1, vmax=1)
    c = sac.shape[0] // 2
    lo, hi = ring_parameters()[ring]
    for r in (lo * nbins, hi * nbins):
        ax.add_patch(Circle((c, c), r, fill=False, color="w", lw=1))
    bare(ax)
    if title:
        ax.set_title(title, fontsize=8)
    if colorbar:
        fig.colorbar(im, ax=ax, shrink=0.8, label="correlation")
    return fig, ax


def score_histogram(scores: dict[str, np.ndarray], ax=None, xlabel="grid score 60",
                    thresholds=(0.3,)):
    """Histograms of one or more named score arrays (NaNs dropped). Returns (fig, ax)."""
    fig, ax = new_axes(ax)
    bins = np.linspace(-1, 2, 46)
    for name, s in scores.items():
        s = s[np.isfinite(s)]
        ax.hist(np.clip(s, -1, 2), bins, alpha=0.6,
                label=f"{name} (median {np.median(s) if len(s) else np.nan:.2f})")
    for t in thresholds:
        ax.axvline(t, color="k", ls="--", lw=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("units")
    ax.legend(fontsize=8)
    return fig, ax


def lattice_profile(maps: np.ndarray, ax=None, label: str | None = None):
    """The population's orientation profile (each unit's ring power at wave-vector
    orientations 5 degrees apart, normalised and averaged over units,
    :func:`gridcells.analysis.lattice.ring_profiles`) of rate maps [U, n, n]; the legend gives the
    shared hexagonal, square and stripe order. Returns (fig, ax)."""
    fig, ax = new_axes(ax)
    theta, prof, cycles = ring_profiles(maps)
    sym = profile_symmetry(theta, prof, cycles)
    ax.plot(np.degrees(theta), prof.mean(0) if len(prof) else np.full(len(theta), np.nan),
            label=f"{label + ': ' if label else ''}hex {sym.hex_order:.2f}, "
                  f"square {sym.square_order:.2f}, stripe {sym.stripe_order:.2f}")
    ax.set_xlim(0, 180)
    ax.set_xticks(range(0, 181, 30))
    ax.set_xlabel("wave-vector orientation (deg)")
    ax.set_ylabel("share of ring power")
    ax.legend(fontsize=8)
    return fig, ax


def by_network(values: dict[str, np.ndarray], ax=None, highlight: str | None = None,
               ylabel: str = ""):
    """One box (quartiles, whiskers at 1.5 IQR, no outliers drawn) per network of a per-unit
    figure, ``values`` {network: [k]}, with the units as dots; the ``highlight`` network in
    red, the others grey. Returns (fig, ax)."""
    names = list(values)
    fig, ax = new_axes(ax, (width(max(4.0, 0.55 * len(names) + 1.5)), 3))
    data = [np.asarray(values[n], float)[np.isfinite(values[n])] for n in names]
    box = ax.boxplot(data, showfliers=False, widths=0.6, patch_artist=True)
    rng = np.random.default_rng(0)  # horizontal jitter of the dots only
    for i, (name, d) in enumerate(zip(names, data)):
        colour = "tab:red" if name == highlight else "0.5"
        box["boxes"][i].set(facecolor="none", edgecolor=colour)
        ax.scatter(i + 1 + rng.uniform(-0.2, 0.2, len(d)), d, s=3, color=colour, alpha=0.5,
                   lw=0)
    ax.set_xticks(range(1, len(names) + 1), names, rotation=45, ha="right")
    ax.set_ylabel(ylabel)
    return fig, ax
