"""Recorded speed benchmarks: every speed figure the README quotes comes from here.

The speed benchmarks (benchmarks/score_speed.py, train_speed.py, predictive_speed.py) call
:func:`append` at the end of a run: one JSON line in ``benchmarks/results/speed.jsonl`` with
the date, the full commit and whether the tree (and the measured code) had uncommitted
changes, the hardware (CPU model, cores, torch threads, torch version, GPU), the 1-minute
load average before and after, the figures and the ratio against the baseline timed in the
same process. :func:`newest` reads the newest record per benchmark, :func:`stale` says
whether the measured code changed in a commit after the record's, and :func:`render`
writes the README's speed sentences from the newest records;

    python benchmarks/records.py --update-readme

rewrites the README between ``<!-- speed:begin -->`` and ``<!-- speed:end -->``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
from pathlib import Path

from gridcells.rundir.history import cpu_model

ROOT = Path(__file__).resolve().parents[2]
SPEED_LOG = ROOT / "benchmarks" / "results" / "speed.jsonl"
README = ROOT / "README.md"
BEGIN, END = "<!-- speed:begin -->", "<!-- speed:end -->"

# the code each benchmark measures: a record is stale once a later commit changes any of it
CODE = {
    "score_speed": ["gridcells/analysis/scores.py", "gridcells/analysis/ratemaps.py",
                    "tests/oracle.py", "benchmarks/score_speed.py"],
    "train_speed": ["gridcells/training/loop.py", "gridcells/network/model.py",
                    "gridcells/world/trajectories.py",
                    "gridcells/world/place_cells.py", "benchmarks/train_speed.py",
                    "benchmarks/original_step.py"],
    "predictive_speed": ["gridcells/predictive/classes.py", "gridcells/predictive/shifted.py",
                         "gridcells/predictive/shuffles.py", "gridcells/analysis/scores.py",
                         "gridcells/analysis/ratemaps.py", "benchmarks/predictive_speed.py"],
}


def _git(*args: str, root: Path = ROOT) -> str:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              check=True).stdout.rstrip("\n")
    except (OSError, subprocess.CalledProcessError):
        return ""


def load_average() -> float | None:
    """The 1-minute load average (None where the system has none)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def hardware(device: str = "cpu") -> dict:
    import torch

    hw = {"cpu": cpu_model(), "cores": os.cpu_count(),
          "usable_cores": len(os.sched_getaffinity(0)), "torch_threads": torch.get_num_threads(),
          "torch": torch.__version__, "platform": platform.platform()}
    if device == "cuda" and torch.cuda.is_available():
        hw["gpu"] = torch.cuda.get_device_name()
    return hw


def git_state(code: list[str], root: Path = ROOT) -> dict:
    """The commit, its time, and whether the tree or the measured ``code`` differ from it."""
    commit = _git("rev-parse", "HEAD", root=root)
    changed = _git("status", "--porcelain", "--untracked-files=no", "--", *code, root=root)
    return {"commit": commit,
            "commit_time": int(_git("show", "-s", "--format=%ct", "HEAD", root=root) or 0),
            "dirty": bool(_git("status", "--porcelain", "--untracked-files=no", root=root)),
            "dirty_code": sorted(line[3:] for line in changed.splitlines())}


def append(benchmark: str, figures: dict, ratio: float | None, load_before: float | None,
           code: list[str] | None = None, device: str = "cpu", path: Path = SPEED_LOG,
           **extra) -> dict:
    """Append one run's record to ``path`` (speed.jsonl) and return it. ``benchmark`` names
    it (e.g. "score_speed", "train_speed/cpu/Ng512"); ``code`` defaults to :data:`CODE` of its
    first part."""
    code = code or CODE[benchmark.split("/")[0]]
    record = {"benchmark": benchmark,
              "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
              **git_state(code), "code": code, "hardware": hardware(device),
              "load_before": load_before, "load_after": load_average(),
              "figures": figures, "ratio": ratio, **extra}
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        f.write(json.dumps(record) + "\n")
    return record


def read(path: Path = SPEED_LOG) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def newest(path: Path = SPEED_LOG) -> dict[str, dict]:
    """The newest record of each benchmark (by date)."""
    out: dict[str, dict] = {}
    for r in read(path):
        if r["benchmark"] not in out or r["date"] >= out[r["benchmark"]]["date"]:
            out[r["benchmark"]] = r
    return out


def last_change(paths: list[str], root: Path = ROOT) -> int:
    """Commit time (unix seconds) of the last commit that changed any of ``paths``."""
    times = [_git("log", "-1", "--format=%ct", "--", p, root=root) for p in paths]
    return max((int(t) for t in times if t), default=0)


def stale(record: dict, root: Path = ROOT) -> bool:
    """True when a commit after the record's changed the code it measured."""
    return last_change(record["code"], root) > record["commit_time"]


# ----------------------------------------------------------------------------------------
# the README's sentences
# ----------------------------------------------------------------------------------------


def _provenance(r: dict, root: Path = ROOT) -> str:
    load = ("load " + " -> ".join(f"{x:.2f}" for x in (r["load_before"], r["load_after"]))
            if r.get("load_before") is not None else "load not recorded")
    flags = ", uncommitted changes to the measured code" if r.get("dirty_code") else ""
    flags += ", STALE: the measured code changed since" if stale(r, root) else ""
    return f"run of {r['date'][:10]}, commit {r['commit'][:7]}, {load}{flags}"


def _rate(x: float) -> str:
    return f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def render(records: dict[str, dict], root: Path = ROOT) -> str:
    """The README's speed sentences from the newest records (every number in them is a
    field of a record)."""
    parts = []
    cpu = records.get("train_speed/cpu/Ng512")
    if cpu:
        f = cpu["figures"]
        parts.append(
            f"training (`train_speed.py`, {cpu['hardware']['cpu']}, "
            f"{cpu['hardware']['torch_threads']} torch threads) at Ng {f['Ng']}, batch "
            f"{f['batch']}, bf16: {_rate(f['bf16'])} steps/s against {_rate(f['original'])} for "
            f"the original step ({f['bf16'] / f['original']:.2f}x; fp32 {_rate(f['fp32'])}) "
            f"({_provenance(cpu, root)})")
    sc = records.get("score_speed")
    if sc:
        f = sc["figures"]
        parts.append(
            f"grid scoring (`score_speed.py`, {sc['hardware']['cpu']}, "
            f"{sc['hardware']['usable_cores']} cores) {f['scorer_maps_per_s']:,.0f} maps/s "
            f"against {f['oracle_maps_per_s']:,.0f} for the per-unit oracle "
            f"({sc['ratio']:.1f}x, largest score difference {f['max_difference']:.0e}); maps "
            f"with {f['gap_fraction'] * 100:.0f} % unvisited (NaN) bins "
            f"{f['gapped_maps_per_s']:,.0f} maps/s ({f['gapped_ratio']:.1f}x the oracle); "
            f"rate maps of {f['rate_map_units']} units from {f['rate_map_samples']:,} "
            f"samples in {f['rate_map_s']:.2f} s ({_provenance(sc, root)})")
    gpu = records.get("train_speed/cuda/Ng4096")
    if gpu:
        f = gpu["figures"]
        parts.append(
            f"on one {gpu['hardware'].get('gpu', 'GPU')} (torch {gpu['hardware']['torch']}, "
            f"Ng {f['Ng']}, batch {f['batch']}, float32): {f['fp32']:.1f} steps/s against "
            f"{f['original']:.1f} for the original step ({f['fp32'] / f['original']:.2f}x), "
            f"{f['tf32']:.1f} with TF32, {f['bf16']:.1f} with bf16 ({_provenance(gpu, root)})")
    pr = records.get("predictive_speed")
    if pr:
        f = pr["figures"]
        parts.append(
            f"the predictive analysis (`predictive_speed.py`, {f['units']} units, "
            f"{f['shuffles']} shuffles) in {f['total_s']:.1f} s against an estimated "
            f"{f['map_by_map_h']:.1f} h map by map ({pr['ratio']:.0f}x) ({_provenance(pr, root)})")
    text = "Recorded runs (`benchmarks/results/speed.jsonl`; `python benchmarks/records.py " \
        "--update-readme` writes this paragraph from the newest): " + "; ".join(parts) + "."
    return _wrap(text)


def _wrap(text: str, width: int = 92) -> str:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def readme_block(readme: Path = README) -> str:
    """The text between the speed markers of the README."""
    text = readme.read_text()
    return text[text.index(BEGIN) + len(BEGIN):text.index(END)].strip()


def update_readme(readme: Path = README, path: Path = SPEED_LOG) -> str:
    text = readme.read_text()
    block = render(newest(path), readme.parent)
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    readme.write_text(text[:start] + "\n" + block + "\n" + text[end:])
    return block


NUMBER = re.compile(r"(?<![\w.-])(\d[\d,]*(?:\.\d+)?(?:e-?\d+)?)(?=x\b|[^\w]|$)")


def numbers_in(text: str) -> list[str]:
    """The numbers quoted in ``text`` (not those inside words, hashes or dates' tails)."""
    return [t.rstrip(",") for t in NUMBER.findall(text)]


def _values(obj) -> list[float]:
    """Every number in a record, and every number inside its strings (dates, names)."""
    if isinstance(obj, bool):
        return []
    if isinstance(obj, int | float):
        return [float(obj)]
    if isinstance(obj, str):
        return [float(t.replace(",", "")) for t in re.findall(r"\d+(?:\.\d+)?", obj)]
    if isinstance(obj, dict):
        return [v for x in obj.values() for v in _values(x)]
    if isinstance(obj, list):
        return [v for x in obj for v in _values(x)]
    return []


def derived(record: dict) -> list[float]:
    """Values the sentences compute from a record's figures (percentages, ratios)."""
    f = record.get("figures", {})
    out = []
    if "gap_fraction" in f:
        out.append(100 * f["gap_fraction"])
    for a, b in (("bf16", "original"), ("fp32", "original")):
        if a in f and b in f and f[b]:
            out.append(f[a] / f[b])
    return out


def unrecorded(text: str, records: dict[str, dict]) -> list[str]:
    """The numbers of ``text`` that no record holds (to the precision they are quoted)."""
    values = [v for r in records.values() for v in _values(r) + derived(r)]
    missing = []
    for token in numbers_in(text):
        plain = token.replace(",", "")
        mantissa, _, exp = plain.partition("e")
        decimals = len(mantissa.partition(".")[2])
        tol = 0.5 * 10.0 ** (int(exp or 0) - decimals) * (1 + 1e-9)
        if not any(abs(v - float(plain)) <= tol for v in values):
            missing.append(token)
    return missing


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--update-readme", action="store_true",
                    help="rewrite the README's block between the speed markers")
    args = ap.parse_args(argv)
    records = newest()
    for name, r in sorted(records.items()):
        print(f"{name:18s} {r['date']}  {r['commit'][:7]}  ratio {r['ratio']}"
              f"{'  STALE' if stale(r) else ''}")
    if args.update_readme:
        print(update_readme())
    else:
        print(render(records))
