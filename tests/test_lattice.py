import numpy as np
import pytest

from gridcells.analysis.evaluation import summarize
from gridcells.analysis.lattice import hexagonal_odds, lattice_symmetry

from .synthetic import lattice


def population(kind, angle_deg=10.0, n=60, spacing=8.0, seed=0, angle_spread=0.0):
    """n maps of one lattice with random phases (and orientations spread by angle_spread)."""
    rng = np.random.default_rng(seed)
    return np.stack([lattice(spacing=spacing, kind=kind, phase=rng.uniform(0, 20, 2),
                             angle_deg=angle_deg + rng.uniform(-angle_spread, angle_spread))
                     for _ in range(n)])


def test_hexagonal_population():
    s = lattice_symmetry(population("hex", 10.0))
    assert s.hex_order > 0.6 and s.square_order < 0.1 and s.stripe_order < 0.1
    assert s.hex_deg == pytest.approx(10.0, abs=3)
    assert s.cycles == pytest.approx(20 / 8.0 * 2 / np.sqrt(3), abs=0.5)
    assert s.n_units == 60


def test_square_population():
    s = lattice_symmetry(population("square", 25.0))
    assert s.square_order > 0.6 and s.hex_order < 0.1 and s.stripe_order < 0.1
    assert s.square_deg == pytest.approx(25.0, abs=3)


def test_one_stripe_orientation_has_every_order():
    s = lattice_symmetry(population("stripe", 30.0))
    assert min(s.stripe_order, s.square_order, s.hex_order) > 0.5


def test_unrelated_orientations_share_no_lattice():
    s = lattice_symmetry(population("hex", 0.0, n=200, angle_spread=30.0))
    assert max(s.stripe_order, s.square_order, s.hex_order) < 0.25


def test_unvisited_bins_and_silent_units():
    maps = population("hex", 10.0)
    maps[:, :3, :4] = np.nan
    maps[:5] = 0.0  # silent units carry no orientation and are not counted
    s = lattice_symmetry(maps)
    assert s.hex_order > 0.6 and s.n_units == 55
    empty = lattice_symmetry(np.zeros((4, 20, 20)))
    assert empty.n_units == 0 and np.isnan(empty.hex_order)


def test_bad_shape_is_a_one_line_error():
    with pytest.raises(ValueError, match=r"maps must be \[units, n, n\]"):
        lattice_symmetry(np.zeros((20, 20)))


def test_evaluation_reports_the_shared_lattice():
    maps = population("square", 25.0)
    ev = summarize(np.zeros(len(maps)), maps, err_cm=5.0)
    assert ev.square_order > 0.6 and ev.hex_order < 0.1
    assert {"hex_order", "square_order"} <= set(ev.row())


def test_noise_maps_share_no_lattice():
    # white noise has flat power: orientations sampled unequally (binning the square grid
    # of frequencies) would show up as a spurious square order
    noise = np.random.default_rng(3).random((200, 20, 20))
    s = lattice_symmetry(noise)
    assert max(s.stripe_order, s.square_order, s.hex_order) < 0.05


def test_hexagonal_odds_counts_runs_with_a_wilson_interval():
    rows = [{"hex_order": 0.3, "square_order": 0.1}] * 3 + \
        [{"hex_order": 0.1, "square_order": 0.3}] * 7
    odds = hexagonal_odds(rows)
    assert (odds["n"], odds["hexagonal"]) == (10, 3) and odds["share"] == pytest.approx(0.3)
    assert (odds["lo"], odds["hi"]) == pytest.approx((0.1078, 0.6033), abs=1e-4)
    assert hexagonal_odds([])["n"] == 0
