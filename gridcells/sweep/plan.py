"""What a sweep runs: the seeds and override grid (:func:`plan_runs`, one :class:`RunSpec`
per run directory) and the screening rule (:class:`ScreenRule`) that decides which runs
continue past the screening step."""

from __future__ import annotations

import itertools
import re
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from gridcells.world.params import parse_value


class SweepError(ValueError):
    """A sweep cannot be set up as asked (bad seeds, grid, rule or sweep folder)."""


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

