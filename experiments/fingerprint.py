"""What repeats where: a fingerprint of the first training steps of the book's recipe.

Trains ``params/cpu.yaml`` (seed 0 unless given) to ``--steps`` (a checkpoint, default 1000)
in each precision and thread count asked for, and appends one row per run to
``experiments/results/fingerprints.jsonl``: the CPU model and its bf16-related flags, torch's
CPU capability, threads and precision, the training error at a few steps, and a SHA-256 of
the weights at the last step. Two rows with the same hash trained bit for bit the same;
the reproducibility chapter compares the rows of each CPU model with the others.

    python -m experiments.fingerprint --precision bf16 fp32 --threads 1 2

The kernels a CPU without AVX-512 would run can be asked for on one with it (torch's
``ATEN_CPU_CAPABILITY=avx2`` and oneDNN's ``ONEDNN_MAX_CPU_ISA=AVX2``); each row records the
capability and oneDNN limit it ran under, and rows are compared per CPU model and kernel path.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

FLAGS = ("avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile")
OUT = Path("experiments/results/fingerprints.jsonl")
CHECK_STEPS = (10, 100, 500, 1000)


def cpu_flags() -> list[str]:
    """The bf16-related instruction-set flags of this CPU (from /proc/cpuinfo)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return []
    line = next((li for li in text.splitlines() if li.startswith("flags")), "")
    have = set(line.split(":", 1)[-1].split())
    return [f for f in FLAGS if f in have]


def weights_hash(model) -> str:
    h = hashlib.sha256()
    for name, t in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(t.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def fingerprint(params: str, seed: int, steps: int, precision: str, threads: int) -> dict:
    import torch

    from gridcells.rundir.history import cpu_model, git_commit
    from gridcells.training.loop import Trainer
    from gridcells.world.config import load_config

    torch.set_num_threads(threads)
    cfg = load_config(params, seed=seed, precision=precision)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        trainer = Trainer(cfg, Path(tmp) / "run", "new", progress=False)
        result = trainer.run(steps)
        wall = time.perf_counter() - t0
        errs = {str(r["step"]): round(float(r["err_cm"]), 4) for r in result.history
                if int(r["step"]) in CHECK_STEPS}
        digest = weights_hash(result.model)
    return {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "cpu": cpu_model(), "flags": cpu_flags(),
            "capability": torch.backends.cpu.get_cpu_capability(),
            "onednn_isa": os.environ.get("ONEDNN_MAX_CPU_ISA", "default"),
            "aten_capability_env": os.environ.get("ATEN_CPU_CAPABILITY", "default"),
            "torch": torch.__version__, "params": params, "seed": seed, "steps": steps,
            "precision": precision, "threads": threads, "err_cm": errs,
            "weights_sha256": digest, "wall_s": round(wall, 1), "commit": git_commit()}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--params", default="params/cpu.yaml")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--precision", nargs="+", default=["bf16", "fp32"],
                   choices=["bf16", "fp32"])
    p.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    p.add_argument("--out", default=str(OUT))
    args = p.parse_args(argv)
    for precision in args.precision:
        for threads in args.threads:
            row = fingerprint(args.params, args.seed, args.steps, precision, threads)
            with open(args.out, "a") as f:
                f.write(json.dumps(row) + "\n")
            print(f"{row['cpu']} {precision} {threads} thread(s): err "
                  f"{row['err_cm']} sha {row['weights_sha256'][:12]} ({row['wall_s']} s)",
                  flush=True)


if __name__ == "__main__":
    main()
