"""Training steps per second: gridcells against a faithful re-implementation of the original
training step, in the same process, on the same machine.

    python benchmarks/train_speed.py [--sizes 1024 4096] [--steps 10] [--device cuda] [--no-record]

Prints steps/s for the original step (two forward passes, numpy trajectory loop per batch,
softmax then log), for gridcells in fp32 (identical mathematics: the script first checks that
both give the same loss for the same weights and batch), on a GPU also with every float32
matrix product in TF32, and with bf16 autocast, with the ratios to the original. The
original and fp32 run with torch's default settings (on a GPU, cuDNN's RNN already uses
TF32 by default; plain matrix products do not). Each size's row is appended to
benchmarks/results/speed.jsonl as "train_speed/<device>/Ng<size>" (gridcells.records.speed) unless
--no-record.
"""

from __future__ import annotations

import argparse
import platform
import time
from contextlib import contextmanager

import numpy as np
import torch
from original_step import original_loss, original_step

import gridcells as gc
from gridcells.network.model import resolve_device
from gridcells.records import speed as records
from gridcells.training.loop import prefetch_size, train_step


def steps_per_second(fn, steps: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    t = time.perf_counter()
    for _ in range(steps):
        fn()
    return steps / (time.perf_counter() - t)


def synchronizer(device: torch.device):
    """A function that waits for the device's queued work (a no-op on the CPU)."""
    return torch.cuda.synchronize if device.type == "cuda" else lambda: None


@contextmanager
def tf32(enabled: bool):
    """Let every float32 matrix product (cuBLAS and cuDNN) use TF32 while inside."""
    saved = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    if enabled:
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved


def ours(cfg, steps, precision):
    device = resolve_device(cfg.device)
    model = gc.PathRNN(cfg).to(device)
    gen = gc.TrajectoryGenerator(cfg, gc.PlaceCells(cfg, model.centers.cpu()))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate)
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=precision == "bf16")
    buffer = []
    sync = synchronizer(device)
    chunk = prefetch_size(cfg.n_steps)

    def step():
        if not buffer:
            buffer.extend(gen.sample_many(chunk, device=device))
        train_step(model, opt, buffer.pop(), autocast)
        sync()

    with tf32(precision == "tf32"):
        return steps_per_second(step, steps)


def original(cfg, steps):
    model = gc.PathRNN(cfg).to(resolve_device(cfg.device))
    pc = gc.PlaceCells(cfg, model.centers.cpu())
    opt = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate)
    rng = np.random.default_rng(0)
    sync = synchronizer(model.centers.device)

    def step():
        original_step(model, opt, cfg, pc, rng)
        sync()

    return steps_per_second(step, steps)


def same_mathematics(cfg) -> tuple[float, float]:
    """Loss of both implementations for one set of weights and one batch."""
    model = gc.PathRNN(cfg)
    b = gc.TrajectoryGenerator(cfg, gc.PlaceCells(cfg, model.centers)).sample()
    with torch.no_grad():
        mine = model.loss(model(b.velocities, b.init_code), b.target_code).item()
        theirs, _ = original_loss(model, b.velocities, b.target_code, b.positions, b.init_code)
    return mine, theirs.item()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1024, 4096])
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    ap.add_argument("--no-record", action="store_true", help="do not append to speed.jsonl")
    args = ap.parse_args()
    where = (torch.cuda.get_device_name() if args.device == "cuda"
             else f"{platform.processor() or platform.machine()}, "
                  f"{torch.get_num_threads()} threads")
    print(f"# {where}, torch {torch.__version__}, steps/s over {args.steps} steps")
    variants = ["fp32", "tf32", "bf16"] if args.device == "cuda" else ["fp32", "bf16"]
    print("Ng    batch  original  " + "  ".join(f"{v:>6}" for v in variants) + "  "
          + "  ".join(f"{v + '/orig':>9}" for v in variants))
    for Ng in args.sizes:
        load_before = records.load_average()
        cfg = gc.load_config(Ng=Ng, batch_size=args.batch, device=args.device)
        mine, theirs = same_mathematics(cfg.replace(device="cpu"))
        assert abs(mine - theirs) < 1e-5 * abs(theirs), (mine, theirs)
        o = original(cfg, args.steps)
        rates = [ours(cfg, args.steps, v) for v in variants]
        print(f"{Ng:<5} {args.batch:<6} {o:8.2f}  " + "  ".join(f"{r:6.2f}" for r in rates)
              + "  " + "  ".join(f"{r / o:8.2f}x" for r in rates)
              + f"   (loss {mine:.6f} vs original {theirs:.6f})", flush=True)
        if not args.no_record:
            figures = {"Ng": Ng, "batch": args.batch, "steps": args.steps,
                       "original": round(o, 3), **{v: round(r, 3) for v, r in zip(variants, rates)},
                       "loss": mine, "loss_original": theirs}
            records.append(f"train_speed/{args.device}/Ng{Ng}", figures,
                           round(rates[-1] / o, 3), load_before, device=args.device)


if __name__ == "__main__":
    main()
