"""The networks the package ships: export, model cards and loading (``pretrained``); the
ensemble as data and a sweep's yield per hour (``ensemble``).

This ``__init__`` imports nothing: import the module you need, e.g.
``from gridcells.shipped import pretrained``."""
