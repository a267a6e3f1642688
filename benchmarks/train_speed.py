"""Training steps per second: gridcells against a faithful re-implementation of the original
training step, in the same process, on the same machine.

    python benchmarks/train_speed.py [--sizes 1024 4096] [--steps 10]

Prints steps/s for the original step (two forward passes, numpy trajectory loop per batch,
softmax then log), for gridcells in fp32 (identical mathematics: the script first checks that
both give the same loss for the same weights and batch) and for gridcells with bf16 autocast,
with the ratios.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import torch
from original_step import original_loss, original_step

import gridcells as gc
from gridcells.training import prefetch_size, resolve_device, train_step


def steps_per_second(fn, steps: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    t = time.perf_counter()
    for _ in range(steps):
        fn()
    return steps / (time.perf_counter() - t)


def ours(cfg, steps, precision):
    device = resolve_device(cfg.device)
    model = gc.PathRNN(cfg).to(device)
    gen = gc.TrajectoryGenerator(cfg, gc.PlaceCells(cfg, model.centers.cpu()))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate)
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=precision == "bf16")
    buffer = []
    chunk = prefetch_size(cfg.n_steps)

    def step():
        if not buffer:
            buffer.extend(gen.sample_many(chunk, device=device))
        train_step(model, opt, buffer.pop(), autocast)
        if device.type == "cuda":
            torch.cuda.synchronize()

    return steps_per_second(step, steps)


def original(cfg, steps):
    model = gc.PathRNN(cfg)
    pc = gc.PlaceCells(cfg, model.centers)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate)
    rng = np.random.default_rng(0)
    return steps_per_second(lambda: original_step(model, opt, cfg, pc, rng), steps)


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
    args = ap.parse_args()
    print(f"# {platform.processor() or platform.machine()}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads")
    print("Ng    batch  original  fp32    bf16    fp32/orig  bf16/orig")
    for Ng in args.sizes:
        cfg = gc.load_config(Ng=Ng, batch_size=args.batch, device="cpu")
        mine, theirs = same_mathematics(cfg)
        assert abs(mine - theirs) < 1e-5 * abs(theirs), (mine, theirs)
        o = original(cfg, args.steps)
        f = ours(cfg, args.steps, "fp32")
        b = ours(cfg, args.steps, "bf16")
        print(f"{Ng:<5} {args.batch:<6} {o:8.2f}  {f:6.2f}  {b:6.2f}  {f / o:8.2f}x  "
              f"{b / o:8.2f}x   (loss {mine:.6f} vs original {theirs:.6f})", flush=True)
    if torch.cuda.is_available():
        for Ng in args.sizes:
            cfg = gc.load_config(Ng=Ng, batch_size=args.batch, device="cuda")
            print(f"cuda Ng={Ng}: fp32 {ours(cfg, args.steps, 'fp32'):.1f} steps/s, "
                  f"bf16 {ours(cfg, args.steps, 'bf16'):.1f} steps/s")


if __name__ == "__main__":
    main()
