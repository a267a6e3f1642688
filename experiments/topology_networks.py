"""Is each network's grid module a torus? The topology chapter's analysis of many networks,
recorded for its across-network table.

    python -m experiments.topology_networks [--params params/default.yaml] [--ensemble NAME] NET ...

NET is a run directory or ``pretrained:NAME`` (as in :mod:`experiments.predictive_networks`);
``--ensemble NAME`` adds every member of a shipped ensemble. For each network:
:func:`gridcells.topology.analyse_network` with the chapter's settings and seed
(``rng_seed + 3000``), two JSON lines, ``region`` "whole box" and "interior" (the bins
within ``topology_margin`` of the walls left out): the module's size, Betti numbers against
the null, the three longest bars and the null's longest per dimension, torus or not, the
shared lattice's orders, date, commit, hardware, threads and wall time, appended to
experiments/results/topology_networks.jsonl. About a minute a network on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

import gridcells as gc
from gridcells.pretrained import ensemble_members
from gridcells.topology import analyse_network
from gridcells.training import git_commit

from .predictive_networks import load

OUT = Path(__file__).resolve().parent / "results" / "topology_networks.jsonl"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--params", default="params/default.yaml")
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--ensemble", help="analyse every member of this shipped ensemble")
    ap.add_argument("nets", nargs="*")
    args = ap.parse_args()
    if args.ensemble:
        args.nets += [f"pretrained:{args.ensemble}/{m}" for m in ensemble_members(args.ensemble)]
    if not args.nets:
        ap.error("no network given; expected run directories, pretrained:NAME or --ensemble")
    cfg = gc.load_config(args.params, device="cpu")
    commit = git_commit()  # the code that runs: read once, before any later commit
    for net in args.nets:
        t0 = time.perf_counter()
        model = load(net)
        result = analyse_network(model, cfg, cfg.rng_seed + 3000)
        lattice = gc.lattice_symmetry(result.maps.maps)
        wall = time.perf_counter() - t0
        for row, top in zip(result.rows(net), (result.full, result.interior)):
            row = {k: list(v) if isinstance(v, tuple) else v for k, v in row.items()}
            record = {"network": net, "date": time.strftime("%Y-%m-%d %H:%M"),
                      "commit": commit, "hardware": f"{platform.machine()} "
                      f"{torch.get_num_threads()} threads", "wall_s": wall,
                      "params": args.params, **row,
                      "module_units": len(result.selection.units),
                      "is_torus": top is not None and top.is_torus,
                      "hex_order": lattice.hex_order, "square_order": lattice.square_order}
            with open(args.out, "a") as fh:
                fh.write(json.dumps(record, default=float) + "\n")
            print(json.dumps(record, default=float), flush=True)


if __name__ == "__main__":
    main()
