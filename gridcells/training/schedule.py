"""The training schedule: the learning-rate multiplier and the weight-decay coefficient at
each step (0-based) of a config's ``total_steps``."""

from __future__ import annotations

import math

from gridcells.world.config import Config


def lr_factor(step: int, cfg: Config) -> float:
    """Learning-rate multiplier at ``step`` (0-based): linear warm-up, then constant, cosine
    or linear decay to ``lr_final_fraction``."""
    if step < cfg.lr_warmup_steps:
        return (step + 1) / cfg.lr_warmup_steps
    if cfg.lr_schedule == "constant":
        return 1.0
    span = max(cfg.total_steps - cfg.lr_warmup_steps, 1)
    frac = min((step - cfg.lr_warmup_steps) / span, 1.0)
    f = cfg.lr_final_fraction
    if cfg.lr_schedule == "cosine":
        return f + (1 - f) * 0.5 * (1 + math.cos(math.pi * frac))
    return 1 - (1 - f) * frac


def weight_decay_at(step: int, cfg: Config) -> float:
    """Weight-decay coefficient at ``step`` (0-based): 0 before ``weight_decay_start`` and from
    ``weight_decay_stop`` on; in between ``weight_decay``, or a linear ramp to
    ``weight_decay_final`` at the last step with decay."""
    end = cfg.total_steps if cfg.weight_decay_stop is None else cfg.weight_decay_stop
    if step < cfg.weight_decay_start or step >= end:
        return 0.0
    if cfg.weight_decay_final is None:
        return cfg.weight_decay
    span = max(end - 1 - cfg.weight_decay_start, 1)
    frac = min((step - cfg.weight_decay_start) / span, 1.0)
    return cfg.weight_decay + (cfg.weight_decay_final - cfg.weight_decay) * frac
