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
import tempfile
from pathlib import Path
from typing import Any

from gridcells.world.config import FIELD_NAMES, load_config
from gridcells.world.params import ConfigError, parse_value

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
GENERATED = ROOT / "book" / "generated"
NOTEBOOKS = ("01_training", "07_ensemble", "08_emergence", "02_ratemaps", "03_predictive",
             "04_ablations", "05_pattern_formation", "06_topology")
RESEARCH_NOTES = ("notes_recipe_search", "notes_screens", "notes_seeds", "notes_lattice",
                  "notes_arena", "notes_large_models")  # the book's Research notes part
NOTEBOOKS = NOTEBOOKS + RESEARCH_NOTES
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
                 progress: bool | dict = False) -> Path:
    """Execute one notebook; returns the executed .ipynb path. ``progress``: papermill's
    per-cell progress bar on stderr (a dict: its tqdm options)."""
    import jupytext
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    src = notebook_path(notebook)
    parameters = validate_parameters(params_file, overrides or {})
    out = Path(output) if output else GENERATED / f"{src.stem}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.stem + ".partial.ipynb")
    nb = jupytext.read(src)
    nb.metadata["gridcells"] = run_record(parameters)  # what --no-execute compares
    env_path = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env_path}"
    sockets = tempfile.TemporaryDirectory(prefix="gridcells-kernel-")  # private (mode 700)
    try:
        pm.execute_notebook(nb, str(partial), parameters=parameters, kernel_name="python3",
                            language="python", cwd=str(ROOT), progress_bar=progress,
                            config=_local_kernel(sockets.name))
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
        sockets.cleanup()
    _fold_injected(partial)
    partial.replace(out)
    return out


def _local_kernel(folder: str):
    """Kernel-manager settings for a kernel that talks to us over Unix sockets in ``folder``
    (the ipc transport) instead of TCP on localhost: nothing outside this machine's user
    can reach it, and ipykernel no longer warns "Kernel is running over TCP without
    encryption" once per notebook."""
    from traitlets.config import Config

    return Config({"KernelManager": {"transport": "ipc", "ip": str(Path(folder) / "kernel")}})


def _fold_injected(path: Path) -> None:
    """Remove the parameters cell papermill injected (tag ``remove-cell``) from the page:
    plumbing, and it holds this machine's absolute paths (the provenance shows the params
    file and every parameter)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    nbformat.write(nb, path)


def run_record(parameters: dict[str, Any]) -> dict[str, Any]:
    """What an executed chapter came from: the resolved config, run directory, params file
    and git commit (stored in the notebook's metadata as ``gridcells``)."""
    from gridcells.rundir.history import git_commit

    config = {k: v for k, v in parameters.items() if k in FIELD_NAMES}
    return {"config": load_config(parameters["params_file"], **config).to_dict(),
            "run_dir": parameters["run_dir"], "params_file": parameters["params_file"],
            "git_commit": git_commit()}


def check_executed(generated: Path = GENERATED) -> None:
    """Before building from notebooks already executed: NotebookFailed unless every chapter
    exists, none failed in its last execution (a ``.partial.ipynb`` left) and all come from
    the same config and run directory; a warning (stderr) when they come from different
    commits."""
    import json

    missing = [n for n in NOTEBOOKS if not (generated / f"{n}.ipynb").is_file()]
    if missing:
        raise NotebookFailed(f"no executed notebook for {missing}; run without --no-execute")
    failed = [n for n in NOTEBOOKS if (generated / f"{n}.partial.ipynb").is_file()]
    if failed:
        raise NotebookFailed(f"{failed[0]} failed in its last execution "
                             f"({generated / failed[0]}.partial.ipynb), so its chapter is from "
                             "an earlier build; run without --no-execute (or delete the "
                             "partial file to publish the earlier one)")
    records = {}
    for n in NOTEBOOKS:
        path = generated / f"{n}.ipynb"
        try:
            records[n] = json.loads(path.read_text(encoding="utf-8"))["metadata"]["gridcells"]
        except (OSError, ValueError, KeyError, TypeError):
            raise NotebookFailed(f"{path} carries no record of the config it ran with "
                                 "(damaged, or executed by an older version); run without "
                                 "--no-execute") from None
    first, ref = NOTEBOOKS[0], records[NOTEBOOKS[0]]
    for n, rec in records.items():
        diff = sorted(k for k in set(ref.get("config", {})) | set(rec.get("config", {}))
                      if ref.get("config", {}).get(k) != rec.get("config", {}).get(k))
        if rec.get("run_dir") != ref.get("run_dir"):
            diff.append("run_dir")
        if diff:
            raise NotebookFailed(f"executed chapters come from different runs: {first} and {n} "
                                 f"differ in {diff[:5]}; run without --no-execute")
        if rec.get("git_commit") != ref.get("git_commit"):
            print(f"warning: executed chapters {first} and {n} come from different commits "
                  f"({str(ref.get('git_commit'))[:12]}, {str(rec.get('git_commit'))[:12]}) "
                  "with the same config", file=sys.stderr)


def _train_first(params_file: str | Path, overrides: dict[str, Any]) -> None:
    """Train (or resume) the book's run here, with a progress bar of steps, error and time
    left, before the training chapter executes: the chapter then finds the run complete, and
    its page stays free of progress output."""
    from gridcells.book.network import prepare

    parameters = validate_parameters(params_file, overrides)
    cfg = load_config(params_file, **{k: v for k, v in _typed(overrides).items()
                                      if k in FIELD_NAMES})
    prepare(cfg, parameters["run_dir"], progress=True)


def build_book(params_file: str | Path, overrides: dict[str, Any] | None = None,
               execute: bool = True) -> Path:
    """Run every notebook in order, then build the HTML book; returns the index page."""
    validate_parameters(params_file, overrides or {})
    if execute:
        _train_first(params_file, overrides or {})
        for k, name in enumerate(NOTEBOOKS, 1):
            print(f"[{k}/{len(NOTEBOOKS)}] running {name} with {params_file} ...", flush=True)
            run_notebook(name, params_file, overrides,
                         progress={"desc": f"  {name}", "unit": "cell", "leave": False})
    else:
        check_executed()
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--builder",
           "html", "-W", "-n", "--keep-going"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-25:])
        raise RuntimeError(f"jupyter-book build failed:\n{tail}")
    index = ROOT / "_build" / "html" / "index.html"
    print(f"book: {index}")
    return index
