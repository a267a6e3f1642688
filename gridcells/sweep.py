"""Many runs of one params file on a Dask cluster, screened early by the shared lattice.

A sweep trains a set of seeds (or a grid of parameter overrides) of one params file, each in
its own run directory under one sweep folder::

    SWEEP/seed3/                      a run directory (see gridcells.training) for seed 3
    SWEEP/learning_rate=0.002_seed3/  one point of an override grid (axes in the order given)
    SWEEP/sweep.jsonl                 the sweep table: one row per run per stage

A run directory made by ``gridcells train --params P --run-dir SWEEP/seed3 seed=3`` is the
same run: the sweep adopts it (resumes it if unfinished; a run already past the screening
step is measured there from its records, and judged if finished).

**Screening (successive halving).** Every run first trains to the screening step
(``ScreenRule.step``, default 3000: by then the lattice the units share is settled, training
chapter) and is measured there with the in-training measurement
(:class:`gridcells.evaluation.Evaluation` on the first ``eval_units`` units: hexagonal,
square and stripe order, share of units above grid score 0.3, decoding error). Only runs
that pass the rule continue to the end; the others keep their checkpoints and stop. The
default rule, :class:`ScreenRule`, is::

    hex_order >= 0.25  and  hex_order - max(square_order, stripe_order) >= 0.05

read off the step-3000 screens of recipe v3 (``experiments/results/lattice_odds.jsonl`` and
``lattice_seeds.jsonl``, 256 units): the seeds whose units share a hexagonal lattice had
hexagonal order 0.25-0.47, ahead of the square order (and of the stripe order, where it was
measured) by at least 0.09; the three undecided seeds had at most 0.19. A finished run is
judged as the recipe is (:func:`gridcells.evaluation.criteria_evaluation`: all units, 50
batches of the paper's 20-step paths): decoding error, share of units above 0.3, best-64
mean and whether it meets the recipe.

**Restartable.** Training is resumed from each run's last checkpoint, so a sweep stopped at
any moment (client or worker killed) and started again continues where its runs stopped
and skips what is done; the histories equal those of an uninterrupted sweep (as a resumed
single run's do). A verdict is recomputed from the recorded screening figures when the rule
changes, so a later call with a looser rule, or ``continue_all``, finishes stopped runs.
A run that fails (an exception, a diverged loss) is recorded as failed and does not stop
the others; the next call tries it again from its last checkpoint.

The table is written by the client only, each row appended by an atomic rewrite of the
file; :func:`read_sweep` reads it (one summary row per run, or every stage row).
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import json
import os
import platform
import re
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from .checkpoints import atomic_write_text, latest_checkpoint
from .config import Config, config_from_dict, load_config, parse_value

TABLE = "sweep.jsonl"
SCREEN_KEYS = ("err_cm", "frac_above_03", "best64_mean", "hex_order", "square_order",
               "stripe_order", "frac_silent", "map_corr", "n_units")
FINAL_KEYS = ("err_cm", "frac_above_03", "best64_mean", "best_score", "median_score",
              "map_corr", "frac_silent", "hex_order", "square_order", "stripe_order", "n_units")


class SweepError(ValueError):
    """A sweep cannot be set up as asked (bad seeds, grid, rule or sweep folder)."""


# ---- what to run ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ScreenRule:
    """When a run continues past the screening step.

    step: the screening step (a multiple of the runs' ``n_steps``; 0 or at least the runs'
    total steps: no screening, every run trains to the end); min_hex: the least hexagonal
    order; min_margin: the least lead of the hexagonal order over the larger of the square
    and stripe orders (a shared band orientation raises all three); continue_all: every run
    continues whatever its figures (the verdict by the rule is still recorded)."""

    step: int = 3000
    min_hex: float = 0.25
    min_margin: float = 0.05
    continue_all: bool = False

    def __post_init__(self):
        if not isinstance(self.step, int) or self.step < 0:
            raise SweepError(f"screen step: expected an integer >= 0, got {self.step!r}")
        for name in ("min_hex", "min_margin"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not np.isfinite(value):
                raise SweepError(f"{name}: expected a finite number, got {value!r}")

    def passes(self, figures: dict[str, float]) -> bool:
        """Whether screening figures (a row with hex_order, square_order and optionally
        stripe_order) pass; a missing or NaN order fails."""
        hexa = figures.get("hex_order", float("nan"))
        others = [figures.get(k) for k in ("square_order", "stripe_order")]
        others = [v for v in others if v is not None and np.isfinite(v)]
        if not np.isfinite(hexa) or not others:
            return False
        return bool(hexa >= self.min_hex and hexa - max(others) >= self.min_margin)

    def describe(self) -> str:
        """The rule in words, for the progress display and the book."""
        if self.continue_all:
            return f"every run continues past step {self.step} (continue_all)"
        return (f"continue past step {self.step} if hex_order >= {self.min_hex:g} and "
                f"hex_order - max(square_order, stripe_order) >= {self.min_margin:g}")

    def row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: its folder name under the sweep folder and its overrides of the
    params file (``seed`` included)."""

    name: str
    overrides: dict[str, Any]


def parse_seeds(text: str) -> list[int]:
    """``"0-7"`` -> [0..7]; ``"0,3,5"``; ``"0-3,8"``. Seeds are non-negative integers; each
    appears once, in the order given."""
    seeds: list[int] = []
    for part in str(text).split(","):
        m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if not m:
            raise SweepError(f"seeds: cannot read {part.strip()!r} in {text!r}; expected "
                             "integers and ranges like 0-7 or 0,3,5")
        lo, hi = int(m[1]), int(m[2] if m[2] is not None else m[1])
        if hi < lo:
            raise SweepError(f"seeds: range {part.strip()!r} runs backwards; expected lo-hi")
        seeds += [s for s in range(lo, hi + 1) if s not in seeds]
    return seeds


def parse_grid(items: list[str]) -> dict[str, list[Any]]:
    """``["learning_rate=1e-3,2e-3", "Ng=256,512"]`` -> {name: [values]} (each value read with
    YAML rules, as a ``key=value`` override is); the axes keep the order given."""
    grid: dict[str, list[Any]] = {}
    for item in items:
        if "=" not in item:
            raise SweepError(f"grid {item!r}: expected key=value1,value2,...")
        key, text = (s.strip() for s in item.split("=", 1))
        if key == "seed":
            raise SweepError("grid: give seeds with --seeds (seeds=...), not as a grid axis")
        if key in grid:
            raise SweepError(f"grid: {key!r} given twice")
        values = [parse_value(key, v.strip()) for v in text.split(",")]
        if not text.strip() or any(v is None and t.strip() == "" for v, t in
                                   zip(values, text.split(","))):
            raise SweepError(f"grid {item!r}: an empty value; expected key=value1,value2,...")
        grid[key] = values
    return grid


def _fmt(value: Any) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return re.sub(r"[^A-Za-z0-9.+-]", "-", text)


def plan_runs(seeds: list[int], grid: dict[str, list[Any]] | None = None) -> list[RunSpec]:
    """Every combination of the grid's values with every seed, named readably and
    deterministically: ``seed3`` without a grid, ``learning_rate=0.002_Ng=256_seed3`` with
    one (grid axes in the order given, then the seed)."""
    grid = grid or {}
    if not seeds:
        raise SweepError("seeds: expected at least one seed")
    runs = []
    for values in itertools.product(*grid.values()):
        point = dict(zip(grid, values))
        for seed in seeds:
            name = "_".join([f"{k}={_fmt(v)}" for k, v in point.items()] + [f"seed{seed}"])
            runs.append(RunSpec(name, {**point, "seed": seed}))
    names = [r.name for r in runs]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise SweepError(f"grid: two points share the folder name {dup!r}; expected "
                         "distinct values")
    return runs


# ---- the work of one stage, on a worker -----------------------------------------------------
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_cores() -> int:
    """CPU cores this process may use (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def hardware(device, threads: int) -> str:
    """One line: CPU model and cores, the torch threads of a training, its device."""
    dev = str(device)
    if getattr(device, "type", dev) == "cuda":
        import torch
        dev = torch.cuda.get_device_name(device)
    return f"{_cpu_model()} ({machine_cores()} cores), {threads} torch threads, {dev}"


def run_step(run_dir: str | Path, cfg: Config) -> int:
    """Training step of a run directory's newest checkpoint (0 if none)."""
    ckpt = latest_checkpoint(run_dir)
    return 0 if ckpt is None else int(ckpt.name.split("_")[1]) * cfg.n_steps


def _step_or_zero(run_dir: Path, cfg: Config) -> int:
    try:
        return run_step(run_dir, cfg)
    except (OSError, ValueError, IndexError):  # an unreadable checkpoint folder
        return 0


def screen_figures(run_dir: str | Path, cfg: Config, step: int) -> dict[str, float]:
    """The in-training measurement of a run at ``step``: its ``gridness.csv`` row there, or,
    when the run did not measure at that step, the same measurement (``eval_units`` units,
    ``eval_batches`` batches of the run's evaluation paths) of that epoch's stored weights."""
    from .checkpoints import load_model
    from .evaluation import evaluate
    from .training import read_csv

    rows = [r for r in read_csv(Path(run_dir) / "gridness.csv") if int(r["step"]) == step]
    if rows:
        return rows[-1]
    ckpt = Path(run_dir) / "checkpoints" / f"epoch_{step // cfg.n_steps:04d}"
    model = load_model(ckpt / "model.safetensors", device="cpu")
    ev, _, _ = evaluate(model, cfg.eval_batches, np.arange(min(cfg.eval_units, cfg.Ng)))
    return {"step": float(step), **ev.row()}


def run_stage(config: dict[str, Any], run_dir: str, stage: str, screen_step: int,
              judge_batches: int, threads: int | None) -> dict[str, Any]:
    """Train one run to its screening step (``stage="screen"``) or to the end
    (``"final"``), resuming its last checkpoint, then measure it. Runs on a Dask worker.

    config: the run's resolved :class:`Config` as a dict; threads: torch (and BLAS) threads
    for this task (None: leave the process's setting). Returns a dict: stage, step reached,
    train_s (the run's training time so far, s), wall_s (this task, s), hardware, commit,
    and the figures (screen: the in-training measurement at the screening step; final: the
    recipe's judgement, ``meets``); on failure ``error`` instead of figures. Never raises
    for a failure of the run itself."""
    import torch
    from threadpoolctl import threadpool_limits

    from .evaluation import criteria_evaluation
    from .training import Trainer, git_commit, resolve_device

    t0 = time.perf_counter()
    cfg = config_from_dict(config)
    run_dir_p = Path(run_dir)
    old_threads = torch.get_num_threads()
    out: dict[str, Any] = {"stage": stage, "commit": git_commit()}
    limits = threadpool_limits(threads) if threads else contextlib.nullcontext()
    try:
        with limits:
            if threads:
                torch.set_num_threads(threads)
            out["hardware"] = hardware(resolve_device(cfg.device), torch.get_num_threads())
            trainer = Trainer(cfg, run_dir_p, "auto", progress=False)
            trainer.run(screen_step if stage == "screen" else None)  # on a checkpoint
            out["step"] = trainer.step
            out["train_s"] = round(trainer.elapsed, 3)
            if stage == "screen":
                out["figures"] = screen_figures(run_dir_p, cfg, screen_step)
            else:
                ev, _, _ = criteria_evaluation(trainer.model, judge_batches)
                out["figures"] = {**ev.row(), "meets": ev.meets_recipe()}
    except Exception as exc:  # the run failed: recorded, the sweep goes on
        out["error"] = f"{type(exc).__name__}: {exc}"
        out["step"] = _step_or_zero(run_dir_p, cfg)
    finally:
        if threads:
            torch.set_num_threads(old_threads)
    out["wall_s"] = round(time.perf_counter() - t0, 3)
    return out


# ---- the sweep table ------------------------------------------------------------------------
def _table_path(path: str | Path) -> Path:
    path = Path(path)
    return path / TABLE if path.is_dir() or path.suffix != ".jsonl" else path


def read_sweep(path: str | Path, stages: bool = False) -> list[dict[str, Any]]:
    """The sweep table of a sweep folder (or its ``sweep.jsonl``).

    stages=True: every row as written (one per run per stage: ``stage`` is screen, final or
    failed). Default: one row per run, in the order first seen, with keys name, seed,
    overrides, status (finished, stopped, continuing, failed), verdict (the screening
    verdict: continue or stop; None if not screened), passes_rule, screen_step,
    ``screen_<figure>`` (the in-training measurement at the screening step), step (the
    furthest step recorded), the final judgement (err_cm (cm), frac_above_03, best64_mean,
    map_corr, meets; None until finished), wall_s (the stages' task times summed, s),
    train_s (the run's own training time, s), hardware, commit and error (the last failure,
    None if the run has since succeeded)."""
    table = _table_path(path)
    if not table.is_file():
        raise SweepError(f"sweep table {str(table)!r} not found; expected a sweep folder made "
                         "by gridcells sweep, or its sweep.jsonl")
    rows = _rows(table)
    if stages:
        return rows
    runs: dict[str, dict[str, Any]] = {}
    for r in rows:
        s = runs.setdefault(r["name"], {
            "name": r["name"], "seed": r.get("seed"), "overrides": r.get("overrides"),
            "status": None, "verdict": None, "passes_rule": None, "screen_step": None,
            **{f"screen_{k}": None for k in SCREEN_KEYS}, "step": 0,
            "err_cm": None, "frac_above_03": None, "best64_mean": None, "map_corr": None,
            "meets": None, "wall_s": 0.0, "train_s": None, "hardware": None, "commit": None,
            "error": None})
        s["wall_s"] = round(s["wall_s"] + r.get("wall_s", 0.0), 3)
        s["step"] = max(s["step"], r.get("step", 0))
        for key in ("train_s", "hardware", "commit"):
            if r.get(key) is not None:
                s[key] = r[key]
        if r["stage"] == "failed":
            s["status"], s["error"] = "failed", r.get("error")
            continue
        s["error"] = None
        if r["stage"] == "screen":
            s.update(verdict=r["verdict"], passes_rule=r["passes_rule"],
                     screen_step=r["screen_step"],
                     **{f"screen_{k}": r.get(k) for k in SCREEN_KEYS})
            s["status"] = "continuing" if r["verdict"] == "continue" else "stopped"
        elif r["stage"] == "final":
            s.update({k: r.get(k) for k in ("err_cm", "frac_above_03", "best64_mean",
                                             "map_corr", "meets")})
            s["status"] = "finished"
    return list(runs.values())


def _rows(table: Path) -> list[dict[str, Any]]:
    """Every row of a sweep table (none if the file does not exist yet)."""
    if not table.is_file():
        return []
    return [json.loads(line) for line in table.read_text().splitlines() if line.strip()]


def _num(value) -> float:
    return float("nan") if value is None else float(value)


def _append(table: Path, row: dict[str, Any]) -> None:
    """Append one row to the table by an atomic rewrite (a crash leaves the old or the new
    file, never half a line)."""
    old = table.read_text() if table.is_file() else ""
    atomic_write_text(table, old + json.dumps(row, allow_nan=True) + "\n")


def _stage_row(spec: RunSpec, res: dict[str, Any], rule: ScreenRule, params: str | None,
               total: int) -> dict[str, Any]:
    base = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "name": spec.name, "seed": spec.overrides.get("seed"),
            "overrides": spec.overrides, "params": params, "total_steps": total}
    keep = {k: res.get(k) for k in ("step", "train_s", "wall_s", "hardware", "commit")}
    if "error" in res:
        return {**base, "stage": "failed", "during": res["stage"], **keep,
                "error": res["error"]}
    fig = res["figures"]
    if res["stage"] == "screen":
        passes = rule.passes(fig)
        return {**base, "stage": "screen", **keep, "screen_step": rule.step,
                **{k: fig.get(k) for k in SCREEN_KEYS}, "passes_rule": passes,
                "verdict": "continue" if passes or rule.continue_all else "stop",
                "rule": rule.row()}
    return {**base, "stage": "final", **keep, **{k: fig.get(k) for k in FINAL_KEYS},
            "meets": bool(fig["meets"])}


# ---- the client -----------------------------------------------------------------------------
@contextlib.contextmanager
def _connect(client, scheduler: str | None, workers: int | None, threads: int | None,
             processes: bool, dashboard: str | None):
    """(client, torch threads per task, description) for a given client, a scheduler
    address, or a new LocalCluster of ``workers`` single-task workers."""
    from distributed import Client, LocalCluster

    if client is not None:
        yield client, threads, "the given client"
        return
    if scheduler is not None:
        try:
            c = Client(scheduler)
        except (OSError, ValueError, TypeError) as exc:
            raise SweepError(f"scheduler {scheduler!r}: cannot connect ({exc}); expected the "
                             "address of a running Dask scheduler, e.g. tcp://host:8786"
                             ) from None
        with c:
            n = len(c.scheduler_info().get("workers", {}))
            yield c, threads or 1, f"scheduler {scheduler} (workers now: {n})"
        return
    cores = machine_cores()
    workers = workers or max(1, cores // (threads or 1))
    threads = threads or max(1, cores // workers)
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                      dashboard_address=dashboard) as cluster, Client(cluster) as c:
        kind = "worker processes" if processes else "in-process workers"
        yield c, threads, (f"local cluster: {workers} {kind} x {threads} torch "
                           f"thread{'s' * (threads > 1)} ({cores} cores)")


def sweep(params: str | Path | None, sweep_dir: str | Path, runs: list[RunSpec],
          overrides: dict[str, Any] | None = None, rule: ScreenRule | None = None, *,
          client=None, scheduler: str | None = None, workers: int | None = None,
          threads: int | None = None, processes: bool = True,
          dashboard: str | None = ":8787", judge_batches: int = 50,
          screen_only: bool = False, progress: bool = True) -> list[dict[str, Any]]:
    """Train ``runs`` of ``params`` (+ ``overrides``) into ``sweep_dir/<run.name>``, screened
    by ``rule`` (default :class:`ScreenRule`), on Dask; returns :func:`read_sweep`'s rows of
    these runs, in their order.

    Where: ``client`` (a ``distributed.Client``, left open), else ``scheduler`` (an address,
    e.g. ``tcp://host:8786``), else a new ``LocalCluster`` of ``workers`` worker processes
    (default: the machine's cores // ``threads``) running one training each with ``threads``
    torch threads (default: cores // workers), so trainings do not oversubscribe the cores;
    ``processes=False`` runs the workers as threads of this process. ``threads`` is also
    used with a scheduler or client (default 1 there; None with a client: leave the
    workers' setting). judge_batches: batches of the final judgement; screen_only: stop
    every run at the screening step (a later call continues the ones that pass)."""
    rule = ScreenRule() if rule is None else rule
    for key, value in (("judge_batches", judge_batches), ("workers", workers),
                       ("threads", threads)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or value < 1):
            raise SweepError(f"{key}: expected an integer >= 1, got {value!r}")
    if len({r.name for r in runs}) != len(runs) or not runs:
        raise SweepError("runs: expected at least one run, each with its own name")
    overrides = dict(overrides or {})
    cfgs = {r.name: load_config(params, **{**overrides, **r.overrides}) for r in runs}
    screens = {n: 0 < rule.step < c.total_steps for n, c in cfgs.items()}
    for name, cfg in cfgs.items():
        if screens[name] and rule.step % cfg.n_steps:
            raise SweepError(f"screen step: expected a multiple of n_steps ({cfg.n_steps}) "
                             f"so that runs stop on a checkpoint, got {rule.step}")
    root = Path(sweep_dir)
    table = root / TABLE
    say = print if progress else (lambda *a, **k: None)
    params_s = None if params is None else str(params)
    spec = {r.name: r for r in runs}
    counts = {"screened": 0, "continued": 0, "stopped": 0, "finished": 0, "failed": 0,
              "done": 0}

    def status() -> str:
        return (f"[screened {counts['screened']}/{sum(screens.values())}, continued "
                f"{counts['continued']}, stopped {counts['stopped']}, finished "
                f"{counts['finished']}, failed {counts['failed']}; {counts['done']}/"
                f"{len(runs)} runs done]")

    def goes_on(name: str, verdict: str, step: int) -> bool:
        """After screening: continue by the verdict, or judge a run already trained to the
        end (before this sweep screened it) whatever the verdict."""
        return (verdict == "continue" and not screen_only) or step >= cfgs[name].total_steps

    def record(name: str, res: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Append a stage's row, report it; returns (row, whether the final stage follows)."""
        row = _stage_row(spec[name], res, rule, params_s, cfgs[name].total_steps)
        _append(table, row)
        go = False
        if row["stage"] == "failed":
            counts["failed"] += 1
            counts["done"] += 1
            say(f"{name}: FAILED during {row['during']} at step {row['step']}: "
                f"{row['error']} {status()}", flush=True)
        elif row["stage"] == "screen":
            counts["screened"] += 1
            go = goes_on(name, row["verdict"], row["step"])
            counts["continued" if row["verdict"] == "continue" else "stopped"] += 1
            counts["done"] += not go
            say(f"{name}: step {rule.step}: hex {_num(row['hex_order']):.3f} square "
                f"{_num(row['square_order']):.3f} stripe {_num(row['stripe_order']):.3f} "
                f">0.3 {_num(row['frac_above_03']):.0%} err {_num(row['err_cm']):.1f} cm -> "
                f"{row['verdict']} {status()}", flush=True)
        else:
            counts["finished"] += 1
            counts["done"] += 1
            say(f"{name}: finished step {row['step']}: {row['err_cm']:.2f} cm, >0.3 "
                f"{row['frac_above_03']:.0%}, best-64 {row['best64_mean']:.2f}, meets "
                f"recipe: {row['meets']} {status()}", flush=True)
        return row, go

    # what each run needs, from its run directory and the table
    previous = _rows(table)
    todo: list[tuple[str, str]] = []  # (name, first stage to submit)
    for run in runs:
        name, cfg = run.name, cfgs[run.name]
        done_final = any(r["name"] == name and r["stage"] == "final"
                         and r.get("step") == cfg.total_steps for r in previous)
        if done_final:
            counts["done"] += 1
            counts["finished"] += 1
            continue
        if not screens[name]:
            todo.append((name, "final"))
            continue
        old = [r for r in previous if r["name"] == name and r["stage"] == "screen"
               and r.get("screen_step") == rule.step]
        if old:  # judged before: the verdict follows from the recorded figures
            last = old[-1]
            verdict = "continue" if rule.passes(last) or rule.continue_all else "stop"
            counts["screened"] += 1
            if verdict != last["verdict"] or last.get("rule") != rule.row():
                row = {**last, "time": datetime.now(timezone.utc).isoformat(
                    timespec="seconds"), "verdict": verdict, "passes_rule": rule.passes(last),
                       "rule": rule.row(), "wall_s": 0.0, "note": "judged again"}
                _append(table, row)
            counts["continued" if verdict == "continue" else "stopped"] += 1
            if goes_on(name, verdict, _step_or_zero(root / name, cfg)):
                todo.append((name, "final"))
            else:
                counts["done"] += 1
            continue
        todo.append((name, "screen"))  # trained or not: measured at the screening step

    with _connect(client, scheduler, workers, threads, processes, dashboard) as (c, nthr, how):
        board = c.dashboard_link if importlib.util.find_spec("bokeh") else \
            f"{c.dashboard_link} (served once bokeh is installed)"
        say(f"sweep {root}: {len(runs)} runs of {params_s} on {how}; dashboard {board}",
            flush=True)
        if any(screens.values()):
            say(f"screening rule: {rule.describe()}"
                f"{' (screening only)' if screen_only else ''}", flush=True)
        say(f"to do: {len(todo)} runs; already done: {counts['done']} {status()}", flush=True)
        from distributed import as_completed

        token = f"{time.time_ns():x}"

        def submit(name: str, stage: str):
            fut = c.submit(run_stage, cfgs[name].to_dict(), str(root / name), stage,
                           rule.step, judge_batches, nthr, key=f"{stage}-{name}-{token}",
                           pure=False, priority=1 if stage == "screen" else 0)
            owner[fut.key] = (name, stage)
            return fut

        owner: dict[str, tuple[str, str]] = {}
        queue = as_completed([submit(n, s) for n, s in todo])
        for fut in queue:
            name, stage = owner.pop(fut.key)
            try:
                res = fut.result()
            except Exception as exc:  # e.g. KilledWorker: a worker died on this run
                res = {"stage": stage, "error": f"{type(exc).__name__}: {exc}",
                       "step": _step_or_zero(root / name, cfgs[name])}
            _, go = record(name, res)
            if go:
                queue.add(submit(name, "final"))
            fut.release()
    by_name = {r["name"]: r for r in (read_sweep(table) if table.is_file() else [])}
    rows = [by_name[r.name] for r in runs if r.name in by_name]
    say(format_table(rows), flush=True)
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    """The summary rows of :func:`read_sweep` as a fixed-width text table."""
    def f(v, fmt):
        width = int(fmt.split(".")[0])
        return "-".rjust(width) if v is None else format(v, fmt)

    lines = [f"{'run':28s} {'status':10s} {'hex':>5s} {'sq':>5s} {'strp':>5s} "
             f"{'err cm':>7s} {'>0.3':>5s} {'best64':>6s} {'meets':>5s} {'wall s':>7s}"]
    for r in rows:
        meets = "-" if r["meets"] is None else ("yes" if r["meets"] else "no")
        lines.append(f"{r['name']:28s} {r['status'] or '-':10s} "
                     f"{f(r['screen_hex_order'], '5.2f')} {f(r['screen_square_order'], '5.2f')} "
                     f"{f(r['screen_stripe_order'], '5.2f')} {f(r['err_cm'], '7.2f')} "
                     f"{f(r['frac_above_03'], '5.2f')} {f(r['best64_mean'], '6.2f')} "
                     f"{meets:>5s} {r['wall_s']:7.1f}")
    return "\n".join(lines)


# ---- command line ---------------------------------------------------------------------------
def add_arguments(p) -> None:
    """The options of ``gridcells sweep`` (an argparse parser)."""
    p.add_argument("--params", help="params YAML file (keys override the defaults)")
    p.add_argument("--sweep-dir", required=True,
                   help="sweep folder: one run directory per run, and sweep.jsonl")
    p.add_argument("--seeds", default="0", help="seeds: 0-7, 0,3,5 or 0-3,8 (default 0)")
    p.add_argument("--grid", action="append", default=[], metavar="KEY=V1,V2",
                   help="a grid axis of overrides (repeatable; every combination x seeds)")
    p.add_argument("--screen-step", type=int, default=ScreenRule.step,
                   help=f"screening step (default {ScreenRule.step}; 0: no screening)")
    p.add_argument("--min-hex", type=float, default=ScreenRule.min_hex,
                   help=f"rule: least hexagonal order (default {ScreenRule.min_hex})")
    p.add_argument("--min-margin", type=float, default=ScreenRule.min_margin,
                   help="rule: least lead of the hexagonal order over the square and stripe "
                        f"orders (default {ScreenRule.min_margin})")
    p.add_argument("--continue-all", action="store_true",
                   help="every screened run continues to the end (stopped ones too)")
    p.add_argument("--screen-only", action="store_true",
                   help="stop every run at the screening step")
    p.add_argument("--scheduler", help="address of a running Dask scheduler (tcp://host:8786);"
                   " default: a local cluster")
    p.add_argument("--workers", type=int,
                   help="local cluster: worker processes (default: cores // threads)")
    p.add_argument("--threads", type=int,
                   help="torch threads per training (default: cores // workers locally, 1 "
                        "with --scheduler)")
    p.add_argument("--in-process", action="store_true",
                   help="local cluster: workers are threads of this process (debugging)")
    p.add_argument("--dashboard", default=":8787",
                   help="local cluster: dashboard address (default :8787; needs bokeh)")
    p.add_argument("--judge-batches", type=int, default=50,
                   help="batches of 20-step paths in the final judgement (default 50)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.add_argument("overrides", nargs="*", metavar="key=value",
                   help="overrides for every run")


def run_cli(args) -> int:
    """``gridcells sweep``: the sweep of :func:`add_arguments`'s options; exit status 0 if
    every run finished or stopped, 1 if any failed."""
    from .config import parse_overrides

    rule = ScreenRule(args.screen_step, args.min_hex, args.min_margin, args.continue_all)
    overrides = parse_overrides(args.overrides)
    if "seed" in overrides:
        raise SweepError("seed: give seeds with --seeds, not as an override")
    runs = plan_runs(parse_seeds(args.seeds), parse_grid(args.grid))
    rows = sweep(args.params, args.sweep_dir, runs, overrides, rule,
                 scheduler=args.scheduler, workers=args.workers, threads=args.threads,
                 processes=not args.in_process, dashboard=args.dashboard,
                 judge_batches=args.judge_batches, screen_only=args.screen_only,
                 progress=not args.quiet)
    names = {r.name for r in runs}
    return 1 if any(r["status"] == "failed" for r in rows if r["name"] in names) else 0
