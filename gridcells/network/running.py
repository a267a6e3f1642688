"""Running a network along paths: the one loop behind decoding, rate maps and the analyses.

Every measurement of a trained network (:func:`gridcells.analysis.evaluation.evaluate`,
:func:`gridcells.analysis.ratemaps.iter_activity`, :func:`gridcells.predictive.study.activity`,
the topology's rate maps, the ablation's paths) feeds batches of paths to :func:`run_along`,
which runs :meth:`PathRNN.hidden` on the network's device and picks the units asked for.
Batches come from :func:`fresh_batches` (simulated on the fly from a generator) or
:func:`path_batches` (cut from paths simulated once, e.g. shared by several checkpoints).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import torch

from gridcells.network.model import PathRNN
from gridcells.world.trajectories import Batch, TrajectoryGenerator, batches_from_paths


def fresh_batches(model: PathRNN, gen: TrajectoryGenerator, n_batches: int,
                  batch_size: int | None = None, sequence_length: int | None = None
                  ) -> Iterator[Batch]:
    """``n_batches`` batches of ``batch_size`` fresh paths of ``sequence_length`` steps
    (defaults: the generator's config) drawn from ``gen`` on the model's device, one at a
    time."""
    device = model.device
    for _ in range(n_batches):
        yield gen.sample(batch_size, sequence_length, device=device)


def path_batches(model: PathRNN, positions: np.ndarray, velocities: np.ndarray,
                 batch_size: int) -> list[Batch]:
    """Batches of ``batch_size`` cut from simulated paths (positions [T + 1, N, 2] m,
    velocities [T, N, 2] m/step), with the model's place code, on the model's device."""
    return batches_from_paths(positions, velocities, model.place_cells(), batch_size,
                              model.device)


@torch.no_grad()
def run_along(model: PathRNN, batches: Iterable[Batch], units=None
              ) -> Iterator[tuple[Batch, torch.Tensor, torch.Tensor]]:
    """For each batch: (the batch, hidden states of all units [T, B, Ng], hidden states of
    ``units`` [T, B, U]; all units when ``units`` is None), on the model's device."""
    sel = None if units is None else torch.as_tensor(np.asarray(units), device=model.device)
    for b in batches:
        g = model.hidden(b.velocities, b.init_code)
        yield b, g, (g if sel is None else g.index_select(-1, sel))
