"""Time of one network's topology analysis (gridcells.topology.network), goal: under a minute
on the 2-core development CPU.

    python benchmarks/topology_speed.py [--model default] [--params params/default.yaml]
                                        [--no-interior] [--threads 1]

Runs :func:`gridcells.topology.network.analyse_network` on a shipped model with the analysis
settings of a params file (``topology_*``: by default 40 x 40 bins from 40 batches, 500 points,
20 null draws, the Rips filtration to 0.7 median distances, H0-H2 in Z/47) and prints the
wall time of its parts: the rate maps, the whole-box analysis (data and nulls) and the
interior check. Then the same persistence pipeline on a synthetic hexagonal module of 100 units
(40 x 40 bins) as a reference that does not depend on the network.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import gridcells as gc  # noqa: E402
from gridcells.topology import homology
from gridcells.topology.network import analyse_network
from gridcells.topology.synthetic import synthetic_module


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="default", help="shipped model (gc.load_pretrained)")
    ap.add_argument("--params", default="params/default.yaml")
    ap.add_argument("--no-interior", action="store_true", help="skip the interior check")
    ap.add_argument("--threads", type=int, default=1, help="torch threads")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cfg = gc.load_config(args.params)
    model = gc.load_pretrained(args.model)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load "
          f"{os.getloadavg()[0]:.2f}, torch threads {args.threads}, OMP_NUM_THREADS "
          f"{os.environ.get('OMP_NUM_THREADS')}")
    print(f"model {args.model} ({model.cfg.Ng} units); points {cfg.topology_points}, nulls "
          f"{cfg.topology_nulls}, bins {cfg.topology_nbins}, batches {cfg.topology_batches}, "
          f"max_scale {cfg.topology_max_scale}")
    t0 = time.perf_counter()
    r = analyse_network(model, cfg, seed=cfg.rng_seed + 3000, interior=not args.no_interior)
    total = time.perf_counter() - t0
    full = r.full.seconds if r.full is not None else 0.0
    inner = r.interior.seconds if r.interior is not None else 0.0
    print(f"module: {len(r.selection.units)} of {r.selection.candidates} grid units")
    for row in r.rows(args.model):
        print("  ", row)
    print(f"rate maps {r.seconds_maps:.1f} s, whole box {full:.1f} s, interior {inner:.1f} s, "
          f"selection and rest {total - r.seconds_maps - full - inner:.1f} s: "
          f"total {total:.1f} s")
    maps = synthetic_module(100, 40, 9.0, 10, "hex", seed=1)
    top = homology.population_topology(maps, n_points=cfg.topology_points,
                                       max_scale=cfg.topology_max_scale,
                                       n_null=cfg.topology_nulls)
    print(f"synthetic hexagonal module (100 units): Betti {top.betti} in {top.seconds:.1f} s")


if __name__ == "__main__":
    main()
