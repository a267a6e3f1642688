"""The pattern-formation chapter's sentences on its theory's claims, each true of its inputs:
what "irregular" covers (bent stripes read both ways) and where the theory's spacing lies
against the networks'. Builders take measured values and return prose; the tests feed them
both outcomes."""

from __future__ import annotations

import numpy as np

from gridcells.book.sentences import _fin


def spacing_gap_sentence(predicted_cm: float, interval: dict) -> str:
    """Where the theory's spacing (cm) lies against the networks' mean spacing and its 95 %
    t-interval (``interval`` from :func:`~gridcells.theory.verdicts.spacing_verdict`: mean,
    lo, hi, n): inside the interval, or how far below or above it, as a share of the mean
    with the range over the interval. Empty without an interval (fewer than two networks)."""
    m, lo, hi = interval["mean"], interval["lo"], interval["hi"]
    if interval.get("n", 0) < 2 or not all(_fin(v) and v > 0 for v in (m, lo, hi)):
        return ""
    if lo <= predicted_cm <= hi:
        return "The theory's spacing lies inside the networks' 95 % interval."
    gaps = sorted(abs(predicted_cm / v - 1) for v in (lo, hi))
    word = "below" if predicted_cm < lo else "above"
    return (f"The theory's spacing lies {abs(predicted_cm / m - 1):.0%} {word} the networks' "
            f"mean ({gaps[0]:.0%} to {gaps[1]:.0%} over its 95 % interval), outside that "
            "interval: the agreement the verdict names is an approximation within the rule's "
            "band, not an equality.")


def irregular_strict_verdict(classes, bound: float) -> str:
    """The verdict on "mostly irregular" with the bent stripes (stripe order above ``bound``,
    :func:`~gridcells.theory.classes.bent_stripes`) read as stripes."""
    from dataclasses import replace

    from gridcells.theory.classes import bent_stripes
    from gridcells.theory.verdicts import share_verdict

    bent = bent_stripes(classes, bound)
    return share_verdict(replace(classes, label=np.where(bent, "stripes", classes.label)),
                         "irregular")


def irregular_verdicts(classes, bound: float) -> str:
    """The verdict on "mostly irregular" as labelled, and, where it differs, with the bent
    stripes read as stripes: 'partly as labelled; not reproduced with bent stripes read as
    stripes'."""
    from gridcells.theory.verdicts import share_verdict

    labelled = share_verdict(classes, "irregular")
    strict = irregular_strict_verdict(classes, bound)
    return (labelled if strict == labelled else
            f"{labelled} as labelled; {strict} with bent stripes read as stripes")


def irregular_reading(classes, bound: float) -> str:
    """The claim "mostly irregular" read two ways, for a
    :class:`~gridcells.theory.classes.PatternClasses`: how many of the maps labelled
    irregular are bent stripes (stripe order above ``bound``,
    :func:`~gridcells.theory.classes.bent_stripes`), and the verdict when they are read as
    stripes beside the verdict as labelled. Empty when no map is labelled irregular."""
    from gridcells.theory.classes import bent_stripes
    from gridcells.theory.verdicts import share_verdict

    irregular = classes.label == "irregular"
    if not irregular.any():
        return ""
    bent = bent_stripes(classes, bound)
    n_irr, n_bent = int(irregular.sum()), int(bent.sum())
    why = (f"the stripe order that 95 % of synthetic irregular maps stay below is "
           f"{bound:.2f}")
    if not n_bent:
        return (f"None of the {n_irr} maps labelled irregular has one dominant orientation "
                f"({why}).")
    strict = irregular_strict_verdict(classes, bound)
    claim_verdict = share_verdict(classes, "irregular")
    order = classes.stripe_order[bent]
    span = (f"{order.min():.2f}" if n_bent == 1 else
            f"{order.min():.2f}-{order.max():.2f}")
    if strict == claim_verdict:
        tail = f"the verdict is {strict} either way"
    else:
        tail = (f"read as stripes, they leave {np.mean(irregular & ~bent):.0%} of the maps "
                f"irregular and the claim is {strict}, against {claim_verdict} as labelled")
    return (f"{n_bent} of the {n_irr} maps labelled irregular are bent stripes: one "
            f"orientation dominates them (stripe order {span}; {why}); {tail}.")
