"""The arena's geometry: the square box of the paper, or a circle inscribed in it.

Positions are in metres, centred on the box's centre; the circle (``arena: circle``) has
diameter ``box_width`` (the config requires a square box for it).
"""

from __future__ import annotations

import numpy as np

from gridcells.world.config import Config


def uniform_positions(cfg: Config, n: int, rng: np.random.Generator) -> np.ndarray:
    """n positions [n, 2] (m) drawn uniformly over the arena (box or circle)."""
    if cfg.arena == "circle":
        r = cfg.box_width / 2 * np.sqrt(rng.uniform(0, 1, n))
        phi = rng.uniform(0, 2 * np.pi, n)
        return np.stack([r * np.cos(phi), r * np.sin(phi)], -1)
    return np.stack([rng.uniform(-cfg.box_width / 2, cfg.box_width / 2, n),
                     rng.uniform(-cfg.box_height / 2, cfg.box_height / 2, n)], -1)


def nearest_wall(cfg: Config, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance (m) to the nearest wall and direction (rad) of its outward normal, both [B],
    for positions [B, 2] (m) inside the arena."""
    x, y = pos[:, 0], pos[:, 1]
    if cfg.arena == "circle":
        return cfg.box_width / 2 - np.hypot(x, y), np.arctan2(y, x)
    w, h = cfg.box_width, cfg.box_height
    dists = np.stack([w / 2 - x, h / 2 - y, w / 2 + x, h / 2 + y])  # right, top, left, bottom
    nearest = dists.argmin(0)
    return dists.min(0), nearest * np.pi / 2


def confine(cfg: Config, pos: np.ndarray) -> np.ndarray:
    """Positions [B, 2] (m) moved back into the arena (clipped to the box, or projected
    radially onto the circle)."""
    if cfg.arena == "circle":
        radius = cfg.box_width / 2
        r = np.hypot(pos[:, 0], pos[:, 1])[:, None]
        return np.where(r > radius, pos * (radius / np.maximum(r, 1e-12)), pos)
    half = np.array([cfg.box_width / 2, cfg.box_height / 2])
    return np.clip(pos, -half, half)
