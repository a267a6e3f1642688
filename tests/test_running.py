"""gridcells.network.running: the one loop that runs a network along paths, shared by evaluation,
rate maps and the studies."""

from __future__ import annotations

import numpy as np
import torch

import gridcells as gc
from gridcells.analysis.evaluation import EVAL_STREAM
from gridcells.analysis.ratemaps import RateMapAccumulator, iter_activity
from gridcells.network.running import fresh_batches, path_batches, run_along
from gridcells.predictive import study


def test_place_cells_and_device_are_the_models(smoke_cfg):
    model = gc.PathRNN(smoke_cfg, centers=torch.rand(smoke_cfg.Np, 2) - 0.5)
    assert torch.equal(model.place_cells().centers, model.centers)
    assert model.device == torch.device("cpu")


def test_run_along_gives_the_hidden_states_of_the_units_asked_for(smoke_cfg):
    model = gc.PathRNN(smoke_cfg)
    paths = study.simulate_paths(smoke_cfg, 10, 7, stream=1)
    batches = path_batches(model, paths.positions, paths.velocities, 4)
    assert [b.velocities.shape[1] for b in batches] == [4, 4, 2]
    units = [5, 0, 17]
    for b, g, g_units in run_along(model, batches, units):
        assert torch.equal(g, model.hidden(b.velocities, b.init_code))
        assert torch.equal(g_units, g[..., units])
    _, g, g_all = next(run_along(model, batches))
    assert g_all is g and g.shape == (7, 4, smoke_cfg.Ng)
    act = study.activity(model, paths, units, 4)
    first = model.hidden(batches[0].velocities, batches[0].init_code)[..., units]
    np.testing.assert_array_equal(act.activations[:4], first.detach().transpose(0, 1).numpy())


def test_evaluate_and_iter_activity_see_the_same_paths_and_activity(smoke_cfg):
    model = gc.PathRNN(smoke_cfg)
    units = np.arange(6)
    _, maps, _ = gc.evaluate(model, n_batches=2, units=units, seed=3, batch_size=5)
    gen = gc.TrajectoryGenerator(smoke_cfg, model.place_cells(),
                                 np.random.default_rng([3, EVAL_STREAM]))
    acc = RateMapAccumulator(smoke_cfg, len(units))
    for chunk in iter_activity(model, gen, 2, 5, units=units):
        acc.add(chunk.positions, chunk.activations)
    np.testing.assert_array_equal(acc.result().maps, maps.maps)
    gen = gc.TrajectoryGenerator(smoke_cfg, model.place_cells(), np.random.default_rng(0))
    assert len(list(fresh_batches(model, gen, 3, 2, 4))) == 3
