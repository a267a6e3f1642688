"""The topology chapter's sentences, each computed from the results it describes: a
population's Betti numbers, how many networks are tori, what the H0 rule's sampling-scale
condition changed, and whether leaving out the walls changes the verdicts (with its test)."""

from __future__ import annotations


def betti_text(top) -> str:
    """'(1, 2, 1), a torus' or '(1, 0, 0), no torus' for a topology result (an object with
    ``betti`` and ``is_torus``, :class:`gridcells.topology.homology.Topology`); 'no module (too few
    grid units)' for None."""
    if top is None:
        return "no module (too few grid units)"
    return f"{tuple(top.betti)}, " + ("a torus" if top.is_torus else "no torus")


def tori_text(rows: list[dict], region: str) -> str:
    """How many networks' modules are tori in ``region`` ('whole box' or 'interior'), of
    rows with ``region`` and ``is_torus``, with the Wilson 95 % interval."""
    from gridcells.stats import wilson_interval

    sel = [r for r in rows if r["region"] == region]
    k = sum(bool(r["is_torus"]) for r in sel)
    lo, hi = wilson_interval(k, len(sel))
    if not sel:
        return "none analysed"
    return f"{k} of {len(sel)} (Wilson 95 % interval {100 * lo:.0f}-{100 * hi:.0f} %)"


def h0_rule_sentence(top, subject: str) -> str:
    """What the H0 rule's sampling-scale condition changed for one population (a
    :class:`gridcells.topology.homology.Topology` or None): Betti 0 counted against the null's
    longest H0 bar alone, beside the rule's count."""
    if top is None:
        return f"{subject[0].upper()}{subject[1:]} has no module to count."
    finite = top.lifetimes(0)[1:]
    alone = 1 + int((finite > top.null_longest[0]).sum())
    if alone == top.betti[0]:
        return (f"For {subject} both counts agree: Betti 0 = {alone} against the null alone "
                f"and with the sampling scale.")
    return (f"Against the null alone {subject} would have Betti 0 = {alone}; with the "
            f"sampling scale, {top.betti[0]}.")


def region_sentence(rows: list[dict], alpha: float = 0.05) -> str:
    """Whether leaving out the walls changes the torus verdicts, over rows with ``network``,
    ``region`` ('whole box' or 'interior') and ``is_torus``: the networks that are tori only
    away from the walls and only over the whole box, with the exact McNemar test (a binomial
    test on those discordant networks; two-sided). A region is named as the one where the
    result holds only when p < ``alpha``."""
    from scipy.stats import binomtest

    verdict = {(r["network"], r["region"]): bool(r["is_torus"]) for r in rows}
    pairs = [(verdict[n, "whole box"], verdict[n, "interior"])
             for n in sorted({r["network"] for r in rows})
             if (n, "whole box") in verdict and (n, "interior") in verdict]
    only_inside = sum(inside and not whole for whole, inside in pairs)
    only_whole = sum(whole and not inside for whole, inside in pairs)
    if not pairs:
        return "No network was analysed in both regions."
    if only_inside + only_whole == 0:
        return (f"Leaving out the walls changes the verdict of none of the {len(pairs)} "
                f"networks.")
    p = binomtest(min(only_inside, only_whole), only_inside + only_whole, 0.5).pvalue
    where = ("no region is favoured detectably" if p >= alpha else
             "the result holds away from the walls" if only_inside > only_whole else
             "the result holds over the whole box")
    return (f"Paired by network, {where}: {only_inside} of {len(pairs)} are tori only away "
            f"from the walls and {only_whole} only over the whole box (exact McNemar p = "
            f"{p:.2g}).")


CLOSE_CALL = 0.01  # a bar this close to its null threshold: the call rests on a near-tie


def close_calls(rows: list[dict], tol: float = CLOSE_CALL) -> list[str]:
    """The torus calls of ``rows`` (table rows with network, region, 'H1 top bars', 'H1 null',
    'H2 top bars', 'H2 null') whose deciding bars lie within ``tol`` of their null threshold:
    the second H1 bar and the first H2 bar (a torus needs both to clear it), one phrase
    each."""
    out = []
    for r in rows:
        for d, rank, what in ((1, 1, "second H1 bar"), (2, 0, "H2 bar")):
            bars, null = r.get(f"H{d} top bars"), r.get(f"H{d} null")
            if not bars or len(bars) <= rank or null is None:
                continue
            if abs(float(bars[rank]) - float(null)) <= tol:
                out.append(f"{r['network']}, {r['region']}: its {what} {bars[rank]:.3f} "
                           f"against the null's {null:.3f}")
    return out


def close_call_sentence(rows: list[dict], max_scale: float, tol: float = CLOSE_CALL) -> str:
    """Which calls rest on a near-tie, true of ``rows`` (:func:`close_calls`); bars still
    alive when the filtration stops at ``max_scale`` are cut there, which makes ties more
    likely."""
    calls = close_calls(rows, tol)
    if not calls:
        return (f"No torus call here rests on a deciding bar (the second H1 bar or the first "
                f"H2 bar) within {tol:g} of its null threshold.")
    return (f"These calls rest on a near-tie (within {tol:g}): " + "; ".join(calls) + ". A "
            "bar counts only if it is longer than the null's longest, so whether these count "
            "turns on digits beyond those shown and can flip with the points sampled or the "
            "weights' precision; bars still alive at the end of the filtration "
            f"({max_scale:g}) are cut there, which makes ties more likely.")
