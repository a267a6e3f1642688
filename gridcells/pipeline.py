"""Executing the notebooks with papermill and building the Jupyter Book.

``run_notebook`` executes one py:percent notebook (read with jupytext, so the text file is
the source of truth) with a params file and ``-p`` overrides, validated exactly as the CLI
validates them. It writes to ``<name>.partial.ipynb`` first and renames on success, so a failed
notebook is kept for inspection but never published. ``build_book`` runs every notebook in
order, stops at the first failure, then builds the HTML book without executing anything
(``-W -n --keep-going``: any warning fails the build).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from .config import FIELD_NAMES, ConfigError, load_config, parse_value

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
GENERATED = ROOT / "book" / "generated"
NOTEBOOKS = ("01_training", "02_ratemaps", "03_predictive", "04_ablations",
             "05_pattern_formation")
NOTEBOOK_PARAMETERS = frozenset({"params_file", "run_dir"})  # beside the config fields


class NotebookFailed(RuntimeError):
    """A notebook raised; the message names the notebook, the cell and the error."""


def _typed(overrides: dict[str, Any]) -> dict[str, Any]:
    """-p values arrive as text from the command line: parse them with YAML rules."""
    return {k: parse_value(k, v) if isinstance(v, str) else v for k, v in overrides.items()}


def validate_parameters(params_file: str | Path, overrides: dict[str, Any]) -> dict[str, Any]:
    """Check names and values as the CLI does; returns the parameters papermill injects."""
    overrides = _typed(overrides)
    unknown = [k for k in overrides if k not in FIELD_NAMES | NOTEBOOK_PARAMETERS]
    if unknown:
        raise ConfigError(f"unknown parameter {unknown[0]!r}; expected a config field or one of "
                          f"{sorted(NOTEBOOK_PARAMETERS)}")
    config_part = {k: v for k, v in overrides.items() if k in FIELD_NAMES}
    load_config(params_file, **config_part)  # raises the config's one-line errors
    run_dir = overrides.get("run_dir") or str(ROOT / "runs" / Path(params_file).stem)
    return {**config_part, "params_file": str(Path(params_file).resolve()),
            "run_dir": str(Path(run_dir).resolve())}


def notebook_path(name: str | Path) -> Path:
    """notebooks/NN_name.py from a name, a .py or an .ipynb path."""
    p = Path(name)
    candidates = [p.with_suffix(".py"), NOTEBOOK_DIR / p.with_suffix(".py").name,
                  NOTEBOOK_DIR / f"{p.stem}.py"]
    for c in candidates:
        if c.is_file():
            return c.resolve()
    raise FileNotFoundError(f"notebook {str(name)!r} not found; expected one of "
                            f"{[f'notebooks/{n}.py' for n in NOTEBOOKS]}")


def run_notebook(notebook: str | Path, params_file: str | Path,
                 overrides: dict[str, Any] | None = None, output: str | Path | None = None,
                 progress: bool = False) -> Path:
    """Execute one notebook; returns the executed .ipynb path."""
    import jupytext
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    src = notebook_path(notebook)
    parameters = validate_parameters(params_file, overrides or {})
    out = Path(output) if output else GENERATED / f"{src.stem}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.stem + ".partial.ipynb")
    nb = jupytext.read(src)
    env_path = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env_path}"
    try:
        pm.execute_notebook(nb, str(partial), parameters=parameters, kernel_name="python3",
                            language="python", cwd=str(ROOT), progress_bar=progress)
    except pm.PapermillExecutionError as exc:
        raise NotebookFailed(f"{src.name} failed in cell {exc.exec_count}: {exc.ename}: "
                             f"{exc.evalue} (partial output kept in {partial})") from None
    except (DeadKernelError, CellTimeoutError) as exc:  # out of memory, killed, hung
        raise NotebookFailed(f"{src.name}: the kernel died or timed out "
                             f"({type(exc).__name__}; out of memory? expected sizes within the "
                             f"limits of `Config.describe()`); partial output kept in "
                             f"{partial}") from None
    finally:
        os.environ["PATH"] = env_path
    partial.replace(out)
    return out


def build_book(params_file: str | Path, overrides: dict[str, Any] | None = None,
               execute: bool = True) -> Path:
    """Run every notebook in order, then build the HTML book; returns the index page."""
    validate_parameters(params_file, overrides or {})
    if execute:
        for name in NOTEBOOKS:
            print(f"running {name} with {params_file} ...", flush=True)
            run_notebook(name, params_file, overrides)
    missing = [n for n in NOTEBOOKS if not (GENERATED / f"{n}.ipynb").is_file()]
    if missing:
        raise NotebookFailed(f"no executed notebook for {missing}; run without --no-execute")
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--builder",
           "html", "-W", "-n", "--keep-going"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-25:])
        raise RuntimeError(f"jupyter-book build failed:\n{tail}")
    index = ROOT / "_build" / "html" / "index.html"
    print(f"book: {index}")
    return index
