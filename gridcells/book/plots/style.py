"""The project's one plotting style and the helpers every figure module shares: sizes that
fit the book's text column, panel letters, new axes or a grid of them. Importing it sets the
style (seaborn's ``ticks`` theme, :data:`MAP_CMAP` for images, :data:`DPI`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import seaborn as sns

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


def new_axes(ax, figsize=(4, 3)):
    """``ax``'s figure and ``ax``, or a new constrained figure of ``figsize`` inches with one
    axes."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax.figure, ax


def axes_grid(fig, rows, cols, size=MAP_INCHES):
    """A ``rows`` x ``cols`` grid of axes in ``fig``, or in a new figure of maps ``size`` inches
    wide (narrower to fit :data:`MAX_WIDTH`). Returns (fig, axes [rows, cols])."""
    if fig is None:
        size = min(size, (MAX_WIDTH - 0.8) / cols)
        fig = plt.figure(figsize=(cols * size + 0.8, rows * size + 0.5), layout="constrained")
    return fig, fig.subplots(rows, cols, squeeze=False)


def bare(ax):
    """No ticks and no spines: for images."""
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)
