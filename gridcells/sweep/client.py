"""Many runs of one params file on a Dask cluster, screened early by the shared lattice.

A sweep trains a set of seeds (or a grid of parameter overrides) of one params file, each in
its own run directory under one sweep folder::

    SWEEP/seed3/                      a run directory (see gridcells.training.loop) for seed 3
    SWEEP/learning_rate=0.002_seed3/  one point of an override grid (axes in the order given)
    SWEEP/sweep.jsonl                 the sweep table: one row per run per stage

A run directory made by ``gridcells train --params P --run-dir SWEEP/seed3 seed=3`` is the
same run: the sweep adopts it (resumes it if unfinished; a run already past the screening
step is measured there from its records, and judged if finished).

**Screening (successive halving).** Every run first trains to the screening step
(``ScreenRule.step``, default 3000: by then the lattice the units share is settled, training
chapter) and is measured there with the in-training measurement
(:class:`gridcells.analysis.evaluation.Evaluation` on the first ``eval_units`` units: hexagonal,
square and stripe order, share of units above grid score 0.3, decoding error). Only runs
that pass the rule continue to the end; the others keep their checkpoints and stop. The
default rule, :class:`ScreenRule`, is::

    hex_order >= 0.25  and  hex_order - max(square_order, stripe_order) >= 0.05

read off the step-3000 screens of recipe v3 (``experiments/results/lattice_odds.jsonl`` and
``lattice_seeds.jsonl``, 256 units): the seeds whose units share a hexagonal lattice had
hexagonal order 0.25-0.47, ahead of the square order (and of the stripe order, where it was
measured) by at least 0.09; the three undecided seeds had at most 0.19. A finished run is
judged as the recipe is (:func:`gridcells.analysis.evaluation.criteria_evaluation`: all units, 50
batches of the paper's 20-step paths): decoding error, share of units above 0.3, best-64
mean and whether it meets the recipe.

**Restartable.** Training is resumed from each run's last checkpoint, so a sweep stopped at
any moment (client or worker killed) and started again continues where its runs stopped
and skips what is done; the histories equal those of an uninterrupted sweep (as a resumed
single run's do). A verdict is recomputed from the recorded screening figures when the rule
changes, so a later call with a looser rule, or ``continue_all``, finishes stopped runs.
A run that fails (an exception, a diverged loss) is recorded as failed and does not stop
the others; the next call tries it again from its last checkpoint.

**One sweep per folder.** The client holds :class:`SweepLock` (an exclusive ``flock`` on
``SWEEP/.sweep.lock``, the run directories' lock of :mod:`gridcells.rundir.layout`) for the whole
sweep: a second sweep into the same folder is refused before it reads or writes anything,
naming the running one (process, host, start time). The kernel drops the lock when the
client ends, however it ends, so a killed sweep leaves no stale lock.

The table is written by the client only, each row appended by an atomic rewrite of the
file; :func:`read_sweep` reads it (one summary row per run, or every stage row).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from gridcells.rundir.layout import FolderLock
from gridcells.sweep.plan import (
    RunSpec,
    ScreenRule,
    SweepError,
    parse_grid,
    parse_seeds,
    plan_runs,
)
from gridcells.sweep.table import (
    TABLE,
    TORN,
    _append,
    _num,
    _stage_row,
    format_table,
    read_sweep,
    repair_table,
)
from gridcells.sweep.worker import (
    _step_or_zero,
    machine_cores,
    run_stage,
)
from gridcells.world.config import load_config


# ---- the client -----------------------------------------------------------------------------
class SweepLock(FolderLock):
    """One sweep per sweep folder: ``SWEEP/.sweep.lock``, held by the client for the whole
    sweep; the file records its process id, host and start time."""

    name = ".sweep.lock"
    user = "sweep"
    place = "sweep folder"
    error = SweepError

    def holder(self) -> str:
        started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"{os.getpid()} on {socket.gethostname()}, started {started}"


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
          dashboard: str | None = ":0", judge_batches: int = 50,
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
    workers' setting). dashboard: the local cluster's dashboard address (default ``":0"``,
    a free port, printed, so that a second cluster does not warn that 8787 is taken; None:
    no dashboard). judge_batches: batches of the final judgement; screen_only: stop every
    run at the screening step (a later call continues the ones that pass)."""
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
        row = _stage_row(spec[name], res, rule, params_s, cfgs[name].total_steps, overrides)
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

    # one sweep per folder: refused here, before anything is read or written, if another
    # sweep holds it; held until this one returns or raises
    with SweepLock(root):
        # what each run needs, from its run directory and the table (a torn last row is
        # set aside first: its run is then measured again, as one never recorded)
        previous, torn = repair_table(table)
        if torn is not None:
            run_s = f"run {torn.name!r}" if torn.name else "the run it recorded"
            again = "by this sweep" if torn.name in spec else "by a sweep that includes it"
            print(f"warning: {table}: line {torn.line} is torn ({torn.problem}; a crash or a "
                  f"full disk?): skipped, its text moved to {table.with_name(TORN)}; {run_s} "
                  f"is measured again {again}", file=sys.stderr, flush=True)
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
    p.add_argument("--dashboard", default=":0",
                   help="local cluster: dashboard address, e.g. :8787 (default :0, a free "
                        "port; the link is printed; needs bokeh)")
    p.add_argument("--judge-batches", type=int, default=50,
                   help="batches of 20-step paths in the final judgement (default 50)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.add_argument("overrides", nargs="*", metavar="key=value",
                   help="overrides for every run")


def run_cli(args) -> int:
    """``gridcells sweep``: the sweep of :func:`add_arguments`'s options; exit status 0 if
    every run finished or stopped, 1 if any failed."""
    from gridcells.world.params import parse_overrides

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
