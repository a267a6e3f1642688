"""The introduction's schematic of the task and the network (same conventions as
every figure module, :mod:`gridcells.book.plots`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gridcells.book.plots.style import MAP_CMAP, MAX_WIDTH, bare, panel_letter


def task_schematic(fig=None, seed: int = 0):
    """The task and the network at a glance: (A) a simulated rat's path in the box, with
    its velocity at one step; (B) the RNN, which reads the velocity at every step
    (initialised from the place code of the start) and whose units, read out linearly,
    predict (C) the place-cell code of the current position. Returns (fig, axes)."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    if fig is None:
        fig = plt.figure(figsize=(MAX_WIDTH, 2.5), layout="constrained")
    axes = fig.subplots(1, 3, width_ratios=[1, 1.25, 1])
    rng = np.random.default_rng(seed)
    heading, pos, path = 0.6, np.zeros(2), [np.zeros(2)]
    for _ in range(160):  # a smooth random walk that turns away from the walls
        heading += rng.normal(0, 0.25) + (0.5 if np.abs(pos).max() > 0.8 else 0.0)
        pos = np.clip(pos + 0.04 * np.array([np.cos(heading), np.sin(heading)]), -1, 1)
        path.append(pos.copy())
    path = np.array(path)
    now = path[:100]  # the path so far; the rat is at its last point
    a = axes[0]
    a.plot(now[:, 0], now[:, 1], color="0.4", lw=1)
    a.plot(*now[-1], "o", color="tab:red", ms=5)
    tip = now[-1] + 4 * (now[-1] - now[-3])
    a.add_patch(FancyArrowPatch(tuple(now[-1]), tuple(tip), arrowstyle="-|>",
                                mutation_scale=12, color="tab:red", lw=1.5))
    a.text(*(tip + [0.04, 0.04]), "v", color="tab:red", fontsize=10, style="italic")
    a.set_xlim(-1.1, 1.1)
    a.set_ylim(-1.1, 1.1)
    a.set_aspect("equal")
    bare(a)
    for side in ("left", "bottom", "top", "right"):
        a.spines[side].set_visible(True)
    a.set_title("a rat's path in the box", fontsize=9)
    b = axes[1]
    b.set_xlim(0, 1)
    b.set_ylim(0, 1)
    b.axis("off")
    b.add_patch(FancyBboxPatch((0.28, 0.25), 0.44, 0.5, boxstyle="round,pad=0.02",
                               fc="0.95", ec="0.3"))
    angles = np.linspace(0, 2 * np.pi, 9)[:-1]
    ux, uy = 0.5 + 0.13 * np.cos(angles), 0.5 + 0.16 * np.sin(angles)
    for i in range(8):
        for j in (i + 1, i + 3):
            b.plot([ux[i], ux[j % 8]], [uy[i], uy[j % 8]], color="0.75", lw=0.6, zorder=1)
    b.scatter(ux, uy, s=40, color="tab:blue", zorder=2)
    b.text(0.5, 0.8, "recurrent units", ha="center", fontsize=8)
    for (x0, x1), label in (((0.02, 0.27), "velocity $v_t$"),
                            ((0.73, 0.98), "linear\nreadout")):
        b.add_patch(FancyArrowPatch((x0, 0.5), (x1, 0.5), arrowstyle="-|>", mutation_scale=12,
                                    color="k", lw=1.2))
        b.text((x0 + x1) / 2, 0.56, label, ha="center", va="bottom", fontsize=8)
    b.text(0.5, 0.12, "initialised from the place code\nof the start position", ha="center",
           va="center", fontsize=8)
    b.set_title("the network (ReLU RNN)", fontsize=9)
    c = axes[2]
    centres = rng.uniform(-1, 1, (60, 2))
    here = now[-1]
    activity = np.exp(-np.sum((centres - here) ** 2, 1) / (2 * 0.25 ** 2))
    c.scatter(centres[:, 0], centres[:, 1], s=12 + 60 * activity, c=activity, cmap=MAP_CMAP,
              vmin=0, vmax=1, edgecolors="0.5", linewidths=0.3)
    c.plot(*here, "+", color="tab:red", ms=8, mew=1.5)
    c.set_xlim(-1.1, 1.1)
    c.set_ylim(-1.1, 1.1)
    c.set_aspect("equal")
    bare(c)
    for side in ("left", "bottom", "top", "right"):
        c.spines[side].set_visible(True)
    c.set_title("target: place-cell code", fontsize=9)
    for ax, letter in zip(axes, "ABC"):
        panel_letter(ax, letter, x=0.0)
    return fig, axes
