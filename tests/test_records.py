import datetime as dt
import json
import os
import subprocess

import pytest

from gridcells.records import speed as records


def test_every_figure_in_the_readme_speed_block_has_a_record():
    block = records.readme_block()
    assert block, "the README has no speed block"
    missing = records.unrecorded(block, records.newest())
    assert not missing, f"figures in the README's speed block with no record: {missing}"


def test_a_typed_figure_is_caught():
    newest = records.newest()
    block = records.render(newest)
    assert not records.unrecorded(block, newest)
    typed = block + " Now 987,654,321 maps/s (0.000123x)."
    assert records.unrecorded(typed, newest) == ["987,654,321", "0.000123"]


def test_numbers_in_skips_hashes_and_date_tails():
    text = "commit d0e75af, run of 2026-12-02, 21,912 maps/s (83.0x, 1e-15); Ng 512."
    assert records.numbers_in(text) == ["2026", "21,912", "83.0", "1e-15", "512"]


def _git(repo, *args, when=None):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t")
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{when} +0000"
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    _git(tmp_path, "init", "-q")
    (tmp_path / "code.py").write_text("a = 1\n")
    (tmp_path / "other.py").write_text("b = 1\n")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "first", when=1_000_000)
    return tmp_path


def test_stale_flag_with_a_synthetic_record(repo, tmp_path):
    state = records.git_state(["code.py"], root=repo)
    assert state["commit_time"] == 1_000_000 and not state["dirty"] and not state["dirty_code"]
    record = {"benchmark": "x", "date": "2026-01-01T00:00:00+00:00", "code": ["code.py"],
              **state}
    assert not records.stale(record, repo)
    # a later commit that changes other code leaves it fresh...
    (repo / "other.py").write_text("b = 2\n")
    _git(repo, "commit", "-q", "-am", "other", when=1_000_100)
    assert not records.stale(record, repo)
    # ...an uncommitted change to the measured code is recorded, not yet stale...
    (repo / "code.py").write_text("a = 2\n")
    assert records.git_state(["code.py"], root=repo)["dirty_code"] == ["code.py"]
    assert not records.stale(record, repo)
    # ...and a commit that changes the measured code makes it stale
    _git(repo, "commit", "-q", "-am", "code", when=1_000_200)
    assert records.stale(record, repo)


def test_append_writes_one_complete_json_line(tmp_path):
    path = tmp_path / "speed.jsonl"
    r = records.append("score_speed", {"scorer_maps_per_s": 1.0}, 2.0, 0.5, path=path)
    lines = path.read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0]) == r
    assert r["benchmark"] == "score_speed" and r["figures"] == {"scorer_maps_per_s": 1.0}
    assert r["ratio"] == 2.0 and r["load_before"] == 0.5 and r["load_after"] >= 0
    assert r["code"] == records.CODE["score_speed"]
    when = dt.datetime.fromisoformat(r["date"])
    assert abs((dt.datetime.now(dt.timezone.utc) - when).total_seconds()) < 600
    # the commit is one of this repository's, at or before HEAD (others may commit meanwhile)
    ancestor = subprocess.run(["git", "merge-base", "--is-ancestor", r["commit"], "HEAD"],
                              cwd=records.ROOT, capture_output=True)
    assert len(r["commit"]) == 40 and ancestor.returncode == 0
    assert isinstance(r["dirty"], bool) and isinstance(r["dirty_code"], list)
    import torch
    assert r["hardware"]["torch"] == torch.__version__
    assert r["hardware"]["cores"] == os.cpu_count()
    assert r["hardware"]["torch_threads"] == torch.get_num_threads()
    assert r["hardware"]["cpu"]
    assert records.newest(path)["score_speed"] == r


def _fp(cpu, sha, capability="AVX512", isa="default", precision="bf16", threads=1):
    return {"cpu": cpu, "flags": ["avx2"], "capability": capability, "onednn_isa": isa,
            "precision": precision, "seed": 0, "steps": 1000, "threads": threads,
            "err_cm": {"1000": 99.6}, "weights_sha256": sha}


def test_fingerprints_grouped_per_cpu_and_kernel_path():
    from gridcells.records import experiments as E

    rows = [_fp("AMD EPYC", "a"), _fp("AMD EPYC", "a", threads=2),
            _fp("AMD EPYC", "b", capability="AVX2", isa="AVX2")]
    table = E.repeatability(rows)
    assert [(t["kernels"], t["runs"], t["distinct weights"]) for t in table] == [
        ("AVX512", 2, 1), ("AVX2, oneDNN AVX2", 1, 1)]
    text = E.across_cpus(rows)
    assert text.startswith("Only one CPU model has been fingerprinted on its own kernels")
    assert "kernel paths AVX2, oneDNN AVX2 and AVX512 gave different weights in bf16." in text
    both = E.across_cpus(rows + [_fp("AMD EPYC", "f", precision="fp32"),
                                 _fp("AMD EPYC", "f", capability="AVX2", precision="fp32")])
    assert "different weights in bf16; bit-identical weights in fp32" in both
    same = E.across_cpus([_fp("AMD EPYC", "a"), _fp("AMD EPYC", "a", capability="AVX2")])
    assert "gave bit-identical weights in bf16" in same
    two = E.across_cpus([_fp("AMD EPYC", "a"), _fp("Intel Xeon", "c")])
    assert two == ("The 2 CPU models fingerprinted on their own kernels (AMD EPYC and Intel "
                   "Xeon) gave different weights in bf16.")
    # a CPU forced onto another's kernels is not compared across CPU models: an AVX2 Xeon
    # against an EPYC forced to AVX2 with equal weights must not read as agreement
    forced = _fp("AMD EPYC", "x", capability="AVX2", isa="AVX2")
    alone = E.across_cpus([_fp("Intel Xeon", "x", capability="AVX2"), forced])
    assert alone.startswith("Only one CPU model") and "bit-identical" not in alone
    assert not E.native(forced) and not E.native({**_fp("A", "a"), "aten_capability_env":
                                                   "avx2"})
