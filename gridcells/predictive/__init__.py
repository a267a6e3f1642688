"""The predictive (shifted) analysis: rate maps re-paired with position ahead or behind
(``shifted``), a unit's preferred shift (``shift_estimate``), calibrated shuffles
(``shuffles``), classes of units (``classes``), the earlier public analysis rule for rule
(``earlier``), ablation (``ablation``), power (``power``), units with a known answer
(``synthetic``) and the analyses run on networks (``study``).

This ``__init__`` imports nothing: import the module you need, e.g.
``from gridcells.predictive import shifted``."""
