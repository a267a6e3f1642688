"""Persistent homology of grid populations (gridcells.topology.homology) on synthetic modules with a
known answer: one module (hexagonal or square) is a torus, Betti (1, 2, 1) above the null;
unrelated maps and two modules of unrelated spacing mixed are not."""

import numpy as np
import pytest

from gridcells.analysis.scores import GridScorer
from gridcells.topology import coordinates, homology, module
from gridcells.topology.synthetic import component_maps, random_maps, synthetic_module

FAST = {"n_points": 400, "n_null": 2, "max_scale": 0.7}  # the tests' size (defaults: 500, 20)


def mixed_modules(seed=0):
    """50 hexagonal units of spacing 9 bins at 10 degrees and 50 of 13.7 bins at 37 degrees."""
    return np.concatenate([synthetic_module(50, 40, 9.0, 10, "hex", seed=seed),
                           synthetic_module(50, 40, 13.7, 37, "hex", seed=seed + 1)])


@pytest.mark.parametrize("kind, spacing, angle, noise, seed", [
    ("hex", 9.0, 10, 0.0, 1), ("hex", 13.0, 40, 0.1, 2), ("square", 9.0, 20, 0.0, 3),
    ("square", 12.0, 0, 0.1, 8)])
def test_one_module_is_a_torus_above_the_null(kind, spacing, angle, noise, seed):
    maps = synthetic_module(80, 40, spacing, angle, kind, noise, seed)
    top = homology.population_topology(maps, seed=seed, **FAST)
    assert top.betti == (1, 2, 1) and top.is_torus
    life1, life2 = top.lifetimes(1), top.lifetimes(2)
    # the two loops and the cavity stand well clear of the null's longest bars
    assert life1[1] > 1.5 * top.null_longest[1] and life2[0] > 1.5 * top.null_longest[2]
    assert life1[2] < top.null_longest[1]


@pytest.mark.parametrize("maps", [random_maps(80, 40, 2.0, seed=4),
                                  random_maps(80, 40, 0.0, seed=5), mixed_modules()],
                         ids=["smooth random", "white noise", "mixed"])
def test_unrelated_maps_and_mixed_modules_are_not_a_torus(maps):
    top = homology.population_topology(maps, seed=0, **FAST)
    assert not top.is_torus
    assert top.betti[1] < 2


def test_selecting_one_module_recovers_the_torus_from_a_mixture():
    maps = mixed_modules()
    coarse = maps.reshape(100, 20, 2, 20, 2).mean((2, 4))  # 20 bins for the grid scores
    scores = GridScorer.cached(20).score(coarse)
    sel = module.select_module(scores, bin_size=2.0, threshold=0.3)
    assert sel.candidates >= 80
    first = np.isin(sel.units, np.arange(50))
    assert first.all() or not first.any()  # one module only
    assert len(sel.units) >= 40
    assert np.all(np.abs(sel.spacing / sel.spacing_ref - 1) <= 0.15)
    assert sel.spacing_ref == pytest.approx(9.0 if first.all() else 13.7, rel=0.15)
    assert homology.population_topology(maps[sel.units], seed=0, **FAST).is_torus


def test_seeded_and_reproducible():
    maps = synthetic_module(60, 40, 11.0, 23, "hex", seed=7)
    a = homology.population_topology(maps, seed=3, **FAST)
    b = homology.population_topology(maps, seed=3, **FAST)
    for da, db in zip(a.diagrams + a.null_diagrams[0], b.diagrams + b.null_diagrams[0]):
        np.testing.assert_array_equal(da, db)
    assert a.betti == b.betti
    np.testing.assert_array_equal(a.bins, b.bins)
    np.testing.assert_array_equal(homology.null_maps(maps, 1), homology.null_maps(maps, 1))
    assert not np.array_equal(homology.null_maps(maps, 1), homology.null_maps(maps, 2))


def test_null_keeps_each_unit_and_its_unvisited_bins():
    maps = synthetic_module(5, 40, 10.0, 0, "hex", seed=0)
    maps[:, :3, :3] = np.nan
    null = homology.null_maps(maps, seed=0)
    assert np.array_equal(np.isnan(null), np.isnan(maps))
    # a rotation and a shift keep a unit's values (up to interpolation): similar mean and peak
    np.testing.assert_allclose(np.nanmean(null, (1, 2)), np.nanmean(maps, (1, 2)), rtol=0.15)


def test_point_cloud_and_subsample_shapes():
    maps = synthetic_module(30, 20, 8.0, 0, "hex", seed=0)
    maps[:, 0, 0] = np.nan
    pts, bins, explained = homology.point_cloud(maps, n_components=6)
    assert pts.shape == (399, 6) and bins.shape == (399,) and 0 not in bins
    assert np.all(np.diff(explained) <= 1e-12) and explained.sum() <= 1 + 1e-12
    idx = homology.subsample(pts, 100, seed=0)
    assert len(idx) == 100 and len(np.unique(idx)) == 100
    np.testing.assert_array_equal(idx, homology.subsample(pts, 100, seed=0))
    assert len(homology.subsample(pts, 1000)) == 399
    with pytest.raises(ValueError, match="non-constant units"):
        homology.point_cloud(np.ones((3, 10, 10)))


def test_toroidal_coordinates_of_a_module_are_plane_waves():
    """Each circular coordinate of a square module at 0 degrees (spacing 10 bins) winds once
    per period along x or along y: its phase against 2 pi x / 10 (or y) is nearly constant."""
    maps = synthetic_module(60, 40, 10.0, 0, "square", seed=1)
    top = homology.population_topology(maps, seed=0, **FAST)
    coords = coordinates.toroidal_coordinates(top)
    assert coords.shape == (len(top.points), 2)
    assert np.all((coords >= 0) & (coords < 2 * np.pi))
    iy, ix = np.divmod(top.point_bins, 40)
    fit = [[max(abs(np.exp(1j * (coords[:, c] - s * 2 * np.pi * p / 10)).mean()) for s in (1, -1))
            for p in (ix, iy)] for c in range(2)]
    best = np.max(fit, 1)
    assert np.all(best > 0.5), fit   # each coordinate follows one axis
    assert np.argmax(fit[0]) != np.argmax(fit[1])   # ... a different one each


def test_h0_counts_components_not_the_sampling_scale():
    """The paper model's band module (recorded: 161 units, bars of 0.22-0.24 median distances
    against a null's longest of 0.18) is one connected cloud whose subsample is spread more
    evenly than the null's: every finite H0 bar is a merge at the sampling scale. The old rule
    (count the bars above the null alone) gave Betti 0 = 163; bars within twice the median
    bar are not components."""
    rng = np.random.default_rng(0)
    h0 = np.r_[[[0.0, np.inf]], np.c_[np.zeros(162), rng.uniform(0.20, 0.244, 162)]]
    empty = np.zeros((0, 2))
    betti, scale = homology.betti_numbers([h0, empty, empty], np.array([0.181, 0.3, 0.3]), 0.7)
    assert betti == (1, 0, 0)
    assert scale == pytest.approx(2 * np.median(h0[1:, 1]))
    old = 1 + int((homology.lifetimes(h0, 0.7)[1:] > 0.181).sum())
    assert old == 163
    # a gap well beyond the sampling scale (and the null) is a component
    gapped = np.r_[h0, [[0.0, 0.6], [0.0, 0.65]]]
    assert homology.betti_numbers([gapped, empty, empty], np.array([0.181, 0.3, 0.3]),
                                  0.7)[0] == (3, 0, 0)


@pytest.mark.parametrize("k", [1, 3, 5])
def test_population_with_many_components(k):
    """Units that fire at their own rate in each of k strips of the box: k blobs, Betti
    (k, 0, 0), against the default 20 null draws (with 2 draws, one noise blob's longest H1
    bar beat both: a 1-in-3 event under the null)."""
    top = homology.population_topology(component_maps(60, 40, k, 0.05, seed=k), seed=0,
                                       n_points=400, max_scale=0.7)
    assert top.betti == (k, 0, 0)


def test_p_value_is_the_rank_among_the_null_draws():
    """p = (1 + draws whose longest bar is at least the data's) / (draws + 1)."""
    top = homology.population_topology(synthetic_module(60, 30, 8.0, 10, "hex", 0, 1), seed=0,
                                       n_points=300, n_null=4, max_scale=0.7)
    life = top.lifetimes(1)
    for rank in (0, 1, 2):
        want = (1 + (top.null_draws[:, 1] >= life[rank]).sum()) / 5
        assert top.p_value(1, rank) == pytest.approx(want)
    assert top.p_value(1, 0) == pytest.approx(1 / 5)  # the torus's loop beats every draw
    assert np.array_equal(top.null_longest, top.null_draws.max(0))
