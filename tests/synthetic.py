"""Synthetic rate maps with known structure, for tests and benchmarks."""

from __future__ import annotations

import numpy as np


def lattice(nbins=20, spacing=8.0, angle_deg=0.0, phase=(0.0, 0.0), kind="hex"):
    """Grid map [nbins, nbins]: ReLU of a sum of plane waves (three at 60 degrees for a
    hexagonal grid, two at 90 for a square one, one for a stripe). spacing in bins."""
    y, x = np.mgrid[0:nbins, 0:nbins].astype(float)
    x, y = x - phase[0], y - phase[1]
    n, step = {"hex": (3, 60), "square": (2, 90), "stripe": (1, 0)}[kind]
    k = 2 * np.pi / spacing * (2 / np.sqrt(3) if kind == "hex" else 1.0)
    total = np.zeros_like(x)
    for i in range(n):
        th = np.radians(angle_deg + step * i)
        total += np.cos(k * (np.cos(th) * x + np.sin(th) * y))
    return np.maximum(total, 0)


def gaussian_field(nbins=20, centre=(10.0, 10.0), width=2.5):
    y, x = np.mgrid[0:nbins, 0:nbins]
    return np.exp(-((x - centre[0]) ** 2 + (y - centre[1]) ** 2) / (2 * width ** 2))


def random_maps(n, nbins=20, seed=0):
    return np.random.default_rng(seed).random((n, nbins, nbins))
