"""Recorded results read back: the speed benchmarks (``speed``), the experiment tables the
research notes quote (``experiments``) and the odds of grids emerging per training setting
(``emergence``).

This ``__init__`` imports nothing: import the module you need, e.g.
``from gridcells.records import speed``."""
