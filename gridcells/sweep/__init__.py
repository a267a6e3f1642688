"""Many runs on a Dask cluster, screened early by the shared lattice and restartable: what a
sweep runs (``plan``), one stage on a worker (``worker``), the sweep table (``table``), the
client and ``gridcells sweep`` (``client``).

This ``__init__`` imports nothing: import the module you need, e.g.
``from gridcells.sweep import plan``."""
