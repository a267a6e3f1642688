"""The odds map of "When do grids emerge": per training setting, the share of screened seeds
whose units lean hexagonal, with a Wilson interval, compared with the recipe's recorded odds
(Fisher's exact test) and with the recipe on the same fresh seeds (exact McNemar test), and
the sentences the chapter states about them: which settings change the odds, the recipe's
odds on fresh seeds, and whether any setting makes a better recipe. What decides the coin
across the map (the whole-map tests, rounding) is :mod:`gridcells.records.coin`.

A screened run's verdict (the sweep's rule at the screening step) is one Bernoulli draw of
its setting; :mod:`gridcells.records.emergence` asks what decides that draw.
"""

from __future__ import annotations

import math

from gridcells.records.experiments import dominant_order, leaves_chance, listing
from gridcells.stats import holm, wilson_interval

MIN_SEEDS = 16  # screens a setting needs before the map judges it (issue 30's floor)
GOAL = 0.8  # the share of hexagonal seeds a better recipe must reach (issue 30)


def setting_of(overrides: dict | None) -> str:
    """A run's setting as text: its overrides without the seed ('periodic=True'); 'recipe'
    when it changes nothing."""
    items = [f"{k}={v}" for k, v in (overrides or {}).items() if k != "seed"]
    return ", ".join(items) or "recipe"


def row_overrides(row: dict) -> dict:
    """Everything a sweep row's run changed from its params file: the sweep's overrides of
    every run (``common_overrides``) and the run's own (``overrides``, which win)."""
    return {**(row.get("common_overrides") or {}), **(row.get("overrides") or {})}


def odds_by_setting(rows: list[dict], baseline: tuple[int, int] | None = None
                    ) -> list[dict]:
    """One row per setting from screen rows (each with ``overrides`` and ``passes_rule``, as
    a sweep table's screen stage; the newest row of each run counts): seeds screened, seeds
    that lean hexagonal, their share with its Wilson 95 % interval, and, given the
    recipe's recorded ``baseline`` (passes, screens), the two-sided p-value of Fisher's
    exact test of the setting's odds against it. Settings in order of first appearance."""
    from scipy.stats import fisher_exact

    by = verdicts_by_setting(rows)
    out = []
    for setting, by_seed in by.items():
        k, n = sum(by_seed.values()), len(by_seed)
        lo, hi = wilson_interval(k, n)
        row = {"setting": setting, "screened": n, "hexagonal": k, "share": k / n,
               "lo": lo, "hi": hi}
        if baseline is not None:
            bk, bn = baseline
            row["p_vs_recipe"] = float(fisher_exact([[k, n - k], [bk, bn - bk]])[1])
        if "recipe" in by and setting != "recipe":
            row.update(same_seeds(by_seed, by["recipe"]))
        out.append(row)
    return out


def verdicts_by_setting(rows: list[dict]) -> dict[str, dict[int, bool]]:
    """Each setting's screen verdicts by seed, from screen rows (each with ``overrides`` and
    ``passes_rule``; the newest row of each run counts), settings in order of first
    appearance: {setting: {seed: leans hexagonal}}."""
    by: dict[str, dict[int, bool]] = {}
    for r in latest_screens(rows):
        by.setdefault(setting_of(row_overrides(r)), {})[row_seed(r)] = bool(r["passes_rule"])
    return by


def latest_screens(rows: list[dict]) -> list[dict]:
    """The screen rows of a sweep table (rows without ``stage`` count as screens), the
    newest of each run (by setting and ``name``, so tables pooled from sweeps that name
    their runs alike keep each), runs in order of first appearance."""
    latest: dict[tuple[str, str], dict] = {}
    for r in rows:
        if r.get("stage", "screen") == "screen":
            latest[setting_of(row_overrides(r)), r["name"]] = r
    return list(latest.values())


def row_seed(row: dict):
    """A sweep row's seed (its ``seed``, else its overrides', else its run name)."""
    return row.get("seed", row_overrides(row).get("seed", row["name"]))


def overrides_by_setting(rows: list[dict]) -> dict[str, dict]:
    """Each setting's overrides without the seed, from screen rows: {setting: overrides}."""
    return {setting_of(row_overrides(r)): {k: v for k, v in row_overrides(r).items()
                                           if k != "seed"} for r in rows}


def same_seeds(setting: dict[int, bool], recipe: dict[int, bool]) -> dict:
    """A setting against the recipe on the seeds both screened (verdicts by seed): the number
    of shared seeds, the discordant counts (hexagonal under the setting only, under the
    recipe only) and the two-sided exact McNemar p-value (1 with no discordant seed)."""
    from scipy.stats import binom

    shared = sorted(set(setting) & set(recipe))
    b = sum(setting[s] and not recipe[s] for s in shared)
    c = sum(recipe[s] and not setting[s] for s in shared)
    p = min(1.0, 2 * float(binom.cdf(min(b, c), b + c, 0.5))) if b + c else 1.0
    return {"paired_seeds": len(shared), "setting_only": b, "recipe_only": c,
            "p_same_seeds": p}


def fresh_recipe_sentence(fresh: dict | None, baseline: dict, min_seeds: int = MIN_SEEDS) -> str:
    """The recipe's odds on fresh seeds (``fresh``: its :func:`odds_by_setting` row, None if
    not screened yet) beside its odds on the seeds that chose it (``baseline``), with Wilson
    intervals and Fisher's exact p-value between the two."""
    from scipy.stats import fisher_exact

    if fresh is None:
        return "The recipe has not been screened on fresh seeds yet."
    k, n = fresh["hexagonal"], fresh["screened"]
    if n < min_seeds:
        return (f"The recipe's screens on fresh seeds are still running ({k} of {n} lean "
                "hexagonal so far).")
    old = (f"{baseline['hexagonal']} of {baseline['screened']} "
           f"({100 * baseline['share']:.0f} %, Wilson {100 * baseline['lo']:.0f}-"
           f"{100 * baseline['hi']:.0f} %)")
    p = float(fisher_exact([[k, n - k], [baseline["hexagonal"],
                                         baseline["screened"] - baseline["hexagonal"]]])[1])
    return (f"On {n} fresh seeds, which played no part in choosing it, the recipe leans "
            f"hexagonal in {k} ({100 * fresh['share']:.0f} %, Wilson {100 * fresh['lo']:.0f}-"
            f"{100 * fresh['hi']:.0f} %), against {old} on the seeds that chose it (Fisher "
            f"p {p:.2g}).")


def map_sentence(rows: list[dict], baseline: dict, min_seeds: int = MIN_SEEDS,
                 alpha: float = 0.05) -> str:
    """What the odds map says, true of ``rows`` (:func:`odds_by_setting` with
    ``p_vs_recipe``): the settings whose odds differ from the recipe's (``baseline``, a row
    of the same form) after Holm's adjustment over the settings with at least
    ``min_seeds`` screens, in which direction; those still short of ``min_seeds``."""
    done = [r for r in rows if r["screened"] >= min_seeds]
    short = [r for r in rows if r["screened"] < min_seeds]
    base = (f"the recipe's {100 * baseline['share']:.0f} % ({baseline['hexagonal']} of "
            f"{baseline['screened']})")
    parts = []
    if done:
        adj = holm([r["p_vs_recipe"] for r in done])
        diff = [(r, a) for r, a in zip(done, adj) if a < alpha]
        if diff:
            parts.append("Against " + base + ", " + "; ".join(
                f"{r['setting']} {'raises' if r['share'] > baseline['share'] else 'lowers'} "
                f"the odds to {100 * r['share']:.0f} % ({r['hexagonal']} of {r['screened']}, "
                f"Wilson {100 * r['lo']:.0f}-{100 * r['hi']:.0f} %, Holm-adjusted p "
                f"{a:.2g})" for r, a in diff) + ".")
        same = [r["setting"] for r, a in zip(done, adj) if a >= alpha]
        if same:
            parts.append(f"{listing(same)} {'does' if len(same) == 1 else 'do'} not change "
                         f"the odds detectably (Holm-adjusted p at least {alpha:g}).")
    else:
        parts.append(f"No setting has been screened on {min_seeds} seeds yet.")
    if short:
        parts.append(f"Still being screened (fewer than {min_seeds} seeds): "
                     + listing(f"{r['setting']} ({r['hexagonal']} of {r['screened']})"
                                for r in short) + ".")
    return " ".join(parts)


def recipe_choice_sentence(rows: list[dict], baseline: dict, goal: float = GOAL,
                           min_seeds: int = MIN_SEEDS) -> str:
    """Whether any setting of the map (:func:`odds_by_setting` rows, the recipe's own rows
    left out) reaches the ``goal`` share of hexagonal seeds, true of ``rows``: the best
    setting with at least ``min_seeds`` screens, its share and Wilson interval, whether that
    interval reaches the goal, and what follows for the recipe (``baseline``: its row)."""
    done = [r for r in rows if r["screened"] >= min_seeds and r["setting"] != "recipe"]
    if not done:
        return (f"No setting has been screened on {min_seeds} seeds yet, so the recipe "
                "stays as it is.")
    best = max(done, key=lambda r: (r["share"], r["lo"]))
    odds = (f"{best['hexagonal']} of {best['screened']} ({100 * best['share']:.0f} %, Wilson "
            f"{100 * best['lo']:.0f}-{100 * best['hi']:.0f} %)")
    if best["share"] >= goal:
        return (f"{best['setting']} reaches the goal of {100 * goal:.0f} % hexagonal seeds: "
                f"{odds}; it is adopted only once seeds that did not choose it confirm it.")
    reach = ("its interval still reaches" if best["hi"] >= goal
             else "its interval stays below")
    p = best.get("p_vs_recipe", float("nan"))
    if best["share"] > baseline["share"]:
        better = (f"above the recipe's {100 * baseline['share']:.0f} %"
                  + ("" if math.isnan(p) else f" (Fisher p {p:.2g})" if p < 0.05 else
                     f" but not detectably (Fisher p {p:.2g})"))
    else:
        better = f"not above the recipe's {100 * baseline['share']:.0f} %"
    return (f"No setting of the {len(done)} screened on {min_seeds} or more seeds reaches the "
            f"goal of {100 * goal:.0f} % hexagonal seeds: the highest, {best['setting']}, "
            f"leans hexagonal in {odds}, {better}, and {reach} {100 * goal:.0f} %. The "
            "recipe stays as it is: no one change has lifted the odds to the goal.")


def paper_recipe_sentence(history: list[dict], gridness: list[dict], n_place: int,
                          seed: int, rule, seeds_needed: int = MIN_SEEDS) -> str:
    """Whose coin is it: what one run of the original paper's recipe at 512 units shows,
    true of its curves. ``history``: training rows (``step``, ``loss``, ``err_cm``,
    ``elapsed_s``); ``gridness``: in-training measurements (``step``, ``err_cm``,
    ``hex_order``, ``square_order``, ``stripe_order``); ``n_place``: place cells (a uniform
    readout's loss is log n_place); ``rule``: the screening rule
    (:class:`gridcells.sweep.plan.ScreenRule`) read at the last measurement. Says whether
    and when the run left chance (error below 75 % of its start, as
    :func:`gridcells.records.experiments.leaves_chance`), what its units share at the last
    measurement, and what ``seeds_needed`` screens to that step cost on this machine."""
    if not history:
        return "The original paper's recipe at 512 units has not been run yet."
    last = history[-1]
    rate = last["step"] / last["elapsed_s"]
    left = leaves_chance(history)
    head = (f"One run of the original paper's recipe at 512 units (seed {seed}) trained "
            f"{last['step']:,.0f} steps at {rate:.1f} steps/s on one CPU thread")
    if math.isnan(left):
        cost = seeds_needed * last["step"] / rate / 3600
        g = gridness[-1] if gridness else None
        orders = (f" Its units already share some structure at step {g['step']:,.0f} "
                  f"(hexagonal order {g['hex_order']:.2f}, square {g['square_order']:.2f}, "
                  f"stripe {g['stripe_order']:.2f}); whether that is the lattice it keeps "
                  "once it path-integrates cannot be known before it leaves chance."
                  if g else "")
        return (f"{head}, and it is still at chance: its loss is {last['loss']:.3f} against "
                f"{math.log(n_place):.3f} for a uniform readout (log {n_place}), its error "
                f"{last['err_cm']:.0f} cm.{orders} The paper's odds at 512 units need screens "
                f"of runs that path-integrate, beyond step {last['step']:,.0f}: "
                f"{seeds_needed} of them cost at least "
                f"{math.floor(cost)} core-hours at this speed, which is what a GPU is for. "
                "Whose coin it is stays open.")
    text = f"{head}; it left chance at step {left:,.0f}"
    if not gridness:
        return text + "."
    g = gridness[-1]  # the last measurement
    orders = {k: g.get(k) for k in ("hex_order", "square_order", "stripe_order")}
    lean = "leans hexagonal by the sweep's rule" if rule.passes(g) else (
        f"does not lean hexagonal by the sweep's rule (its strongest order is "
        f"{dominant_order(g)})")
    return (f"{text}, and at step {g['step']:,.0f} ({g['err_cm']:.0f} cm) its population "
            f"{lean}: hexagonal {orders['hex_order']:.2f}, square "
            f"{orders['square_order']:.2f}, stripe {orders['stripe_order']:.2f}. One seed "
            "is not odds: whose coin it is stays open until a screen of at least "
            f"{seeds_needed} seeds.")
