"""README: "The shift estimator recovers known shifts ... on the network's own units with
injected shifts". The shipped CPU network (``gc.load_pretrained()``) runs on analysis paths;
the activity of its best grid units is advanced by k steps within each trajectory
(a'(t) = a(t + k): the unit now encodes the position k steps later), and the estimated
preferred shift (sharpness peak, :func:`gridcells.predictive.shift_estimate.estimate_shift`)
must move by k steps, in cm, for every one of those units.

The injection is done here, independently of
:func:`gridcells.predictive.shift_estimate.injection_control` (the predictive chapter's
control), which is then checked against it."""

import numpy as np
import pytest

import gridcells as gc
from gridcells.analysis.ratemaps import Activity
from gridcells.predictive import study
from gridcells.predictive.shift_estimate import estimate_shift, injection_control
from gridcells.predictive.shifted import cm_per_step, lag_sweep

STEPS = (-8, -3, 4, 8)  # injected shifts (steps); the chapter uses -8 and 8
K = max(abs(k) for k in STEPS)
MAX_LAG = 12            # the window: the units' own shift (about -1 step) + 8 stays inside
UNIT_TOL_CM = 1.5       # every unit: under one step (about 2 cm)
MEDIAN_TOL_CM = 0.5


@pytest.fixture(scope="module")
def network():
    """The shipped network's activity on 100 analysis paths of 200 steps, and its 24 units
    with the highest gridness at zero shift, with the analysis config."""
    model = gc.load_pretrained()
    cfg = model.cfg.replace(max_lag=MAX_LAG)
    paths = study.simulate_paths(study.analysis_config(model.cfg, cfg), 100, 200, stream=1)
    act = study.activity(model, paths, np.arange(model.cfg.Ng), 100)
    zero = lag_sweep(act, cfg, max_lag=0).score_60[0]
    best = np.argsort(np.nan_to_num(zero, nan=-np.inf))[::-1][:24]
    assert zero[best].min() > 0.3  # grid units
    own = Activity(act.positions, act.velocities, act.activations[..., best], act.units[best])
    return own, cfg


def advanced(act: Activity, k: int) -> Activity:
    """Positions at t in [K, T - K) paired with activity at t + k (every condition on the
    same positions)."""
    T = act.positions.shape[1]
    return Activity(act.positions[:, K:T - K], act.velocities[:, K:T - K],
                    act.activations[:, K + k:T - K + k], act.units)


def preferred_cm(act: Activity, cfg) -> np.ndarray:
    est = estimate_shift(lag_sweep(act, cfg))
    assert not est.at_edge.any()  # every peak inside the window
    return est.shift_cm


def test_estimator_recovers_a_shift_injected_into_the_networks_own_units(network):
    act, cfg = network
    base = preferred_cm(advanced(act, 0), cfg)
    step = cm_per_step(advanced(act, 0).velocities)
    assert 1.0 < step < 3.0  # cm per step of the analysis paths
    for k in STEPS:
        change = preferred_cm(advanced(act, k), cfg) - base
        assert np.abs(change - k * step).max() < UNIT_TOL_CM, (k, change - k * step)
        assert abs(np.median(change) - k * step) < MEDIAN_TOL_CM


def test_the_chapters_injection_control_reports_the_same(network):
    act, cfg = network
    rows = injection_control(act, cfg, steps=STEPS)
    step = cm_per_step(advanced(act, 0).velocities)
    assert [r["injected_steps"] for r in rows] == list(STEPS)
    for r in rows:
        assert r["units"] == 24 and r["within_3cm"] == 1.0
        assert r["injected_cm"] == pytest.approx(r["injected_steps"] * step)
        assert abs(r["median_change_cm"] - r["injected_cm"]) < MEDIAN_TOL_CM
