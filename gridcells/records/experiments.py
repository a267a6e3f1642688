"""The recorded experiment tables (``experiments/results/*.jsonl``) summarised for the prose
of the research notes: each number a note's text quotes is computed here from the table it
quotes and glued into the page, so that prose and tables cannot disagree. Small pieces,
combined by the notes: seeds and steps of a row, lists and ranges as text, which lattice a
run's units share, and a few derived figures (how close square lattices lie to the walls,
when a training curve leaves chance, the throughput of parallel screens)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

ORDERS = {"hex_order": "hexagonal", "square_order": "square", "stripe_order": "stripe"}
ORDER_PHRASES = {"hexagonal": "a hexagonal lattice", "square": "a square lattice",
                 "stripe": "one band orientation", "undecided": "neither lattice"}


def read_jsonl(path: str | Path) -> list[dict]:
    """Rows of a JSON-lines file (empty list if missing)."""
    path = Path(path)
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def read_json(path: str | Path) -> dict:
    """A recorded JSON result (e.g. a benchmark's); a one-line error naming the file and the
    script that writes it when missing."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no recorded result; expected the output of the "
                                f"script of the same name in benchmarks/ or experiments/")
    return json.loads(path.read_text())


def topology_rows(path: str | Path, nulls: int, points: int,
                  prefix: str = "pretrained:ensemble/") -> list[dict]:
    """The newest row of each network (name starting with ``prefix``) and region in a
    topology table (``experiments/results/topology_networks.jsonl``) among those analysed
    with ``nulls`` null draws and at most ``points`` points (a module's cloud keeps at most
    that many; a network without a module records 0)."""
    latest = {}
    for r in read_jsonl(path):
        if r["network"].startswith(prefix) and r.get("nulls") == nulls \
                and r.get("points", 0) <= points:
            latest[r["network"], r["region"]] = r
    return list(latest.values())


def changes(overrides: dict, skip: tuple[str, ...] = ()) -> str:
    """A row's configuration changes as text ('weight_decay=6, learning_rate=0.001'),
    leaving out the keys in ``skip``; '(recipe as is)' when none is left."""
    return ", ".join(f"{k}={v}" for k, v in overrides.items() if k not in skip) or \
        "(recipe as is)"


def seed_of(row: dict) -> int:
    """The seed of a recorded row: a recipe row's ``overrides`` (0 when not overridden, the
    params files' default) or a lattice row's ``seed``."""
    return row["seed"] if "seed" in row else row["overrides"].get("seed", 0)


def by_seed(rows: list[dict]) -> dict[int, dict]:
    """Rows by seed (the last row of a seed wins, as in the append-only tables)."""
    return {seed_of(r): r for r in rows}


def at_step(row: dict, step: int) -> dict:
    """The in-training measurement of a row's ``curve`` at ``step``."""
    return next(c for c in row["curve"] if c["step"] == step)


def listing(items) -> str:
    """Items as prose: '1, 3 and 6', '0 and 4', '2'; 'none' when empty."""
    items = [str(i) for i in items]
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def span(values, digits: int = 0, percent: bool = False) -> str:
    """The range of ``values`` as prose: '50-73 %' (``percent``: fractions shown in percent)
    or '59-105'; one value when all round alike."""
    scale, unit = (100, " %") if percent else (1, "")
    lo, hi = (f"{scale * v:.{digits}f}" for v in (min(values), max(values)))
    return (lo if lo == hi else f"{lo}-{hi}") + unit


def dominant_order(row: dict) -> str:
    """Which shared order of a lattice row is strongest: 'hexagonal', 'square' or 'stripe'
    (one band orientation); orders the row lacks are left out."""
    key = max((k for k in ORDERS if row.get(k) is not None), key=lambda k: row[k])
    return ORDERS[key]


def lean(row: dict, margin: float = 0.02) -> str:
    """'hexagonal' or 'square' by the sign of hexagonal minus square order, 'undecided'
    when they are within ``margin``."""
    d = row["hex_order"] - row["square_order"]
    return "undecided" if abs(d) <= margin else ("hexagonal" if d > 0 else "square")


def wall_offset(square_deg: float) -> float:
    """Degrees between a square lattice's orientation (``square_deg``, 0-90) and the nearest
    wall or diagonal of the square box (0, 45 or 90 degrees)."""
    r = square_deg % 45
    return min(r, 45 - r)


def chance_alignment(offsets: list[float]) -> tuple[float, float]:
    """How often randomly oriented square lattices would lie as close to the walls or
    diagonals as the largest of ``offsets``: the chance for one (uniform orientation, four
    targets per 90 degrees, so ``4 * max / 90``) and one in how many tries all of them
    would."""
    p = min(1.0, max(offsets) / 22.5)
    return p, (1 / p ** len(offsets) if p else float("inf"))


def share_drift(rows: list[dict], err_cm: float = 20.0) -> float:
    """The largest change of the share of units above 0.3 in the in-training curves of
    ``rows`` after each curve's first measurement with the error below ``err_cm``: how much
    the share still moves once decoding has begun."""
    drift = 0.0
    for row in rows:
        shares = [c["frac_above_03"] for c in row["curve"]]
        first = next((i for i, c in enumerate(row["curve"]) if c["err_cm"] < err_cm), None)
        if first is not None:
            drift = max(drift, *(abs(s - shares[first]) for s in shares[first:]))
    return drift


def leaves_chance(history: list[dict], fraction: float = 0.75, start: int = 100) -> float:
    """The first step of a training history (rows with ``step`` and ``err_cm``) at which the
    error falls below ``fraction`` of chance, chance being the median error of the first
    ``start`` rows; NaN if it never does."""
    chance = statistics.median(r["err_cm"] for r in history[:start])
    return next((r["step"] for r in history if r["err_cm"] < fraction * chance), float("nan"))


def seconds_to_step(rows: list[dict], step: int) -> float:
    """Median training time to ``step`` of full runs (``wall_s`` pro rata to ``steps``)."""
    return statistics.median(r["wall_s"] * step / r["steps"] for r in rows)


def throughput_ratio(parallel: list[dict], serial: list[dict], workers: int = 2) -> float:
    """Steps per second of ``workers`` runs side by side (``parallel``, each its own row)
    over that of one run alone (``serial``), from the median seconds per step of each."""
    per_step = [statistics.median(r["wall_s"] / r["steps"] for r in rows)
                for rows in (parallel, serial)]
    return workers * per_step[1] / per_step[0]


def glue_all(values: dict) -> None:
    """Glue every value of ``values`` under its key (myst-nb, not displayed)."""
    from myst_nb import glue

    for key, value in values.items():
        glue(key, value, display=False)


def recipe_screens(rule=None, results: str = "experiments/results",
                   sweep_table=None) -> tuple[list[dict], list[dict]]:
    """The recipe's odds as recorded: (unselected screens, finished runs of the ensemble's
    sweep). Unselected screens are every seed screened without selection, measured at the
    rule's step: the lattice tables' runs (``lattice_seeds.jsonl``, ``lattice_odds.jsonl``)
    and the ensemble sweep's screens of seeds not taken from them; each row gains
    ``passes`` (the rule's verdict). Finished runs are the sweep's summary rows that were
    trained to the end (``meets``)."""
    from pathlib import Path

    from gridcells.shipped.pretrained import DATA
    from gridcells.sweep.plan import ScreenRule
    from gridcells.sweep.table import read_sweep

    rule = rule or ScreenRule()
    table = Path(sweep_table or DATA / "ensemble" / "sweep.jsonl")
    earlier = (read_jsonl(Path(results) / "lattice_seeds.jsonl")
               + read_jsonl(Path(results) / "lattice_odds.jsonl"))
    seeds = {seed_of(r) for r in earlier}
    new = [r for r in read_sweep(table, stages=True)
           if r["stage"] == "screen" and r["seed"] not in seeds]
    screens = [{**m, "passes": rule.passes(m)}
               for m in [{**at_step(r, rule.step), "seed": seed_of(r)} for r in earlier]
               + new]
    finished = [r for r in read_sweep(table) if r["status"] == "finished"]
    return screens, finished


def recipe_odds(rule=None) -> dict:
    """The recipe's recorded odds of leaning hexagonal (:func:`recipe_screens`): n screens,
    hexagonal (those that pass the rule), share and its Wilson 95 % interval (lo, hi)."""
    from gridcells.stats import wilson_interval

    screens, _ = recipe_screens(rule)
    k = sum(bool(r["passes"]) for r in screens)
    lo, hi = wilson_interval(k, len(screens))
    return {"n": len(screens), "hexagonal": k, "share": k / len(screens), "lo": lo, "hi": hi}


def repeatability(rows: list[dict]) -> list[dict]:
    """The fingerprints of ``experiments/results/fingerprints.jsonl`` grouped: one row per
    CPU model, precision and seed, with the thread counts measured, how many distinct weight
    hashes they gave at the fingerprint's step (1: bit-identical across thread counts and
    repeats), and the training error at that step of each distinct result (cm)."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["cpu"], kernels(r), r["precision"], r["seed"], r["steps"]),
                          []).append(r)
    out = []
    for (cpu, path, precision, seed, steps), rs in groups.items():
        hashes = {}
        for r in rs:
            hashes.setdefault(r["weights_sha256"], r["err_cm"].get(str(steps)))
        out.append({"cpu": cpu, "flags": " ".join(rs[0].get("flags", [])), "kernels": path,
                    "precision": precision, "seed": seed, "step": steps,
                    "threads": ", ".join(str(t) for t in sorted({r["threads"] for r in rs})),
                    "runs": len(rs), "distinct weights": len(hashes),
                    "error at step (cm)": ", ".join(f"{e:.2f}" for e in hashes.values())})
    return out


def kernels(row: dict) -> str:
    """The kernel path a fingerprint ran on: torch's CPU capability, with oneDNN's ISA limit
    when one was set (``ONEDNN_MAX_CPU_ISA``)."""
    isa = row.get("onednn_isa", "default")
    return row.get("capability", "?") + ("" if isa == "default" else f", oneDNN {isa}")


def native(row: dict) -> bool:
    """Whether a fingerprint ran on its CPU's own kernels: no capability or oneDNN ISA limit
    forced through the environment (rows before the capability was recorded: forced only
    with a oneDNN limit, which every forced run set)."""
    return (row.get("onednn_isa") in (None, "default")
            and row.get("aten_capability_env", "default") == "default")


def _agreement(rows: list[dict], key, precisions) -> str:
    """'different weights in bf16 and fp32', 'bit-identical weights in fp32; ...': per
    precision whose ``rows`` differ in ``key`` (a function of a row), whether their weights
    agree."""
    found: dict[str, list[str]] = {}
    for p in precisions:
        rs = [r for r in rows if r["precision"] == p]
        if len({key(r) for r in rs}) > 1:
            same = len({r["weights_sha256"] for r in rs}) == 1
            found.setdefault("bit-identical" if same else "different", []).append(p)
    return "; ".join(f"{word} weights in {listing(ps)}" for word, ps in found.items())


def across_cpus(rows: list[dict], precisions=("bf16", "fp32")) -> str:
    """A sentence on whether runs of one seed on different CPU models, and on different
    kernel paths of one CPU (:func:`kernels`), gave the same weights, per precision, true of
    ``rows`` (fingerprints); says so when only one CPU model was measured."""
    rows = [r for r in rows if r["precision"] in precisions]
    cpus = sorted({r["cpu"] for r in rows})
    own = [r for r in rows if native(r)]  # across CPU models: each on its own kernels
    own_cpus = sorted({r["cpu"] for r in own})
    if len(own_cpus) < 2:
        out = [f"Only one CPU model has been fingerprinted on its own kernels so far "
               f"({own_cpus[0] if own_cpus else 'none'}), so agreement across CPU types is "
               "not measured here."]
    else:
        out = [f"The {len(own_cpus)} CPU models fingerprinted on their own kernels "
               f"({listing(own_cpus)}) gave {_agreement(own, lambda r: r['cpu'], precisions)}."]
    for cpu in cpus:
        mine = [r for r in rows if r["cpu"] == cpu]
        paths = sorted({kernels(r) for r in mine})
        if len(paths) > 1:
            out.append(f"On the {cpu}, the kernel paths {listing(paths)} gave "
                       f"{_agreement(mine, kernels, precisions)}.")
    return " ".join(out)


def network_units(name: str) -> int:
    """Ng of a network named in the recorded across-network tables: ``pretrained:NAME`` (its
    model card) or ``runs/ensemble/seedN`` (a seed of the shipped ensemble's sweep, shipped
    or not: the params file and overrides its sweep row records)."""
    from gridcells.shipped.pretrained import DATA, model_card
    from gridcells.sweep.table import read_sweep
    from gridcells.world.config import load_config

    if name.startswith("pretrained:"):
        return int(model_card(name.split(":", 1)[1])["config"]["Ng"])
    run = name.rstrip("/").rsplit("/", 1)[-1]
    for row in read_sweep(DATA / "ensemble" / "sweep.jsonl", stages=True):
        if row["name"] == run:
            return load_config(row["params"], **row["overrides"]).Ng
    raise ValueError(f"network {name!r}: expected pretrained:NAME or a seed of the shipped "
                     "ensemble's sweep (runs/ensemble/seedN)")


SHIPPED_LABELS = {"default": "shipped CPU model", "paper": "shipped paper-size model"}


def network_label(name: str) -> str:
    """A reader's name for a network of the recorded tables: ``pretrained:ensemble/seedN`` ->
    'ensemble seedN', ``pretrained:default`` -> 'shipped CPU model', ``pretrained:NAME`` ->
    'shipped NAME', a run directory -> its last part."""
    if name.startswith("pretrained:"):
        shipped = name.split(":", 1)[1]
        if shipped.startswith("ensemble/"):
            return "ensemble " + shipped.split("/", 1)[1]
        return SHIPPED_LABELS.get(shipped, f"shipped {shipped}")
    return name.rstrip("/").rsplit("/", 1)[-1]


ORDER_KEYS = tuple(ORDERS)


def seed_list(rows: list[dict]) -> str:
    """The rows' seeds, sorted, as prose ('0, 3 and 7')."""
    return listing(sorted(seed_of(r) for r in rows))


def strongest_order(rows: list[dict]) -> float:
    """The largest shared order (hexagonal, square or stripe) over ``rows``."""
    return max(r[k] for r in rows for k in ORDER_KEYS if r.get(k) is not None)


def grid_share_span(rows, step: int | None = None) -> str:
    """The range of the rows' share of units above grid score 0.3, as prose in percent
    ('50-73 %'), at the in-training measurement of ``step`` (None: the row's own figure)."""
    return span([(at_step(r, step) if step else r)["frac_above_03"] for r in rows],
                percent=True)


def change_of(row: dict) -> str:
    """A recipe row's change from its params file, seed left out ('weight_decay=6')."""
    return changes(row["overrides"], ("seed",))
