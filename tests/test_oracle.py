"""The grid-score oracle (tests/oracle.py) against the definition by hand, and the package's
scorer against the oracle piece by piece: rings, angles, formulas, and the two deliberate
departures from the DeepMind code (NaN bins, flat rings)."""

import numpy as np
import pytest

import gridcells as gc
from gridcells.analysis import scores

from . import oracle
from .synthetic import lattice


@pytest.fixture(scope="module")
def scorer():
    return gc.GridScorer.cached(20)


def test_oracle_rings_by_hand():
    r = oracle.rings(20)
    c = 19  # the SAC's centre pixel
    assert r.shape == (10, 39, 39)
    # ring 0: 4 < d <= 8 bins
    assert not r[0, c, c + 4] and r[0, c, c + 5] and r[0, c + 8, c] and not r[0, c, c + 9]
    assert not r[0, c + 6, c + 6]      # d = 8.49
    assert r[0, c + 3, c + 3]          # d = 4.24
    # the last ring reaches 20 bins: the edge of the SAC on the axes, not its corners
    assert r[9, c, 0] and not r[9, 0, 0]
    # outer radii 0.4 .. 1.0 in nine equal steps of 1/15: ring 1 ends at 9.33 bins
    assert r[1, c, c + 9] and not r[1, c, c + 10]
    assert not r[:, c, c].any()


def test_package_rings_and_angles_are_the_definitions():
    for n in (7, 20, 33):
        np.testing.assert_array_equal(scores.ring_masks(n), oracle.rings(n))
    assert tuple(scores.ANGLES) == oracle.ROTATIONS
    assert scores.MIN_RING_VARIANCE == oracle.PACKAGE_MIN_RING_VARIANCE


def test_score_formulas_by_hand():
    r = {30: 0.1, 45: -0.3, 60: 0.8, 90: 0.2, 120: 0.6, 135: 0.1, 150: 0.0}
    assert oracle.score_60(r) == pytest.approx(0.7 - 0.1)
    assert oracle.score_60(r, min_max=True) == pytest.approx(0.6 - 0.2)
    assert oracle.score_90(r) == pytest.approx(0.2 + 0.1)
    rng = np.random.default_rng(0)
    many = {a: rng.uniform(-1, 1, 50) for a in oracle.ROTATIONS}
    s60, s90 = scores.grid_scores_from_corrs(many)
    for i in range(50):
        one = {a: v[i] for a, v in many.items()}
        assert s60[i] == pytest.approx(oracle.score_60(one), abs=1e-12)
        assert s90[i] == pytest.approx(oracle.score_90(one), abs=1e-12)


def brute_sac(m):
    """Pearson correlation of every overlap, one offset at a time (np.corrcoef)."""
    n = m.shape[0]
    out = np.zeros((2 * n - 1, 2 * n - 1))
    for dy in range(-(n - 1), n):
        for dx in range(-(n - 1), n):
            a = m[max(0, -dy):n - max(0, dy), max(0, -dx):n - max(0, dx)]
            b = m[max(0, dy):n - max(0, -dy), max(0, dx):n - max(0, -dx)]
            ok = np.isfinite(a) & np.isfinite(b)
            if ok.sum() >= 2 and a[ok].std() > 0 and b[ok].std() > 0:
                out[dy + n - 1, dx + n - 1] = np.corrcoef(a[ok], b[ok])[0, 1]
    return out


def test_oracle_sac_is_the_pearson_correlation_of_each_overlap():
    rng = np.random.default_rng(1)
    m = rng.random((6, 6))
    np.testing.assert_allclose(oracle.sac(m), brute_sac(m), atol=1e-12)
    m[rng.random((6, 6)) < 0.25] = np.nan
    np.testing.assert_allclose(oracle.sac(m), brute_sac(m), atol=1e-12)
    assert oracle.sac(m)[5, 5] == pytest.approx(1.0)
    # the DeepMind arithmetic: NaN bins are visited bins of rate 0
    np.testing.assert_allclose(oracle.sac(m, nan_as_zero=True),
                               brute_sac(np.nan_to_num(m)), atol=1e-12)


def test_hexagonal_and_square_lattices_by_the_oracle():
    hexagonal = oracle.grid_score(lattice(spacing=8, angle_deg=10))
    square = oracle.grid_score(lattice(spacing=8, kind="square"))
    assert hexagonal[0] > 1.0 and square[1] > 0.8 and square[0] < 0.3
    # min_max is the stricter variant: never above the mean form
    assert oracle.grid_score(lattice(spacing=8), min_max=True)[0] <= \
        oracle.grid_score(lattice(spacing=8))[0] + 1e-12


def gapped_maps():
    rng = np.random.default_rng(4)
    walls = lattice(spacing=8, angle_deg=10)
    walls[:6] = np.nan                       # a wall region never visited
    noisy = rng.random((20, 20))
    noisy[rng.random((20, 20)) < 0.3] = np.nan
    return np.stack([walls, noisy])


def test_gapped_maps_leave_nan_bins_out_unlike_the_deepmind_code(scorer):
    """The deliberate difference: the package (and the oracle's default) leave NaN bins out of
    the SAC; the DeepMind code counted them as visited bins of rate 0."""
    maps = gapped_maps()
    got = scorer.score(maps)
    sacs = scorer.sac(maps)
    for i, m in enumerate(maps):
        np.testing.assert_allclose(sacs[i], oracle.sac(m), atol=1e-9)
        deepmind = oracle.sac(m, nan_as_zero=True)
        assert np.abs(sacs[i] - deepmind).max() > 0.5
        want = oracle.grid_score(m)
        assert got.score_60[i] == pytest.approx(want[0], abs=1e-6)
        assert got.score_90[i] == pytest.approx(want[1], abs=1e-6)
        assert abs(got.score_60[i] - oracle.grid_score(m, deepmind=True)[0]) > 5e-3
    # without gaps the two definitions agree
    full = lattice(spacing=9, angle_deg=20)
    assert oracle.grid_score(full)[:2] == pytest.approx(
        oracle.grid_score(full, deepmind=True)[:2], abs=1e-12)


def test_flat_rings_are_not_scored_unlike_the_deepmind_code(scorer):
    """The second difference: two active bins give the DeepMind formula a score of 3.5 from
    rings whose SAC is nearly constant; the package does not score those rings."""
    sparse = np.zeros((20, 20))
    sparse[6, 18], sparse[5, 10] = 1.0, 0.5
    assert oracle.grid_score(sparse, deepmind=True)[0] > 3
    got = scorer.score(sparse[None]).score_60[0]
    assert got == pytest.approx(oracle.grid_score(sparse)[0], abs=1e-6)
    assert abs(got) < 0.1
    # a constant map: NaN in the package, 0 in the DeepMind arithmetic
    assert np.isnan(scorer.score(np.ones((1, 20, 20))).score_60[0])
    assert oracle.grid_score(np.ones((20, 20)), deepmind=True)[0] == 0.0
