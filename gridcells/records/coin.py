"""What decides the coin of the hexagonal lattice, asked of the whole odds map at once: do
the settings differ at all (Cochran's Q over the seeds they share), does a seed's starting
point decide its verdict (the spread of the seeds' hexagonal counts over the settings that
start a seed from the same point), does a change far smaller than any setting (a nudge of
the learning rate) alone change a seed's verdict, and what, measured so, limits the recipe.
Each answer is a sentence true of its figures on every outcome.

The per-setting odds are :mod:`gridcells.records.odds`; the early predictors and the theory
are :mod:`gridcells.records.emergence`.
"""

from __future__ import annotations

import math

import numpy as np

from gridcells.records.experiments import listing
from gridcells.records.odds import (
    MIN_SEEDS,
    latest_screens,
    row_overrides,
    row_seed,
    setting_of,
    verdicts_by_setting,
)
from gridcells.stats import cochran_q, unit_concordance


def seed_by_setting(rows: list[dict], min_seeds: int = MIN_SEEDS, keep=None) -> dict:
    """The verdicts of the settings (the recipe among them) screened on the same seeds, as
    one table: the seeds every setting with at least ``min_seeds`` screens (and in ``keep``,
    when given) shares, those settings, and the 0/1 table [seeds, settings] (1: leans
    hexagonal). Empty when fewer than two settings or ``min_seeds`` shared seeds remain."""
    every = {k: v for k, v in verdicts_by_setting(rows).items() if keep is None or k in keep}
    by = {k: v for k, v in every.items() if len(v) >= min_seeds}
    short = [k for k in every if k not in by]
    shared = sorted(set.intersection(*(set(v) for v in by.values()))) if by else []
    if len(by) < 2 or len(shared) < min_seeds:
        return {"seeds": [], "settings": [], "table": np.zeros((0, 0), int), "short": short}
    return {"seeds": shared, "settings": list(by), "short": short,
            "table": np.array([[int(by[k][s]) for k in by] for s in shared])}


def omnibus_tests(paired: dict, start: dict | None = None, reps: int = 9999,
                  seed: int = 0) -> dict:
    """The two questions of the whole map at once, on :func:`seed_by_setting`'s tables: do
    the settings of ``paired`` differ in their odds at all (Cochran's Q with its
    permutation p-value, :func:`gridcells.stats.cochran_q`), and does the seed decide, so
    that some seeds lean hexagonal under most settings and others under none (the variance
    of the seeds' hexagonal counts against shuffled seeds,
    :func:`gridcells.stats.unit_concordance`), asked of ``start`` (the settings that start
    a seed from the same point, :func:`gridcells.records.emergence.same_start`; default
    ``paired``), with the variance independent verdicts would have on average."""
    t = paired["table"]
    q, p_q = cochran_q(t, reps, seed)
    out = {"seeds": len(paired["seeds"]), "settings": list(paired["settings"]), "q": q,
           "p_settings": p_q, "short": list(paired.get("short", []))}
    start = paired if start is None else start
    if not start["seeds"]:   # fewer than two settings share a starting point: not asked
        return {**out, "start_seeds": 0, "start_settings": []}
    ts = start["table"]
    var, p_c = unit_concordance(ts, reps, seed)
    counts = ts.sum(1)
    shares = ts.mean(0)
    return {**out, "start_seeds": len(start["seeds"]),
            "start_settings": list(start["settings"]), "variance": var,
            "null_variance": float((shares * (1 - shares)).sum()), "p_seed": p_c,
            "always": int((counts == ts.shape[1]).sum()), "never": int((counts == 0).sum())}


def omnibus_sentence(tests: dict | None, alpha: float = 0.05) -> str:
    """What :func:`omnibus_tests` says, true of its figures (None: too few settings share
    their seeds yet)."""
    if not tests:
        return ("Fewer than two settings share their seeds yet, so the map cannot be tested "
                "as a whole.")
    n, k = tests["seeds"], len(tests["settings"])
    among = " (the recipe among them)" if "recipe" in tests["settings"] else ""
    head = f"Over the {n} seeds that all {k} settings{among} screened, "
    differ = (f"the settings differ in their odds (Cochran's Q {tests['q']:.1f}, permutation "
              f"p {tests['p_settings']:.2g})" if tests["p_settings"] < alpha else
              f"the settings' odds are not detectably different as a whole (Cochran's Q "
              f"{tests['q']:.1f}, permutation p {tests['p_settings']:.2g})")
    if tests["short"]:
        head = (f"Leaving out the settings screened on fewer seeds ({listing(tests['short'])}), "
                + head[0].lower() + head[1:])
    ns, ks = tests["start_seeds"], len(tests["start_settings"])
    if not ns:
        return (f"{head}{differ}; whether the seed decides cannot be asked yet: fewer than two "
                "settings start a seed from the same weights, place-cell centres and paths.")
    which = ("these settings" if tests["start_settings"] == tests["settings"] else
             f"the {ks} settings that start a seed from the same weights, place-cell centres "
             f"and paths ({listing(tests['start_settings'])})")
    spread = (f"over {which}, the variance of a seed's hexagonal count is "
              f"{tests['variance']:.2f} against {tests['null_variance']:.2f} expected if the "
              f"seed played no part (permutation p {tests['p_seed']:.2g})")
    never = (f"; {tests['never']} of the {ns} seeds "
             f"{'leans' if tests['never'] == 1 else 'lean'} hexagonal under none of them"
             if tests["never"] else "")
    seed = (f"the seed carries part of the coin: {spread}{never}" if tests["p_seed"] < alpha
            else f"the seed does not detectably decide the coin: {spread}{never}")
    return f"{head}{differ}, and {seed}."


def screens_of(rows: list[dict], setting: str = "recipe") -> dict[int, dict]:
    """One setting's screen rows by seed (the newest row of each run counts)."""
    return {row_seed(r): r for r in latest_screens(rows)
            if setting_of(row_overrides(r)) == setting}


def perturbation_agreement(a: dict[int, dict], b: dict[int, dict]) -> dict:
    """The same seeds screened without and with a small perturbation (``a``, ``b``:
    :func:`screens_of`): on the seeds both screened, the seeds whose verdict is the same,
    the seeds hexagonal without, with, and both, the agreement independent verdicts at these
    odds would have on average, the one-sided p-value of Fisher's exact test that the two
    verdicts are associated, Spearman's rho (two-sided p) between the two runs' hexagonal
    leads (hexagonal order minus the larger of square and stripe; left out when either is
    constant), and the median decoding error (cm) at the screen of each."""
    from scipy.stats import fisher_exact, spearmanr

    seeds = sorted(set(a) & set(b))
    va = np.array([bool(a[s]["passes_rule"]) for s in seeds], dtype=bool)
    vb = np.array([bool(b[s]["passes_rule"]) for s in seeds], dtype=bool)
    n = len(seeds)
    out = {"seeds": n, "agree": int((va == vb).sum()), "default_hex": int(va.sum()),
           "other_hex": int(vb.sum()), "both_hex": int((va & vb).sum())}
    if n == 0:
        return out
    pa, pb = va.mean(), vb.mean()
    out["expected_agree"] = float(n * (pa * pb + (1 - pa) * (1 - pb)))
    table = [[int((va & vb).sum()), int((va & ~vb).sum())],
             [int((~va & vb).sum()), int((~va & ~vb).sum())]]
    out["p_association"] = float(fisher_exact(table, alternative="greater")[1])
    out["err_default"] = float(np.median([a[s]["err_cm"] for s in seeds]))
    out["err_other"] = float(np.median([b[s]["err_cm"] for s in seeds]))

    def lead(r):
        return r["hex_order"] - max(r["square_order"], r["stripe_order"])

    la, lb = [lead(a[s]) for s in seeds], [lead(b[s]) for s in seeds]
    if n >= 3 and len(set(la)) > 1 and len(set(lb)) > 1:   # rho is undefined for a constant
        rho, p = spearmanr(la, lb)
        out["rho"], out["p_rho"] = float(rho), float(p)
    return out


def perturbation_sentence(k: dict, change: str, alpha: float = 0.05,
                          min_seeds: int = MIN_SEEDS) -> str:
    """What :func:`perturbation_agreement` says about the coin, true of its figures
    (``change``: the perturbation in words, e.g. 'the learning rate changed by one part in
    20,000')."""
    n = k["seeds"]
    if n < min_seeds:
        return (f"The recipe's fresh seeds with {change} are still being screened "
                f"({n} of {min_seeds} so far).")
    cases = "case" if k["agree"] == 1 else "cases"
    head = (f"With {change}, the recipe's {n} fresh seeds give the verdict they give without "
            f"it in {k['agree']} {cases} (independent verdicts at these odds would agree in "
            f"{k['expected_agree']:.1f} on average); {k['default_hex']} lean hexagonal "
            f"without it, {k['other_hex']} with it, {k['both_hex']} both times (one-sided "
            f"Fisher's exact p {k['p_association']:.2g} for a positive association)")
    if math.isfinite(k.get("rho", float("nan"))):
        head += (f", and their hexagonal leads correlate with Spearman's rho "
                 f"{k['rho']:.2f} (p {k['p_rho']:.2g})")
    head += (f"; median error at the screen {k['err_default']:.0f} cm without it, "
             f"{k['err_other']:.0f} cm with it")
    changed = n - k["agree"]
    if changed == 0:
        tail = "Every seed keeps its verdict: on these seeds the change does not redraw the coin."
    elif k["p_association"] < alpha:
        tail = (f"The verdicts are associated, but {changed} of {n} seeds "
                f"{'changes its verdict' if changed == 1 else 'change theirs'}: the change "
                "redraws part of the coin.")
    else:
        tail = (f"{changed} of {n} seeds {'changes its' if changed == 1 else 'change their'} "
                "verdict, and a seed's two verdicts are not detectably associated")
        one_sided = {k["default_hex"], k["other_hex"]} & {0, n}
        tail += (" (with every seed on one side in one of the two runs the association test "
                 "has no power)." if one_sided else ".")
    return f"{head}. {tail}"


def limits_sentence(omnibus: dict | None, nudged: dict, change: str, alpha: float = 0.05,
                    min_seeds: int = MIN_SEEDS) -> str:
    """What limits a recipe's odds, true of the map's two whole-map tests
    (:func:`omnibus_tests`, None when too few settings share their seeds) and of the
    perturbation experiment (:func:`perturbation_agreement`; ``change`` in words): whether
    the settings, the starting point of a seed or a change far smaller than any setting
    detectably decide the coin, and what follows (a conclusion only when none of them does
    and the small change changed some verdicts)."""
    if omnibus is None or not omnibus.get("start_seeds") or nudged["seeds"] < min_seeds:
        return ("What limits the odds is not settled yet: the map's whole-map tests or the "
                "perturbation experiment are still short of seeds.")
    n, changed = nudged["seeds"], nudged["seeds"] - nudged["agree"]
    settings_move = omnibus["p_settings"] < alpha
    seed_decides = omnibus["p_seed"] < alpha
    associated = nudged["p_association"] < alpha
    effect = (f"none of the {n} seeds changed its verdict" if changed == 0 else
              f"{changed} of the {n} seeds changed their verdict"
              + (", though the verdicts stay associated" if associated else
                 " and a seed's two verdicts are not detectably associated"))
    found = [("the settings do differ in their odds as a whole" if settings_move
              else "the settings do not detectably differ in their odds as a whole"),
             ("a seed's starting point carries part of its verdict" if seed_decides
              else "a seed's starting point does not detectably decide its verdict"),
             f"and with {change} alone, {effect}"]
    head = "What limits the recipe, measured: " + "; ".join(found) + "."
    if not (settings_move or seed_decides or associated) and changed:
        return (head + " No setting the map tried and no seed's starting point was detectably "
                "responsible, while a change far smaller than any setting did change "
                "verdicts: the lattice is settled during training. Until a setting is found "
                "that moves the odds, the way to a hexagonal network is to screen early and "
                "redraw, as the sweep does (its yield per hour is in the ensemble chapter).")
    return (head + " These measurements do not single out one cause; the sweep screens early "
            "and redraws meanwhile (its yield per hour is in the ensemble chapter).")
