"""Issue 17: each hole reproduced, then a one-line error or correct behaviour with nothing
lost. Tiny configs (params/smoke.yaml, a few steps): every test runs in about a second."""

import json
import math

import pytest
import torch

import gridcells as gc
from gridcells.world.params import ConfigError

from .conftest import ROOT

SMOKE = ROOT / "params" / "smoke.yaml"


def one_line(exc) -> str:
    text = str(exc.value if hasattr(exc, "value") else exc)
    assert "\n" not in text, text
    return text


# ---- hole 3: infinity and NaN ----------------------------------------------------------

@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize("key", ["box_width", "learning_rate", "gridness_threshold",
                                 "traj_speed_max", "pf_lr"])
def test_non_finite_floats_are_refused_by_the_api(key, value):
    with pytest.raises(ConfigError, match=rf"^{key}: expected a finite number") as exc:
        gc.Config(**{key: value})
    one_line(exc)


@pytest.mark.parametrize("text", [".nan", ".inf", "-.inf", ".NaN", "1e999"])
def test_yaml_non_finite_values_name_key_and_file(tmp_path, text):
    p = tmp_path / "bad.yaml"
    p.write_text(f"Ng: 64\nbox_width: {text}\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml.*box_width: expected a finite") as exc:
        gc.load_config(p)
    one_line(exc)


def test_cli_override_of_infinity_is_one_line(capsys):
    from gridcells.cli import main

    assert main(["train", "--params", str(SMOKE), "--run-dir", "/nonexistent/x",
                 "box_width=1e999"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("gridcells train: error: box_width: expected a finite number")
    assert "\n" not in err


def test_override_error_does_not_blame_the_file(tmp_path):
    p = tmp_path / "ok.yaml"
    p.write_text("Ng: 64\n")
    with pytest.raises(ConfigError, match=r"^learning_rate: expected a finite"):
        gc.load_config(p, learning_rate=math.nan)
    with pytest.raises(ConfigError, match=r"ok\.yaml.*unknown parameter 'Nx'"):
        p.write_text("Nx: 64\n")
        gc.load_config(p)


# ---- hole 1: one training per run directory ---------------------------------------------

def tiny(smoke_cfg, **kw):
    return smoke_cfg.replace(**{"n_epochs": 2, "n_steps": 5, "eval_every": 0, **kw})


def test_second_training_into_a_locked_directory_is_refused(smoke_cfg, tmp_path):
    from gridcells.rundir.layout import RunDirError, RunLock

    run = tmp_path / "r"
    gc.train(tiny(smoke_cfg, seed=1), run, progress=False)
    before = {p: p.read_bytes() for p in run.rglob("*") if p.is_file()}
    lock = RunLock(run).acquire()  # as a training in another process holds it
    try:
        for resume in (False, True, "auto"):
            with pytest.raises(RunDirError, match=r"in use by another training \(process \d+"
                               ) as exc:
                gc.train(tiny(smoke_cfg, seed=1), run, resume=resume, progress=False)
            one_line(exc)
    finally:
        lock.release()
    assert {p: p.read_bytes() for p in run.rglob("*") if p.is_file()} == before


def test_lock_of_a_killed_process_is_not_stale(smoke_cfg, tmp_path):
    import subprocess
    import sys

    run = tmp_path / "r"
    code = ("import os, signal, sys\n"
            "import gridcells.rundir.layout as m\n"
            "assert 'torch' not in sys.modules\n"  # the lock needs no torch
            f"m.RunLock({str(run)!r}).acquire(); os.kill(os.getpid(), signal.SIGKILL)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT)
    assert done.returncode == -9 and (run / ".lock").is_file()  # the dead holder's file
    res = gc.train(tiny(smoke_cfg), run, progress=False)
    assert res.history[-1]["step"] == 10


def test_a_refused_training_leaves_no_lock_file(smoke_cfg, tmp_path):
    from gridcells.rundir.layout import RunDirError

    with pytest.raises(RunDirError, match="nothing to resume"):
        gc.train(tiny(smoke_cfg), tmp_path / "absent", resume=True, progress=False)
    assert not (tmp_path / "absent").exists()


# ---- hole 2: only finite checkpoints; truthful messages; fallback ------------------------

def test_divergence_before_any_checkpoint_says_there_is_none(smoke_cfg, tmp_path):
    run = tmp_path / "r"
    with pytest.raises(gc.TrainingDiverged) as exc:
        gc.train(tiny(smoke_cfg, learning_rate=1e9, n_steps=10), run, progress=False)
    msg = one_line(exc)
    assert "no checkpoint was written" in msg and "last good" not in msg
    assert gc.list_checkpoints(run) == []


def test_non_finite_weights_are_never_checkpointed(smoke_cfg, tmp_path, monkeypatch):
    from gridcells.training import loop as training

    run = tmp_path / "r"
    cfg = tiny(smoke_cfg, n_epochs=3)
    real = training.train_step

    def poisoning(model, opt, batch, *a, **kw):  # finite loss, infinite weights at step 10
        out = real(model, opt, batch, *a, **kw)
        if opt.state[model.RNN.weight_hh_l0]["step"] == 10:
            with torch.no_grad():
                model.RNN.weight_hh_l0[0, 0] = math.inf
        return out

    monkeypatch.setattr(training, "train_step", poisoning)
    with pytest.raises(gc.TrainingDiverged, match=r"epoch 2 is not saved and the last good "
                       r"checkpoint, .*epoch_0001.*, is kept") as exc:
        gc.train(cfg, run, progress=False)
    one_line(exc)
    assert [p.parent.name for p in gc.list_checkpoints(run)] == ["epoch_0001"]
    assert all(torch.isfinite(t).all() for t in gc.load_model(run).state_dict().values())


def test_load_model_refuses_non_finite_weights(smoke_cfg, tmp_path):
    model = gc.PathRNN(smoke_cfg)
    with torch.no_grad():
        model.decoder.weight[3, 1] = math.nan
    gc.save_model(model, tmp_path / "m.safetensors")
    with pytest.raises(gc.CheckpointError, match=r"decoder.weight holds 1 non-finite") as exc:
        gc.load_model(tmp_path / "m.safetensors")
    one_line(exc)


@pytest.mark.parametrize("damage", ["truncate", "nan", "state_json", "no_state"])
def test_damaged_latest_epoch_falls_back_to_the_previous(smoke_cfg, tmp_path, damage):
    from gridcells.training.loop import Trainer

    cfg = tiny(smoke_cfg, n_epochs=3)
    full = gc.train(cfg, tmp_path / "full", progress=False)
    run = tmp_path / "r"
    Trainer(cfg, run, progress=False).run(until_step=10)
    ep2 = run / "checkpoints" / "epoch_0002"
    if damage == "truncate":
        data = (ep2 / "model.safetensors").read_bytes()
        (ep2 / "model.safetensors").write_bytes(data[: len(data) // 2])
    elif damage == "nan":
        model = gc.load_model(ep2 / "model.safetensors")
        with torch.no_grad():
            model.encoder.weight.fill_(math.nan)
        gc.save_model(model, ep2 / "model.safetensors")
    elif damage == "state_json":
        (ep2 / "state.json").write_text("")
    else:
        (ep2 / "state.json").unlink()
    if damage in ("truncate", "nan"):
        with pytest.warns(UserWarning, match="loaded the previous checkpoint .*epoch_0001"):
            gc.load_model(run)
    with pytest.warns(UserWarning, match="resuming from the previous checkpoint .*epoch_0001"):
        resumed = gc.train(cfg, run, resume=True, progress=False)
    for a, b in zip(resumed.model.parameters(), full.model.parameters()):
        assert torch.equal(a, b)  # redone from epoch 1: bit-identical to the unbroken run
    strip = lambda rows: [{k: v for k, v in r.items() if k != "elapsed_s"} for r in rows]  # noqa: E731
    assert strip(resumed.history) == strip(full.history)


# ---- hole 4: a run that died before its first checkpoint ---------------------------------

def died_before_first_checkpoint(cfg, run, monkeypatch):
    from gridcells.training import loop as training

    def killed(*a, **kw):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(training, "save_model", killed)
        with pytest.raises(KeyboardInterrupt):
            gc.train(cfg, run, progress=False)
    assert (run / "config.yaml").is_file() and gc.list_checkpoints(run) == []


@pytest.mark.parametrize("resume", [False, True, "auto"])
def test_run_that_died_before_its_first_checkpoint_can_start_again(smoke_cfg, tmp_path,
                                                                   monkeypatch, resume):
    cfg, run = tiny(smoke_cfg), tmp_path / "r"
    died_before_first_checkpoint(cfg, run, monkeypatch)
    assert (run / "checkpoints" / ".epoch_0001.partial").is_dir()
    res = gc.train(cfg, run, resume=resume, progress=False)
    assert res.history[-1]["step"] == 10 and len(gc.list_checkpoints(run)) == 2
    assert not (run / "checkpoints" / ".epoch_0001.partial").exists()


def test_restart_keeps_refusing_a_directory_with_other_files(smoke_cfg, tmp_path, monkeypatch):
    from gridcells.rundir.layout import RunDirError

    cfg, run = tiny(smoke_cfg), tmp_path / "r"
    died_before_first_checkpoint(cfg, run, monkeypatch)
    (run / "notes.txt").write_text("precious")
    with pytest.raises(RunDirError, match="not empty"):
        gc.train(cfg, run, progress=False)
    assert (run / "notes.txt").read_text() == "precious"


def test_resume_from_nothing_still_checks_the_training_config(smoke_cfg, tmp_path, monkeypatch):
    from gridcells.rundir.layout import RunDirError

    cfg, run = tiny(smoke_cfg), tmp_path / "r"
    died_before_first_checkpoint(cfg, run, monkeypatch)
    with pytest.raises(RunDirError, match=r"different config.*'seed': \(0, 5\)"):
        gc.train(cfg.replace(seed=5), run, resume=True, progress=False)


# ---- hole 5: resume compares only what defines training ----------------------------------

def test_every_field_is_either_training_or_analysis():
    from gridcells.world.config import ANALYSIS_FIELDS, FIELD_NAMES, TRAINING_FIELDS

    assert TRAINING_FIELDS | ANALYSIS_FIELDS == FIELD_NAMES  # fails on a misspelt name
    # every field the training path reads defines the run (device: where it continues)
    import re

    training_path = ("world/place_cells", "world/trajectories", "world/arena", "network/model",
                     "training/loop", "training/schedule")
    read = {m for name in training_path
            for m in re.findall(r"cfg\.([A-Za-z_]\w*)", (ROOT / "gridcells" / f"{name}.py")
                                .read_text())} & FIELD_NAMES
    assert read - {"device"} <= TRAINING_FIELDS, sorted(read - {"device"} - TRAINING_FIELDS)
    assert len(read) > 30  # the pattern finds the fields
    assert {"max_lag", "shuffle_trials", "nbins", "pf_iterations", "device"} <= ANALYSIS_FIELDS
    assert {"Ng", "learning_rate", "seed", "sequence_length", "n_steps"} <= TRAINING_FIELDS


def test_resume_accepts_new_analysis_parameters(smoke_cfg, tmp_path):
    from gridcells.rundir.layout import RunDirError

    cfg, run = tiny(smoke_cfg), tmp_path / "r"
    gc.train(cfg, run, progress=False)
    stored = (run / "config.yaml").read_text()
    changed = cfg.replace(max_lag=4, shuffle_trials=3, nbins=12, pf_iterations=10,
                          Ng_use=16, device="cpu", rng_seed=9)
    res = gc.train(changed, run, resume="auto", progress=False)
    assert res.history[-1]["step"] == 10
    assert (run / "config.yaml").read_text() == stored  # the training record is unchanged
    with pytest.raises(RunDirError, match=r"'learning_rate'"):
        gc.train(cfg.replace(learning_rate=0.01), run, resume="auto", progress=False)


# ---- hole 9: loaders raise CheckpointError for every malformed input ---------------------

def shipped(tmp_path, smoke_cfg):
    from gridcells.shipped.pretrained import write_weights

    out = tmp_path / "models" / "mine"
    model = gc.PathRNN(smoke_cfg)
    write_weights(model, out)
    (out / "model_card.json").write_text(json.dumps({"name": "mine",
                                                     "config": smoke_cfg.to_dict()}))
    return out


@pytest.mark.parametrize("card", ["{not json", "[1, 2]", '{"name": "mine"}',
                                  '{"config": [1]}', '{"config": {"Ng": -1}}'])
def test_malformed_model_card_is_a_checkpoint_error(tmp_path, smoke_cfg, card):
    from gridcells.shipped.pretrained import load_pretrained

    out = shipped(tmp_path, smoke_cfg)
    assert load_pretrained("mine", out.parent).cfg.Ng == smoke_cfg.Ng
    (out / "model_card.json").write_text(card)
    with pytest.raises(gc.CheckpointError, match="mine") as exc:
        load_pretrained("mine", out.parent)
    one_line(exc)


def test_unknown_pretrained_lists_model_names(tmp_path, smoke_cfg):
    from gridcells.shipped.pretrained import load_pretrained

    shipped(tmp_path, smoke_cfg)
    with pytest.raises(gc.CheckpointError, match=r"available: \['mine'\]"):
        load_pretrained("nope", tmp_path / "models")
    with pytest.raises(gc.CheckpointError, match=r"available: \[.*'default'"):
        gc.load_pretrained("nope")


def test_stored_config_that_is_a_json_list(tmp_path, smoke_cfg):
    from safetensors.torch import save_file

    state = {k: v.contiguous() for k, v in gc.PathRNN(smoke_cfg).state_dict().items()}
    save_file(state, str(tmp_path / "m.safetensors"), metadata={"config": "[1, 2]"})
    with pytest.raises(gc.CheckpointError, match="stored config is invalid.*list") as exc:
        gc.load_model(tmp_path / "m.safetensors")
    one_line(exc)


def test_original_state_dict_with_a_non_tensor_encoder(tmp_path):
    state = {"encoder.weight": [[1.0, 2.0]], "RNN.weight_ih_l0": torch.zeros(4, 2),
             "RNN.weight_hh_l0": torch.zeros(4, 4), "decoder.weight": torch.zeros(3, 4)}
    torch.save(state, tmp_path / "w.pth")
    with pytest.raises(gc.CheckpointError, match=r"encoder.weight is a list; expected a tensor"):
        gc.load_model(tmp_path / "w.pth")


# ---- hole 8: every CLI error is one line naming the file ---------------------------------

def cli(capsys, *argv) -> tuple[int, str]:
    from gridcells.cli import main

    code = main([str(a) for a in argv])
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return code, err


def train_args(run, *extra):
    return ("train", "--params", SMOKE, "--run-dir", run, "--quiet", "n_epochs=1", "n_steps=5",
            "eval_every=0", *extra)


def test_cli_run_dir_that_is_a_file(capsys, tmp_path):
    (tmp_path / "f").write_text("precious")
    code, err = cli(capsys, *train_args(tmp_path / "f"))
    assert code == 2 and "'" + str(tmp_path / "f") + "' is a file; expected a directory" in err
    assert (tmp_path / "f").read_text() == "precious"


def test_cli_missing_notebook(capsys):
    code, err = cli(capsys, "run", "notebooks/99_nope.py", "--params", SMOKE)
    assert code == 2 and "notebook 'notebooks/99_nope.py' not found; expected one of" in err


@pytest.mark.parametrize("content", [b"\x00\xff\xfe binary", b"Ng: [1, 2\n"])
def test_cli_unreadable_params_file_is_named(capsys, tmp_path, content):
    (tmp_path / "p.yaml").write_bytes(content)
    code, err = cli(capsys, "train", "--params", tmp_path / "p.yaml", "--run-dir", tmp_path / "r")
    assert code == 2 and f"params file '{tmp_path / 'p.yaml'}'" in err
    assert not (tmp_path / "r").exists()


def test_cli_params_file_that_is_a_directory(capsys, tmp_path):
    code, err = cli(capsys, "train", "--params", tmp_path, "--run-dir", tmp_path / "r")
    assert code == 2 and "is a directory; expected a YAML file" in err


def test_cli_unwritable_directory(capsys, tmp_path, monkeypatch):
    import pathlib

    real = pathlib.Path.mkdir

    def denied(self, *a, **kw):  # as a read-only directory does (root ignores chmod)
        if self.name == "r":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *a, **kw)

    monkeypatch.setattr(pathlib.Path, "mkdir", denied)
    code, err = cli(capsys, *train_args(tmp_path / "r"))
    assert code == 2 and f"'{tmp_path / 'r'}': Permission denied; expected a writable" in err


@pytest.mark.parametrize("damage", ["missing", "empty", "list"])
def test_cli_resume_with_damaged_state_json(capsys, tmp_path, damage):
    run = tmp_path / "r"
    assert cli(capsys, *train_args(run))[0] == 0
    state = run / "checkpoints" / "epoch_0001" / "state.json"
    if damage == "missing":
        state.unlink()
    else:
        state.write_text("" if damage == "empty" else "[1, 2]")
    code, err = cli(capsys, *train_args(run, "--resume"))
    assert code == 2 and str(state) in err and "cannot resume" in err


def test_cli_resume_with_a_bad_history(capsys, tmp_path):
    run = tmp_path / "r"
    assert cli(capsys, *train_args(run, "n_epochs=2"))[0] == 0
    (run / "history.csv").write_text("step,loss\n5,0.1\nfive,oops\n")
    (run / "checkpoints" / "latest").write_text("epoch_0001")
    code, err = cli(capsys, *train_args(run, "n_epochs=2", "--resume"))
    assert code == 2 and f"{run / 'history.csv'}: line 3: expected numbers" in err


def test_kernel_death_names_the_notebook(monkeypatch, tmp_path):
    import papermill
    from nbclient.exceptions import DeadKernelError

    from gridcells.book.pipeline import NotebookFailed, run_notebook

    def dies(*a, **kw):
        raise DeadKernelError("Kernel died")

    monkeypatch.setattr(papermill, "execute_notebook", dies)
    with pytest.raises(NotebookFailed, match=r"^05_pattern_formation.py: the kernel died") as exc:
        run_notebook("05_pattern_formation", SMOKE, output=tmp_path / "o.ipynb")
    one_line(exc)


# ---- hole 10: overrides on both sides of --run-dir --------------------------------------

def test_cli_overrides_before_and_after_run_dir(capsys, tmp_path):
    run = tmp_path / "r"
    code, _ = cli(capsys, "train", "--params", SMOKE, "n_epochs=1", "--run-dir", run, "seed=3",
                  "n_steps=5", "--quiet", "eval_every=0")
    assert code == 0
    cfg = gc.load_config(run / "config.yaml")
    assert (cfg.seed, cfg.n_epochs, cfg.n_steps) == (3, 1, 5)
    with pytest.raises(SystemExit):
        cli(capsys, "train", "--params", SMOKE, "--run-dir", run, "--bogus")


# ---- hole 12: positions a hair outside the box ------------------------------------------

def test_positions_a_hair_outside_are_clipped_with_a_count():
    from gridcells.analysis.ratemaps import PositionsClipped, bin_index

    pos = torch.tensor([[1.102, 0.0], [-1.1, -1.1], [0.0, -1.1015], [0.3, 0.2]])  # 2 mm over
    with pytest.warns(PositionsClipped, match=r"^2 of 4 positions up to 2 mm outside"):
        idx = bin_index(pos, 2.2, 2.2, 20)
    assert idx.tolist() == [10 * 20 + 19, 0, 10, 11 * 20 + 12]  # edge bins, as on the wall


def test_positions_far_outside_are_refused():
    from gridcells.analysis.ratemaps import bin_index

    with pytest.raises(ValueError, match=r"^1 positions lie more than 5.5 cm outside") as exc:
        bin_index(torch.tensor([[0.0, 0.0], [1.2, 0.0]]), 2.2, 2.2, 20)  # 10 cm: wrong box
    one_line(exc)
    with pytest.raises(ValueError, match="more than 0.1 cm outside"):
        bin_index(torch.tensor([[1.102, 0.0]]), 2.2, 2.2, 20, tol=1e-3)


def test_on_the_wall_and_rounding_are_not_reported(recwarn):
    from gridcells.analysis.ratemaps import bin_index

    bin_index(torch.tensor([[1.1, 1.1], [-1.1 - 1e-12, 0.0]]), 2.2, 2.2, 20)
    assert not recwarn.list


# ---- hole 6: --no-execute refuses chapters from different runs ---------------------------

def executed_chapters(tmp_path, **changed):
    """book/generated as run_notebook leaves it, without executing anything: each chapter's
    metadata carries the record run_record makes; ``changed``: chapter -> config changes."""
    from gridcells.book.pipeline import NOTEBOOKS, run_record, validate_parameters

    gen = tmp_path / "generated"
    gen.mkdir()
    for n in NOTEBOOKS:
        params = validate_parameters(SMOKE, changed.get(n, {}))
        nb = {"cells": [], "metadata": {"gridcells": run_record(params)}, "nbformat": 4,
              "nbformat_minor": 5}
        (gen / f"{n}.ipynb").write_text(json.dumps(nb))
    return gen


def test_no_execute_accepts_chapters_of_one_run(tmp_path):
    from gridcells.book.pipeline import check_executed

    check_executed(executed_chapters(tmp_path))


def test_no_execute_refuses_chapters_of_different_runs(tmp_path):
    from gridcells.book.pipeline import NotebookFailed, check_executed

    gen = executed_chapters(tmp_path, **{"03_predictive": {"max_lag": 4}})
    with pytest.raises(NotebookFailed, match=r"01_training and 03_predictive differ in "
                       r"\['max_lag'\]") as exc:
        check_executed(gen)
    one_line(exc)


def test_no_execute_refuses_after_a_failed_chapter(tmp_path):
    from gridcells.book.pipeline import NotebookFailed, check_executed

    gen = executed_chapters(tmp_path)
    (gen / "04_ablations.partial.ipynb").write_text("{}")
    with pytest.raises(NotebookFailed, match=r"04_ablations failed in its last execution"):
        check_executed(gen)


def test_no_execute_refuses_chapters_without_a_record(tmp_path):
    from gridcells.book.pipeline import NotebookFailed, check_executed

    gen = executed_chapters(tmp_path)
    (gen / "02_ratemaps.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}))
    with pytest.raises(NotebookFailed, match=r"02_ratemaps.ipynb carries no record"):
        check_executed(gen)


# ---- hole 7: plain papermill with a misspelt parameter -----------------------------------

def test_start_notebook_refuses_an_unknown_injected_name():
    from gridcells.book import report

    ns = {"In": ["", 'params_file = "params/default.yaml"\nrun_dir = None\n',
                 f'# Parameters\nparams_file = "{SMOKE}"\npf_iteration = 50\n']}
    with pytest.raises(ConfigError, match=r"papermill parameter 'pf_iteration'.*did you mean "
                       r"'pf_iterations'") as exc:
        report.start_notebook(str(SMOKE), None, {**ns, "pf_iteration": 50})
    one_line(exc)


def test_start_notebook_accepts_known_injected_names():
    from gridcells.book import report

    ns = {"In": ["", f'# Parameters\nparams_file = "{SMOKE}"\npf_iterations = 50\n'
                     'run_dir = "runs/x"\n'], "pf_iterations": 50}
    cfg, run_dir = report.start_notebook(str(SMOKE), "runs/x", ns)
    assert cfg.pf_iterations == 50 and run_dir == "runs/x"


def test_start_notebook_ignores_notebook_variables_named_like_fields():
    from gridcells.book import report

    smoke = gc.load_config(SMOKE)
    ns = {"In": ["", f'# Parameters\nparams_file = "{SMOKE}"\n', "Ng = 8\nmax_lag = 3\n"],
          "Ng": 8, "max_lag": 3}  # the notebook's own variables, not injected by papermill
    cfg, _ = report.start_notebook(str(SMOKE), None, ns, show=False)
    assert (cfg.Ng, cfg.max_lag) == (smoke.Ng, smoke.max_lag) != (8, 3)


# ---- hole 11: sizes that would exhaust memory ------------------------------------------

@pytest.mark.parametrize("key, value, hi", [("nbins", 500, 100), ("Ng", 100_000, 16384),
                                            ("max_lag", 1000, 200), ("pf_resolution", 4096, 256),
                                            ("analysis_batch_size", 10**6, 2000)])
def test_memory_exhausting_sizes_are_refused(key, value, hi):
    with pytest.raises(ConfigError, match=rf"^{key}: expected a value <= {hi}, got {value}$"):
        gc.load_config(SMOKE, **{key: value})
    assert f"at most {hi}" in gc.Config.describe()[key]
    gc.load_config(SMOKE, **{key: hi})  # the bound itself is allowed


def test_cli_run_with_nbins_500_is_one_line(capsys):
    code, err = cli(capsys, "run", "notebooks/02_ratemaps.py", "--params", SMOKE, "-p", "nbins",
                    "500")
    assert code == 2 and err == ("gridcells run: error: nbins: expected a value <= 100, got "
                                 "500")
