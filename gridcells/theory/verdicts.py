"""Verdicts on the pattern-formation theory's claims, from rules that can fail.

Each rule turns measurements into one of 'reproduced', 'partly', 'not reproduced' or
'inconclusive'. The share rules first ask whether the simulation formed patterns at all
(:mod:`gridcells.theory.classes`): when fewer than ``min_patterns`` of the maps pass the
pattern and box gates, the claim about which lattice forms is not tested, and the verdict
is 'inconclusive' (noise, single fields and box-scale patterns end here). The spacing rule
compares the theory's spacing with a t-interval over independently trained networks, and
is 'inconclusive' with fewer than two networks that have a spacing or an interval that
straddles the edge of the reproduced band.
"""

from __future__ import annotations

import numpy as np

from gridcells.stats import t_interval
from gridcells.theory.classes import LABELS, PatternClasses


def share_verdict(classes: PatternClasses, label: str, reproduced: float = 0.5,
                  partly: float = 0.2, min_patterns: float = 0.5) -> str:
    """Verdict on "the maps are mostly ``label``": 'inconclusive' when fewer than
    ``min_patterns`` of the maps are patterns (any label but 'not a lattice'), else
    'reproduced' when at least ``reproduced`` of all maps carry ``label``, 'partly' at
    least ``partly``, otherwise 'not reproduced'."""
    if label not in LABELS or label == "not a lattice":
        raise ValueError(f"label: expected one of {LABELS[:-1]}, got {label!r}")
    if not len(classes.label):
        return "inconclusive"
    if np.mean(classes.structured) < min_patterns:
        return "inconclusive"
    share = float(np.mean(classes.label == label))
    if share >= reproduced:
        return "reproduced"
    return "partly" if share >= partly else "not reproduced"


HIERARCHY_RATIO = 1.2  # two lattice spacings are distinct levels when they differ this much


def spacing_levels(spacings, min_ratio: float = HIERARCHY_RATIO, min_count: int = 1) -> int:
    """Distinct levels among finite ``spacings`` [n] (any unit): sorted, a new level starts
    where a spacing exceeds the previous one by at least ``min_ratio``; only levels that
    hold at least ``min_count`` spacings count (one stray map makes no level)."""
    v = np.sort(np.asarray(spacings, float)[np.isfinite(spacings)])
    if not len(v):
        return 0
    level = np.concatenate([[0], np.cumsum(v[1:] / v[:-1] >= min_ratio)])
    return int(np.sum(np.bincount(level) >= min_count))


def hierarchy_verdict(classes: PatternClasses, min_ratio: float = HIERARCHY_RATIO,
                      reproduced: float = 0.5, partly: float = 0.2,
                      min_patterns: float = 0.5, min_count: int = 2) -> tuple[str, dict]:
    """Verdict on "a hierarchy of grids" (the multi-cell claim): hexagonal lattices at more
    than one spacing. 'inconclusive' when fewer than ``min_patterns`` of the maps are
    patterns; 'reproduced' when at least ``reproduced`` of the maps are hexagonal and their
    spacings form at least two levels (:func:`spacing_levels`); 'partly' when at least
    ``partly`` are hexagonal but not both (grids at one spacing are grids, not a hierarchy);
    otherwise 'not reproduced'. Returns the verdict and {share (hexagonal, 0-1), levels,
    ratio (largest over smallest hexagonal spacing)}. A level needs ``min_count`` maps. On a
    periodic box the lattices use the box's Fourier modes, and neighbouring low modes differ
    by more than ``min_ratio``, so two levels can also be two neighbouring modes near the
    covariance's ring: the ratio is reported beside the verdict."""
    hexa = classes.label == "hexagonal"
    sp = classes.spacing[hexa]
    sp = sp[np.isfinite(sp)]
    out = {"share": float(np.mean(hexa)) if len(hexa) else 0.0,
           "levels": spacing_levels(sp, min_ratio, min_count),
           "ratio": float(sp.max() / sp.min()) if len(sp) else float("nan")}
    if not len(classes.label) or np.mean(classes.structured) < min_patterns:
        return "inconclusive", out
    if out["share"] >= reproduced and out["levels"] >= 2:
        return "reproduced", out
    return ("partly" if out["share"] >= partly else "not reproduced"), out


SPACING_REPRODUCED = (0.8, 1.25)  # the theory's spacing over the networks': "reproduced"
SPACING_PARTLY = (0.5, 2.0)


def spacing_verdict(predicted_cm: float, spacings_cm, box_cm: float = 220.0,
                    reproduced=SPACING_REPRODUCED, partly=SPACING_PARTLY, level: float = 0.95
                    ) -> tuple[str, dict]:
    """Verdict on "the networks' spacing is the theory's": ``spacings_cm`` [networks] is one
    module spacing (cm) per network (NaN: no grid units); a spacing that fits fewer than two
    periods in the box's side ``box_cm`` (cm) is a single field's, not a lattice's, and is
    dropped. The ratio predicted / spacing is
    bounded by the t-interval (``level``) of the networks' mean spacing: 'reproduced' when
    that ratio interval lies inside ``reproduced``, 'partly' inside ``partly``, 'not
    reproduced' when it misses ``reproduced`` entirely, else (or with fewer than two
    networks with a spacing) 'inconclusive'. Returns the verdict and {mean, lo, hi (cm),
    ratio, ratio_lo, ratio_hi, n: networks with a spacing}."""
    v = np.asarray(spacings_cm, float)
    v = np.where(v <= box_cm / 2, v, np.nan)
    if not (np.isfinite(predicted_cm) and predicted_cm > 0):
        raise ValueError(f"predicted_cm must be a positive number, got {predicted_cm}")
    m, lo, hi = t_interval(v, level)
    n = int(np.isfinite(v).sum())
    out = {"mean": m, "lo": lo, "hi": hi, "n": n, "ratio": predicted_cm / m if m > 0 else
           float("nan"), "ratio_lo": float("nan"), "ratio_hi": float("nan")}
    if n < 2 or not (np.isfinite(lo) and lo > 0):
        return "inconclusive", out
    r_lo, r_hi = predicted_cm / hi, predicted_cm / lo
    out.update(ratio_lo=r_lo, ratio_hi=r_hi)
    if reproduced[0] <= r_lo and r_hi <= reproduced[1]:
        return "reproduced", out
    if partly[0] <= r_lo and r_hi <= partly[1] and (r_hi < reproduced[0]
                                                  or r_lo > reproduced[1]):
        return "partly", out
    if r_hi < reproduced[0] or r_lo > reproduced[1]:
        return "not reproduced", out
    return "inconclusive", out


def outcome(classes: PatternClasses, min_patterns: float = 0.5) -> str:
    """What the maps are, in words, for the side-by-side table: 'no patterns (noise or
    single fields)' when fewer than ``min_patterns`` pass the pattern gate, 'box-scale
    patterns (fewer than two periods fit)' when they pass it but not the box gate, else
    'mostly <label>' or 'mixed' (no label above half of the patterns)."""
    if not len(classes.label):
        return "no maps"
    if np.mean(classes.structured) < min_patterns:
        if np.mean(classes.is_pattern) >= min_patterns:
            return "box-scale patterns (fewer than two periods fit)"
        return "no patterns (noise or single fields)"
    shares = {lab: float(np.mean(classes.label[classes.structured] == lab))
              for lab in LABELS[:-1]}
    best = max(shares, key=shares.get)
    return f"mostly {best}" if shares[best] > 0.5 else "mixed"


def convergence_sentence(runs: dict[str, tuple[int, bool, str]], window: int,
                         quick: int = 3) -> str:
    """Which conditions stopped quickly and which never settled, in words true of ``runs``:
    condition -> (iterations run, whether the stopping rule fired, :func:`outcome` of its
    maps); ``window``: the stopping rule's window (iterations). A run that stops within
    ``quick`` windows settled at once: that says its state stopped moving, not that it is
    a pattern, so its outcome is named beside it."""
    def short(o):   # the outcome without its own parenthesis
        return o.split(" (")[0]
    fast = [f"{k} ({it} iterations; {short(o)})" for k, (it, ok, o) in runs.items()
            if ok and it <= quick * window]
    never = [f"{k} ({short(o)})" for k, (it, ok, o) in runs.items() if not ok]
    a = (f"Stopped within {quick} windows: " + "; ".join(fast) + ". A state that stops "
         "moving at once is settled, not necessarily patterned." if fast else
         f"No condition stopped within {quick} windows.")
    b = ("Never settled within the iteration limit: " + "; ".join(never) + "; its maps are "
         "the state at the limit." if never else "Every condition settled.")
    return f"{a} {b}"
