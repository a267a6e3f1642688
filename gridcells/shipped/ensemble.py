"""The shipped ensemble as data: one row per network from its model card, and what a sweep
of screened seeds yields per hour.

A sweep trains each seed to the screening step, continues the share ``p`` whose units lean
hexagonal, and of those a share ``q`` meets the recipe. With ``t_screen`` and ``t_rest`` the
wall times (s) of one seed's training before and after the screening step on one worker, one
seed costs ``t_screen + p * t_rest`` worker-seconds on average and yields ``p * q`` networks
that meet the recipe.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from gridcells.shipped.pretrained import DATA, ensemble_members, model_card


def ensemble_rows(name: str = "ensemble", root: str | Path = DATA) -> list[dict]:
    """One row per member of the shipped ensemble: seed, the recipe's judgement of the shipped
    weights (decoding error cm, share of units above 0.3, best-64 mean, hexagonal / square
    order, meets), training steps, wall time (s) and hardware."""
    rows = []
    for m in ensemble_members(name, root):
        card = model_card(f"{name}/{m}", root)
        j = card.get("judgement", {})
        rows.append({"network": m, "seed": card["config"]["seed"],
                     "err_cm": j.get("err_cm"), "frac_above_03": j.get("frac_above_03"),
                     "best64_mean": j.get("best64_mean"), "hex_order": j.get("hex_order"),
                     "square_order": j.get("square_order"), "meets": j.get("meets_recipe"),
                     "steps": card.get("steps"), "training_wall_s": card.get("training_wall_s"),
                     "hardware": card.get("hardware")})
    return rows


@dataclass
class Throughput:
    """What screened seeds yield: per-seed cost (worker-seconds), networks meeting the recipe
    per hour of ``workers`` workers, and the wall time (s) of a sweep of ``seeds`` seeds."""

    seconds_per_seed: float
    per_hour: float
    sweep_wall_s: float


def throughput(t_screen: float, t_rest: float, p: float, q: float, workers: int,
               seeds: int) -> Throughput:
    """Expected yield of a screened sweep (see the module doc): ``workers`` independent
    workers, ``seeds`` seeds in waves of ``workers`` (every wave waits for its slowest run,
    which continues past the screening step unless none does)."""
    if min(t_screen, t_rest) < 0 or not (0 <= p <= 1 and 0 <= q <= 1) or workers < 1:
        raise ValueError(f"throughput: expected times >= 0, shares in [0, 1], workers >= 1; got "
                         f"t_screen={t_screen}, t_rest={t_rest}, p={p}, q={q}, "
                         f"workers={workers}")
    per_seed = t_screen + p * t_rest
    per_hour = 3600 * workers * p * q / per_seed
    waves = math.ceil(seeds / workers)
    return Throughput(per_seed, per_hour, waves * (t_screen + t_rest))
