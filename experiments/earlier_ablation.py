"""Silencing the units the earlier analysis's rules call predictive, in many networks, against
random, zero-lag and gridness-matched sets, recorded for the ablation chapter's table.

    python -m experiments.earlier_ablation [--params params/default.yaml] [--ensemble NAME] NET ...

NET is a run directory or ``pretrained:NAME`` (as in :mod:`experiments.networks`);
``--ensemble NAME`` adds every member of a shipped ensemble. For each network:
:func:`gridcells.predictive.study.earlier_ablation` (seed ``rng_seed + 1``, as the chapter),
appended as one JSON line (date, commit, hardware, threads, wall time) to
experiments/results/earlier_ablation.jsonl. About 1-2 minutes a network on one CPU thread.
"""

from __future__ import annotations

from pathlib import Path

from gridcells.predictive import study

from .networks import record_each

OUT = Path(__file__).resolve().parent / "results" / "earlier_ablation.jsonl"


def analyse(model, cfg, net) -> list[dict]:
    row, abl, _ = study.earlier_ablation(model, cfg, cfg.rng_seed + 1)
    return [{"trials": len(abl.random_errors_cm), **row}]


def main():
    record_each(__doc__, OUT, analyse)


if __name__ == "__main__":
    main()
