import numpy as np
import pytest

import gridcells as gc
from gridcells.world.trajectories import simulate


def stats(**over):
    cfg = gc.load_config(**over)
    pos, vel = simulate(cfg, 200, 100, np.random.default_rng(0))
    speed = np.linalg.norm(vel, axis=-1)
    half = np.array([cfg.box_width, cfg.box_height]) / 2
    near = (half - np.abs(pos[1:])).min(-1) < 0.1
    return pos, vel, speed, near


def test_defaults_move_about_two_cm_per_step():
    _, _, speed, _ = stats()
    assert 0.017 < speed.mean() < 0.022


def test_positions_integrate_velocities_and_stay_in_the_box():
    pos, vel, _, _ = stats()
    assert np.allclose(pos[1:], pos[:-1] + vel)
    assert (np.abs(pos) <= 1.1 + 1e-12).all()


def test_periodic_wraps():
    pos, vel, _, near = stats(periodic=True)
    assert (np.abs(pos) <= 1.1 + 1e-12).all()
    # a step that leaves the box comes back on the far side: the position jumps by about a
    # box width while the displacement fed to the network stays a 2 cm step
    jump = np.abs(pos[1:] - pos[:-1]).max(-1)
    assert (jump > 2.0).sum() > 50 and np.abs(vel).max() < 0.1
    wrapped = np.mod(pos[:-1] + vel + 1.1, 2.2) - 1.1
    np.testing.assert_allclose(pos[1:], wrapped, atol=1e-12)
    # no walls: occupancy stays uniform, so the band within 10 cm of the edge holds its
    # share of the area (walls pile the rat up against them: more than 1.5 times that)
    band = 1 - (2.0 / 2.2) ** 2
    assert abs(near.mean() - band) < 0.03 and stats()[3].mean() > 1.5 * band


def test_same_seed_same_paths_and_no_global_state():
    cfg = gc.load_config(Np=16)
    state = np.random.get_state()[1].copy()  # noqa: NPY002 (checks it is untouched)
    a = simulate(cfg, 5, 10, np.random.default_rng(1))
    b = simulate(cfg, 5, 10, np.random.default_rng(1))
    assert np.array_equal(a[0], b[0])
    assert np.array_equal(state, np.random.get_state()[1])  # noqa: NPY002


def test_knobs_move_their_statistic():
    base = stats()[2]
    assert stats(traj_speed_scale=2.0)[2].mean() > 1.5 * base.mean()
    assert stats(traj_speed_max=0.5)[2].max() <= 0.5 * 0.02 + 1e-12
    assert stats(traj_velocity_smoothing=0.9)[2].std() < 0.7 * base.std()
    base_near = stats()[3].mean()
    assert stats(traj_border_region=0.0)[3].mean() > 1.5 * base_near   # no avoidance
    assert stats(traj_wall_turn_scale=0.0)[3].mean() > 1.5 * base_near  # no turning away
    assert stats(traj_wall_turn_scale=2.0)[3].mean() < 0.8 * base_near  # turning harder


def test_wall_slowdown_sets_speed_near_walls():
    def speed_at_walls(**over):
        pos, _, speed, _ = stats(**over)
        return speed[(1.1 - np.abs(pos[:-1])).min(-1) < 0.03].mean()
    assert speed_at_walls(traj_wall_slowdown=1.0) > 1.3 * speed_at_walls()
    assert speed_at_walls(traj_wall_slowdown=0.05) < speed_at_walls()


def test_turn_scale_changes_curvature():
    def mean_turn(**over):
        _, vel, _, _ = stats(**over)
        hd = np.unwrap(np.arctan2(vel[..., 1], vel[..., 0]), axis=0)
        return np.abs(np.diff(hd, axis=0)).mean()
    assert mean_turn(traj_turn_sigma_scale=0.2) < 0.5 * mean_turn()


def test_batch_shapes(smoke_cfg):
    gen = gc.TrajectoryGenerator(smoke_cfg, gc.PlaceCells(smoke_cfg))
    b = gen.sample(7, 11)
    assert b.velocities.shape == (11, 7, 2) and b.positions.shape == (11, 7, 2)
    assert b.init_code.shape == (7, smoke_cfg.Np) and b.target_code.shape == (11, 7, 64)
    assert np.allclose((b.positions[0] - b.init_pos).numpy(), b.velocities[0].numpy(), atol=1e-6)
    many = gen.sample_many(3, 4)
    assert len(many) == 3 and many[2].velocities.shape == (20, 4, 2)


@pytest.mark.parametrize("scale", [0.5, 1.0])
def test_speed_scale_is_linear(scale):
    assert stats(traj_speed_scale=scale, traj_border_region=0.0, periodic=True)[2].mean() == \
        pytest.approx(scale * 0.13 * 2 * np.pi * np.sqrt(np.pi / 2) * 0.02, rel=0.05)


def test_circular_arena_confines_paths_and_place_cells():
    pos, vel, speed, _ = stats(arena="circle")
    r = np.hypot(pos[..., 0], pos[..., 1])
    assert np.allclose(pos[1:], pos[:-1] + vel)
    assert r.max() <= 1.1 + 1e-9
    assert 0.017 < speed.mean() < 0.022  # the wall rarely interrupts a step, as in the box
    # occupancy is spread over the disk: about half the time inside radius R / sqrt(2)
    assert 0.35 < (r < 1.1 / np.sqrt(2)).mean() < 0.65
    # paths reach the rim, and the corners of the box are never visited
    assert r.max() > 1.05 and (np.abs(pos).min(-1) > 0.8).sum() == 0
    centers = gc.PlaceCells(gc.load_config(arena="circle")).centers.numpy()
    assert np.hypot(centers[:, 0], centers[:, 1]).max() <= 1.1
    assert 0.4 < (np.hypot(centers[:, 0], centers[:, 1]) < 1.1 / np.sqrt(2)).mean() < 0.6


def reference_walk(B, T, rng, half=1.1, dt=0.02, border=0.03, slowdown=0.25):
    """The original generator's walk written out from its description (REFERENCE.md): start
    uniform in the box, heading uniform; all turns (Normal, sd 5.76 * 2 rad/s) then all
    speeds (Rayleigh, scale 0.13 * 2 pi m/s) drawn up front, [T, B]; within ``border`` of the
    nearest wall and heading into it, turn away by pi/2 - |angle to its normal| and slow to
    ``slowdown``; a step that would leave the box is clipped (the package's deviation)."""
    x, y = rng.uniform(-half, half, B), rng.uniform(-half, half, B)
    hd = rng.uniform(0, 2 * np.pi, B)
    turn = rng.normal(0.0, 5.76 * 2, (T, B))
    speed = rng.rayleigh(0.13 * 2 * np.pi, (T, B))
    out = [np.stack([x, y], -1)]
    for t in range(T):
        walls = np.stack([half - x, half - y, half + x, half + y])  # normals 0, 90, 180, 270
        normal = walls.argmin(0) * np.pi / 2
        angle = np.mod(hd - normal + np.pi, 2 * np.pi) - np.pi
        near = (walls.min(0) < border) & (np.abs(angle) < np.pi / 2)
        v = np.where(near, slowdown, 1.0) * speed[t] * dt
        x = np.clip(x + v * np.cos(hd), -half, half)
        y = np.clip(y + v * np.sin(hd), -half, half)
        hd = hd + dt * turn[t] + near * np.sign(angle) * (np.pi / 2 - np.abs(angle))
        out.append(np.stack([x, y], -1))
    return np.stack(out)


def test_square_arena_walks_the_original_generator():
    cfg = gc.load_config(Np=16)
    want = reference_walk(300, 50, np.random.default_rng(1))
    for c in (cfg, cfg.replace(arena="square")):
        pos, _ = simulate(c, 300, 50, np.random.default_rng(1))
        np.testing.assert_allclose(pos, want, rtol=0, atol=1e-12)
    # the walls acted: some steps were slowed and turned (else the check would be weaker)
    near = (1.1 - np.abs(want[:-1])).min(-1) < 0.03
    assert near.sum() > 100
    circle, _ = simulate(cfg.replace(arena="circle"), 300, 50, np.random.default_rng(1))
    assert not np.allclose(circle, want)
