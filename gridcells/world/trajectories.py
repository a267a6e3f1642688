"""The simulated rat: a smooth random walk in a box (or a circular arena).

The statistics are those of the generator of Sorscher et al. (2019): forward speed
drawn each step from a Rayleigh distribution (scale 0.13 * 2 pi m/s), head direction
turning with Gaussian angular velocity (sd 5.76 * 2 rad/s), and, within
``traj_border_region`` of a wall while heading into it, a turn away by
(pi/2 - |angle to the wall normal|) and a slow-down to ``traj_wall_slowdown`` of the
speed. The loop runs over time only; every step is vectorised over the batch. In a
circular arena (``arena: circle``) the wall is the circle of diameter ``box_width`` and its
normal at the nearest point is the radial direction.

Deviation from the original, documented: in the rare step that would cross a wall
(possible in the original), the position is clipped to the box (projected onto the circle)
and the velocity input is the displacement actually made, so path integration stays exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from gridcells.world.arena import confine, nearest_wall, uniform_positions
from gridcells.world.config import Config
from gridcells.world.place_cells import PlaceCells

RAYLEIGH_SCALE = 0.13 * 2 * np.pi  # m/s, forward-speed scale of the original generator
TURN_SIGMA = 5.76 * 2  # rad/s, sd of the angular velocity of the original generator


@dataclass
class Batch:
    """One batch of trajectories, time first (as the RNN consumes them).

    velocities:  [T, B, 2] displacement per step (m / step), the RNN input
    positions:   [T, B, 2] position after each step (m)
    init_pos:    [B, 2] starting position (m)
    init_code:   [B, Np] place code at the start (initialises the RNN state)
    target_code: [T, B, Np] place code at every position (the training target)
    """

    velocities: torch.Tensor
    positions: torch.Tensor
    init_pos: torch.Tensor
    init_code: torch.Tensor
    target_code: torch.Tensor

    def to(self, device) -> Batch:
        return Batch(*(getattr(self, k).to(device) for k in self.__dataclass_fields__))


def simulate(cfg: Config, batch_size: int, sequence_length: int,
             rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Random walks in the arena.

    Returns positions [T + 1, B, 2] (m; row 0 is the start) and the displacement of every
    step [T, B, 2] (m), so that positions[t + 1] = positions[t] + velocities[t] (modulo
    the box if periodic).
    """
    T, B = sequence_length, batch_size
    dt = cfg.dt
    half = np.array([cfg.box_width / 2, cfg.box_height / 2])
    pos = np.empty((T + 1, B, 2))
    pos[0] = uniform_positions(cfg, B, rng)
    hd = rng.uniform(0, 2 * np.pi, B)
    # random draws for the whole batch, as the original draws them up front
    turn = rng.normal(0.0, TURN_SIGMA * cfg.traj_turn_sigma_scale, (T, B))
    speed = rng.rayleigh(RAYLEIGH_SCALE * cfg.traj_speed_scale, (T, B))
    a = cfg.traj_velocity_smoothing
    if a > 0:
        for t in range(1, T):
            speed[t] = a * speed[t - 1] + (1 - a) * speed[t]
            turn[t] = a * turn[t - 1] + (1 - a) * turn[t]
    if cfg.traj_speed_max is not None:
        np.minimum(speed, cfg.traj_speed_max, out=speed)
    vel = np.empty((T, B, 2))
    for t in range(T):
        v = speed[t].copy()
        turn_angle = dt * turn[t]
        if not cfg.periodic:
            dist, normal = nearest_wall(cfg, pos[t])
            a_wall = np.mod(hd - normal + np.pi, 2 * np.pi) - np.pi
            near = (dist < cfg.traj_border_region) & (np.abs(a_wall) < np.pi / 2)
            turn_angle = turn_angle + near * cfg.traj_wall_turn_scale * np.sign(a_wall) * (
                np.pi / 2 - np.abs(a_wall))
            v = np.where(near, v * cfg.traj_wall_slowdown, v)
        step = (v * dt)[:, None] * np.stack([np.cos(hd), np.sin(hd)], -1)
        new = pos[t] + step
        if cfg.periodic:
            new = np.mod(new + half, 2 * half) - half
        else:
            new = confine(cfg, new)
            step = new - pos[t]
        vel[t] = step
        pos[t + 1] = new
        hd = hd + turn_angle
    return pos, vel


class TrajectoryGenerator:
    """Batches of trajectories with their place codes.

    Parameters
    ----------
    cfg : Config
        box, movement knobs (``traj_*``), ``sequence_length``, ``dt``.
    place_cells : PlaceCells
        the code that gives ``init_code`` and ``target_code``.
    rng : numpy Generator, optional
        the source of randomness (default: ``np.random.default_rng(cfg.seed)``).
    """

    def __init__(self, cfg: Config, place_cells: PlaceCells,
                 rng: np.random.Generator | None = None):
        self.cfg = cfg
        self.place_cells = place_cells
        self.rng = rng if rng is not None else np.random.default_rng(cfg.seed)

    def sample(self, batch_size: int | None = None, sequence_length: int | None = None,
               device: str | torch.device = "cpu") -> Batch:
        """A :class:`Batch` of ``batch_size`` trajectories of ``sequence_length`` steps."""
        return self.sample_many(1, batch_size, sequence_length, device)[0]

    def sample_many(self, n: int, batch_size: int | None = None,
                    sequence_length: int | None = None,
                    device: str | torch.device = "cpu", target_shift: int = 0) -> list[Batch]:
        """``n`` batches simulated in one vectorised pass (the time loop's per-step overhead is
        paid once for all of them). target_shift: k > 0 simulates k more steps and makes
        each step's target (``positions``, ``target_code``) the position k steps ahead."""
        B = batch_size or self.cfg.batch_size
        T = sequence_length or self.cfg.sequence_length
        pos, vel = simulate(self.cfg, n * B, T + target_shift, self.rng)
        return batches_from_paths(pos, vel, self.place_cells, B, device, target_shift)


def batches_from_paths(pos: np.ndarray, vel: np.ndarray, place_cells: PlaceCells,
                       batch_size: int, device: str | torch.device = "cpu",
                       target_shift: int = 0) -> list[Batch]:
    """Batches of ``batch_size`` from simulated paths (positions [T + k + 1, N, 2],
    velocities [T + k, N, 2], k = ``target_shift``), with place codes from ``place_cells``
    (so cached paths serve any model). The RNN reads the first T velocities; the targets
    are the positions after steps k + 1 .. k + T (k = 0: the positions the velocities lead
    to)."""
    k = int(target_shift)
    if k < 0 or k >= len(vel):
        raise ValueError(f"target_shift: expected 0 <= k < {len(vel)} steps, got {k}")
    pos_t = torch.as_tensor(pos, dtype=torch.float32, device=device)
    vel_t = torch.as_tensor(vel[:len(vel) - k], dtype=torch.float32, device=device)
    code = place_cells.activation(pos_t)
    N = pos.shape[1]
    return [Batch(vel_t[:, s], pos_t[1 + k:, s], pos_t[0, s], code[0, s], code[1 + k:, s])
            for s in (slice(i, i + batch_size) for i in range(0, N, batch_size))]
