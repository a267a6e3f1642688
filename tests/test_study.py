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
    table = study.checkpoint_table(str(root / "s*" / "checkpoints" / "epoch_0002" /
                                       "model.safetensors"), cfg)
    assert len(table["rows"]) == 2
    total = sum(table["rows"][0][f"n_{c}"] for c in
                ("predictive", "retrospective", "zero-lag", "low-grid", "unclassified"))
    assert total == cfg.Ng_use
    assert table["summary"]["err_intact_cm"]["n"] == 2
    lo, hi = table["summary"]["err_intact_cm"]["ci95"]
    assert lo <= table["summary"]["err_intact_cm"]["mean"] <= hi


def test_same_paths_for_every_checkpoint(runs):
    root, cfg = runs
    a = study.simulate_paths(cfg, 4, 10, stream=1)
    b = study.simulate_paths(cfg, 4, 10, stream=1)
    np.testing.assert_array_equal(a.positions, b.positions)


def test_traj_knobs_change_only_analysis_paths(runs):
    root, cfg = runs
    model = gc.load_model(root / "s0")
    acfg = study.analysis_config(model.cfg, cfg.replace(traj_speed_scale=2.0))
    assert acfg.traj_speed_scale == 2.0 and model.cfg.traj_speed_scale == 1.0


def test_clear_errors(runs):
    root, cfg = runs
    with pytest.raises(ValueError, match="no checkpoints found"):
        study.checkpoint_table([], cfg)
    with pytest.raises(ValueError, match="no checkpoints found"):
        study.checkpoint_table(str(root / "nothing*"), cfg)
    model = gc.load_model(root / "s0")
    with pytest.raises(ValueError, match="Ng_use"):
        study.predictive_study(model, cfg.replace(Ng_use=1000))
