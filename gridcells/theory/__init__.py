"""The paper's pattern-formation theory: batched simulations with a stopping rule
(``simulation``), which simulated patterns are lattices at all (``classes``) and the theory
rows' verdicts (``verdicts``).

This ``__init__`` imports nothing: import the module you need, e.g.
``from gridcells.theory import simulation``."""
