"""Fault injection (issue 17): kill -9 in the middle of a checkpoint write, two trainings
into one directory, a read-only directory and a full disk. Real file systems where the
machine allows it (a private mount namespace: ``unshare -rm``, then a small tmpfs), and the
same faults simulated by a failing writer everywhere else. Tiny configs (params/smoke.yaml);
the subprocess tests pay for importing torch (a few seconds each)."""

import errno
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import torch

import gridcells as gc
from gridcells.network import checkpoints
from gridcells.world.params import parse_overrides

from .conftest import ROOT

SMOKE = ROOT / "params" / "smoke.yaml"
TINY = ["n_epochs=3", "n_steps=10", "eval_every=0"]
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def cli(*argv, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gridcells.cli", *map(str, argv)], cwd=ROOT,
                          env=ENV, capture_output=True, text=True, **kw)


def full_run(tmp_path):
    cfg = gc.load_config(SMOKE, **parse_overrides(TINY))
    return cfg, gc.train(cfg, tmp_path / "full", progress=False)


def same_weights(a, b) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a.state_dict().values(),
                                                 b.state_dict().values()))


def test_kill_9_while_writing_a_checkpoint(tmp_path, one_thread):
    """The process dies half-way through epoch 2's optimizer file: epoch 1 stays the latest,
    and resuming gives the weights of an uninterrupted run, bit for bit (all on one thread)."""
    run = tmp_path / "r"
    script = textwrap.dedent(f"""
        import os, signal
        import gridcells as gc
        from gridcells.network import checkpoints
        from gridcells.world.params import parse_overrides
        calls = []
        def dying(tensors, path, metadata=None):  # 4th file: epoch 2's state.safetensors
            calls.append(path)
            if len(calls) == 4:
                with open(path, "wb") as fh:
                    fh.write(b"half a file")
                os.kill(os.getpid(), signal.SIGKILL)
            real(tensors, path, metadata=metadata)
        real, checkpoints.save_file = checkpoints.save_file, dying
        cfg = gc.load_config({str(SMOKE)!r}, **parse_overrides({TINY!r}))
        gc.train(cfg, {str(run)!r}, progress=False)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=ENV)
    assert done.returncode == -signal.SIGKILL
    assert checkpoints.latest_checkpoint(run).name == "epoch_0001"
    assert (run / "checkpoints" / ".epoch_0002.partial").is_dir()  # the half-written epoch
    cfg, full = full_run(tmp_path)
    resumed = gc.train(cfg, run, resume=True, progress=False)
    assert same_weights(resumed.model, full.model)
    assert not (run / "checkpoints" / ".epoch_0002.partial").exists()


# Run as ``python -c PAUSE.format(ready=...) <cli arguments>``: the CLI, whose training pauses
# for good right after its first checkpoint, still holding its run directory. It then writes
# its process id to ``ready`` (atomically) and waits until it is killed, so nothing the test
# does meanwhile can race the end of the run.
PAUSE = """
import os, sys, threading
from pathlib import Path
from gridcells.cli import main
from gridcells.training.loop import Trainer

_write = Trainer._checkpoint

def _pause(self, epoch):
    _write(self, epoch)
    ready = Path({ready!r})
    ready.with_suffix(".tmp").write_text(str(os.getpid()))
    ready.with_suffix(".tmp").rename(ready)
    threading.Event().wait()

Trainer._checkpoint = _pause
sys.exit(main(sys.argv[1:]))
"""


def wait_for(path, proc: subprocess.Popen) -> str:
    """The text of ``path`` once it exists; AssertionError if ``proc`` ends first (no
    deadline: a process that neither writes it nor ends is a hang, not a slow machine)."""
    while not path.is_file():
        assert proc.poll() is None, f"ended (code {proc.returncode}) before {path} appeared"
        time.sleep(0.01)
    return path.read_text()


@pytest.mark.slow
def test_two_trainings_into_one_directory(tmp_path, one_thread):
    """A holds the directory (paused after its first checkpoint); B (another seed) is
    refused with one line naming A; A is killed -9 and its lock goes with it: resuming A's
    config finishes the run, and its weights are seed 1's uninterrupted run, bit for bit."""
    run, ready = tmp_path / "r", tmp_path / "paused"
    a_args = ["seed=1", "n_epochs=3", "n_steps=10", "eval_every=0"]
    a = subprocess.Popen([sys.executable, "-c", PAUSE.format(ready=str(ready)), "train",
                          "--params", str(SMOKE), "--run-dir", str(run), "--quiet", *a_args],
                         cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert int(wait_for(ready, a)) == a.pid  # A holds the lock and stays paused
        b = cli("train", "--params", SMOKE, "--run-dir", run, "--quiet", "seed=2",
                "n_epochs=2", "n_steps=10", "eval_every=0")
        assert a.poll() is None
    finally:
        a.kill()
        _, a_err = a.communicate()
    assert a.returncode == -signal.SIGKILL, a_err[-2000:]
    err = b.stderr.strip()
    assert b.returncode == 2 and "\n" not in err, err
    assert f"is in use by another training (process {a.pid}" in err
    assert checkpoints.latest_checkpoint(run).name == "epoch_0001"  # where A was killed
    stored = gc.load_config(run / "config.yaml")
    assert stored.seed == 1 and gc.load_model(run).cfg.seed == 1
    cfg = stored.replace(device="cpu")
    resumed = gc.train(cfg, run, resume=True, progress=False)  # the lock went with A
    assert checkpoints.latest_checkpoint(run).name == "epoch_0003"
    whole = gc.train(gc.load_config(SMOKE, **parse_overrides(a_args)),
                     tmp_path / "whole", progress=False)
    assert same_weights(resumed.model, whole.model)


def test_full_disk_simulated(tmp_path, monkeypatch, capsys):
    """ENOSPC from the writer (simulated: works on every machine): one line, the last
    checkpoint kept and loadable, and the run resumes bit-identically once there is room."""
    from gridcells.cli import main

    real, calls = checkpoints.save_file, []

    def full(tensors, path, metadata=None):
        calls.append(path)
        if len(calls) == 3:  # epoch 2's weights
            raise OSError(errno.ENOSPC, "No space left on device", path)
        real(tensors, path, metadata=metadata)

    monkeypatch.setattr(checkpoints, "save_file", full)
    run = tmp_path / "r"
    assert main(["train", "--params", str(SMOKE), "--run-dir", str(run), "--quiet", *TINY]) == 2
    err = capsys.readouterr().err.strip()
    assert "No space left on device; expected free space on that disk" in err and "\n" not in err
    assert checkpoints.latest_checkpoint(run).name == "epoch_0001"
    monkeypatch.setattr(checkpoints, "save_file", real)
    cfg, full_res = full_run(tmp_path)
    assert same_weights(gc.train(cfg, run, resume=True, progress=False).model, full_res.model)


NAMESPACE = shutil.which("unshare") and subprocess.run(
    ["unshare", "-rm", "sh", "-c", "d=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs $d"],
    capture_output=True).returncode == 0
needs_mounts = pytest.mark.skipif(not NAMESPACE, reason="no private mount namespace here "
                                  "(unshare -rm); test_full_disk_simulated covers ENOSPC")


def in_namespace(script: str, tmp_path) -> subprocess.CompletedProcess:
    """Run ``script`` (Python) as root of a private user and mount namespace."""
    path = tmp_path / "script.py"
    path.write_text(textwrap.dedent(script))
    return subprocess.run(["unshare", "-rm", sys.executable, str(path)], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=300)


@needs_mounts
def test_full_disk_real(tmp_path):
    """Training into a 512 KiB tmpfs until it is full: one line naming the file; the newest
    complete checkpoint loads; with more room the run resumes to the end."""
    out = in_namespace(f"""
        import contextlib, io, subprocess
        import gridcells as gc
        from gridcells.cli import main
        d = {str(tmp_path / "fs")!r}
        subprocess.run(["mkdir", "-p", d], check=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", d], check=True)
        argv = ["train", "--params", {str(SMOKE)!r}, "--run-dir", d + "/r", "--quiet",
                "n_epochs=60", "n_steps=2", "log_every=1", "eval_every=0"]
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main(argv)
        print("CODE", code)
        print("ERR", err.getvalue().strip())
        print("LOADS", gc.load_model(d + "/r").cfg.Ng)
        subprocess.run(["mount", "-o", "remount,size=64m", d], check=True)
        print("RESUMED", main(argv + ["--resume"]))
        print("STEPS", int(gc.read_csv(d + "/r/history.csv")[-1]["step"]))
    """, tmp_path)
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines() if " " in line)
    assert lines.get("CODE") == "2", out.stdout + out.stderr
    assert "No space left on device; expected free space" in lines["ERR"]
    assert "\n" not in lines["ERR"]
    assert lines["LOADS"] == "64" and lines["RESUMED"] == "0" and lines["STEPS"] == "120"


@needs_mounts
def test_read_only_directory_real(tmp_path):
    """A finished run on a read-only mount: resume and a new run are one line each (root
    included, for whom chmod is no protection), and every file is unchanged."""
    run = tmp_path / "r"
    cfg = gc.load_config(SMOKE, **parse_overrides(TINY))
    gc.train(cfg, run, progress=False)
    before = {p: p.read_bytes() for p in run.rglob("*") if p.is_file()}
    out = in_namespace(f"""
        import contextlib, io, subprocess
        from gridcells.cli import main
        r = {str(run)!r}
        subprocess.run(["mount", "--bind", r, r], check=True)
        subprocess.run(["mount", "-o", "remount,ro,bind", r], check=True)
        for extra in (["--resume"], ["--resume", "max_lag=3"]):
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                code = main(["train", "--params", {str(SMOKE)!r}, "--run-dir", r, "--quiet",
                             *{TINY!r}, *extra])
            print("CODE", code)
            print("ERR", err.getvalue().strip())
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main(["train", "--params", {str(SMOKE)!r}, "--run-dir", r + "/sub"])
        print("CODE", code)
        print("ERR", err.getvalue().strip())
    """, tmp_path)
    codes = [line[5:] for line in out.stdout.splitlines() if line.startswith("CODE ")]
    errs = [line[4:] for line in out.stdout.splitlines() if line.startswith("ERR ")]
    assert codes == ["2", "2", "2"], out.stdout + out.stderr
    assert all("Read-only file system; expected a directory on a writable file system" in e
               for e in errs), errs
    assert {p: p.read_bytes() for p in run.rglob("*") if p.is_file()} == before
