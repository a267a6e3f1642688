import numpy as np
import pytest

import gridcells as gc
from gridcells.trajectories import simulate


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
    pos, _, _, _ = stats(periodic=True)
    assert (np.abs(pos) <= 1.1 + 1e-12).all()


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


def test_square_arena_keeps_the_original_draws():
    cfg = gc.load_config(Np=16)
    assert np.array_equal(simulate(cfg, 5, 10, np.random.default_rng(1))[0],
                          simulate(cfg.replace(arena="square"), 5, 10,
                                   np.random.default_rng(1))[0])
