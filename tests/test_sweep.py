"""gridcells.sweep.client: seeds on Dask, screened at a step, restartable, failures recorded.

Tiny params (smoke.yaml, 4 epochs of 10 steps, screened at step 20); every sweep is closed
before its test returns."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import gridcells as gc
from gridcells.network.checkpoints import latest_checkpoint, load_tensors
from gridcells.sweep.client import sweep
from gridcells.sweep.plan import ScreenRule, SweepError, parse_grid, parse_seeds, plan_runs
from gridcells.sweep.table import read_sweep
from gridcells.training.loop import Trainer

ROOT = Path(__file__).resolve().parents[1]
PARAMS = str(ROOT / "params" / "smoke.yaml")
OVER = {"n_epochs": 4, "device": "cpu"}
KEEP_ALL = ScreenRule(step=20, min_hex=0.0, min_margin=-1.0)  # every run continues
STOP_ALL = ScreenRule(step=20, min_hex=2.0)  # orders are <= 1: every run stops
SEEDS = [0, 1]
TIMED = ("elapsed_s", "wall_s", "train_s", "time", "hardware")


def run_sweep(folder, rule=KEEP_ALL, seeds=SEEDS, **kw):
    kw = {"processes": False, "workers": 1, "threads": 1, "dashboard": ":0",
          "judge_batches": 2, "progress": False, **kw}
    return sweep(PARAMS, folder, plan_runs(seeds), OVER, rule, **kw)


def untimed(rows):
    return [{k: v for k, v in r.items() if k not in TIMED} for r in rows]


def weights(ckpt):
    """The tensors (as bytes) and metadata of a checkpoint's weights file."""
    tensors, meta = load_tensors(ckpt / "model.safetensors")
    return {k: v.numpy().tobytes() for k, v in tensors.items()}, meta


def outcome(folder, seeds=SEEDS):
    """What must not depend on how a sweep ran: each run's history (without wall times),
    in-training measurements, last checkpoint and the table's figures."""
    out = {}
    for s in seeds:
        run = Path(folder) / f"seed{s}"
        out[s] = {"history": untimed(gc.read_csv(run / "history.csv")),
                  "gridness": gc.read_csv(run / "gridness.csv"),
                  "latest": (run / "checkpoints" / "latest").read_text(),
                  "weights": weights(latest_checkpoint(run))}
    rows = sorted(untimed(read_sweep(folder)), key=lambda r: r["name"])
    return out, [{k: v for k, v in r.items() if k != "commit"} for r in rows]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted sweep of seeds 0 and 1 on an in-process cluster (one worker thread)."""
    folder = tmp_path_factory.mktemp("reference")
    rows = run_sweep(folder)
    return folder, rows


def test_seeds_grid_and_rule_parsing():
    assert parse_seeds("0-3,8,2") == [0, 1, 2, 3, 8]
    assert parse_seeds("5") == [5]
    for bad in ("3-1", "a", "1,,2", "-1"):
        with pytest.raises(SweepError, match="seeds"):
            parse_seeds(bad)
    grid = parse_grid(["learning_rate=1e-3,2e-3", "DoG=False,True"])
    assert grid == {"learning_rate": [1e-3, 2e-3], "DoG": [False, True]}
    names = [r.name for r in plan_runs([0, 3], grid)]
    assert names[:3] == ["learning_rate=0.001_DoG=False_seed0",
                         "learning_rate=0.001_DoG=False_seed3",
                         "learning_rate=0.001_DoG=True_seed0"]
    assert len(names) == 8 and [r.name for r in plan_runs([2])] == ["seed2"]
    with pytest.raises(SweepError, match="expected key=value1,value2"):
        parse_grid(["Ng"])
    with pytest.raises(SweepError, match="--seeds"):
        parse_grid(["seed=1,2"])
    rule = ScreenRule()
    assert rule.passes({"hex_order": 0.35, "square_order": 0.2, "stripe_order": 0.1})
    assert not rule.passes({"hex_order": 0.35, "square_order": 0.1, "stripe_order": 0.33})
    assert not rule.passes({"hex_order": 0.2, "square_order": 0.0, "stripe_order": 0.0})
    assert not rule.passes({"hex_order": float("nan"), "square_order": 0.0})
    with pytest.raises(SweepError, match="min_hex"):
        ScreenRule(min_hex=float("nan"))


def test_bad_screen_step_is_refused_before_anything_runs(tmp_path):
    with pytest.raises(SweepError, match=r"multiple of n_steps \(10\).*got 15"):
        run_sweep(tmp_path / "s", ScreenRule(step=15))
    assert not (tmp_path / "s").exists()
    with pytest.raises(SweepError, match="sweep table .* not found"):
        read_sweep(tmp_path / "s")


def test_reference_sweep_screens_then_finishes(reference):
    folder, rows = reference
    assert [r["name"] for r in rows] == ["seed0", "seed1"]
    stages = read_sweep(folder, stages=True)
    assert [(r["name"], r["stage"]) for r in stages if r["name"] == "seed0"] == \
        [("seed0", "screen"), ("seed0", "final")]
    # every row records the sweep's overrides of every run, so its setting can be read back
    assert all(r["common_overrides"] == OVER for r in stages)
    for r in rows:
        assert r["status"] == "finished" and r["step"] == 40 and r["verdict"] == "continue"
        assert r["screen_step"] == 20 and r["err_cm"] > 0 and isinstance(r["meets"], bool)
        run_row = gc.read_csv(folder / r["name"] / "gridness.csv")
        at20 = next(g for g in run_row if g["step"] == 20)
        assert r["screen_hex_order"] == at20["hex_order"]  # the in-training measurement
        assert r["hardware"] and r["commit"]


# Makes the trainings of seed0 in the process that runs it pause once, right after their first
# checkpoint: the file {ready} then holds the process id, and the training waits there,
# without a time limit, until the test kills the process (a kill that cannot race a run that
# has already finished, on however slow a machine).
PAUSE = """
import os, threading
from pathlib import Path
from gridcells.training.loop import Trainer

_write = Trainer._checkpoint

def _pause_once(self, epoch):
    _write(self, epoch)
    ready = Path({ready!r})
    if self.run_dir.name == "seed0" and epoch == 1 and not ready.exists():
        ready.with_suffix(".tmp").write_text(str(os.getpid()))
        ready.with_suffix(".tmp").rename(ready)
        threading.Event().wait()

Trainer._checkpoint = _pause_once
"""


def wait_for(path: Path, alive) -> str:
    """The text of ``path`` once it exists; AssertionError if ``alive()`` turns false first
    (the process or sweep that should write it has ended). No wall-clock deadline: a slow
    machine waits longer, it does not fail."""
    while not path.is_file():
        assert alive(), f"ended before {path} appeared"
        time.sleep(0.01)
    return path.read_text()


@pytest.mark.slow
def test_local_cluster_of_two_processes_equals_in_process(reference, tmp_path):
    """Two worker processes (the one training seed 0 killed with SIGKILL while it pauses
    after its first checkpoint: the nanny restarts it and the run resumes) give the
    in-process sweep's results."""
    from distributed import Client, LocalCluster

    folder, ready = tmp_path / "cluster", tmp_path / "paused"
    killed, swept = [], threading.Event()

    def kill_the_paused_worker():
        try:
            pid = int(wait_for(ready, alive=lambda: not swept.is_set()))
        except AssertionError as exc:
            killed.append(exc)
            return
        killed.append((folder / "seed0" / "checkpoints" / "latest").read_text())
        os.kill(pid, signal.SIGKILL)

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        client.run(exec, PAUSE.format(ready=str(ready)), {})
        killer = threading.Thread(target=kill_the_paused_worker, daemon=True)
        killer.start()
        try:
            rows = run_sweep(folder, client=client, threads=1)
        finally:
            swept.set()
        killer.join()
    assert killed == ["epoch_0001"]
    assert [r["status"] for r in rows] == ["finished"] * 2
    assert outcome(folder) == outcome(reference[0])


def test_stopped_runs_keep_checkpoints_and_a_later_call_finishes_them(reference, tmp_path):
    folder = tmp_path / "s"
    rows = run_sweep(folder, STOP_ALL)
    assert [(r["status"], r["verdict"], r["passes_rule"], r["step"]) for r in rows] == \
        [("stopped", "stop", False, 20)] * 2
    for s in SEEDS:
        assert (folder / f"seed{s}" / "checkpoints" / "latest").read_text() == "epoch_0002"
    rows = run_sweep(folder, ScreenRule(step=20, min_hex=2.0, continue_all=True))
    assert [(r["status"], r["verdict"], r["passes_rule"]) for r in rows] == \
        [("finished", "continue", False)] * 2
    assert outcome(folder)[0] == outcome(reference[0])[0]
    assert read_sweep(folder, stages=True)[2]["note"] == "judged again"
    # a third call finds everything done and trains nothing
    before = (folder / "sweep.jsonl").read_text()
    run_sweep(folder, ScreenRule(step=20, min_hex=2.0, continue_all=True))
    assert (folder / "sweep.jsonl").read_text() == before


def test_runs_trained_by_gridcells_train_are_adopted(reference, tmp_path, one_thread):
    """Runs trained outside the sweep (on one thread, as the reference sweep's worker) are
    read back and judged, not retrained."""
    folder = tmp_path / "adopt"
    cfg = gc.load_config(PARAMS, **OVER)
    gc.train(cfg.replace(seed=0), folder / "seed0", progress=False)  # finished
    Trainer(cfg.replace(seed=1), folder / "seed1", progress=False).run(30)
    rows = run_sweep(folder)
    assert outcome(folder) == outcome(reference[0])
    assert [(r["verdict"], r["status"]) for r in rows] == [("continue", "finished")] * 2


@pytest.mark.slow
def test_client_killed_midway_then_rerun_equals_uninterrupted(reference, tmp_path):
    """`gridcells sweep` killed (client and in-process workers) while seed 0 pauses after
    its first checkpoint; a second call gives the uninterrupted sweep's results."""
    folder, ready = tmp_path / "k", tmp_path / "paused"
    cli = ["sweep", "--params", PARAMS, "--sweep-dir", str(folder), "--seeds", "0,1",
           "--screen-step", "20", "--min-hex", "0", "--min-margin", "-1", "--in-process",
           "--workers", "1", "--threads", "1", "--dashboard", ":0", "--judge-batches", "2",
           "--quiet", "n_epochs=4", "device=cpu"]
    code = (PAUSE.format(ready=str(ready))
            + "import sys\nfrom gridcells.cli import main\nsys.exit(main(sys.argv[1:]))\n")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-c", code, *cli], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert int(wait_for(ready, alive=lambda: proc.poll() is None)) == proc.pid
    finally:
        proc.kill()
        _, err = proc.communicate()
    assert proc.returncode == -signal.SIGKILL, err.decode()[-2000:]
    assert (folder / "seed0" / "checkpoints" / "latest").read_text() == "epoch_0001"
    written = read_sweep(folder, stages=True) if (folder / "sweep.jsonl").exists() else []
    assert not [r for r in written if r["stage"] == "final"]  # killed before any finished
    run_sweep(folder)
    assert outcome(folder) == outcome(reference[0])


def test_a_failing_run_is_recorded_and_the_others_finish(tmp_path, capsys):
    from gridcells.cli import main

    folder = tmp_path / "f"
    code = main(["sweep", "--params", PARAMS, "--sweep-dir", str(folder), "--seeds", "0",
                 "--grid", "learning_rate=1e3,1e-3", "--screen-step", "0", "--in-process",
                 "--workers", "1", "--threads", "1", "--dashboard", ":0",
                 "--judge-batches", "2", "n_epochs=2", "device=cpu"])
    assert code == 1
    rows = {r["name"]: r for r in read_sweep(folder)}
    bad, good = rows["learning_rate=1000_seed0"], rows["learning_rate=0.001_seed0"]
    assert bad["status"] == "failed" and "TrainingDiverged" in bad["error"]
    assert good["status"] == "finished" and good["step"] == 20 and good["error"] is None
    out = capsys.readouterr().out
    assert "FAILED" in out and "failed 1" in out
    lines = (folder / "sweep.jsonl").read_text().splitlines()
    assert all(json.loads(line)["stage"] in ("failed", "final") for line in lines)


# ---- the sweep folder: one sweep at a time, and a table that a torn line cannot spoil -------
SWEEP_CLI = ["sweep", "--params", PARAMS, "--seeds", "0,1", "--screen-step", "20",
             "--in-process", "--workers", "1", "--threads", "1", "--judge-batches", "2",
             "n_epochs=4", "device=cpu"]
STOP_ALL_CLI = ["--min-hex", "2"]


def test_a_second_sweep_into_the_same_folder_is_refused(reference, tmp_path):
    """While a sweep runs (its tasks held back by a task that waits on an event), a second
    sweep into its folder is refused up front, naming the first; the first then finishes
    as if alone (no failed rows)."""
    from distributed import Client, Event, LocalCluster

    def hold():  # occupies the cluster's only worker thread until the gate opens
        from distributed import Event
        Event("held").set()
        Event("gate").wait()  # no time limit: the test opens it in its finally

    folder = tmp_path / "two"
    first: list = []
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        gate = Event("gate", client)
        blocker = client.submit(hold, pure=False)
        while not Event("held", client).wait(0.1):  # until the blocker runs
            assert blocker.status in ("pending", "processing"), blocker.status
        sweeping = threading.Thread(target=lambda: first.append(run_sweep(folder, client=client)),
                                    daemon=True)
        sweeping.start()
        try:
            while not any("seed0" in str(k) for k in client.run_on_scheduler(
                    lambda dask_scheduler: list(dask_scheduler.tasks))):
                assert sweeping.is_alive()  # until the first sweep has submitted its runs
                time.sleep(0.01)
            table = folder / "sweep.jsonl"
            before = table.read_bytes() if table.exists() else None
            with pytest.raises(SweepError, match=rf"sweep folder '{folder}' is in use by "
                               rf"another sweep \(process {os.getpid()} on .+, started "
                               r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC") as exc:
                run_sweep(folder)  # a second sweep, on its own cluster
            assert "\n" not in str(exc.value)
            assert (table.read_bytes() if table.exists() else None) == before
        finally:
            gate.set()
            sweeping.join()
        blocker.release()
    assert [r["status"] for r in first[0]] == ["finished"] * 2
    assert all(r["stage"] != "failed" for r in read_sweep(folder, stages=True))
    assert outcome(folder) == outcome(reference[0])


def test_the_lock_of_a_killed_sweep_is_released_by_the_kernel(tmp_path):
    folder = tmp_path / "dead"
    code = ("import os, signal\nfrom gridcells.sweep.client import SweepLock\n"
            f"SweepLock({str(folder)!r}).acquire(); os.kill(os.getpid(), signal.SIGKILL)")
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ,
                                                           "OMP_NUM_THREADS": "1"})
    assert done.returncode == -signal.SIGKILL and (folder / ".sweep.lock").is_file()
    rows = run_sweep(folder, STOP_ALL)
    assert [r["status"] for r in rows] == ["stopped"] * 2


def test_a_torn_last_line_is_reported_skipped_and_its_run_measured_again(tmp_path, capsys):
    """The last row cut short (a crash or a full disk): reported with the file and the line,
    kept in sweep.jsonl.torn, removed from the table; its run is measured again and every
    row before it is kept as it was."""
    folder = tmp_path / "torn"
    run_sweep(folder, STOP_ALL)
    table = folder / "sweep.jsonl"
    lines = table.read_text().splitlines()
    assert len(lines) == 2
    first, last = (json.loads(line)["name"] for line in lines)
    torn = lines[1][:len(lines[1]) // 2]
    table.write_text(f"{lines[0]}\n{torn}")
    with pytest.warns(UserWarning, match=rf"{table}: line 2 is torn"):
        assert [r["name"] for r in read_sweep(folder)] == [first]  # reading skips it
    assert table.read_text() == f"{lines[0]}\n{torn}"  # and changes nothing
    capsys.readouterr()
    rows = run_sweep(folder, STOP_ALL)
    err = [line for line in capsys.readouterr().err.splitlines() if "torn" in line]
    assert len(err) == 1 and err[0].startswith(f"warning: {table}: line 2 is torn")
    assert "sweep.jsonl.torn" in err[0] and f"run {last!r} is measured again" in err[0]
    assert (folder / "sweep.jsonl.torn").read_text() == torn + "\n"
    after = table.read_text().splitlines()
    assert after[0] == lines[0] and len(after) == 2  # nothing glued onto the torn text
    again, was = (untimed([json.loads(line)])[0] for line in (after[1], lines[1]))
    assert again.pop("commit") and was.pop("commit")  # others may commit meanwhile
    assert again == was  # measured again: the same figures
    assert [r["status"] for r in rows] == ["stopped"] * 2


def test_a_corrupt_line_in_the_middle_stops_the_sweep_naming_file_and_line(tmp_path, capsys):
    from gridcells.cli import main

    folder = tmp_path / "corrupt"
    run_sweep(folder, STOP_ALL)
    table = folder / "sweep.jsonl"
    lines = table.read_text().splitlines()
    table.write_text(f"{lines[0][:30]}\n{lines[1]}\n")
    before = table.read_bytes()
    code = main([*SWEEP_CLI, *STOP_ALL_CLI, "--sweep-dir", str(folder), "--dashboard", ":0"])
    err = [line for line in capsys.readouterr().err.splitlines() if "gridcells" in line]
    assert code == 2 and len(err) == 1  # one line (other lines: asyncio leftovers of tests)
    assert err[0].startswith(f"gridcells sweep: error: {table}: line 1: ") and \
        "expected" in err[0]
    assert table.read_bytes() == before and not (folder / "sweep.jsonl.torn").exists()
    with pytest.raises(SweepError, match=rf"{table}: line 1: .*expected"):
        read_sweep(folder)
    table.write_text(f"{lines[0]}\n[1, 2]\n{lines[1]}\n")  # JSON, but not a row
    with pytest.raises(SweepError, match=r"line 2: expected a JSON object with 'name'"):
        read_sweep(folder)


def test_the_default_dashboard_does_not_warn_when_port_8787_is_taken(tmp_path, recwarn):
    """A second local cluster (here: port 8787 held by a socket) starts quietly: the
    dashboard takes a free port unless one is asked for."""
    import socket

    from gridcells.cli import main

    with socket.socket() as taken:
        try:
            taken.bind(("", 8787))
            taken.listen()
        except OSError:  # held by something else already: as good
            pass
        code = main(["sweep", "--params", PARAMS, "--sweep-dir", str(tmp_path / "d"),
                     "--seeds", "0", "--screen-step", "0", "--in-process", "--workers", "1",
                     "--threads", "1", "--judge-batches", "2", "--quiet", "n_epochs=1",
                     "device=cpu"])
    assert code == 0
    assert not [w for w in recwarn if "already in use" in str(w.message)]


def test_gpu_screen_script_judges_every_seed_by_the_sweep_rule(tmp_path, one_thread):
    # experiments/paper_screens.py: the one-call screen for a lent GPU (no Dask there),
    # tried here on two tiny seeds; its rows are read by the odds table like a sweep's
    from experiments.paper_screens import main
    from gridcells.records.odds import odds_by_setting
    out = tmp_path / "screens"
    assert main(["--out", str(out), "--seeds", "1,2", "--steps", "20", "--threads", "1",
                 "--params", "params/smoke.yaml", "Ng=32"]) == 0
    rows = [json.loads(line) for line in (out / "screens.jsonl").read_text().splitlines()]
    assert [r["seed"] for r in rows] == [1, 2] and all(r["step"] == 20 for r in rows)
    assert [r["name"] for r in rows] == ["Ng=32_seed1", "Ng=32_seed2"]  # unique per setting
    for r in rows:
        assert r["passes_rule"] == ScreenRule().passes(r)
    assert odds_by_setting(rows)[0]["setting"] == "Ng=32"
    assert odds_by_setting(rows)[0]["screened"] == 2
