"""The path-integrating network: the RNN / LSTM and its loss (``model``), running it along
paths (``running``), and its weights and training state on disk (``checkpoints``).

This ``__init__`` imports nothing: import the module you need, e.g.
``from gridcells.network import model``."""
