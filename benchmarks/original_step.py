"""A faithful re-implementation of the original training step (Sorscher et al. 2019 code),
used only as the speed baseline of the benchmarks.

What it reproduces: a numpy trajectory loop (float64), place codes computed per batch in
torch, the network's forward pass run twice per step (once for the decoding error, once
for the loss), softmax followed by log in the loss.
"""

from __future__ import annotations

import numpy as np
import torch

from gridcells.network.model import PathRNN
from gridcells.world.config import Config
from gridcells.world.place_cells import PlaceCells
from gridcells.world.trajectories import simulate


def original_batch(cfg: Config, pc: PlaceCells, rng: np.random.Generator, device="cpu"):
    """Inputs, place-code targets, positions and the initial code, as the original built them
    (moved to ``device`` once built, as the original's GPU path did)."""
    pos, vel = simulate(cfg, cfg.batch_size, cfg.sequence_length, rng)
    v = torch.tensor(vel, dtype=torch.float32, device=device)
    p = torch.tensor(pos[1:], dtype=torch.float32, device=device)
    init = pc.activation(torch.tensor(pos[0], dtype=torch.float32, device=device))
    targets = pc.activation(p)
    return v, targets, p, init


def original_loss(model: PathRNN, v, targets, p, init):
    """Loss and error with the original's two forward passes and softmax-then-log."""
    preds = model(v, init)                                  # first pass: decoding error
    yhat = torch.softmax(model(v, init), -1)                # second pass: loss
    loss = -(targets * torch.log(yhat)).sum(-1).mean()
    loss = loss + model.cfg.weight_decay * (model.RNN.weight_hh_l0 ** 2).sum()
    idx = torch.topk(preds, 3, dim=-1).indices
    err = torch.sqrt(((p - model.centers[idx].mean(-2)) ** 2).sum(-1)).mean()
    return loss, err


def original_step(model, opt, cfg, pc, rng) -> float:
    v, targets, p, init = original_batch(cfg, pc, rng, model.centers.device)
    model.zero_grad()
    loss, err = original_loss(model, v, targets, p, init)
    loss.backward()
    opt.step()
    return loss.item()
