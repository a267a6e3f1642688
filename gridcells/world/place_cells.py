"""The place-cell code: the network's training target and its readout of position.

A position x is encoded by Np place cells with centres c_i. With d_i = |x - c_i|^2
(wrapped if the box is periodic) the Gaussian code is softmax_i(-d_i / 2 sigma^2); the
difference-of-Gaussians code subtracts softmax_i(-d_i / (2 * surround_scale * sigma^2)),
shifts the result so its minimum over cells is 0 and renormalises it to sum to 1
(Sorscher et al. 2019).
"""

from __future__ import annotations

import numpy as np
import torch

from gridcells.world.arena import uniform_positions
from gridcells.world.config import Config


def decode_topk(code: torch.Tensor, centers: torch.Tensor, k: int = 3) -> torch.Tensor:
    """Positions [..., 2] (m): mean of the centres [Np, 2] of the k largest entries of
    code [..., Np] (a place code or logits: top-k is unchanged by softmax)."""
    return centers[torch.topk(code, k, dim=-1).indices].mean(-2)


ORIGINAL_SEED = 0  # the original repository seeds numpy's global generator with 0


def original_centers(cfg: Config) -> np.ndarray:
    """The place-cell centres [Np, 2] (m) that the original repository
    (ganguli-lab/grid-pattern-formation) draws for ``cfg.Np`` and ``cfg.box_width``.

    The original seeds numpy's legacy generator with 0, then draws all Np x coordinates,
    then all Np y coordinates, each uniform in [-box_width / 2, box_width / 2): y comes
    from the box *width* too (its quirk; the same thing in its square default box). Drawn
    here from a private ``np.random.RandomState(0)``, so numpy's global state is untouched.
    Pass these to a model loaded from one of its checkpoints
    (``load_model(path, centers="original")``): they fix both the code that initialises
    the network and the readout of position.
    """
    if cfg.arena != "square":
        raise ValueError(f"original centres: the original repository has only the square box; "
                         f"got arena={cfg.arena!r} (expected 'square')")
    rng = np.random.RandomState(ORIGINAL_SEED)
    half = cfg.box_width / 2
    x = rng.uniform(-half, half, cfg.Np)
    y = rng.uniform(-half, half, cfg.Np)
    return np.stack([x, y], -1)


class PlaceCells:
    """Np place cells in the arena.

    Parameters
    ----------
    cfg : Config
        ``Np``, ``place_cell_rf`` (sigma, m), ``surround_scale``, ``DoG``, ``periodic``,
        ``box_width``, ``box_height``, ``arena``; centres are drawn uniformly over the arena
        from ``place_cell_seed`` (or ``seed``) when not given.
    centers : array [Np, 2] (m), optional
        fixed centres (e.g. those stored with a trained model).
    """

    def __init__(self, cfg: Config, centers=None):
        self.cfg = cfg
        if centers is None:
            seed = cfg.place_cell_seed if cfg.place_cell_seed is not None else cfg.seed
            rng = np.random.default_rng([seed, 0x9C])  # own stream, independent of training
            centers = uniform_positions(cfg, cfg.Np, rng)
        self.centers = torch.as_tensor(np.asarray(centers), dtype=torch.float32)
        if self.centers.shape != (cfg.Np, 2):
            raise ValueError(f"centers: expected shape ({cfg.Np}, 2), got "
                             f"{tuple(self.centers.shape)}")

    def sq_distances(self, pos: torch.Tensor) -> torch.Tensor:
        """Squared distances [..., Np] (m^2) from positions [..., 2] (m) to every centre."""
        centers = self.centers.to(pos.device)
        out = None
        for axis, size in enumerate((self.cfg.box_width, self.cfg.box_height)):
            diff = pos[..., axis, None] - centers[:, axis]
            if self.cfg.periodic:
                diff = torch.remainder(diff + size / 2, size) - size / 2
            out = diff.square_() if out is None else out.addcmul_(diff, diff)
        return out

    def activation(self, pos, chunk: int = 512) -> torch.Tensor:
        """Place code [..., Np] (non-negative, sums to 1) of positions [..., 2] (m).

        Computed ``chunk`` positions at a time with in-place arithmetic, so every temporary
        stays in cache (4.6x faster than whole-array operations for a training prefetch of
        ~10^5 positions; the values are the same)."""
        pos = torch.as_tensor(pos, dtype=torch.float32)
        flat = pos.reshape(-1, 2)
        out = torch.empty(flat.shape[0], self.cfg.Np, device=pos.device)
        scale = -1 / (2 * self.cfg.place_cell_rf ** 2)  # exponent per m^2 (centre Gaussian)
        for i in range(0, flat.shape[0], chunk):
            d = self.sq_distances(flat[i:i + chunk])
            o = out[i:i + chunk]
            torch.softmax(d * scale, -1, out=o)
            if self.cfg.DoG:
                o -= torch.softmax(d.mul_(scale / self.cfg.surround_scale), -1)
                o -= o.min(-1, keepdim=True).values
                o /= o.sum(-1, keepdim=True)
        return out.reshape(*pos.shape[:-1], self.cfg.Np)

    def decode(self, code: torch.Tensor, k: int = 3) -> torch.Tensor:
        """Positions [..., 2] (m): mean centre of the k most active cells of code [..., Np].

        Works on place codes and on logits alike (top-k is unchanged by softmax).
        """
        return decode_topk(code, self.centers.to(code.device), k)

    def grid_positions(self, resolution: int) -> np.ndarray:
        """Centres [resolution^2, 2] (m) of a resolution x resolution grid over the box, row-major
        (y changes slowest)."""
        frac = (np.arange(resolution) + 0.5) / resolution - 0.5
        xs, ys = frac * self.cfg.box_width, frac * self.cfg.box_height
        X, Y = np.meshgrid(xs, ys)
        return np.stack([X.ravel(), Y.ravel()], -1)

    def spatial_covariance(self, resolution: int) -> np.ndarray:
        """Sigma[x, x'] = sum_i p_i(x) p_i(x') over a resolution^2 grid of positions.

        Returns [resolution^2, resolution^2], with the mean over positions removed from
        each cell's tuning curve (the covariance that drives the pattern-formation theory).
        """
        code = self.activation(torch.as_tensor(self.grid_positions(resolution))).double().numpy()
        code = code - code.mean(0, keepdims=True)
        return code @ code.T
