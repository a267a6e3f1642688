"""Silencing the earlier analysis's predictive units at a working error, in many networks.

    python -m experiments.working_ablation [--params params/default.yaml] [--ensemble NAME] NET ...

The chapter's first comparison (:mod:`experiments.earlier_ablation`) silences all of the
earlier rules' units at once, which takes every network to 15-54 cm, far from path
integration. Here, per network: the dose-response of random sets (1-32 units, 30 sets
each), the largest size whose mean error stays within twice the intact error, and at that
size 30 random subsets of the earlier rules' units against 30 random and 30
gridness-matched sets (:func:`gridcells.predictive.study.earlier_working_ablation`, seed
``rng_seed + 1``). One JSON line per network (date, commit, hardware, threads, wall time) in
experiments/results/working_ablation.jsonl. About 3 minutes a network on one CPU thread.
"""

from __future__ import annotations

from pathlib import Path

from gridcells.predictive import study

from .networks import record_each

OUT = Path(__file__).resolve().parent / "results" / "working_ablation.jsonl"


def analyse(model, cfg, net) -> list[dict]:
    return [study.earlier_working_ablation(model, cfg, cfg.rng_seed + 1)[0]]


def main():
    record_each(__doc__, OUT, analyse)


if __name__ == "__main__":
    main()
