"""The sweep table (``SWEEP/sweep.jsonl``): one row per run per stage, appended by the client
only (each by an atomic rewrite); :func:`read_sweep` reads it back (one summary row per run,
or every stage row) and :func:`format_table` prints the summary.

**A damaged table.** A last line cut short (a crash or a full disk while something wrote the
file) is *torn*: :func:`read_sweep` skips it with a warning naming the file and the line,
and the next sweep (:func:`repair_table`, under the sweep's lock) moves its text to
``sweep.jsonl.torn`` and rewrites the table without it, so every row before it is kept and
its run is measured again. Any other line that is not a row stops both, naming the file,
the line and what was expected; nothing is changed.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from gridcells.rundir.layout import atomic_write, atomic_write_text
from gridcells.sweep.plan import RunSpec, ScreenRule, SweepError

TABLE = "sweep.jsonl"
TORN = TABLE + ".torn"  # the text of torn last lines removed from the table, one a line
STAGES = ("screen", "final", "failed")
SCREEN_KEYS = ("err_cm", "frac_above_03", "best64_mean", "hex_order", "square_order",
               "stripe_order", "frac_silent", "map_corr", "n_units")
FINAL_KEYS = ("err_cm", "frac_above_03", "best64_mean", "best_score", "median_score",
              "map_corr", "frac_silent", "hex_order", "square_order", "stripe_order", "n_units")


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


@dataclass(frozen=True)
class TornLine:
    """A torn last line of a sweep table: its number (from 1), why it does not parse, its
    bytes, where it starts in the file, and the run it was a row of (None if unreadable)."""

    line: int
    problem: str
    text: bytes
    offset: int
    name: str | None


def _row(line: bytes) -> tuple[dict[str, Any] | None, str | None, bool]:
    """(row, problem, whether the line parses as JSON) of one line of a sweep table."""
    try:
        row = json.loads(line)
    except ValueError as exc:  # JSONDecodeError, or bytes that are not text
        why = (f"{exc.msg} (column {exc.colno})" if isinstance(exc, json.JSONDecodeError)
               else "not UTF-8 text")
        return None, why, False
    if not (isinstance(row, dict) and isinstance(row.get("name"), str)
            and row.get("stage") in STAGES):
        got = json.dumps(row)
        return None, (f"expected a JSON object with 'name' and 'stage' ({', '.join(STAGES)}), "
                      f"got {got[:60] + '...' if len(got) > 60 else got}"), True
    return row, None, True


def _parse(table: Path) -> tuple[list[dict[str, Any]], TornLine | None]:
    """Every row of a sweep table and its torn last line (None if there is none); SweepError
    naming the file and the line for any other line that is not a row."""
    rows: list[dict[str, Any]] = []
    lines = table.read_bytes().split(b"\n")
    last = max((n for n, line in enumerate(lines, 1) if line.strip()), default=0)
    offset = 0
    for n, line in enumerate(lines, 1):
        start, offset = offset, offset + len(line) + 1
        if not line.strip():
            continue
        row, problem, parses = _row(line)
        if problem is None:
            rows.append(row)
        elif n == last and not parses:  # cut short: nothing after it, and not JSON
            name = re.search(rb'"name": "([^"\\]*)"', line)
            return rows, TornLine(n, problem, line, start,
                                  None if name is None else name[1].decode(errors="replace"))
        elif parses:
            raise SweepError(f"{table}: line {n}: {problem}; fix or delete that line")
        else:
            raise SweepError(f"{table}: line {n}: {problem}; expected one JSON row per line "
                             "as gridcells sweep writes them (fix or delete that line)")
    return rows, None


def _rows(table: Path) -> list[dict[str, Any]]:
    """Every row of a sweep table (none if the file does not exist yet); a torn last line is
    skipped with a warning."""
    if not table.is_file():
        return []
    rows, torn = _parse(table)
    if torn is not None:
        warnings.warn(f"{table}: line {torn.line} is torn ({torn.problem}): skipped; the "
                      f"next gridcells sweep into {str(table.parent)!r} moves it to {TORN} and "
                      "measures its run again", stacklevel=3)
    return rows


def repair_table(table: Path) -> tuple[list[dict[str, Any]], TornLine | None]:
    """The rows of a sweep table, after removing a torn last line (returned, else None): its
    text is appended to ``sweep.jsonl.torn`` beside the table, then the table is rewritten
    atomically without it (every byte before it kept). For the sweep's client, which holds
    the folder's lock."""
    if not table.is_file():
        return [], None
    rows, torn = _parse(table)
    if torn is not None:
        with open(table.with_name(TORN), "ab") as fh:
            fh.write(torn.text + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        kept = table.read_bytes()[:torn.offset]
        atomic_write(table, lambda p: p.write_bytes(kept))
    return rows, torn


def _num(value) -> float:
    return float("nan") if value is None else float(value)


def _append(table: Path, row: dict[str, Any]) -> None:
    """Append one row to the table by an atomic rewrite (a crash leaves the old or the new
    file, never half a line); a last line without its newline gets one first, so the row is
    never glued onto it."""
    old = table.read_text() if table.is_file() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    atomic_write_text(table, old + json.dumps(row, allow_nan=True) + "\n")


def _stage_row(spec: RunSpec, res: dict[str, Any], rule: ScreenRule, params: str | None,
               total: int, common: dict[str, Any] | None = None) -> dict[str, Any]:
    base = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "name": spec.name, "seed": spec.overrides.get("seed"),
            "overrides": spec.overrides, "params": params, "total_steps": total}
    if common:   # the sweep's overrides of every run (key=value after the options)
        base["common_overrides"] = dict(common)
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

