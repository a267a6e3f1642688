"""The records a run directory keeps beside its weights: ``history.csv``
(:data:`HISTORY_FIELDS`, one row per log window) and ``gridness.csv`` (:data:`GRIDNESS_FIELDS`,
the in-training measurement), written atomically (:func:`write_csv`) and read back
(:func:`read_csv`; runs trained in stages joined by :func:`read_stages`), and
``provenance.json`` (:func:`provenance`: versions, git commit, device, host). The layout and
the lock are :mod:`gridcells.rundir.layout`; weights and state
:mod:`gridcells.network.checkpoints`."""

from __future__ import annotations

import csv
import io
import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from gridcells import __version__
from gridcells.rundir.layout import RunDirError, atomic_write_text

HISTORY_FIELDS = ("step", "loss", "err_cm", "lr", "elapsed_s")
GRIDNESS_FIELDS = ("step", "err_cm", "frac_above_03", "best64_mean", "best_score",
                   "median_score", "map_corr", "n_units", "frac_silent", "hex_order",
                   "square_order", "stripe_order")


def git_commit() -> str:
    """The full commit of the package's git checkout ("unknown" outside one)."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                             cwd=Path(__file__).parent, timeout=5)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance(device) -> dict[str, str]:
    """Package version, git commit, date, device (a ``torch.device``) and host description:
    platform, torch threads, CPU model and the CPU kernels torch dispatches to (``AVX512``,
    ``AVX2``, ...: bf16 results differ between them)."""
    import torch

    return {"gridcells": __version__, "git_commit": git_commit(), "torch": torch.__version__,
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "device": str(device) if device.type != "cuda" else torch.cuda.get_device_name(),
            "platform": platform.platform(), "cpu_threads": str(torch.get_num_threads()),
            "cpu_model": cpu_model(), "cpu_kernels": torch.backends.cpu.get_cpu_capability()}


def write_csv(path: Path, fields, rows) -> None:
    """``rows`` (dicts) as a CSV of columns ``fields``, replacing ``path`` atomically."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields)
    w.writeheader()
    w.writerows(rows)
    atomic_write_text(path, buf.getvalue())


def read_csv(path: str | Path) -> list[dict[str, float]]:
    """Rows of a history CSV as dicts of floats (empty list if the file is missing); a column
    a row lacks (added in a later version) is left out of that row."""
    path = Path(path)
    if not path.is_file():
        return []
    rows = []
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), 2):
                try:
                    values = {k: float(v) for k, v in row.items() if v not in ("", None)}
                except (TypeError, ValueError):
                    raise RunDirError(f"{str(path)}: line {line}: expected numbers in the "
                                      f"columns {list(row)[:6]}, got {list(row.values())[:6]}"
                                      ) from None
                if "step" not in values:
                    raise RunDirError(f"{str(path)}: line {line}: expected a 'step' column")
                rows.append(values)
    except UnicodeDecodeError:
        raise RunDirError(f"{str(path)}: not a text CSV file") from None
    return rows


def read_stages(run_dirs) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """History and gridness rows of runs trained one after another (each from the previous
    one's weights), joined into one curve: each run's ``step`` and ``elapsed_s`` continue
    from where the previous run ended. Returns (history, gridness)."""
    history, gridness = [], []
    step0 = elapsed0 = 0.0
    for run in run_dirs:
        h = read_csv(Path(run) / "history.csv")
        history += [{**r, "step": r["step"] + step0, "elapsed_s": r["elapsed_s"] + elapsed0}
                    for r in h]
        gridness += [{**r, "step": r["step"] + step0}
                     for r in read_csv(Path(run) / "gridness.csv")]
        if h:
            step0, elapsed0 = step0 + h[-1]["step"], elapsed0 + h[-1]["elapsed_s"]
    return history, gridness


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``), or what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
