"""The book's figures, by topic: ``style`` (the one style and the shared helpers), ``maps``
(rate maps and scores), ``curves`` (training and emergence), ``theory`` (pattern formation),
``predictive`` (the predictive analysis), ``topology`` (persistence) and ``schematic`` (the
task and the network). Every figure helper takes ``ax=None`` (or ``fig=None``) and returns
``(fig, ax)``.

The one ``__init__`` of the package that imports: it gathers the figure helpers in one
namespace for the chapters (``from gridcells.book import plots``; ``plots.ratemap_gallery``).
The modules import :mod:`gridcells.book.plots.style`, never this namespace, so no import
circle runs through it."""

from gridcells.book.plots.curves import (
    lattice_race,
    network_strip,
    odds_map,
    training_curves,
    verdict_grid,
)
from gridcells.book.plots.maps import (
    best_first,
    by_network,
    lattice_profile,
    peak_normalised,
    plot_sac,
    ratemap_gallery,
    score_histogram,
    shared_colorbar,
    show_map,
    top_maps,
)
from gridcells.book.plots.predictive import (
    ablation_bars,
    class_counts,
    classification_panels,
    lag_heatmaps,
    shift_distribution,
    shift_profiles,
    zero_vs_peak,
)
from gridcells.book.plots.schematic import task_schematic
from gridcells.book.plots.style import (
    CLASS_COLORS,
    DPI,
    MAP_CMAP,
    MAP_INCHES,
    MAX_WIDTH,
    panel_letter,
    set_style,
    width,
)
from gridcells.book.plots.theory import covariance_panels
from gridcells.book.plots.topology import barcodes, point_cloud_3d, toroidal_maps

__all__ = [
    "ablation_bars", "barcodes", "best_first", "by_network", "CLASS_COLORS", "class_counts",
    "classification_panels", "covariance_panels", "DPI", "lag_heatmaps", "lattice_profile",
    "lattice_race", "MAP_CMAP", "MAP_INCHES", "MAX_WIDTH", "network_strip", "odds_map",
    "panel_letter", "peak_normalised", "plot_sac", "point_cloud_3d", "ratemap_gallery",
    "score_histogram", "set_style", "shared_colorbar", "shift_distribution", "shift_profiles",
    "show_map", "task_schematic", "top_maps", "toroidal_maps", "training_curves",
    "verdict_grid", "width", "zero_vs_peak",
]
