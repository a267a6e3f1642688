"""The book's network: seeds screened in a fixed order, the first that succeeds finished.

Whether a run of the CPU recipe grows hexagonal grid cells is decided early by the whole
population (training chapter), and bf16 kernels differ between CPU types, so the same seed
can lean hexagonal on one machine and square on another. The book therefore does not stake
itself on one seed. With ``screen_seeds`` set, :func:`select_book_network`:

1. screens the seeds in the order given, ``workers`` at a time, each to ``screen_step`` with
   the sweep's own rule (:class:`gridcells.sweep.plan.ScreenRule`: the lattice its units
   share), as :func:`gridcells.sweep.client.sweep` does (the folder is a sweep folder);
2. finishes the first seed, in that order, that passes, and judges it as the recipe is
   judged; if it does not meet the recipe it screens on;
3. stops at the first seed that leans hexagonal and meets the recipe, or after
   ``screen_max`` screens. If none succeeded, the book analyses the shipped network
   ``screen_fallback`` instead, and every page says so.

The outcome is written to ``<folder>/book_network.json`` (:class:`Selection`), which every
chapter reads through :func:`resolve` to find the network it analyses. Without
``screen_seeds`` the book trains ``seed`` alone, unscreened (the smoke book does).

Folder layout (``runs/default`` for ``params/default.yaml``)::

    runs/default/sweep.jsonl          the sweep table of every screen and final stage
    runs/default/seed0/ ...           one run directory per screened seed
    runs/default/fallback/            the shipped fallback, installed as a run directory
    runs/default/book_network.json    the selection
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gridcells.stats import wilson_interval
from gridcells.world.config import TRAINING_FIELDS, Config, config_from_dict
from gridcells.world.params import ConfigError

SELECTION = "book_network.json"


@dataclass
class Selection:
    """What the book analyses and why.

    screens: one row per screened seed, in screening order (seed, hex_order, square_order,
    stripe_order, frac_above_03 and err_cm at the screen, verdict, and, for finished seeds,
    the final err_cm_final, frac_above_03_final, best64_mean and meets); chosen: the seed of
    the book's network, or None; fallback: the shipped network analysed instead (None when a
    seed was chosen); rule: the screening rule in words; screen_max: the budget of screens;
    hardware: the machine that screened."""

    screens: list[dict[str, Any]] = field(default_factory=list)
    chosen: int | None = None
    fallback: str | None = None
    rule: str = ""
    screen_max: int = 0
    screen_step: int = 0
    hardware: str | None = None

    def save(self, folder: str | Path) -> Path:
        path = Path(folder) / SELECTION
        path.parent.mkdir(parents=True, exist_ok=True)
        from gridcells.rundir.layout import atomic_write_text

        atomic_write_text(path, json.dumps(asdict(self), indent=1))
        return path

    @classmethod
    def load(cls, folder: str | Path) -> Selection:
        path = Path(folder) / SELECTION
        try:
            return cls(**json.loads(path.read_text()))
        except FileNotFoundError:
            raise ConfigError(f"{path}: no selection of the book's network; expected "
                              "gridcells book (or select_book_network) to have run "
                              "first") from None
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"{path}: unreadable selection ({exc}); expected the JSON "
                              "written by select_book_network; delete it to screen "
                              "again") from None


def screens_for_risk(p_success: float, risk: float = 0.01) -> int:
    """The fewest screens K with (1 - p_success)^K below ``risk``: the chance that none of K
    independent seeds succeeds, each with probability ``p_success``."""
    if not 0 < p_success <= 1 or not 0 < risk < 1:
        raise ValueError(f"p_success in (0, 1] and risk in (0, 1) expected, got {p_success}, "
                         f"{risk}")
    if p_success == 1:
        return 1
    return max(1, math.ceil(math.log(risk) / math.log(1 - p_success)))


def success_odds(screen_rows: list[dict], finished_rows: list[dict]) -> dict[str, float]:
    """The odds that one seed of the recipe succeeds (leans hexagonal at the screen, then
    meets the recipe), from recorded screens (rows with ``passes``: bool) and finished runs
    that passed the screen (rows with ``meets``: bool). Returns the share that pass the
    screen with its Wilson interval, the share of those that meet, and their product
    (``p``) with the product of the interval ends (``p_lo``, ``p_hi``: a conservative
    range)."""
    n, k = len(screen_rows), sum(bool(r["passes"]) for r in screen_rows)
    m, j = len(finished_rows), sum(bool(r["meets"]) for r in finished_rows)
    if not n or not m:
        raise ValueError("success_odds: expected at least one screen and one finished run")
    lo, hi = wilson_interval(k, n)
    mlo, mhi = wilson_interval(j, m)
    return {"screens": n, "pass": k, "pass_share": k / n, "pass_lo": lo, "pass_hi": hi,
            "finished": m, "meet": j, "meet_share": j / m, "p": k / n * j / m,
            "p_lo": lo * mlo, "p_hi": hi * mhi}


def build_time(p: float, k_max: int, screen_s: float, finish_s: float, workers: int,
               rest_s: float) -> dict[str, float]:
    """Expected and worst-case time (s) of a book build whose network is screened: seeds
    succeed independently with probability ``p`` (per seed: screen passed and recipe met),
    screened ``workers`` at a time (one batch: ``screen_s``), the first success finished
    (``finish_s``), then the chapters (``rest_s``). Finishing a seed that passes the screen
    but fails the recipe is ignored (it adds ``finish_s`` per such seed). worst: all
    ``k_max`` screens."""
    batches = math.ceil(k_max / workers)
    q = 1 - p
    # expected batches: sum over b of P(no success in the first b batches), capped at k_max
    exp_batches = sum(q ** (workers * b) for b in range(batches))
    return {"expected_s": exp_batches * screen_s + finish_s + rest_s,
            "worst_s": batches * screen_s + finish_s + rest_s, "batches_max": batches,
            "expected_batches": exp_batches}


def _screen_row(run: dict[str, Any]) -> dict[str, Any]:
    return {"seed": run["seed"], "name": run["name"],
            **{k: run.get(f"screen_{k}") for k in ("hex_order", "square_order", "stripe_order",
                                                  "frac_above_03", "err_cm")},
            "verdict": run["verdict"], "status": run["status"],
            "err_cm_final": run["err_cm"] if run["status"] == "finished" else None,
            "frac_above_03_final": run["frac_above_03"] if run["status"] == "finished"
            else None,
            "best64_mean": run["best64_mean"], "meets": run["meets"], "wall_s": run["wall_s"],
            "hardware": run["hardware"]}


def select_book_network(cfg: Config, folder: str | Path, workers: int | None = None,
                        progress: bool = True, rule=None) -> Selection:
    """Screen ``cfg.screen_seeds`` in order (``workers`` at a time, one torch thread each;
    default: the machine's cores, at most 2) into the sweep folder ``folder``, finish the
    first that passes, and stop at the first that meets the recipe or after
    ``cfg.screen_max`` screens; falls back to ``cfg.screen_fallback``. Resumable: screens and
    finished runs already in the folder are read back, not repeated. Returns and saves the
    :class:`Selection`. rule: the screening rule (default: the sweep's,
    ``ScreenRule(cfg.screen_step)``)."""
    from gridcells.sweep.client import sweep
    from gridcells.sweep.plan import RunSpec, ScreenRule, parse_seeds
    from gridcells.sweep.table import read_sweep
    from gridcells.sweep.worker import machine_cores

    if cfg.screen_seeds is None:
        raise ConfigError("screen_seeds: expected the seeds to screen (e.g. 0,10,12); the "
                          "unscreened book trains seed alone")
    seeds = parse_seeds(cfg.screen_seeds)[:cfg.screen_max]
    rule = rule or ScreenRule(cfg.screen_step)
    if not 0 < rule.step < cfg.total_steps or rule.step % cfg.n_steps:
        raise ConfigError(f"screen_step: expected a multiple of n_steps ({cfg.n_steps}) below "
                          f"the total steps ({cfg.total_steps}), got {rule.step}")
    workers = workers or max(1, min(2, machine_cores()))
    base = {k: v for k, v in cfg.to_dict().items() if k != "seed"}
    say = print if progress else (lambda *a, **k: None)
    folder = Path(folder)
    chosen = None

    def runs_of(ss):
        return [RunSpec(f"seed{s}", {"seed": s}) for s in ss]

    def summary() -> dict[int, dict]:
        table = folder / "sweep.jsonl"
        return {r["seed"]: r for r in read_sweep(table)} if table.is_file() else {}

    done = 0
    while done < len(seeds) and chosen is None:
        batch = seeds[done:done + workers]
        done += len(batch)
        say(f"book network: screening seeds {batch} ({done} of at most {len(seeds)})",
            flush=True)
        rows = summary()
        todo = [s for s in batch if rows.get(s, {}).get("verdict") is None]
        if todo:  # screened before (a resumed build): read back, not repeated
            sweep(None, folder, runs_of(todo), base, rule, workers=len(todo), threads=1,
                  screen_only=True, progress=progress, dashboard=None)
            rows = summary()
        for s in batch:  # in the fixed order: finish each that passes until one meets
            if s not in rows or rows[s]["verdict"] != "continue":
                continue
            if rows[s]["status"] != "finished":
                say(f"book network: seed {s} leans hexagonal; training it to the end",
                    flush=True)
                sweep(None, folder, runs_of([s]), base, rule, workers=1,
                      threads=max(1, machine_cores()), progress=progress, dashboard=None)
                rows = summary()
            if rows[s]["meets"]:
                chosen = s
                break
    rows = summary()
    screens = [_screen_row(rows[s]) for s in seeds[:done] if s in rows]
    hw = next((r["hardware"] for r in screens if r.get("hardware")), None)
    selection = Selection(screens, chosen, None if chosen is not None else
                          cfg.screen_fallback, rule.describe(), cfg.screen_max, rule.step, hw)
    selection.save(folder)
    if chosen is None:
        say(f"book network: no seed of {len(screens)} screened succeeded; the book analyses "
            f"the shipped network {cfg.screen_fallback}", flush=True)
    else:
        say(f"book network: seed {chosen}", flush=True)
    return selection


def prepare(cfg: Config, run_dir: str | Path, progress: bool = True,
            only_if_missing: bool = False) -> None:
    """Make the network a chapter analyses, as ``gridcells book`` does before the chapters
    run: nothing for a shipped model (``pretrained``); with ``screen_seeds``, the screened
    selection (:func:`select_book_network`, resumable); without, the one run, trained or
    resumed. ``only_if_missing``: only when its selection file or run directory is not there
    yet (a chapter opened alone, from Colab, Binder or a fresh clone, makes its network
    instead of failing; in the book the build has made it already)."""
    if cfg.pretrained:
        return
    run_dir = Path(run_dir)
    if cfg.screen_seeds is not None:
        if not (only_if_missing and (run_dir / SELECTION).is_file()):
            select_book_network(cfg, run_dir, progress=progress)
        return
    if not (only_if_missing and run_dir.is_dir()):
        from gridcells.training.loop import train

        if progress:
            print(f"training {run_dir} ({cfg.total_steps} steps; resumed if it exists)",
                  flush=True)
        train(cfg, run_dir, resume="auto", progress=progress)


def resolve(cfg: Config, run_dir: str | Path) -> tuple[Config, str, Selection | None]:
    """The network a chapter analyses: (its config, its run directory, the selection).

    Without ``screen_seeds``: ``cfg`` and ``run_dir`` unchanged, no selection. With it:
    ``run_dir`` is the screening folder; the chosen seed's run directory and config (the
    chapter's analysis settings kept), or the fallback installed as
    ``<run_dir>/fallback`` with ``pretrained`` set to it."""
    if cfg.screen_seeds is None:
        return cfg, str(run_dir), None
    sel = Selection.load(run_dir)
    if sel.chosen is not None:
        return cfg.replace(seed=sel.chosen), str(Path(run_dir) / f"seed{sel.chosen}"), sel
    from gridcells.shipped.pretrained import install_pretrained, model_card

    target = Path(run_dir) / "fallback"
    install_pretrained(sel.fallback, target)
    trained = config_from_dict(model_card(sel.fallback)["config"])
    keep = {k: getattr(cfg, k) for k in cfg.to_dict() if k not in TRAINING_FIELDS}
    keep["pretrained"] = sel.fallback
    return trained.replace(**keep), str(target), sel



def describe(sel: Selection | None, seed: int | None = None) -> str:
    """One or two sentences (Markdown) saying which network the book analyses, true of
    ``sel``: the chosen seed and how it was found, the shipped fallback and why, or (no
    selection) the one unscreened ``seed``."""
    if sel is None:
        return (f"This book's network is seed {seed} of its params file, trained once and not "
                "screened: whether it grew hexagonal grid cells is what the training chapter "
                "measures.")
    n = len(sel.screens)
    leaned = sum(r["verdict"] == "continue" for r in sel.screens)
    screens = f"{n} seed{'s' * (n != 1)} screened in a fixed order"
    if sel.chosen is not None:
        k = 1 + [r["seed"] for r in sel.screens].index(sel.chosen)
        rank = "the first" if k == 1 else f"number {k}"
        return (f"This book's network is seed {sel.chosen}, {rank} of {screens} to lean "
                f"hexagonal at step {sel.screen_step} and then meet the recipe (training "
                "chapter).")
    why = (f"none leaned hexagonal at step {sel.screen_step}" if not leaned else
           f"{leaned} leaned hexagonal at step {sel.screen_step} but none of "
           f"{'those' if leaned > 1 else 'them'} met the recipe once trained to the end")
    from gridcells.shipped.pretrained import model_card

    hardware = model_card(sel.fallback).get("hardware", "not recorded")
    return (f"No screened seed succeeded on this machine: of {screens} (at most "
            f"{sel.screen_max}), {why}. The chapters that analyse one network therefore "
            f"analyse the shipped network `{sel.fallback}` of the same recipe instead: "
            f"trained earlier, not by this build (its model card: {hardware}).")


def notice(sel: Selection | None) -> str:
    """The admonition every chapter shows when it analyses the shipped fallback; empty
    otherwise."""
    if sel is None or sel.chosen is not None:
        return ""
    return f":::{{admonition}} The shipped network, not this build's\n:class: warning\n\n" \
           f"{describe(sel)}\n:::\n"


def screens_table(sel: Selection | None) -> list[dict[str, Any]]:
    """The rows of the training chapter's table of screened seeds (empty without a
    selection): seed, the three lattice orders at the screen, the verdict, and the recipe's
    judgement of the seeds trained to the end (a dash for the others)."""
    from gridcells.records.experiments import dominant_order

    if sel is None:
        return []

    def num(v, fmt):
        return "-" if v is None else format(v, fmt)

    return [{"seed": r["seed"], "hexagonal": num(r["hex_order"], ".2f"),
             "square": num(r["square_order"], ".2f"),
             "stripe": num(r["stripe_order"], ".2f"),
             "verdict": "leans hexagonal" if r["verdict"] == "continue" else
             f"does not lean hexagonal (strongest: {dominant_order(r)}); stopped",
             "error (cm)": num(r["err_cm_final"], ".1f"),
             "above 0.3": num(r["frac_above_03_final"], ".0%"),
             "best-64": num(r["best64_mean"], ".2f"),
             "meets": {True: "yes", False: "no"}.get(r["meets"], "-"),
             "the book's": "yes" if r["seed"] == sel.chosen else "no"}
            for r in sel.screens]


def network_name(sel: Selection | None) -> str:
    """What the chapters call the network they analyse: 'the network this build trained
    (seed 10)', or 'the shipped network ensemble/seed0 (no seed screened by this build
    succeeded)'."""
    if sel is None:
        return "the network this build trained"
    if sel.chosen is not None:
        return f"the network this build trained (seed {sel.chosen})"
    return (f"the shipped network {sel.fallback} (no seed screened by this build "
            "succeeded)")
