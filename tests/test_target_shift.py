"""target_shift: a network trained to predict the place code k steps ahead (the positive
control of the predictive analysis). The batches' targets are the positions k steps after
those the velocities lead to; k = 0 is the original task, unchanged."""

import numpy as np
import pytest
import torch

import gridcells as gc
from gridcells.world.trajectories import batches_from_paths


def _paths(T, N=4, seed=0):
    rng = np.random.default_rng(seed)
    vel = rng.normal(0, 0.01, (T, N, 2))
    pos = np.concatenate([np.zeros((1, N, 2)), np.cumsum(vel, 0)]) + 1.0
    return pos, vel


def test_targets_lead_by_k_steps():
    cfg = gc.load_config("params/smoke.yaml")
    pc = gc.PlaceCells(cfg)
    pos, vel = _paths(13)
    (b0,) = batches_from_paths(pos, vel, pc, 4)
    (b3,) = batches_from_paths(pos, vel, pc, 4, target_shift=3)
    assert b3.velocities.shape[0] == 10 and b3.positions.shape[0] == 10
    torch.testing.assert_close(b3.velocities, b0.velocities[:10])
    # target at step t is the position after step t + 3, i.e. the k = 0 target at t + 3
    torch.testing.assert_close(b3.positions, b0.positions[3:])
    torch.testing.assert_close(b3.target_code, b0.target_code[3:])
    torch.testing.assert_close(b3.init_code, b0.init_code)
    with pytest.raises(ValueError, match="target_shift"):
        batches_from_paths(pos, vel, pc, 4, target_shift=13)


def test_generator_simulates_k_more_steps():
    cfg = gc.load_config("params/smoke.yaml")
    gen = gc.TrajectoryGenerator(cfg, gc.PlaceCells(cfg), np.random.default_rng(1))
    (b,) = gen.sample_many(1, 3, 7, target_shift=4)
    assert b.velocities.shape == (7, 3, 2) and b.target_code.shape[0] == 7
    # the positions lead the integrated velocities by exactly k = 4 steps of the path
    lead = b.positions - (b.init_pos + b.velocities.cumsum(0))
    assert lead.abs().max() > 1e-4


def test_training_uses_the_shift(tmp_path):
    base = gc.load_config("params/smoke.yaml", n_epochs=1)
    a = gc.train(base, tmp_path / "a", progress=False)
    b = gc.train(base.replace(target_shift=3), tmp_path / "b", progress=False)
    assert gc.load_model(tmp_path / "b").cfg.target_shift == 3
    assert not torch.equal(a.model.RNN.weight_hh_l0, b.model.RNN.weight_hh_l0)
