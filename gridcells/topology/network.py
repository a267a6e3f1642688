"""The topology of one trained network, end to end: its rate maps on fresh paths at two
resolutions (:func:`network_maps`), the module of its grid units and that module's
persistent homology over the whole box and the interior (:func:`analyse_network`). Builds on
the pipeline of :mod:`gridcells.topology.homology`."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from gridcells.analysis.ratemaps import RateMapAccumulator, RateMaps
from gridcells.topology.homology import Topology, population_topology
from gridcells.topology.module import ModuleSelection, select_module


@torch.no_grad()
def network_maps(model, n_batches: int, nbins: int, seed: int,
                 batch_size: int | None = None, sequence_length: int | None = None
                 ) -> tuple[RateMaps, RateMaps]:
    """Rate maps of all of a network's units at the config's ``nbins`` (for grid scores and
    module selection) and at ``nbins`` (finer, for the point cloud), accumulated on the same
    ``n_batches`` batches of fresh paths drawn from ``seed`` (the evaluation's trajectory
    stream, :func:`gridcells.analysis.evaluation.evaluate`). Returns (coarse, fine)."""
    from gridcells.analysis.evaluation import EVAL_STREAM
    from gridcells.network.running import fresh_batches, run_along
    from gridcells.world.trajectories import TrajectoryGenerator

    cfg = model.cfg
    gen = TrajectoryGenerator(cfg, model.place_cells(), np.random.default_rng([seed, EVAL_STREAM]))
    coarse = RateMapAccumulator(cfg, cfg.Ng)
    fine = RateMapAccumulator(cfg, cfg.Ng, nbins)
    for b, g, _ in run_along(model, fresh_batches(model, gen, n_batches, batch_size,
                                                  sequence_length)):
        g = g.reshape(-1, cfg.Ng).float().cpu()
        pos = b.positions.reshape(-1, 2).cpu()
        coarse.add(pos, g)
        fine.add(pos, g)
    return coarse.result(), fine.result()



@dataclass
class NetworkTopology:
    """The topology analysis of one network: selection (the module's units), maps (the
    fine rate maps of all units, [Ng, n, n]), full (the whole box) and interior (bins within
    ``margin_bins`` of the walls left out) :class:`Topology`, or None when the module has
    fewer than ``min_units`` units; seconds_maps: wall time of the rate maps; seconds: of the
    whole analysis; n_points, n_null: the settings (recorded also where no module was
    analysed, so that its rows count among those of the same settings)."""

    selection: ModuleSelection
    maps: RateMaps
    full: Topology | None
    interior: Topology | None
    margin_bins: int
    seconds_maps: float
    seconds: float
    n_points: int = 0
    n_null: int = 0

    def not_analysed(self, part: str) -> bool:
        """Whether ``part`` ('whole box' or 'interior') was left out although the network has
        a module (the interior was not asked for, or its margin leaves too little), rather
        than missing for want of one."""
        return part == "interior" and self.interior is None and self.full is not None

    def rows(self, label: str) -> list[dict]:
        """Table rows (the whole box, the interior) labelled ``label``."""
        out = []
        for part, top in (("whole box", self.full), ("interior", self.interior)):
            if top is None:
                missing = "not analysed" if self.not_analysed(part) else "no module"
                out.append({"network": label, "region": part,
                            "units": len(self.selection.units), "betti": None,
                            "torus": missing, "points": 0, "nulls": self.n_null})
            else:
                out.append({"network": label, "region": part, **top.row()})
        return out


def analyse_network(model, cfg, seed: int, interior: bool = True, min_units: int = 10
                    ) -> NetworkTopology:
    """Rate maps (:func:`network_maps`, ``cfg.topology_batches`` batches from ``seed``),
    the module (:func:`select_module` on the grid scores of the ``model.cfg.nbins`` maps) and
    its topology (:func:`population_topology`) over the whole box and, if ``interior``, without
    the bins within ``cfg.topology_margin`` (m) of the walls. Analysis settings come from
    ``cfg`` (the ``topology_*`` fields), the network from ``model``."""
    from gridcells.analysis.scores import GridScorer

    t0 = time.perf_counter()
    mcfg = model.cfg
    coarse, fine = network_maps(model, cfg.topology_batches, cfg.topology_nbins, seed)
    t_maps = time.perf_counter() - t0
    scores = GridScorer.cached(mcfg.nbins).score(coarse.maps)
    sel = select_module(scores, mcfg.box_width / mcfg.nbins, cfg.topology_threshold,
                        cfg.topology_spacing_tol, cfg.topology_orientation_tol)
    n = cfg.topology_nbins
    margin = int(round(cfg.topology_margin / (mcfg.box_width / n)))
    settings = {"sigma": cfg.topology_sigma, "n_points": cfg.topology_points,
                "max_scale": cfg.topology_max_scale, "n_null": cfg.topology_nulls, "seed": seed}
    full = inner = None
    if len(sel.units) >= min_units:
        module_maps = fine.maps[sel.units]
        full = population_topology(module_maps, **settings)
        if interior and 0 < margin < n // 3:
            inner = population_topology(module_maps[:, margin:n - margin, margin:n - margin],
                                        **settings)
    return NetworkTopology(sel, fine, full, inner, margin, t_maps, time.perf_counter() - t0,
                           cfg.topology_points, cfg.topology_nulls)
