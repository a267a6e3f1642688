"""Training one network: the learning rate and weight decay at each step (``schedule``) and
the loop with checkpoints and exact resume (``loop``).

This ``__init__`` imports nothing: import the module you need, e.g.
``from gridcells.training import schedule``."""
