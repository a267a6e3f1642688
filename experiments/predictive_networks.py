"""The predictive analysis of many networks, recorded for the book's across-network tables.

    python -m experiments.predictive_networks [--params params/default.yaml] NET [NET ...]

NET is a run directory (e.g. runs/ensemble/seed10) or ``pretrained:NAME`` (a shipped model);
``--ensemble NAME`` adds every member of a shipped ensemble (``pretrained:NAME/seedN``).
For each network: :func:`gridcells.predictive.study.network_row` (class counts under the ``shift``,
``ouchi``, ``fork`` and ``earlier`` criteria, median shifts, the ablation of the predictive
units with its p-value) and the recipe's judgement of the network, appended as one JSON line
(with date, commit, hardware, threads and wall time) to
experiments/results/predictive_networks.jsonl. The predictive chapter reads the newest row of
each network. A network takes about 2-3 minutes on 2 CPU cores. Rows record the network's Ng
and target_shift (0: trained to path integrate; k > 0: trained to predict k steps ahead, the
positive controls, recorded with ``--out experiments/results/predictive_controls.jsonl``).
"""

from __future__ import annotations

from pathlib import Path

from gridcells.analysis.evaluation import criteria_evaluation
from gridcells.predictive import study

from .networks import record_each

OUT = Path(__file__).resolve().parent / "results" / "predictive_networks.jsonl"


def analyse(model, cfg, net) -> list[dict]:
    row, _ = study.network_row(model, cfg)
    ev = criteria_evaluation(model)[0]
    return [{"Ng": model.cfg.Ng, "target_shift": getattr(model.cfg, "target_shift", 0), **row,
             "judgement": {**ev.row(), "meets": ev.meets_recipe()}}]


def main():
    record_each(__doc__, OUT, analyse)


if __name__ == "__main__":
    main()
