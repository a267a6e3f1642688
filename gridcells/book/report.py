"""What a results page shows besides figures: provenance, parameters and small tables,
rendered as Markdown (no analysis happens here)."""

from __future__ import annotations

import ast
import difflib
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path

import torch

from gridcells import __version__
from gridcells.network.model import resolve_device
from gridcells.records.experiments import changes, read_jsonl
from gridcells.rundir.history import cpu_model, git_commit
from gridcells.world.config import FIELD_NAMES, TRAINING_FIELDS, Config
from gridcells.world.params import ConfigError


def markdown_table(rows: list[dict], columns: list[str] | None = None, digits: int = 3) -> str:
    """A Markdown table of row dicts (floats rounded, None shown as a dash, a list or tuple
    as its items joined by commas, never as a Python list)."""
    if not rows:
        return "*(no rows)*"
    columns = columns or list(rows[0])

    def fmt(v):
        if v is None:
            return "-"
        if isinstance(v, float):
            return f"{v:.{digits}g}" if abs(v) < 1e4 else f"{v:.0f}"
        if isinstance(v, (list, tuple)):
            return ", ".join(fmt(x) for x in v) or "-"
        return str(v)

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(fmt(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def _dirty() -> str:
    """' (dirty: N files changed)' when the working tree differs from the commit, else ''."""
    import subprocess

    try:
        out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                             capture_output=True, text=True, cwd=Path(__file__).parent,
                             timeout=10)
    except (OSError, subprocess.SubprocessError):
        return " (dirty: unknown)"
    n = len([line for line in out.stdout.splitlines() if line.strip()])
    return f" (dirty: {n} files changed)" if out.returncode == 0 and n else ""


def hardware(cfg: Config) -> str:
    """The GPU name, or the CPU model with torch's thread count."""
    device = resolve_device(cfg.device)
    if device.type == "cuda":
        return torch.cuda.get_device_name()
    n = torch.get_num_threads()
    return f"CPU: {cpu_model()}, {n} torch thread{'' if n == 1 else 's'}"


_PAGE_STARTED: list[float] = []  # when start_notebook ran (for the page's wall time)


EVAL_LABELS = {"err_cm": "decoding error (cm)", "frac_above_03": "share of units above 0.3",
               "best64_mean": "mean grid score of the best 64", "best_score": "best grid score",
               "median_score": "median grid score", "map_corr": "mean absolute map correlation",
               "n_units": "units measured", "frac_silent": "share of silent units",
               "hex_order": "shared hexagonal order", "square_order": "shared square order",
               "stripe_order": "shared stripe order"}


def evaluation_table(columns: dict[str, dict], digits: int = 3) -> str:
    """Evaluation rows (``Evaluation.row()`` or a model card's ``evaluation``) side by side:
    one line per quantity (readable names, :data:`EVAL_LABELS`), one column per name."""
    keys = [k for k in EVAL_LABELS if any(k in row for row in columns.values())]
    return markdown_table([{"quantity": EVAL_LABELS[k], **{name: row.get(k)
                                                           for name, row in columns.items()}}
                           for k in keys], digits=digits)


def formatted_row(name: str, row: dict, columns: dict[str, tuple[str, str]],
                  key: str = "network") -> dict:
    """A table row: ``{key: name}`` then, for each field of ``columns`` (field -> (column
    label, format such as '{:.2f}')), the row's value formatted."""
    return {key: name, **{label: form.format(row[field])
                          for field, (label, form) in columns.items()}}


def interval_row(name: str, summary: dict, columns: dict[str, tuple[str, str]],
                 key: str = "network") -> dict:
    """A table row of means with their intervals, 'mean [lo, hi]' per column, from
    ``summary`` (field -> {'mean', 'lo', 'hi'}, as :func:`gridcells.predictive.study.across`
    gives)."""
    def cell(field, form):
        e = summary[field]
        return f"{form.format(e['mean'])} [{form.format(e['lo'])}, {form.format(e['hi'])}]"
    return {key: name, **{label: cell(field, form)
                          for field, (label, form) in columns.items()}}


def verdict(value: float, reproduced: tuple[float, float], partly: tuple[float, float]) -> str:
    """'reproduced' when ``value`` lies in the closed interval ``reproduced``, 'partly' when in
    ``partly``, else 'not reproduced' (NaN: 'not measured'); the page comparing with the
    published figures states each interval."""
    if value != value:
        return "not measured"
    if reproduced[0] <= value <= reproduced[1]:
        return "reproduced"
    return "partly" if partly[0] <= value <= partly[1] else "not reproduced"


PAGE_SETTINGS = {  # the analysis settings each chapter reads (its provenance lists them)
    "training": ("screen_seeds", "screen_step", "screen_max", "screen_fallback"),
    "ratemaps": ("nbins", "n_batches", "gridness_threshold", "rng_seed"),
    "predictive": ("Ng_use", "n_batches", "analysis_batch_size", "analysis_sequence_length",
                   "nbins", "max_lag", "min_shift_cm", "peak_estimator", "gridness_threshold",
                   "low_grid_threshold", "zero_shift_threshold", "shuffle_trials",
                   "shuffle_groups", "shuffle_lag_step", "shuffle_min_offset",
                   "shuffle_alpha", "rng_seed"),
    "ablations": ("Ng_use", "ablation_batches", "ablation_random_trials", "max_lag",
                  "min_shift_cm", "shuffle_trials", "shuffle_groups", "rng_seed"),
    "pattern_formation": ("pf_cells", "pf_iterations", "pf_lr", "pf_resolution", "rng_seed"),
    "topology": ("topology_batches", "topology_nbins", "topology_margin", "topology_points",
                 "topology_sigma", "topology_threshold", "topology_max_scale",
                 "topology_nulls", "topology_orientation_tol", "topology_spacing_tol",
                 "rng_seed"),
}


def provenance(cfg: Config, params_file: str | Path, uses: tuple[str, ...] = ()) -> str:
    """Markdown: package, torch and Python versions, the full git commit with a dirty flag,
    date, hardware (GPU name or CPU model and threads), wall time of the page so far, the
    params file, every parameter that differs from the defaults, and the value of each
    analysis setting the page uses (``uses``: field names, or a key of
    :data:`PAGE_SETTINGS`), changed or not."""
    import platform
    import time

    default = Config()
    changed = {f.name: getattr(cfg, f.name) for f in fields(Config)
               if getattr(cfg, f.name) != getattr(default, f.name)}
    uses = PAGE_SETTINGS.get(uses, ()) if isinstance(uses, str) else tuple(uses)
    head = [{"item": "gridcells", "value": __version__},
            {"item": "torch", "value": torch.__version__},
            {"item": "Python", "value": platform.python_version()},
            {"item": "git commit", "value": f"`{git_commit()}`{_dirty()}"},
            {"item": "executed",
             "value": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")},
            {"item": "hardware", "value": hardware(cfg)},
            {"item": "params file", "value": f"`{Path(params_file).name}`"}]
    if _PAGE_STARTED:
        head.append({"item": "wall time of this page",
                     "value": f"{time.perf_counter() - _PAGE_STARTED[-1]:.0f} s"})
    params = [{"parameter": f"`{k}`", "value": f"`{v!r}`",
               "kind": "training" if k in TRAINING_FIELDS else "analysis"}
              for k, v in changed.items()]
    params += [{"parameter": f"`{k}`", "value": f"`{getattr(cfg, k)!r}`",
                "kind": "analysis (default)"} for k in uses if k not in changed]
    return ("**Provenance**\n\n" + markdown_table(head) +
            "\n\n**Parameters that differ from the original model's defaults, and the "
            "analysis settings this page uses**\n\n" + markdown_table(params))


def show_provenance(cfg: Config, params_file: str | Path, uses: tuple[str, ...] = ()) -> None:
    """Display the provenance (the last cell of a page: the wall time is then the page's);
    ``uses``: the analysis settings the page reads (see :func:`provenance`)."""
    from IPython.display import Markdown, display

    display(Markdown(provenance(cfg, params_file, uses).removeprefix("**Provenance**\n\n")))


def latest_rows(path: str | Path, key: str) -> list[dict]:
    """The newest row (last in the file) of every distinct ``key`` of a JSONL record, in
    order of first appearance; [] when the file does not exist."""
    latest: dict = {}
    for row in read_jsonl(path):
        latest[row[key]] = row
    return list(latest.values())


def recipe_search_table(path: str | Path) -> str:
    """The configurations tried for the CPU recipe (experiments/results/recipe_search.jsonl)."""
    rows = []
    for r in read_jsonl(path):
        rows.append({"base": Path(r["params"]).name, "changes": changes(r["overrides"]),
                     "steps": r["steps"],
                     "wall (s)": r["wall_s"], "error (cm)": r["err_cm"],
                     "> 0.3": r["frac_above_03"], "best-64": r["best64_mean"],
                     "map corr": r["map_corr"], "silent": r.get("frac_silent"),
                     "hex": r.get("hex_order"), "square": r.get("square_order"),
                     "stripe": r.get("stripe_order"), "meets": "yes" if r["meets"] else "no",
                     "hardware": r["hardware"], "note": r.get("note", "")})
    kept = [c for c in rows[0] if any(r[c] is not None for r in rows)] if rows else None
    return markdown_table(rows, kept)  # columns no row has (measured later) are left out


def lattice_table(path: str | Path) -> str:
    """The shared lattice of finished runs (experiments/results/lattice_*.jsonl, written by
    experiments/lattice_runs.py): the recipe's judgement and the hexagonal, square and
    stripe order."""
    return markdown_table([
        {"runs": r.get("label", ""), "seed": r["seed"], "arena": r["arena"],
         "trained on (steps)": r["sequence_length"], "error (cm)": r["err_cm"],
         "> 0.3": r["frac_above_03"], "best-64": r["best64_mean"], "hex order": r["hex_order"],
         "square order": r["square_order"], "stripe order": r.get("stripe_order"),
         "square at (deg)": r["square_deg"],
         "step-1000 hex": r["curve"][0]["hex_order"] if r["curve"] else None,
         "step-1000 square": r["curve"][0]["square_order"] if r["curve"] else None}
        for r in sorted(read_jsonl(path), key=lambda r: (r.get("label", ""), r["seed"]))])


def stages_table(card: dict) -> str:
    """The training stages of a shipped model (its card's ``stages``): what each changed."""
    keys = ("learning_rate", "lr_schedule", "weight_decay", "weight_decay_stop", "batch_size",
            "precision", "seed")
    return markdown_table([{"stage": k, "steps": s["steps"], "wall (s)": s["training_wall_s"],
                            **{key: s["config"][key] for key in keys}}
                           for k, s in enumerate(card["stages"], 1)])


def injected_names(namespace: dict) -> list[str]:
    """Names assigned by the cell papermill injects (its source begins ``# Parameters``),
    found in IPython's input history ``In`` of ``namespace`` (empty outside IPython)."""
    names = []
    for src in namespace.get("In") or []:
        if not (isinstance(src, str) and src.lstrip().startswith("# Parameters")):
            continue
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        names += [t.id for node in tree.body if isinstance(node, ast.Assign)
                  for t in node.targets if isinstance(t, ast.Name)]
    return names


def check_injected(namespace: dict) -> None:
    """ConfigError for a papermill parameter (``-p NAME VALUE``) that no notebook reads: a
    misspelt name would otherwise run silently with the default."""
    from gridcells.book.pipeline import NOTEBOOK_PARAMETERS

    known = FIELD_NAMES | NOTEBOOK_PARAMETERS
    for name in injected_names(namespace):
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"papermill parameter {name!r} is not a parameter of the "
                              f"notebooks{hint} (expected a config field or one of "
                              f"{sorted(NOTEBOOK_PARAMETERS)})")


_SELECTION: list = []  # the book's selection (gridcells.book.network), set by start_notebook


def selection():
    """The book's selection (:class:`gridcells.book.network.Selection`) the page's
    :func:`start_notebook` resolved; None for an unscreened book."""
    return _SELECTION[0] if _SELECTION else None


def show_network_notice() -> None:
    """Display, where the page analyses the shipped fallback instead of a network this build
    trained, the admonition that says so (nothing otherwise)."""
    from IPython.display import Markdown, display

    from gridcells.book.network import notice

    text = notice(_SELECTION[0]) if _SELECTION else ""
    if text:
        display(Markdown(text))


def start_notebook(params_file: str, run_dir: str | None, namespace: dict,
                   show: bool = True) -> tuple[Config, str]:
    """The opening of every results notebook: the config from the params file and the config
    names papermill injected into ``namespace`` (:func:`injected_names`; a notebook variable
    that merely shares a field's name overrides nothing), the run directory (default
    ``runs/<params file name>``), and the provenance shown as Markdown. A papermill
    parameter that is neither a config field nor ``params_file``/``run_dir`` is a
    ConfigError (see :func:`check_injected`). ``show=False`` leaves the provenance for
    :func:`show_provenance` at the end of the page."""
    from IPython.display import Markdown, display

    from gridcells.world.config import config_from_namespace

    check_injected(namespace)
    cfg = config_from_namespace(params_file, namespace, injected_names(namespace))
    run_dir = run_dir or f"runs/{Path(params_file).stem}"
    from gridcells.book.network import prepare, resolve

    prepare(cfg, run_dir, only_if_missing=True)  # a chapter opened alone makes its network
    cfg, run_dir, selection = resolve(cfg, run_dir)  # a screened book: its selection
    _SELECTION[:] = [selection]
    import time

    _PAGE_STARTED.append(time.perf_counter())
    if show:
        display(Markdown(provenance(cfg, params_file)))
    return cfg, run_dir
