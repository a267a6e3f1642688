"""A run directory on disk without torch: its layout, lock and atomic writes (``layout``) and
the records beside the weights: history and gridness tables, provenance (``history``).

This ``__init__`` imports nothing: import the module you need, e.g.
``from gridcells.rundir import layout``."""
