"""Synthetic grid modules and unstructured populations with a known topology: the ground
truth of :mod:`gridcells.topology.homology` (a module is a torus, random maps are not)."""

from __future__ import annotations

import numpy as np
import scipy.ndimage as ndi


def synthetic_module(n_units: int, nbins: int = 40, spacing: float = 10.0,
                     angle_deg: float = 0.0, kind: str = "hex", noise: float = 0.0,
                     seed: int = 0) -> np.ndarray:
    """Rate maps [n_units, nbins, nbins] of one synthetic module: rectified sums of plane
    waves (three at 60 degrees: ``kind="hex"``; two at 90: ``"square"``) of one ``spacing``
    (bins between neighbouring fields) and orientation, each unit shifted by an independent
    uniform offset (its phase), plus
    Gaussian noise of standard deviation ``noise`` (relative to the maps' peak of 3 (hex) or 2
    (square))."""
    rng = np.random.default_rng(seed)
    n_waves, step = {"hex": (3, 60), "square": (2, 90)}[kind]
    k = 2 * np.pi / spacing * (2 / np.sqrt(3) if kind == "hex" else 1.0)
    y, x = np.mgrid[0:nbins, 0:nbins].astype(float)
    # a phase is a translation (uniform modulo the lattice: uniform over many periods), so
    # the waves' phases are tied as in a shifted copy of one grid
    offset = rng.uniform(0, 100 * spacing, (n_units, 2, 1, 1))
    total = np.zeros((n_units, nbins, nbins))
    for i in range(n_waves):
        th = np.radians(angle_deg + step * i)
        total += np.cos(k * (np.cos(th) * (x - offset[:, 0]) + np.sin(th) * (y - offset[:, 1])))
    maps = np.maximum(total, 0)
    if noise:
        maps += noise * n_waves * rng.standard_normal(maps.shape)
    return maps


def random_maps(n_units: int, nbins: int = 40, sigma: float = 2.0, seed: int = 0) -> np.ndarray:
    """Rate maps [n_units, nbins, nbins] with no shared structure: independent Gaussian white
    noise smoothed with a Gaussian of ``sigma`` bins (0: white noise), rectified."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_units, nbins, nbins))
    if sigma:
        x = ndi.gaussian_filter(x, (0, sigma, sigma), mode="wrap")
    return np.maximum(x, 0)


def component_maps(n_units: int, nbins: int = 40, n_components: int = 4, noise: float = 0.05,
                   seed: int = 0) -> np.ndarray:
    """Rate maps [n_units, nbins, nbins] whose population has ``n_components`` separate
    components (Betti numbers (n_components, 0, 0)): the box is cut into that many vertical
    strips, each unit fires at its own uniform random rate in [0, 1) in each strip (the
    same over the strip), plus Gaussian noise of standard deviation ``noise``. The population
    vector jumps between strips and varies only by the noise within one, so the point cloud
    is ``n_components`` blobs far apart."""
    rng = np.random.default_rng(seed)
    level = rng.uniform(0, 1, (n_units, n_components))
    strip = np.minimum(np.arange(nbins) * n_components // nbins, n_components - 1)
    maps = np.repeat(level[:, strip][:, None, :], nbins, axis=1)
    return maps + noise * rng.standard_normal(maps.shape)
