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
from .ratemaps import smooth
from .scores import ring_parameters

CLASS_COLORS = {"predictive": "tab:red", "retrospective": "tab:blue", "zero-lag": "tab:green",
                "low-grid": "tab:gray", "unresolved": "tab:purple", "unclassified": "tab:olive"}
MAP_CMAP = "viridis"  # rate maps, patterns, autocorrelograms (perceptually uniform)
MAP_INCHES = 1.5      # one map of a gallery (at most: a gallery fits MAX_WIDTH)
MAX_WIDTH = 7.5       # inches: the book's text column (about 730 px) shows a figure at
DPI = 150             # >= 97 px per inch, so 8 pt text stays >= 10 px; rendered at 150 dpi


def set_style() -> None:
    """The project's plotting style, set once when this module is imported: figures rendered
    at :data:`DPI` (crisp at the book's column width and on high-density screens), no text
    below 8 pt, figures at most :data:`MAX_WIDTH` inches wide (the helpers keep to it)."""
    sns.set_theme(context="paper", style="ticks", palette="colorblind",
                  rc={"image.cmap": MAP_CMAP, "figure.dpi": DPI, "savefig.dpi": DPI,
                      "font.size": 8, "axes.titlesize": 9, "axes.labelsize": 9,
                      "legend.fontsize": 8, "legend.title_fontsize": 8,
                      "xtick.labelsize": 8, "ytick.labelsize": 8,
                      "figure.titlesize": 9, "figure.labelsize": 9,
                      "axes.spines.top": False, "axes.spines.right": False})


def width(inches: float) -> float:
    """A figure width kept within the text column (:data:`MAX_WIDTH`)."""
    return min(float(inches), MAX_WIDTH)


def panel_letter(ax, letter: str, x: float = -0.02, y: float = 1.02) -> None:
    """A panel's letter, bold at its top left ("A", "B", ...), as its caption names it."""
    ax.text(x, y, letter, transform=ax.transAxes, fontsize=10, fontweight="bold",
            ha="right", va="bottom")


set_style()


def _ax(ax, figsize=(4, 3)):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax.figure, ax


def _grid(fig, rows, cols, size=MAP_INCHES):
    if fig is None:
        size = min(size, (MAX_WIDTH - 0.8) / cols)
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
    ax.legend(fontsize=8)
    return fig, ax


def training_curves(history: list[dict], gridness: list[dict], fig=None):
    """Four panels over training steps, one quantity each (two for the order panel): (a)
    decoding error (cm, log scale), (b) share of the measured units above grid score 0.3 and
    the best-64 mean grid score, (c) map correlation and share of silent units, (d) the
    shared hexagonal, square and stripe order. Returns (fig, axes)."""
    if fig is None:
        fig = plt.figure(figsize=(MAX_WIDTH, 4.8), layout="constrained")
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
            ax.legend(fontsize=8)
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
    ax.legend(fontsize=8)
    return fig, ax


def lattice_race(rows: list[dict], ax=None, threshold: float = 0.4):
    """Hexagonal minus square order over training for finished runs (rows of
    experiments/lattice_runs.py: ``seed``, ``frac_above_03`` and ``curve`` of per-epoch
    measurements), one colour and marker per seed, solid where the run ended with at least
    ``threshold`` of its units above grid score 0.3, dashed otherwise; each line is also
    labelled with its seed at its end. Returns (fig, ax)."""
    fig, ax = _ax(ax, figsize=(MAX_WIDTH, 3.4))
    colours = sns.color_palette("colorblind", max(len(rows), 1))
    markers = "osD^vP*Xhp<>"
    for k, r in enumerate(sorted(rows, key=lambda r: -r["frac_above_03"])):
        steps = [c["step"] for c in r["curve"]]
        diff = [c["hex_order"] - c["square_order"] for c in r["curve"]]
        good = r["frac_above_03"] >= threshold
        ax.plot(steps, diff, "-" if good else "--", marker=markers[k % len(markers)], ms=4,
                color=colours[k % len(colours)], lw=1.6 if good else 1.0,
                label=f"seed {r['seed']}: {100 * r['frac_above_03']:.0f} % > 0.3")
        if steps:
            ax.annotate(f"{r['seed']}", (steps[-1], diff[-1]), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=8,
                        color=colours[k % len(colours)])
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xlabel("training step")
    ax.set_ylabel("hexagonal - square order")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0),
              title="solid: grid cells formed")
    return fig, ax


# ---- pattern formation --------------------------------------------------------------------


def covariance_panels(kernel: np.ndarray, power: np.ndarray, k_peak: float, fig=None,
                      box_width: float | None = None):
    """Sigma (centred) and its Fourier power (centred), each with a colour bar; the ring
    |k| = k_peak named in the title. ``box_width`` (m) labels the offset axes. Returns
    (fig, axes)."""
    if fig is None:
        fig = plt.figure(figsize=(MAX_WIDTH, 3.2), layout="constrained")
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


# The predictive analysis's figures have their own module; their names are importable from
# here (imported last: they use the helpers above).
from .plotting_predictive import (  # noqa: E402
    ablation_bars,
    class_counts,
    classification_panels,
    lag_heatmaps,
    shift_distribution,
    shift_profiles,
    zero_vs_peak,
)
from .plotting_schematic import task_schematic  # noqa: E402

__all__ = ["CLASS_COLORS", "MAP_CMAP", "MAP_INCHES", "ablation_bars", "best_first",
           "class_counts", "classification_panels", "covariance_panels", "lag_heatmaps",
           "lattice_profile", "lattice_race", "peak_normalised", "plot_sac", "ratemap_gallery",
           "score_histogram", "set_style", "shared_colorbar", "shift_distribution",
           "shift_profiles", "show_map", "task_schematic", "top_maps", "training_curves",
           "zero_vs_peak",
           "plt"]


def by_network(values: dict[str, np.ndarray], ax=None, highlight: str | None = None,
               ylabel: str = ""):
    """One box (quartiles, whiskers at 1.5 IQR, no outliers drawn) per network of a per-unit
    figure, ``values`` {network: [k]}, with the units as dots; the ``highlight`` network in
    red, the others grey. Returns (fig, ax)."""
    names = list(values)
    fig, ax = _ax(ax, (width(max(4.0, 0.55 * len(names) + 1.5)), 3))
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


def odds_map(rows: list[dict], ax=None, baseline: dict | None = None):
    """The share of seeds that lean hexagonal at the screening step, per setting (rows of
    :func:`gridcells.emergence.odds_by_setting`: setting, share, lo, hi, screened), with
    Wilson 95 % intervals; ``baseline`` (a row of the same form) is drawn as a band.
    Returns (fig, ax)."""
    fig, ax = _ax(ax, (6.5, 0.45 * len(rows) + 1.2))
    y = np.arange(len(rows))[::-1]
    if baseline is not None:
        ax.axvspan(baseline["lo"], baseline["hi"], color="0.88", zorder=0,
                   label=f"{baseline['setting']}: 95 % interval")
        ax.axvline(baseline["share"], color="0.5", lw=1)
    for yi, r in zip(y, rows):
        ax.errorbar(r["share"], yi, xerr=[[r["share"] - r["lo"]], [r["hi"] - r["share"]]],
                    fmt="o", color="k", capsize=3)
    ax.set_yticks(y, [f"{r['setting']} (n = {r['screened']})" for r in rows])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of seeds leaning hexagonal at the screen")
    if baseline is not None:
        ax.legend(loc="lower right", frameon=False)
    return fig, ax
