"""Which lattice a population of spatial maps shares: stripes, squares or hexagons.

A grid score rates one unit at a time. Trained path-integrating networks, however, tend to
commit as a whole: most units' maps are built from the same few plane waves (the same
orientations and spacing, with different phases), as expected of a network whose activity
lives on one attractor. This module measures that shared structure from the power spectra of
the units' rate maps:

1. each map's spatial power spectrum (mean removed, unvisited bins set to the mean, zero
   padded) is normalised to unit total power, and the population's mean radial spectrum
   gives the dominant spatial frequency k* (cycles per box side; frequencies below
   ``min_cycles`` are ignored as the maps' coarse layout, not a lattice);
2. each unit's power is sampled (bilinear interpolation of the zero-padded spectrum) on a
   polar grid, 11 radii from 0.75 k* to 1.25 k* times ``n_angles`` wave-vector orientations
   theta in [0, 180) degrees (a real map's spectrum is symmetric under k -> -k), averaged
   over the radii, normalised per unit and averaged over units: the population's
   orientation profile p(theta);
3. the m-fold order parameter is |sum p(theta) exp(i m theta)| / sum p(theta), for m = 2, 4, 6.

A single shared stripe orientation gives order 1 for every m; a shared square lattice (two
orientations 90 degrees apart) gives square order 1 and stripe and hexagonal order 0; a shared
hexagonal lattice (three orientations 60 degrees apart) gives hexagonal order 1 and stripe and
square order 0. Units with unrelated orientations average out: every order near 0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import scipy.ndimage as ndi

from gridcells.stats import wilson_interval

ORDERS = (2, 4, 6)  # stripe, square, hexagonal


@dataclass
class LatticeSymmetry:
    """stripe_order, square_order, hex_order: the 2-, 4- and 6-fold order parameters of the
    population's orientation profile (0-1); square_deg, hex_deg: orientation of the wave
    vectors of the 4- and 6-fold components (degrees, modulo 90 and 60); cycles: the
    dominant spatial frequency (cycles per box side; the period is box side / cycles);
    n_units: maps with any power."""

    stripe_order: float
    square_order: float
    hex_order: float
    square_deg: float
    hex_deg: float
    cycles: float
    n_units: int

    def row(self) -> dict[str, float]:
        return asdict(self)


def ring_profiles(maps: np.ndarray, n_angles: int = 36, pad: int = 4, min_cycles: float = 1.5
                  ) -> tuple[np.ndarray, np.ndarray, float]:
    """Per-unit orientation profiles on the population's dominant spatial frequency.

    maps: rate maps [U, n, n] (NaN where unvisited). Returns (theta [n_angles] radians in
    [0, pi), the sampled orientations; profiles [U', n_angles], each summing to 1, for the U'
    units with any power on the ring; cycles: the dominant frequency in cycles per box
    side)."""
    maps = np.asarray(maps, dtype=np.float64)
    if maps.ndim != 3 or maps.shape[1] != maps.shape[2]:
        raise ValueError(f"maps must be [units, n, n] (square), got shape {maps.shape}")
    n = maps.shape[-1]
    size = pad * n
    with np.errstate(invalid="ignore"):
        mean = np.nan_to_num(np.nanmean(maps, axis=(1, 2), keepdims=True))
    x = np.nan_to_num(maps - mean)
    power = np.abs(np.fft.fft2(x, s=(size, size))) ** 2
    total = power.reshape(len(x), -1).sum(1)
    power = power[total > 0] / total[total > 0, None, None]
    theta_c = (np.arange(n_angles) + 0.5) * np.pi / n_angles
    if len(power) == 0:
        return theta_c, np.zeros((0, n_angles)), float("nan")
    f = np.fft.fftfreq(size) * n  # cycles per box side
    ky, kx = np.meshgrid(f, f, indexing="ij")
    radius = np.hypot(kx, ky)
    edges = np.arange(0, radius.max() + 0.5, 0.5)
    radial = np.bincount(np.digitize(radius.ravel(), edges), power.mean(0).ravel(),
                         minlength=len(edges) + 1)[1:len(edges)]
    centres = edges[:-1] + 0.25
    radial = np.where(centres >= min_cycles, radial, 0)
    cycles = float(centres[np.argmax(radial)])
    # the (zero-padded, hence smoothly interpolated) spectrum sampled on a polar grid, so
    # that every orientation is sampled alike (square pixels favour 0 and 90 degrees)
    radii = np.linspace(0.75, 1.25, 11) * cycles
    rr, tt = np.meshgrid(radii, theta_c, indexing="ij")
    rows = (rr * np.sin(tt) * pad) % size  # frequency -> FFT index (pad indices per cycle)
    cols = (rr * np.cos(tt) * pad) % size
    prof = np.stack([ndi.map_coordinates(p, [rows.ravel(), cols.ravel()], order=1,
                                         mode="grid-wrap").reshape(rr.shape).mean(0)
                     for p in power])
    prof = prof[prof.sum(1) > 0]
    return theta_c, prof / prof.sum(1, keepdims=True), cycles


def lattice_symmetry(maps: np.ndarray, n_angles: int = 36) -> LatticeSymmetry:
    """The lattice shared by the units' rate maps [U, n, n] (see the module docstring)."""
    return profile_symmetry(*ring_profiles(maps, n_angles))


def profile_symmetry(theta: np.ndarray, prof: np.ndarray, cycles: float) -> LatticeSymmetry:
    """The order parameters of per-unit orientation profiles, as :func:`ring_profiles`
    returns them (theta [A] radians, profiles [U, A], cycles)."""
    if len(prof) == 0:
        nan = float("nan")
        return LatticeSymmetry(nan, nan, nan, nan, nan, cycles, 0)
    pop = prof.mean(0)
    z = {m: (pop * np.exp(1j * m * theta)).sum() for m in ORDERS}
    return LatticeSymmetry(
        stripe_order=float(abs(z[2])), square_order=float(abs(z[4])), hex_order=float(abs(z[6])),
        square_deg=float(np.degrees(np.angle(z[4]) / 4) % 90),
        hex_deg=float(np.degrees(np.angle(z[6]) / 6) % 60),
        cycles=cycles, n_units=len(prof))


def hexagonal_odds(measurements: list[dict], z: float = 1.96) -> dict[str, float]:
    """How many of several runs lean hexagonal: ``measurements`` are one row per run with
    ``hex_order`` and ``square_order`` (e.g. each run's measurement at step 3000, once the
    lattice has settled). Returns n, hexagonal (runs with hexagonal order above square
    order), share, and the Wilson score interval (lo, hi) of the share at ``z`` (1.96:
    95 %)."""
    n = len(measurements)
    k = sum(r["hex_order"] > r["square_order"] for r in measurements)
    lo, hi = wilson_interval(k, n, z)
    return {"n": n, "hexagonal": int(k), "share": k / n if n else float("nan"), "lo": lo,
            "hi": hi}
