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
from gridcells import checkpoints

from .conftest import ROOT

SMOKE = ROOT / "params" / "smoke.yaml"
TINY = ["n_epochs=3", "n_steps=10", "eval_every=0"]
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def cli(*argv, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gridcells.cli", *map(str, argv)], cwd=ROOT,
                          env=ENV, capture_output=True, text=True, **kw)


def full_run(tmp_path):
    cfg = gc.load_config(SMOKE, **gc.config.parse_overrides(TINY))
    return cfg, gc.train(cfg, tmp_path / "full", progress=False)


def same_weights(a, b) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a.state_dict().values(),
                                                 b.state_dict().values()))


def test_kill_9_while_writing_a_checkpoint(tmp_path):
    """The process dies half-way through epoch 2's optimizer file: epoch 1 stays the latest,
    and resuming gives the weights of an uninterrupted run, bit for bit."""
    run = tmp_path / "r"
    script = textwrap.dedent(f"""
        import os, signal
        import gridcells as gc
        from gridcells import checkpoints
        calls = []
        def dying(tensors, path, metadata=None):  # 4th file: epoch 2's state.safetensors
            calls.append(path)
            if len(calls) == 4:
                with open(path, "wb") as fh:
                    fh.write(b"half a file")
                os.kill(os.getpid(), signal.SIGKILL)
            real(tensors, path, metadata=metadata)
        real, checkpoints.save_file = checkpoints.save_file, dying
        cfg = gc.load_config({str(SMOKE)!r}, **gc.config.parse_overrides({TINY!r}))
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


@pytest.mark.slow
def test_two_trainings_into_one_directory(tmp_path):
    """A holds the directory; B (another seed) is refused with one line; A is killed -9 and
    its lock goes with it: resuming A's config finishes the run, all of it seed 1's."""
    run = tmp_path / "r"
    a = subprocess.Popen([sys.executable, "-m", "gridcells.cli", "train", "--params", str(SMOKE),
                          "--run-dir", str(run), "--quiet", "seed=1", "n_epochs=400",
                          "n_steps=10", "eval_every=0"], cwd=ROOT, env=ENV,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while checkpoints.latest_checkpoint(run) is None:  # A trains and holds the lock
            assert a.poll() is None and time.time() < deadline
            time.sleep(0.1)
        b = cli("train", "--params", SMOKE, "--run-dir", run, "--quiet", "seed=2",
                "n_epochs=2", "n_steps=10", "eval_every=0")
        assert a.poll() is None, "A finished before B tried: lengthen A"
        err = b.stderr.strip()
        assert b.returncode == 2 and "\n" not in err, err
        assert f"is in use by another training (process {a.pid}" in err
    finally:
        a.send_signal(signal.SIGKILL)
        a.wait()
    stored = gc.load_config(run / "config.yaml")
    assert stored.seed == 1 and gc.load_model(run).cfg.seed == 1
    cfg = stored.replace(device="cpu")
    trainer = gc.training.Trainer(cfg, run, mode="resume", progress=False)
    step = trainer.step
    trainer.run(until_step=step + 10)  # continues where the killed process left off
    assert checkpoints.latest_checkpoint(run).name == f"epoch_{step // 10 + 1:04d}"


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
    cfg = gc.load_config(SMOKE, **gc.config.parse_overrides(TINY))
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
