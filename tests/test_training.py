import math

import pytest
import torch

import gridcells as gc
from gridcells.rundir.history import read_csv, read_stages
from gridcells.rundir.layout import RunDirError
from gridcells.training.loop import Trainer, TrainingDiverged, train_step
from gridcells.training.schedule import lr_factor


def test_smoke_run_lowers_the_loss(smoke_cfg, tmp_path):
    cfg = smoke_cfg.replace(n_epochs=4, n_steps=25, batch_size=32, learning_rate=3e-3,
                            weight_decay=0.0, eval_every=0)
    res = gc.train(cfg, tmp_path / "run", progress=False)
    losses = [r["loss"] for r in res.history]
    assert losses[-1] < losses[0]
    assert (tmp_path / "run" / "config.yaml").is_file()
    assert len(gc.list_checkpoints(tmp_path / "run")) == 4
    assert set(res.history[0]) == {"step", "loss", "err_cm", "lr", "elapsed_s"}
    assert res.gridness[-1]["step"] == 100


def test_resume_is_bit_identical(smoke_cfg, tmp_path):
    cfg = smoke_cfg.replace(n_epochs=3, n_steps=10, eval_every=10)
    full = gc.train(cfg, tmp_path / "full", progress=False)
    # an interrupted run: the same config stopped after one epoch (simulated by a run of
    # n_epochs=1 written with the full config, then resumed)
    Trainer(cfg, tmp_path / "part", progress=False).run(until_step=10)
    resumed = gc.train(cfg, tmp_path / "part", resume=True, progress=False)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "elapsed_s"} for r in rows]  # noqa: E731
    assert strip(resumed.history) == strip(full.history)
    assert resumed.gridness == full.gridness
    for a, b in zip(resumed.model.parameters(), full.model.parameters()):
        assert torch.equal(a, b)


def test_auto_resume_of_a_finished_run_returns(smoke_cfg, tmp_path):
    gc.train(smoke_cfg, tmp_path / "r", progress=False)
    before = (tmp_path / "r" / "history.csv").read_text()
    res = gc.train(smoke_cfg, tmp_path / "r", resume="auto", progress=False)
    assert res.history[-1]["step"] == smoke_cfg.total_steps
    assert (tmp_path / "r" / "history.csv").read_text() == before


def test_refuses_to_overwrite_and_to_resume_nothing(smoke_cfg, tmp_path):
    run = tmp_path / "r"
    run.mkdir()
    (run / "notes.txt").write_text("precious")
    with pytest.raises(RunDirError, match="not empty"):
        gc.train(smoke_cfg, run, progress=False)
    assert (run / "notes.txt").read_text() == "precious"
    assert sorted(p.name for p in run.iterdir()) == ["notes.txt"]
    with pytest.raises(RunDirError, match="nothing to resume"):
        gc.train(smoke_cfg, tmp_path / "empty", resume=True, progress=False)


def test_resume_with_another_config_is_refused(smoke_cfg, tmp_path):
    gc.train(smoke_cfg, tmp_path / "r", progress=False)
    with pytest.raises(RunDirError, match="different config"):
        gc.train(smoke_cfg.replace(learning_rate=0.5), tmp_path / "r", resume=True,
                 progress=False)


def test_nan_guard_keeps_last_good_checkpoint(smoke_cfg, tmp_path):
    cfg = smoke_cfg.replace(n_epochs=3, n_steps=5, eval_every=0)
    tr = Trainer(cfg, tmp_path / "r", progress=False)
    tr.run(until_step=5)
    good = (tmp_path / "r" / "checkpoints" / "latest").read_text()
    with torch.no_grad():
        tr.model.decoder.weight.fill_(float("nan"))
    with pytest.raises(TrainingDiverged, match="last good checkpoint"):
        tr.run()
    assert (tmp_path / "r" / "checkpoints" / "latest").read_text() == good
    model = gc.load_model(tmp_path / "r")
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_lr_schedules():
    cfg = gc.load_config(n_epochs=1, n_steps=100, lr_warmup_steps=10, lr_schedule="cosine",
                         lr_final_fraction=0.1)
    assert lr_factor(0, cfg) == pytest.approx(0.1)
    assert lr_factor(9, cfg) == pytest.approx(1.0)
    assert lr_factor(10, cfg) == pytest.approx(1.0)
    assert lr_factor(100, cfg) == pytest.approx(0.1)
    mid = lr_factor(55, cfg)
    assert mid == pytest.approx(0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * 0.5)))


def test_history_csv_matches_result(smoke_cfg, tmp_path):
    res = gc.train(smoke_cfg, tmp_path / "r", progress=False)
    rows = read_csv(tmp_path / "r" / "history.csv")
    assert [r["step"] for r in rows] == [r["step"] for r in res.history]


def test_stages_join_into_one_curve(smoke_cfg, tmp_path):
    first = gc.train(smoke_cfg, tmp_path / "a", progress=False)
    gc.train(smoke_cfg.replace(init_from=str(tmp_path / "a"), n_epochs=1), tmp_path / "b",
             progress=False)
    history, gridness = read_stages([tmp_path / "a", tmp_path / "b"])
    steps = [r["step"] for r in history]
    end = first.history[-1]
    assert steps == sorted(steps) and steps[-1] == end["step"] + smoke_cfg.n_steps
    assert history[len(first.history)]["elapsed_s"] > end["elapsed_s"]
    assert gridness[-1]["step"] == steps[-1]


def test_cli_train(tmp_path, capsys):
    from gridcells.cli import main
    from tests.conftest import ROOT
    assert main(["train", "--params", str(ROOT / "params" / "smoke.yaml"), "--run-dir",
                 str(tmp_path / "r"), "--quiet", "n_epochs=1"]) == 0
    assert "trained 10 steps" in capsys.readouterr().out
    assert main(["train", "--params", str(ROOT / "params" / "smoke.yaml"), "--run-dir",
                 str(tmp_path / "r"), "--quiet"]) == 2
    assert "not empty" in capsys.readouterr().err
    assert main(["train", "--run-dir", str(tmp_path / "q"), "Ng=abc"]) == 2
    assert "Ng: expected int" in capsys.readouterr().err


def test_weight_decay_starts_when_asked(smoke_cfg, tmp_path):
    cfg = smoke_cfg.replace(weight_decay=1.0, weight_decay_start=10, n_epochs=2, n_steps=10,
                            log_every=10, eval_every=0)
    res = gc.train(cfg, tmp_path / "r", progress=False)
    # a huge penalty is in the loss only in the second window
    assert res.history[1]["loss"] > res.history[0]["loss"] + 1.0


def test_decoupled_weight_decay_shrinks_w_hh_after_the_step(smoke_cfg):
    cfg = smoke_cfg.replace(weight_decay=0.5, weight_decay_mode="decoupled")
    gen = gc.TrajectoryGenerator(cfg, gc.PlaceCells(cfg))
    batch = gen.sample_many(1)[0]
    nodecay = torch.autocast("cpu", enabled=False)
    shrunk, plain = gc.PathRNN(cfg), gc.PathRNN(cfg)
    for model, shrink in ((shrunk, 0.1), (plain, 0.0)):
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        train_step(model, opt, batch, nodecay, shrink=shrink)
    # only W_hh is scaled, after Adam's update; the penalty is not in the default loss
    w_s, w_p = shrunk.RNN.weight_hh_l0, plain.RNN.weight_hh_l0
    assert torch.allclose(w_s, 0.9 * w_p, rtol=1e-6, atol=1e-8)
    assert torch.equal(shrunk.decoder.weight, plain.decoder.weight)
    logits = shrunk(batch.velocities, batch.init_code)
    assert shrunk.loss(logits, batch.target_code) == shrunk.loss(logits, batch.target_code, 0.0)


def test_weight_decay_ramp(smoke_cfg):
    from gridcells.training.schedule import weight_decay_at
    cfg = smoke_cfg.replace(weight_decay=3.0, weight_decay_final=1.0, weight_decay_start=10,
                            n_epochs=1, n_steps=111)
    assert weight_decay_at(9, cfg) == 0.0
    assert weight_decay_at(10, cfg) == 3.0
    assert weight_decay_at(60, cfg) == pytest.approx(2.0)
    assert weight_decay_at(110, cfg) == pytest.approx(1.0)
    assert weight_decay_at(50, cfg.replace(weight_decay_final=None)) == 3.0
    stopped = cfg.replace(weight_decay_stop=61)  # the ramp now ends at step 60
    assert weight_decay_at(60, stopped) == pytest.approx(1.0)
    assert weight_decay_at(61, stopped) == weight_decay_at(110, stopped) == 0.0
    with pytest.raises(gc.ConfigError, match="weight_decay_stop .10. must come after"):
        cfg.replace(weight_decay_stop=10)


def test_init_from_starts_at_the_source_weights(smoke_cfg, tmp_path):
    src = gc.train(smoke_cfg.replace(n_epochs=1, n_steps=5, eval_every=0), tmp_path / "src",
                   progress=False).model
    # other seed (trajectories and initial weights) and schedule; weights and centres from src
    cfg = smoke_cfg.replace(seed=7, learning_rate=1e-5, init_from=str(tmp_path / "src"),
                            n_epochs=1, n_steps=2, eval_every=0)
    start = Trainer(cfg, tmp_path / "ft", progress=False).model
    for (name, a), b in zip(src.state_dict().items(), start.state_dict().values()):
        assert torch.equal(a, b), name
    assert not torch.equal(gc.PathRNN(cfg).centers, src.centers)
    tuned = gc.train(cfg, tmp_path / "ft2", progress=False).model
    w0, w1 = src.RNN.weight_hh_l0, tuned.RNN.weight_hh_l0
    assert 0 < (w1 - w0).abs().max() < 1e-3  # two small steps away from the source
    with pytest.raises(gc.ConfigError, match="init_from: .* has Ng 64, expected 48"):
        Trainer(cfg.replace(Ng=48), tmp_path / "bad", progress=False)
    with pytest.raises(gc.ConfigError, match="init_from: checkpoint .* not found"):
        Trainer(cfg.replace(init_from=str(tmp_path / "nope")), tmp_path / "bad2",
                            progress=False)
    assert not (tmp_path / "bad2").exists()  # nothing written for a refused run
