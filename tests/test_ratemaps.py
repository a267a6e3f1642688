import numpy as np
import pytest
import torch

import gridcells as gc


def loop_rate_maps(pos, act, box, nbins):
    sums = np.zeros((act.shape[1], nbins, nbins))
    counts = np.zeros((nbins, nbins))
    for p, a in zip(pos, act):
        ix = min(int((p[0] + box / 2) / box * nbins), nbins - 1)
        iy = min(int((p[1] + box / 2) / box * nbins), nbins - 1)
        sums[:, iy, ix] += a
        counts[iy, ix] += 1
    with np.errstate(invalid="ignore"):
        return sums / counts, counts


def test_equals_a_loop(smoke_cfg):
    rng = np.random.default_rng(0)
    pos = rng.uniform(-1.1, 1.1, (3000, 2))
    pos[0] = [1.1, 1.1]  # the boundary belongs to the edge bin
    act = rng.random((3000, 5))
    rm = gc.rate_maps(pos, act, smoke_cfg)
    want, counts = loop_rate_maps(pos, act, 2.2, 20)
    np.testing.assert_allclose(rm.maps, want, rtol=1e-12)
    np.testing.assert_array_equal(rm.occupancy, counts)


def test_empty_bins_are_nan(smoke_cfg):
    pos = np.array([[-1.0, -1.0], [1.0, 1.0]])
    rm = gc.rate_maps(pos, np.ones((2, 1)), smoke_cfg)
    assert np.isnan(rm.maps).sum() == 398
    assert rm.maps[0, 0, 0] == 1 and rm.maps[0, 19, 19] == 1


def test_outside_the_box_is_rejected(smoke_cfg):
    with pytest.raises(ValueError, match="outside the 2.2 x 2.2 m box"):
        gc.rate_maps(np.array([[1.5, 0.0]]), np.ones((1, 1)), smoke_cfg)


def test_accumulator_over_chunks_equals_one_call(smoke_cfg):
    rng = np.random.default_rng(1)
    pos, act = rng.uniform(-1.1, 1.1, (1000, 2)), rng.random((1000, 3))
    acc = gc.RateMapAccumulator(smoke_cfg, 3)
    acc.add(pos[:400], act[:400])
    acc.add(pos[400:], act[400:])
    np.testing.assert_allclose(acc.result().maps, gc.rate_maps(pos, act, smoke_cfg).maps)


def test_smoothing_keeps_nans_and_means(smoke_cfg):
    m = np.ones((1, 20, 20))
    m[0, 5, 5] = np.nan
    s = gc.smooth(m, 1.0)
    assert np.isnan(s[0, 5, 5]) and np.allclose(s[np.isfinite(s)], 1.0)


def test_collect_activity_shapes(smoke_cfg):
    model = gc.PathRNN(smoke_cfg)
    gen = gc.TrajectoryGenerator(smoke_cfg, gc.PlaceCells(smoke_cfg, model.centers))
    act = gc.collect_activity(model, gen, 2, batch_size=3, sequence_length=7, units=[0, 5])
    assert act.activations.shape == (6, 7, 2) and act.positions.shape == (6, 7, 2)
    # the same two batches drawn again and run by hand: trajectories first, time second
    again = gc.TrajectoryGenerator(smoke_cfg, gc.PlaceCells(smoke_cfg, model.centers))
    for i in range(2):
        b = again.sample(3, 7)
        with torch.no_grad():
            g = model.hidden(b.velocities, b.init_code)[:, :, [0, 5]]
        rows = slice(3 * i, 3 * i + 3)
        np.testing.assert_allclose(act.activations[rows], g.transpose(0, 1).numpy(), rtol=1e-6)
        np.testing.assert_allclose(act.positions[rows], b.positions.transpose(0, 1).numpy())
        np.testing.assert_allclose(act.velocities[rows], b.velocities.transpose(0, 1).numpy())


def test_silent_fraction_counts_weak_units():
    from gridcells.analysis.evaluation import map_diversity, silent_fraction
    rng = np.random.default_rng(1)
    maps = rng.random((10, 20, 20))
    maps[:3] *= 1e-4  # three nearly dead units
    maps[3] = 0.0  # one dead unit
    maps[4, :5] = np.nan  # unvisited bins do not count as activity
    assert silent_fraction(maps) == pytest.approx(0.4)
    assert silent_fraction(maps, rel=1e-5) == pytest.approx(0.1)
    # diversity: mean |r| over pairs of non-constant maps, on the bins every map visited
    bins = np.isfinite(maps).all(0)
    live = maps[[0, 1, 2, 4, 5, 6, 7, 8, 9]][:, bins]  # map 3 is constant: left out
    r = np.corrcoef(live)
    want = np.abs(r[~np.eye(9, dtype=bool)]).mean()
    assert map_diversity(maps) == pytest.approx(want, rel=1e-12)
    same = np.stack([maps[5], 2 * maps[5] + 1, -maps[5]])  # collapse: |r| = 1
    assert map_diversity(same) == pytest.approx(1.0)
