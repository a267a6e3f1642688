"""The simulated experiment: every parameter (``config``; params files and overrides in
``params``), the box (``arena``), the place-cell code (``place_cells``) and the rat's paths
(``trajectories``). Imports nothing else of the package.

This ``__init__`` imports nothing: import the module you need, e.g.
``from gridcells.world import config``."""
