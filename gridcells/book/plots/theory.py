"""Figures of the pattern-formation theory: the place-cell covariance and its power spectrum.
Takes ``fig=None`` and returns ``(fig, axes)``."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gridcells.book.plots.style import MAX_WIDTH, bare


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
        bare(a)
    else:
        a.set_xlabel("offset x (m)")
        a.set_ylabel("offset y (m)")
    bare(b)
    b.set_xlabel("wave vector k_x")
    b.set_ylabel("wave vector k_y")
    return fig, (a, b)
