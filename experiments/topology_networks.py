"""Is each network's grid module a torus? The topology chapter's analysis of many networks,
recorded for its across-network table.

    python -m experiments.topology_networks [--params params/default.yaml] [--ensemble NAME] NET ...

NET is a run directory or ``pretrained:NAME`` (as in :mod:`experiments.networks`);
``--ensemble NAME`` adds every member of a shipped ensemble. For each network:
:func:`gridcells.topology.network.analyse_network` with the chapter's settings and seed
(``rng_seed + 3000``), two JSON lines, ``region`` "whole box" and "interior" (the bins
within ``topology_margin`` of the walls left out): the module's size, Betti numbers against
the null, the three longest bars and the null's longest per dimension, torus or not, the
shared lattice's orders, date, commit, hardware, threads and wall time, appended to
experiments/results/topology_networks.jsonl. About 20 s a network on one AMD EPYC thread
(the 4096-unit paper model about 2 min, most of it its rate maps).
"""

from __future__ import annotations

from pathlib import Path

import gridcells as gc
from gridcells.topology.network import analyse_network

from .networks import record_each

OUT = Path(__file__).resolve().parent / "results" / "topology_networks.jsonl"


def analyse(model, cfg, net) -> list[dict]:
    result = analyse_network(model, cfg, cfg.rng_seed + 3000)
    lattice = gc.lattice_symmetry(result.maps.maps)
    return [{**{k: list(v) if isinstance(v, tuple) else v for k, v in row.items()},
             "module_units": len(result.selection.units),
             "is_torus": top is not None and top.is_torus,
             "hex_order": lattice.hex_order, "square_order": lattice.square_order}
            for row, top in zip(result.rows(net), (result.full, result.interior))]


def main():
    record_each(__doc__, OUT, analyse)


if __name__ == "__main__":
    main()
