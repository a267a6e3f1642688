"""A population's rate-map figures against synthetic grid maps of known spacing and
orientation."""

import numpy as np
import pytest

from gridcells.analysis.population import from_maps
from gridcells.analysis.ratemaps import RateMaps
from gridcells.stats import rayleigh_p_value
from tests.synthetic import lattice

BIN_M = 0.11  # 2.2 m box, 20 bins


def maps_of(spacings, angles, rng):
    maps = np.stack([lattice(spacing=s, angle_deg=a, phase=rng.uniform(0, 10, 2))
                     for s, a in zip(spacings, angles)])
    return RateMaps(maps + rng.normal(0, 0.05, maps.shape), np.ones((20, 20)))


@pytest.mark.parametrize("spacing_bins, angle", [(6.0, 5.0), (8.0, 20.0), (10.0, 40.0)])
def test_one_module_is_measured_at_its_spacing_and_orientation(spacing_bins, angle):
    rng = np.random.default_rng(int(spacing_bins))
    n = 40
    pop = from_maps(maps_of(rng.normal(spacing_bins, 0.2, n), rng.normal(angle, 2, n), rng),
                    BIN_M)
    row = pop.row()
    assert row["n_grid"] == (pop.scores.score_60 > 0.3).sum() >= 0.9 * n
    assert abs(row["spacing_median_cm"] - spacing_bins * BIN_M * 100) <= 0.1 * spacing_bins * 11
    assert row["orientation_resultant"] > 0.8
    # the SAC's peaks lie 30 degrees from the plane waves' directions (mod 60)
    assert abs((row["orientation_deg"] - angle - 30 + 30) % 60 - 30) < 5
    assert rayleigh_p_value(np.radians(pop.orientation_deg) * 6) < 1e-6
    assert np.isnan(row["err_cm"])


def test_units_of_random_orientation_are_not_one_module():
    rng = np.random.default_rng(3)
    n = 60
    pop = from_maps(maps_of(np.full(n, 8.0), rng.uniform(0, 60, n), rng), BIN_M)
    row = pop.row()
    assert row["n_grid"] >= 0.9 * n
    assert row["orientation_resultant"] < 0.35
    assert rayleigh_p_value(np.radians(pop.orientation_deg) * 6) > 0.001
