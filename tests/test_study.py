import numpy as np
import pytest
from scipy import stats as sps

import gridcells as gc
from gridcells.predictive import study
from gridcells.predictive.classes import CLASSES

from .conftest import ROOT


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("study")
    cfg = gc.load_config(ROOT / "params" / "smoke.yaml", device="cpu")
    for seed in (0, 1):
        gc.train(cfg.replace(seed=seed), root / f"s{seed}", progress=False)
    return root, cfg


def test_table_across_checkpoints(runs):
    root, cfg = runs
    rows = study.checkpoint_table(str(root / "s*" / "checkpoints" / "epoch_0002" /
                                      "model.safetensors"), cfg)
    assert len(rows) == 2
    for crit in ("shift", "ouchi", "fork", "earlier"):
        assert sum(rows[0][f"{crit}_{c}"] for c in CLASSES) == cfg.Ng_use
    assert rows[0]["err_intact_cm"] > 0
    trials = cfg.ablation_random_trials
    for row in rows:
        p = row["ablation_p"]
        if row["shift_predictive"] == 0:  # nothing to silence: no test
            assert p is None and row["err_random_mean_cm"] is None
        else:  # a rank p-value (1 + k) / (trials + 1), k of the random sets at least as bad
            k = p * (trials + 1) - 1
            assert abs(k - round(k)) < 1e-9 and 0 <= round(k) <= trials
    summary = study.across(rows)
    # the mean and the 95 % t-interval of the two networks, by scipy
    errs = np.array([r["err_intact_cm"] for r in rows])
    lo, hi = sps.t.interval(0.95, 1, loc=errs.mean(), scale=errs.std(ddof=1) / np.sqrt(2))
    assert summary["err_intact_cm"] == pytest.approx({"mean": errs.mean(), "lo": lo, "hi": hi,
                                                      "n": 2}, rel=1e-12)
    assert hi - lo > 12.7 * errs.std(ddof=1) / np.sqrt(2)  # t(1) at 97.5 %: 12.706


def test_analysis_paths_are_seeded_by_stream(runs):
    root, cfg = runs
    a = study.simulate_paths(cfg, 4, 10, stream=1)
    b = study.simulate_paths(cfg, 4, 10, stream=1)
    c = study.simulate_paths(cfg, 4, 10, stream=2)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert not np.array_equal(a.positions, c.positions)


def test_traj_knobs_change_only_analysis_paths(runs):
    root, cfg = runs
    model = gc.load_model(root / "s0")
    acfg = study.analysis_config(model.cfg, cfg.replace(traj_speed_scale=2.0,
                                                        box_width=3.0, nbins=7))
    assert acfg.traj_speed_scale == 2.0 and model.cfg.traj_speed_scale == 1.0
    assert acfg == model.cfg.replace(traj_speed_scale=2.0)  # box, place code: the model's
    knobs = dict(traj_turn_sigma_scale=0.5, traj_wall_slowdown=0.5, traj_border_region=0.05)
    moved = study.analysis_config(model.cfg, cfg.replace(**knobs))
    assert all(getattr(moved, k) == v for k, v in knobs.items())  # movement knobs reach it


def test_clear_errors(runs):
    root, cfg = runs
    with pytest.raises(ValueError, match="no checkpoints found"):
        study.checkpoint_table([], cfg)
    with pytest.raises(ValueError, match="no checkpoints found"):
        study.checkpoint_table(str(root / "nothing*"), cfg)
    model = gc.load_model(root / "s0")
    with pytest.raises(ValueError, match="Ng_use"):
        study.predictive_study(model, cfg.replace(Ng_use=1000))
