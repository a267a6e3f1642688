"""The pattern-formation theory of Sorscher et al. (2019), as fast batched simulations.

The trained network's hidden patterns g(x) approximately maximise g^T Sigma g, where Sigma
is the spatial covariance of the place code, under a norm constraint and the network's
nonlinearity. Gradient ascent on that objective gives the dynamics

    u <- u + lr * (-u + Sigma * f(u)),   g = f(u),

with a norm constraint (:func:`simulate` gives the form used here), where ``*`` is a
convolution because Sigma, averaged over translations, depends only on
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
from threadpoolctl import threadpool_limits

from gridcells.analysis.map_geometry import spacing_orientation
from gridcells.analysis.scores import GridScorer
from gridcells.world.config import Config
from gridcells.world.place_cells import PlaceCells


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


NONLINEARITIES = ("relu", "tanh", "linear")
#: top eigenvalue of the scaled kernel per nonlinearity: ReLU and linear patterns are
#: renormalised every step (their shape does not depend on their scale), so any gain above 1
#: lets the ring grow; tanh is not renormalised: its saturation bounds the amplitude, and a
#: gain of 1.5 puts the patterns past onset but short of saturation (a single plane wave
#: settles at an amplitude whose tanh peaks near 0.8, not at +-1).
GAIN = {"relu": 2.0, "tanh": 1.5, "linear": 2.0}
WINDOW_TIME = 20.0  # the stopping rule's window, in time constants of the dynamics


def window_steps(lr: float) -> int:
    """The stopping window in steps of size ``lr``: :data:`WINDOW_TIME` time constants, so
    that the rule means the same at any step size (with a window of a fixed number of steps,
    a smaller step moves the patterns less per window and the rule fires earlier in the
    dynamics' own time)."""
    return max(1, round(WINDOW_TIME / lr))


def _nonlinear(u: np.ndarray, nonlinearity: str) -> np.ndarray:
    if nonlinearity == "relu":
        return np.maximum(u, 0)
    if nonlinearity == "tanh":
        return np.tanh(u)
    if nonlinearity == "linear":
        return u
    raise ValueError(f"nonlinearity: expected relu, tanh or linear, got {nonlinearity!r}")


def _normalise(g: np.ndarray) -> np.ndarray:
    """Unit RMS per pattern."""
    rms = np.sqrt((g ** 2).mean((-2, -1), keepdims=True))
    return g / np.where(rms > 0, rms, 1)


def objective(patterns: np.ndarray, cov: Covariance) -> np.ndarray:
    """The theory's objective per pattern [cells] for patterns [cells, n, n]: the Rayleigh
    quotient r^T Sigma r / r^T r of the mean-removed pattern, with Sigma scaled so that its
    top eigenvalue is 1 (1: all of the pattern's variance on the ring where Sigma peaks;
    0: none of it where Sigma has power)."""
    f = np.abs(np.fft.fft2(patterns - patterns.mean((-2, -1), keepdims=True))) ** 2
    total = f.sum((-2, -1))
    weighted = (f * (cov.power / cov.power.max())).sum((-2, -1))
    return np.where(total > 0, weighted / np.where(total > 0, total, 1), 0.0)


@dataclass
class Simulation:
    """Outcome of :func:`simulate`. patterns: [cells, n, n] the rates f(u) at the stop;
    iterations: [T] the recorded iterations; objective: [T, cells] :func:`objective` there;
    change: [T] the largest relative change of a pattern over the last ``window``
    iterations (||r_t - r_{t-window}|| / ||r_t||); stopped_at: the last iteration;
    converged: whether the stopping rule fired before the iteration limit; snapshots:
    {iteration: patterns [cells, n, n]}; nonlinearity, gain, lr, hierarchy: the settings."""

    patterns: np.ndarray
    iterations: np.ndarray
    objective: np.ndarray
    change: np.ndarray
    stopped_at: int
    converged: bool
    snapshots: dict
    nonlinearity: str
    gain: float
    lr: float
    hierarchy: bool


def simulate(cov: Covariance, cells: int, iterations: int, lr: float, nonlinearity: str,
             rng: np.random.Generator, hierarchy: bool = False, gain: float | None = None,
             snapshots: tuple[int, ...] = (), window: int | None = None, tol: float = 1e-3
             ) -> Simulation:
    """Patterns [cells, n, n] of the theory's dynamics, from small random initial states.

    Each cell has a state u (rates r = f(u), f the nonlinearity) and follows the Euler step

        u <- u + lr * (-u + gain * Sigma' * r_deflated),

    Sigma' the kernel scaled to top eigenvalue 1, ``gain`` default :data:`GAIN`. ReLU and
    linear states are renormalised to unit RMS after every step (the theory's norm
    constraint); tanh states are not (saturation bounds them). The nonlinearity enters once
    per step through r, weighted by ``lr`` like the rest of the step, so a small step does not
    repeat a full saturation every iteration. With ``hierarchy`` (the multi-cell version),
    cell i's drive has the parts along the earlier cells' patterns removed, as in Sanger's
    rule {cite}`sanger1989`: Sigma' r_i - sum_{j<i} (r_j^ . Sigma' r_i) r_j^, r^ unit norm.

    Stopping rule: every ``window`` iterations (default :func:`window_steps`: a window of
    :data:`WINDOW_TIME` time constants) the objective and the patterns are compared with
    ``window`` iterations earlier; the run stops once every cell's objective moved by
    less than ``tol`` and every pattern by less than 10 * ``tol`` of its norm, or at
    ``iterations``."""
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"nonlinearity: expected relu, tanh or linear, got {nonlinearity!r}")
    if window is None:
        window = window_steps(lr) if lr > 0 else 1  # lr itself is checked next
    if cells < 1 or iterations < 1 or not lr > 0 or window < 1:
        raise ValueError(f"need cells, iterations, window >= 1 and lr > 0; got {cells}, "
                         f"{iterations}, {window}, {lr}")
    gain = GAIN[nonlinearity] if gain is None else gain
    n = cov.kernel.shape[0]
    # Sigma' on the half-plane of a real FFT (the kernel is real and even, so its power is
    # real and symmetric): half the work of a full complex FFT, the same patterns
    scaled = (gain * cov.power / cov.power.max())[:, :n // 2 + 1]
    renormalise = nonlinearity != "tanh"
    u = 0.01 * rng.standard_normal((cells, n, n))
    r = _nonlinear(u, nonlinearity)
    its, obj, change, shots = [0], [objective(r, cov)], [np.inf], {}
    previous, converged, it = r.copy(), False, 0
    # one BLAS thread: the hierarchy's matrix products are small ([cells, n^2] x [n^2, cells]),
    # and two threads made the multi-cell runs 2.6x slower beside another process
    # (4.8 against 12.4 s for 3000 steps of 16 cells, AMD EPYC)
    with threadpool_limits(limits=1, user_api="blas"):
        for it in range(1, iterations + 1):
            drive = np.fft.irfft2(np.fft.rfft2(r) * scaled, s=(n, n))
            if hierarchy and cells > 1:
                flat = r.reshape(cells, -1)
                norm = np.linalg.norm(flat, axis=1, keepdims=True)
                unit = flat / np.where(norm > 0, norm, 1)
                overlap = unit @ drive.reshape(cells, -1).T          # [j, i] = r_j^ . drive_i
                drive = drive - (np.triu(overlap, 1).T @ unit).reshape(cells, n, n)
            u = u + lr * (-u + drive)
            if renormalise:
                u = _normalise(u)
            r = _nonlinear(u, nonlinearity)
            if it in snapshots:
                shots[it] = r.copy()
            if it % window == 0:
                j = objective(r, cov)
                norm = np.sqrt((r ** 2).sum((-2, -1)))
                moved = np.sqrt(((r - previous) ** 2).sum((-2, -1))) / np.where(norm > 0, norm, 1)
                its.append(it)
                obj.append(j)
                change.append(float(moved.max()))
                previous = r.copy()
                if np.abs(j - obj[-2]).max() < tol and moved.max() < 10 * tol:
                    converged = True
                    break
    for s in snapshots:              # snapshots after the stop show the stopped patterns
        if s > it:
            shots[s] = r.copy()
    return Simulation(r, np.array(its), np.array(obj), np.array(change), it, converged,
                      shots, nonlinearity, gain, lr, hierarchy)


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
