import numpy as np
import pytest

import gridcells as gc
from gridcells import study

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
        assert sum(rows[0][f"{crit}_{c}"] for c in gc.predictive.CLASSES) == cfg.Ng_use
    assert rows[0]["err_intact_cm"] > 0
    p = rows[0]["ablation_p"]
    assert p is None if rows[0]["shift_predictive"] == 0 else 0 < p <= 1
    summary = study.across(rows)
    assert summary["err_intact_cm"]["n"] == 2
    assert summary["err_intact_cm"]["lo"] <= summary["err_intact_cm"]["mean"] \
        <= summary["err_intact_cm"]["hi"]


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
