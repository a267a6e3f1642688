"""What a trained network's units do: rate maps (``ratemaps``), autocorrelograms and grid
scores (``scores``), spacing, orientation and borders (``map_geometry``), the lattice the
units share (``lattice``), a network's evaluation against the recipe (``evaluation``) and
its population in numbers (``population``).

This ``__init__`` imports nothing: import the module you need, e.g.
``from gridcells.analysis import ratemaps``."""
