"""The book: its network (``network``), figures (``plots``), page furniture (``report``),
qualitative sentences computed from values (``sentences``), the papermill pipeline
(``pipeline``) and glued values read back (``glue``).

This ``__init__`` imports nothing: import the module you need, e.g.
``from gridcells.book import network``."""
