"""The pattern-formation theory of Sorscher et al. (2019), as fast batched simulations.

The trained network's hidden patterns g(x) approximately maximise g^T Sigma g, where Sigma
is the spatial covariance of the place code, under a norm constraint and the network's
nonlinearity. Gradient ascent gives the dynamics

    g <- g + lr * (-g + Sigma * g),   then the nonlinearity, then renormalisation,

where ``*`` is a convolution because Sigma, averaged over translations, depends only on
the offset x - x'. The place code is evaluated on a periodic box of the config's size, so
the kernel is exactly translation invariant and every convolution is a product in Fourier
space. Sigma's Fourier power peaks on a ring of radius k*; patterns built from wavevectors
on that ring have spacing 4 pi / (sqrt(3) k*) when hexagonal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.ndimage as ndi
import torch

from .config import Config
from .place_cells import PlaceCells
from .scores import GridScorer, spacing_orientation


@dataclass
class Covariance:
    """Translation-averaged place-code covariance on an n x n periodic grid over the box.

    kernel: [n, n] Sigma(offset), offset 0 at [0, 0] (FFT order); power: [n, n] its Fourier
    transform (real, FFT order); k: [n, n] wavevector magnitudes (rad/m); k_peak: the radius
    of the power's maximum (rad/m); box: (width, height) (m)."""

    kernel: np.ndarray
    power: np.ndarray
    k: np.ndarray
    k_peak: float
    box: tuple[float, float]

    @property
    def predicted_spacing(self) -> float:
        """Spacing (m) of a hexagonal pattern made of wavevectors of length k_peak."""
        return 4 * np.pi / (np.sqrt(3) * self.k_peak)


def wavevectors(n: int, box: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """kx, ky [n, n] (rad/m) in FFT order for an n x n grid over the box."""
    kx = 2 * np.pi * np.fft.fftfreq(n, d=box[0] / n)
    ky = 2 * np.pi * np.fft.fftfreq(n, d=box[1] / n)
    KX, KY = np.meshgrid(kx, ky)
    return KX, KY


def covariance(cfg: Config, resolution: int | None = None) -> Covariance:
    """Sigma of the config's place code (Gaussian or DoG, ``place_cell_rf``, ``Np``), on a
    periodic version of its box, with the mean of every cell's tuning removed."""
    n = resolution or cfg.pf_resolution
    pc = PlaceCells(cfg.replace(periodic=True))
    code = pc.activation(torch.as_tensor(pc.grid_positions(n))).double().numpy()  # [n^2, Np]
    code = (code - code.mean(0)).T.reshape(-1, n, n)
    f = np.fft.fft2(code)
    power = (np.abs(f) ** 2).sum(0) / n ** 2          # Fourier transform of the kernel
    kernel = np.real(np.fft.ifft2(power))
    KX, KY = wavevectors(n, (cfg.box_width, cfg.box_height))
    k = np.hypot(KX, KY)
    return Covariance(kernel, power, k, peak_radius(power, k), (cfg.box_width, cfg.box_height))


def peak_radius(power: np.ndarray, k: np.ndarray, bins: int = 60) -> float:
    """Radius (rad/m) of the maximum of a 2-d power spectrum's radial profile, refined by a
    parabola through the best bin and its neighbours."""
    edges = np.linspace(0, k.max(), bins + 1)
    which = np.digitize(k.ravel(), edges) - 1
    prof = np.array([power.ravel()[which == i].mean() if (which == i).any() else -np.inf
                     for i in range(bins)])
    prof[0] = -np.inf  # the DC component is not a pattern
    i = int(np.argmax(prof))
    centres = (edges[:-1] + edges[1:]) / 2
    if 0 < i < bins - 1 and np.isfinite(prof[[i - 1, i + 1]]).all():
        a, b, c = prof[i - 1], prof[i], prof[i + 1]
        denom = a - 2 * b + c
        shift = 0.5 * (a - c) / denom if denom < 0 else 0.0
        return float(centres[i] + shift * (centres[1] - centres[0]))
    return float(centres[i])


def _nonlinear(g: np.ndarray, nonlinearity: str) -> np.ndarray:
    if nonlinearity == "relu":
        return np.maximum(g, 0)
    if nonlinearity == "tanh":
        return np.tanh(g)
    if nonlinearity == "linear":
        return g
    raise ValueError(f"nonlinearity: expected relu, tanh or linear, got {nonlinearity!r}")


def _normalise(g: np.ndarray) -> np.ndarray:
    """Unit RMS per pattern (so that tanh acts in its nonlinear range)."""
    rms = np.sqrt((g ** 2).mean((-2, -1), keepdims=True))
    return g / np.where(rms > 0, rms, 1)


def single_cell(cov: Covariance, cells: int, iterations: int, lr: float, nonlinearity: str,
                rng: np.random.Generator, snapshots: tuple[int, ...] = ()
                ) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Independent patterns [cells, n, n] evolved by g <- f(g + lr (-g + Sigma * g)),
    renormalised each step, from small random initial conditions. Sigma is scaled so its
    largest Fourier eigenvalue is 2 (the top modes grow, the rest decay). Returns the final
    patterns and {iteration: patterns} at the requested snapshots."""
    n = cov.kernel.shape[0]
    gain = 2 * cov.power / cov.power.max()
    g = 0.01 * rng.standard_normal((cells, n, n))
    shots = {}
    for it in range(1, iterations + 1):
        conv = np.real(np.fft.ifft2(np.fft.fft2(g) * gain))
        g = _normalise(_nonlinear(g + lr * (-g + conv), nonlinearity))
        if it in snapshots:
            shots[it] = g.copy()
    return g, shots


def multi_cell(cov: Covariance, cells: int, iterations: int, lr: float, nonlinearity: str,
               rng: np.random.Generator) -> np.ndarray:
    """Patterns [cells, n, n] learned together with Sanger's rule (generalised Hebbian
    algorithm): dG = lr (G Sigma - LT(G Sigma G^T) G), LT the lower triangle with diagonal,
    then the nonlinearity. Cell i is pushed to be orthogonal to cells 0..i-1, giving a
    hierarchy of patterns (the leading ones first)."""
    n = cov.kernel.shape[0]
    gain = cov.power / cov.power.max()
    G = rng.standard_normal((cells, n * n)) / n
    for _ in range(iterations):
        GS = np.real(np.fft.ifft2(np.fft.fft2(G.reshape(cells, n, n)) * gain)).reshape(cells, -1)
        G = G + lr * (GS - np.tril(GS @ G.T) @ G)
        G = _nonlinear(G, nonlinearity)
    return G.reshape(cells, n, n)


@dataclass
class PatternMeasures:
    """Per pattern: score_60, score_90 (the project's scorer on patterns resampled to
    nbins x nbins), k_dominant (rad/m, peak of the pattern's Fourier power), spacing_fourier
    (m, 4 pi / (sqrt(3) k) ), spacing_sac (m, from the autocorrelogram's peaks)."""

    score_60: np.ndarray
    score_90: np.ndarray
    k_dominant: np.ndarray
    spacing_fourier: np.ndarray
    spacing_sac: np.ndarray


def measure(patterns: np.ndarray, cov: Covariance, nbins: int = 20) -> PatternMeasures:
    """Grid scores, dominant wavevector and spacing of patterns [cells, n, n]."""
    n = patterns.shape[-1]
    coarse = ndi.zoom(patterns, (1, nbins / n, nbins / n), order=1)
    scorer = GridScorer.cached(nbins)
    scores = scorer.score(coarse)
    centred = patterns - patterns.mean((-2, -1), keepdims=True)
    power = np.abs(np.fft.fft2(centred)) ** 2
    k_dom = np.array([peak_radius(p, cov.k) for p in power])
    bin_size = cov.box[0] / nbins
    spacing_sac = np.array([spacing_orientation(s, bin_size)[0] for s in scores.sac])
    return PatternMeasures(scores.score_60, scores.score_90, k_dom,
                           4 * np.pi / (np.sqrt(3) * k_dom), spacing_sac)
