"""Experiments: scripts that produce the recorded results the book reads and the networks the
package ships (see ``experiments/results/README.md`` for which file feeds which table).

Run each from the repository root as a module, e.g. ``python -m experiments.recipe_seeds``;
shared code is imported as ``experiments.<name>`` (no ``sys.path`` changes).
"""
