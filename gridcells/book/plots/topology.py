"""Figures of the topology analysis (:mod:`gridcells.topology.homology`). Every helper takes
``ax=None`` (a sequence of axes for multi-panel figures), draws, and returns ``(fig, ax)``."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gridcells.topology.homology import Topology, lifetimes

DIM_COLORS = ("tab:blue", "tab:orange", "tab:green")


def barcodes(top: Topology, ax=None, n_bars: int = 12, title: str | None = None):
    """Barcodes of H0, H1, H2 (one panel each): the ``n_bars`` longest bars of each dimension
    as (birth, death) in units of the cloud's median pairwise distance, longest at the top,
    bars still alive at ``max_scale`` drawn to it with an arrow. Beside each bar a grey band
    from its birth, as long as the counting threshold (:meth:`Topology.threshold`: the null
    populations' longest bar; in H0 at least the sampling scale): a bar counts (drawn in
    colour) only where it outlasts its band. H0's never-dying class is the top bar."""
    dims = len(top.diagrams)
    if ax is None:
        fig, ax = plt.subplots(1, dims, figsize=(min(2.5 * dims, 7.5), 2.4),
                               layout="constrained")
    ax = np.atleast_1d(ax)
    fig = ax[0].figure
    for d, a in enumerate(ax[:dims]):
        dg = top.diagrams[d]
        limit = top.threshold(d)  # the null's longest bar (H0: and the sampling scale)
        life = lifetimes(dg, top.max_scale)
        order = np.argsort(np.minimum(dg[:, 1], top.max_scale) - dg[:, 0])[::-1][:n_bars]
        for row, k in enumerate(order):
            b, e = dg[k, 0], min(dg[k, 1], top.max_scale)
            y = -row
            essential = row == 0 and d == 0  # H0's never-dying class always counts
            if not essential:
                a.barh(y, limit, left=b, height=0.8, color="0.85", zorder=1)
            counted = essential or (e - b > limit)
            a.plot([b, e], [y, y], lw=3, color=DIM_COLORS[d % 3] if counted else "0.35",
                   solid_capstyle="butt", zorder=2)
            if not np.isfinite(dg[k, 1]):
                a.annotate("", (e, y), (e - 0.04 * top.max_scale, y), zorder=3,
                           arrowprops={"arrowstyle": "->", "color": "k", "lw": 0.8})
        a.set_xlim(0, top.max_scale * 1.02)
        a.set_yticks([])
        a.set_xlabel("scale (median distance)")
        a.set_title(f"H{d}: Betti {top.betti[d]}" + (f" ({len(life)} bars)" if len(life) else ""),
                    fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig, ax


def point_cloud_3d(top: Topology, nbins: int, ax=None, color_by: str = "x", color=None,
                   title: str | None = None, cmap: str = "viridis"):
    """The subsampled population vectors projected on their first three principal components,
    each point coloured by the position of its bin (``color_by``: "x" or "y", on a map of
    ``nbins`` bins per side) or by ``color`` [m] (e.g. a toroidal coordinate, with
    ``cmap="twilight"``)."""
    if ax is None:
        fig = plt.figure(figsize=(3.6, 3.4), layout="constrained")
        ax = fig.add_subplot(projection="3d")
    fig = ax.figure
    iy, ix = np.divmod(top.bins, nbins)
    c = (ix if color_by == "x" else iy) if color is None else color
    p = top.cloud
    ax.scatter(p[:, 0], p[:, 1], p[:, 2] if p.shape[1] > 2 else 0 * p[:, 0], c=c, s=3,
               cmap=cmap, depthshade=False)
    ax.set_xlabel("PC 1", fontsize=8)
    ax.set_ylabel("PC 2", fontsize=8)
    ax.set_zlabel("PC 3", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.set_title(title or f"{top.n_units} units" + ("" if color is not None else
                                                    f", coloured by {color_by}"), fontsize=9)
    return fig, ax


def toroidal_maps(coords: np.ndarray, bins: np.ndarray, nbins: int, ax=None,
                  box: tuple[float, float] | None = None):
    """Each circular coordinate (coords [m, k], radians, from
    :func:`gridcells.topology.coordinates.toroidal_coordinates`) drawn over the box at its
    point's bin (bins [m], flat indices iy * nbins + ix; ``box``: (width, height) in m for
    the axes, or bins), with a cyclic colour map: a grid module's coordinates are plane
    waves."""
    k = coords.shape[1]
    if ax is None:
        fig, ax = plt.subplots(1, k, figsize=(2.6 * k, 2.5), layout="constrained")
    ax = np.atleast_1d(ax)
    fig = ax[0].figure
    img = np.full((k, nbins * nbins), np.nan)
    img[:, bins] = coords.T
    extent = None if box is None else (-box[0] / 2, box[0] / 2, -box[1] / 2, box[1] / 2)
    for c, a in enumerate(ax[:k]):
        im = a.imshow(img[c].reshape(nbins, nbins), origin="lower", cmap="twilight",
                      vmin=0, vmax=2 * np.pi, interpolation="nearest", extent=extent)
        a.set_title(f"toroidal coordinate {c + 1}", fontsize=9)
        a.set_xticks([])
        a.set_yticks([])
    fig.colorbar(im, ax=list(ax[:k]), shrink=0.8, ticks=[0, np.pi, 2 * np.pi],
                 label="angle (rad)")
    return fig, ax
