"""Circular coordinates of a torus: the two angles of a grid module's population, decoded
from the persistent cohomology of its two longest loops (de Silva, Morozov &
Vejdemo-Johansson 2011), so that each can be drawn over the box as a plane wave."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree
from scipy.spatial.distance import pdist

from gridcells.topology.homology import Topology


def toroidal_coordinates(top: Topology, n_loops: int = 2, at: float = 0.5) -> np.ndarray:
    """Circle-valued coordinates [P, n_loops] (radians, [0, 2 pi)) of all population vectors
    (``top.points``, at ``top.point_bins``) from the ``n_loops`` longest H1 bars (de Silva,
    Morozov & Vejdemo-Johansson 2011).

    For each bar, the representative cocycle (ripser, coefficients Z/coeff lifted to integers
    in (-coeff/2, coeff/2]) is taken on the Rips graph at the scale birth + ``at`` x (cut
    lifetime); the real function f on the points minimising ||cocycle + delta f|| (least
    squares on the graph's edges) gives the coordinate 2 pi (f mod 1). On a torus the two
    coordinates are the two angles; for a grid module each is a plane wave over the box.
    They are computed on the subsampled cloud and given to every other point from its
    nearest cloud point (in the PCA space).
    """
    import scipy.sparse as sp
    from ripser import ripser
    from scipy.sparse.linalg import lsqr

    x = np.asarray(top.cloud, dtype=float)
    x = x / np.median(pdist(x))
    out = ripser(x, maxdim=1, coeff=top.coeff, thresh=top.max_scale, do_cocycles=True)
    dgm, cocycles = out["dgms"][1], out["cocycles"][1]
    life = np.minimum(dgm[:, 1], top.max_scale) - dgm[:, 0]
    order = np.argsort(life)[::-1][:n_loops]
    m = len(x)
    dist = np.linalg.norm(x[:, None] - x[None], axis=-1)
    coords = np.zeros((m, len(order)))
    for c, k in enumerate(order):
        scale = dgm[k, 0] + at * life[k]
        i, j = np.nonzero(np.triu(dist <= scale, 1))          # graph edges, i < j
        value = np.zeros((m, m))
        cc = np.asarray(cocycles[k], dtype=int).reshape(-1, 3)
        v = np.where(cc[:, 2] > top.coeff // 2, cc[:, 2] - top.coeff, cc[:, 2]).astype(float)
        lo, hi = np.minimum(cc[:, 0], cc[:, 1]), np.maximum(cc[:, 0], cc[:, 1])
        value[lo, hi] = np.where(cc[:, 0] < cc[:, 1], v, -v)
        alpha = value[i, j]
        rows = np.repeat(np.arange(len(i)), 2)
        delta = sp.csr_matrix((np.tile([-1.0, 1.0], len(i)), (rows, np.c_[i, j].ravel())),
                              shape=(len(i), m))
        f = lsqr(delta, -alpha, atol=1e-10, btol=1e-10)[0]
        coords[:, c] = 2 * np.pi * (f % 1.0)
    nearest = cKDTree(np.asarray(top.cloud, dtype=float)).query(top.points)[1]
    return coords[nearest]
