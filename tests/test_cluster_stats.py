"""Intervals for shares of units clustered in networks."""

import numpy as np
import pytest
from scipy import stats

from gridcells.stats import cluster_bootstrap_share, zero_share_bounds


def test_zero_share_bounds_match_clopper_pearson():
    ind, clu = zero_share_bounds([100] * 13)
    # the exact one-sided bound for 0 events is the Clopper-Pearson upper limit
    assert ind == pytest.approx(stats.beta.ppf(0.95, 1, 1300), rel=1e-9)
    assert clu == pytest.approx(stats.beta.ppf(0.95, 1, 13), rel=1e-9)
    assert ind < clu
    with pytest.raises(ValueError):
        zero_share_bounds([])


def test_cluster_bootstrap_is_wider_than_pooled_when_clusters_differ():
    k = np.array([0, 0, 0, 0, 20, 0, 0, 0, 0, 0])  # all events in one network
    n = np.full(10, 100)
    share, lo, hi = cluster_bootstrap_share(k, n, seed=1)
    assert share == pytest.approx(0.02)
    # pooled Wilson-style width for 20 / 1000 is about +-0.009; clustering widens it a lot
    assert lo == 0.0 and hi > 0.04
    even = np.full(10, 2)
    _, lo2, hi2 = cluster_bootstrap_share(even, n, seed=1)
    assert lo2 == pytest.approx(0.02) and hi2 == pytest.approx(0.02)  # no between-network spread
    with pytest.raises(ValueError, match="0 <= k <= n"):
        cluster_bootstrap_share([5], [3])
