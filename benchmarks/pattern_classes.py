"""Ground truth for the pattern classifier of the theory chapter (gridcells.theory.classes).

    python benchmarks/pattern_classes.py [--seed 7] [--out benchmarks/results/pattern_classes.json]

Synthetic hexagonal, square and stripe lattices (spacings 0.4, 0.6, 0.8 m, and 1.4 m: fewer
than two periods in the 2.2 m box, so truly 'not a lattice'), irregular maps (24 plane waves
of one period at random orientations), single Gaussian blobs, white noise and smoothed noise,
at four orientations, two noise levels and 32 and 64 bins per side
(gridcells.theory.classes.ground_truth). Prints and records the share labelled right,
per kind, the confusion table, and how many blobs and noise maps were called a lattice (the
rule allows none). The rule's thresholds were chosen on seed 123; the recorded run uses
another seed.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from gridcells.rundir.history import cpu_model
from gridcells.theory import classes as pc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default="benchmarks/results/pattern_classes.json")
    args = ap.parse_args()
    t0 = time.perf_counter()
    gt = pc.ground_truth(args.seed)
    labels = pc.classify_truth(gt)
    wall = time.perf_counter() - t0
    right = labels == gt.truth
    not_patterns = np.isin(gt.kind, ("blob", "white noise", "smooth noise"))
    per_kind = {k: {"n": int((gt.kind == k).sum()),
                    "right": float(right[gt.kind == k].mean()),
                    "labels": {lab: int(((gt.kind == k) & (labels == lab)).sum())
                               for lab in pc.LABELS}} for k in pc.KINDS}
    out = {"date": time.strftime("%Y-%m-%d"), "cpu": cpu_model(), "seed": args.seed,
           "rule": pc.Rule().__dict__, "n_maps": len(labels), "accuracy": float(right.mean()),
           "blobs_and_noise_called_lattice": int((not_patterns
                                                  & np.isin(labels, pc.LATTICES)).sum()),
           "blobs_and_noise": int(not_patterns.sum()),
           "per_kind": per_kind, "wall_s": wall}
    print(f"{out['n_maps']} maps, {out['accuracy']:.1%} labelled right; blobs and noise called "
          f"a lattice: {out['blobs_and_noise_called_lattice']} of {out['blobs_and_noise']} "
          f"({wall:.1f} s on {out['cpu']})")
    for k, v in per_kind.items():
        print(f"  {k:13s} {v['right']:6.1%}  " + ", ".join(f"{lab}: {c}" for lab, c in
                                                         v["labels"].items() if c))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
