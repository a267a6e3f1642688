"""Figures of training, of emergence and of the ensemble: the training curves, the race of
lattice orders over training steps, the odds of a hexagonal lattice per setting, and one dot
per network of a figure. Each takes ``ax=None`` (``fig=None``) and returns ``(fig, ax)``."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

from gridcells.book.plots.style import MAX_WIDTH, new_axes


def training_curves(history: list[dict], gridness: list[dict], fig=None):
    """Four panels over training steps, one quantity each (two for the order panel): (a)
    decoding error (cm, log scale), (b) share of the measured units above grid score 0.3 and
    the best-64 mean grid score, (c) map correlation and share of silent units, (d) the
    shared hexagonal, square and stripe order; a panel whose quantities a run did not record
    says so instead of showing an empty legend. Returns (fig, axes)."""
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
            if any(np.isfinite(line.get_ydata()).any() for line in ax.lines):
                ax.legend(fontsize=8)
            else:   # a run recorded before this quantity was measured: say so, no legend
                for line in list(ax.lines):
                    line.remove()
                ax.text(0.5, 0.5, "not recorded for this run", ha="center", va="center",
                        transform=ax.transAxes, color="0.4")
    for ax in axes[2:]:
        ax.set_xlabel("training step")
    return fig, axes


def lattice_race(rows: list[dict], ax=None, threshold: float = 0.4):
    """Hexagonal minus square order over training for finished runs (rows of
    experiments/lattice_runs.py: ``seed``, ``frac_above_03`` and ``curve`` of per-epoch
    measurements), one colour and marker per seed, solid where the run ended with at least
    ``threshold`` of its units above grid score 0.3, dashed otherwise; each line is also
    labelled with its seed at its end. Returns (fig, ax)."""
    fig, ax = new_axes(ax, figsize=(MAX_WIDTH, 3.4))
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


def odds_map(rows: list[dict], ax=None, baseline: dict | None = None):
    """The share of seeds that lean hexagonal at the screening step, per setting (rows of
    :func:`gridcells.records.odds.odds_by_setting`: setting, share, lo, hi, screened), with
    Wilson 95 % intervals; ``baseline`` (a row of the same form) is drawn as a band.
    Returns (fig, ax)."""
    fig, ax = new_axes(ax, (6.5, 0.45 * len(rows) + 1.2))
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


def verdict_grid(table, seeds, settings, ax=None):
    """Each seed's verdict under each setting: ``table`` [n seeds, k settings] of 0/1 (1:
    leans hexagonal at the screen), as :func:`gridcells.records.odds.seed_by_setting`
    gives it, with each seed's count at the right and each setting's at the top. A seed
    that decided the coin would fill its row. Returns (fig, ax)."""
    t = np.asarray(table, int)
    fig, ax = new_axes(ax, (0.42 * len(settings) + 2.2, 0.3 * len(seeds) + 2.6))
    ax.imshow(t, cmap="Greys", vmin=-0.25, vmax=1.25, aspect="auto")
    ax.set_xticks(np.arange(len(settings)), settings, rotation=60, ha="right")
    ax.set_yticks(np.arange(len(seeds)), [str(s) for s in seeds])
    ax.set_ylabel("seed")
    for i, n in enumerate(t.sum(1)):
        ax.text(len(settings) - 0.3, i, str(n), va="center", ha="left")
    for j, n in enumerate(t.sum(0)):
        ax.text(j, -0.8, str(n), ha="center", va="bottom")
    ax.set_xlim(-0.5, len(settings) + 0.4)
    ax.set_ylim(len(seeds) - 0.5, -1.6)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    return fig, ax


def network_strip(values, ax=None, threshold: float | None = None, label: str = "",
                  seed: int = 0):
    """One dot per network of one figure (``values`` [n], e.g. the ensemble's decoding errors
    in cm), jittered sideways by a seeded generator (the same picture in every build), with
    the recipe's ``threshold`` as a dashed red line. Returns (fig, ax)."""
    fig, ax = new_axes(ax, (2.4, 2.8))
    values = np.asarray(values, dtype=float)
    x = np.random.default_rng(seed).uniform(-0.15, 0.15, len(values))
    ax.scatter(x, values, s=30, color="k", lw=0)
    if threshold is not None:
        ax.axhline(threshold, color="tab:red", ls="--", lw=1)
    ax.set_xlim(-0.5, 0.5)
    ax.set_xticks([])
    ax.set_ylabel(label)
    return fig, ax
