"""Is a grid module's population a torus: which units form the module (``module``),
persistent homology of a population (``homology``), the torus's two angles
(``coordinates``), a trained network end to end (``network``), synthetic modules with a
known answer (``synthetic``).

This ``__init__`` imports nothing: import the module you need, e.g.
``from gridcells.topology import homology``."""
