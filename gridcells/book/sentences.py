"""Sentences the results prose states about a network, each computed from the values it
describes.

The book's network differs from build to build (another CPU type, seed or params file can
give a square lattice where the recorded build had a hexagonal one), so no qualitative
statement of the results prose is written for an expected outcome: which lattice the units
share, whether they form one module, which grid score is higher, whether the network is the
same as an ensemble member, whether it lies inside the ensemble's range. Each builder takes
numbers, returns a sentence true of them, and is tested on both outcomes
(``tests/test_sentences.py``).
"""

from __future__ import annotations

import math

import numpy as np

LATTICE_MARGIN = 0.03  # least lead of the strongest shared order over the next one
MODULE_MAX_SPREAD = 0.25  # one module: interquartile range of spacings / median at most this
MODULE_ALPHA = 1e-3  # one module: Rayleigh test of the 6-fold orientations below this
ORDER_NAMES = {"hex_order": "hexagonal", "square_order": "square", "stripe_order": "stripe"}


def _fin(value) -> bool:
    return value is not None and math.isfinite(float(value))


def lattice_kind(row: dict, margin: float = LATTICE_MARGIN) -> str:
    """The lattice a population's units share: 'hexagonal', 'square' or 'stripe' (one band
    orientation) when that order leads the others by at least ``margin``, 'undecided'
    otherwise (row: hex_order, square_order, stripe_order; missing or NaN orders left out)."""
    orders = sorted(((float(row[k]), name) for k, name in ORDER_NAMES.items()
                     if _fin(row.get(k))), reverse=True)
    if not orders:
        return "undecided"
    if len(orders) > 1 and orders[0][0] - orders[1][0] < margin:
        return "undecided"
    return orders[0][1]


def _orders_text(row: dict) -> str:
    parts = [f"{name} {float(row[k]):.2f}" for k, name in ORDER_NAMES.items()
             if _fin(row.get(k))]
    return "shared order " + ", ".join(parts)


def lattice_phrase(row: dict) -> str:
    """What a population's units share, as the object of 'share': 'a hexagonal lattice
    (shared order hexagonal 0.22, square 0.09, stripe 0.05)', or 'no one lattice (...)'."""
    what = {"hexagonal": "a hexagonal lattice", "square": "a square lattice",
            "stripe": "one band orientation", "undecided": "no one lattice"}[lattice_kind(row)]
    return f"{what} ({_orders_text(row)})"


def lattice_sentence(row: dict, subject: str = "Its units") -> str:
    """'Its units share a hexagonal lattice (shared order hexagonal 0.22, square 0.09,
    stripe 0.05).' or, when no order leads, that they share none."""
    return f"{subject} share {lattice_phrase(row)}."


def score_comparison(median_60: float, median_90: float, subject: str = "the grid units",
                     tol: float = 0.02) -> str:
    """Which grid score is higher, as a clause: 'the 90-degree score of the grid units is
    lower than their 60-degree score (median 0.12 against 0.65)'."""
    if not (_fin(median_60) and _fin(median_90)):
        return f"the 90-degree score of {subject} is not defined"
    d = median_90 - median_60
    how = "about equal to" if abs(d) <= tol else ("higher than" if d > 0 else "lower than")
    return (f"the 90-degree score of {subject} is {how} their 60-degree score (median "
            f"{median_90:.2f} against {median_60:.2f})")


def one_module(row: dict, rayleigh_p: float, max_spread: float = MODULE_MAX_SPREAD,
               alpha: float = MODULE_ALPHA) -> bool:
    """Whether a network's grid units form one hexagonal module: their units share a
    hexagonal lattice, their spacings spread at most ``max_spread`` of the median
    (interquartile range), and their 6-fold orientations are concentrated (Rayleigh
    p < ``alpha``). row: :meth:`gridcells.analysis.population.Population.row`."""
    return (row.get("n_grid", 0) >= 3 and lattice_kind(row) == "hexagonal"
            and _fin(row.get("spacing_spread")) and row["spacing_spread"] <= max_spread
            and _fin(rayleigh_p) and rayleigh_p < alpha)


def module_sentence(row: dict, rayleigh_p: float) -> str:
    """The rate-map chapter's sentence on modules, true of ``row`` (a population row) and the
    Rayleigh p-value of its grid units' 6-fold orientations."""
    n = int(row.get("n_grid", 0))
    if n < 3:
        return (f"Only {n} unit{'s' * (n != 1)} {'have' if n != 1 else 'has'} a grid score "
                "above 0.3: too few to speak of a module.")
    spacing = (f"median spacing is {row['spacing_median_cm']:.0f} cm (half of them within "
               f"{row['spacing_q1_cm']:.0f} to {row['spacing_q3_cm']:.0f} cm)")
    if one_module(row, rayleigh_p):
        return (f"The grid units form one module: their {spacing}, with a shared "
                f"orientation "
                f"near {row['orientation_deg']:.0f} degrees (Rayleigh p {rayleigh_p:.1g}).")
    why = []
    kind = lattice_kind(row)
    if kind != "hexagonal":
        why.append("their population shares no one lattice" if kind == "undecided" else
                   f"the lattice their population shares is {kind}")
    if not (_fin(row.get("spacing_spread")) and row["spacing_spread"] <= MODULE_MAX_SPREAD):
        why.append(f"their spacings spread {row['spacing_spread']:.2f} of the median "
                   f"(one module: at most {MODULE_MAX_SPREAD:g})")
    if not (_fin(rayleigh_p) and rayleigh_p < MODULE_ALPHA):
        why.append(f"their orientations are not concentrated (Rayleigh p {rayleigh_p:.2g})")
    return (f"The grid units do not form one hexagonal module: {'; '.join(why)}. Their "
            f"{spacing}.")


def same_weights(a: dict, b: dict, dtype=np.float16) -> bool:
    """Whether two state dicts (name -> array or tensor) hold the same weights once both are
    rounded to ``dtype`` (the shipped networks are stored in float16)."""
    if set(a) != set(b):
        return False

    def arr(t):
        return np.asarray(t.detach().cpu().numpy() if hasattr(t, "detach") else t)

    return all(arr(a[k]).shape == arr(b[k]).shape and
               np.array_equal(arr(a[k]).astype(dtype), arr(b[k]).astype(dtype)) for k in a)


def twin_member(model, members: dict) -> str | None:
    """The name of the member of ``members`` (name -> network) that holds ``model``'s weights
    (:func:`same_weights`: not merely its seed or config), or None when none does."""
    own = model.state_dict()
    return next((name for name, net in members.items()
                 if same_weights(net.state_dict(), own)), None)


def shipped_twin(pretrained: str | None, twin: str | None) -> bool:
    """Whether the book's network is the shipped member ``twin`` itself (``pretrained``, the
    config's shipped model, names that member: the build fell back to it), not a network
    trained here whose float16 copy the member is."""
    return bool(pretrained and twin and pretrained.rstrip("/").split("/")[-1] == twin)


def book_twin(model, pretrained: str | None, members: dict | None = None
              ) -> tuple[str | None, bool]:
    """Which shipped ensemble member holds the book's network's weights
    (:func:`twin_member`; ``members``: name -> network, the shipped ensemble by default) and
    whether the book's network is that member itself (:func:`shipped_twin`)."""
    if members is None:
        from gridcells.shipped.pretrained import load_ensemble

        members = load_ensemble()
    twin = twin_member(model, members)
    return twin, shipped_twin(pretrained, twin)


def book_label(twin: str | None, same_file: bool = False, live: str = "live") -> str:
    """What a table row calls the book's network: with the ensemble member that holds its
    weights named, as that member itself (``same_file``) or as its live twin."""
    if twin is None:
        return f"this book's network ({live})"
    return (f"this book's network (ensemble {twin} itself)" if same_file else
            f"this book's network (the {live} twin of ensemble {twin})")


def twin_sentence(twin: str | None, n_others: int, same_file: bool = False) -> str:
    """The sentence on an ensemble member that holds the book's network's own weights (found
    by :func:`same_weights`, not by its config); empty when no member does. ``same_file``:
    the book's network is that shipped member itself (:func:`shipped_twin`)."""
    if twin is None:
        return ""
    if same_file:
        return (f"This book's network is member {twin} itself (the shipped file, analysed "
                "because no seed screened by this build succeeded): it counts in the "
                f"ensemble's figures once, as a member, and is compared with the other "
                f"{n_others}.")
    return (f"Member {twin} holds the same weights as this book's network (equal after "
            "rounding to float16, the shipped precision): it counts in the ensemble's figures "
            f"once, as a member, and this network is compared with the other {n_others}.")


def twin_row_sentence(twin: str | None, live: dict, row: dict | None,
                      fields: tuple[str, ...], same_file: bool = False) -> str:
    """The sentence on a table row recorded from the shipped (float16) weights of the book's
    own network's twin: how far its ``fields`` (cm) lie from the ``live`` network's values
    shown above it. Empty when no member is the twin or it has no row. ``same_file``: the
    book's network is that shipped member itself, so a difference is the measurement's
    (another run of the same analysis), not rounding."""
    if twin is None or row is None:
        return ""
    pairs = [(float(live[f]), float(row[f])) for f in fields
             if _fin(live.get(f)) and _fin(row.get(f))]
    if not pairs:
        return ""
    head = (f"The row of {twin} is this book's network again, " + (
        "the same shipped file, in the recorded run of the same analysis" if same_file else
        "measured on its shipped weights (rounded to float16)"))
    if all(f"{a:.1f}" == f"{b:.1f}" for a, b in pairs):
        return head + ": it matches the figures above to the digit shown."
    a, b = max(pairs, key=lambda ab: abs(ab[0] - ab[1]))
    why = ("a separate recording of the same analysis" if same_file else "the effect of "
           "that rounding")
    return (head + f": it differs from the figures above by at most {abs(a - b):.2g} cm "
            f"({a:.2f} above against {b:.2f} cm in the row), {why}.")


def range_word(value: float, lo: float, hi: float) -> str:
    """'lies within', 'lies below' or 'lies above' the range [lo, hi]."""
    if not _fin(value):
        return "cannot be placed in"
    return "lies within" if lo <= value <= hi else ("lies below" if value < lo
                                                     else "lies above")


def hexagonal_maps_verdict(row: dict, threshold: float = 0.3) -> str:
    """Against the paper's "hexagonal rate maps" (most top units hexagonal, Fig. 2):
    'reproduced' when the units share a hexagonal lattice and at least 30 % score above
    0.3, 'partly' when they share a hexagonal lattice with fewer grid units, 'not
    reproduced' when they share a square lattice, bands or none."""
    if lattice_kind(row) != "hexagonal":
        return "not reproduced"
    return "reproduced" if row.get("share_grid", 0) >= threshold else "partly"


def predictive_verdict(shares_pct, k_pred: int, n_grid: int, bounds: tuple[float, float],
                       scope: str, min_shift_cm: float = 5.0) -> str:
    """The predictive chapter's answer, within its ``scope`` (e.g. 'the 13 networks of 512
    units of the CPU recipe analysed'): shares_pct [m] are the per-network predictive shares
    (%), k_pred of n_grid the pooled counts, ``bounds`` the one-sided 95 % upper bounds on the
    share when no unit is predictive ((units independent, units of a network alike), from
    :func:`gridcells.stats.zero_share_bounds`); ``min_shift_cm``: the least shift a unit is
    labelled predictive at (cm), which bounds what "none" means."""
    shares = np.asarray(shares_pct, float)
    m = float(shares.mean()) if len(shares) else float("nan")
    if len(shares) and m >= 10:
        return (f"Predictive grid units are common: in {scope}, they are {m:.0f} % of the grid "
                "units on average.")
    if k_pred:
        return (f"Predictive grid units are rare: in {scope}, they are a small minority "
                f"({k_pred} of {n_grid}, {m:.1f} % per network on average), far below the "
                "about 28 % in rats.")
    return (f"No predictive grid units: in {scope}, none of {n_grid} grid units is predictive "
            f"(sharpest at least {min_shift_cm:g} cm ahead); the share is at most "
            f"{100 * bounds[0]:.1f} % if units were independent and at most "
            f"{100 * bounds[1]:.0f} % if the units of a network were all alike (one-sided 95 % "
            "bounds).")


EQUIVALENCE_MARGIN_CM = 2.0  # a third of the CPU recipe's 6 cm decoding criterion


def ablation_across(rows: list[dict], margin_cm: float = EQUIVALENCE_MARGIN_CM,
                    alpha: float = 0.05,
                    margin_why: str = "a third of the recipe's 6 cm criterion") -> dict:
    """The ablation chapter's statements across networks, true of ``rows`` (one per network:
    err_intact_cm, err_earlier_cm, err_random_mean_cm, err_matched_mean_cm, p_random,
    p_matched, trials, earlier_predictive; with ``p_matched_less``, the rows are
    Mann-Whitney comparisons of many sets, whose lower tail is that p-value, else one set's
    rank p-values among ``trials`` sets): the mean costs against random and gridness-matched
    sets with t intervals; heterogeneity (how many networks reach each tail of their
    matched-set test, against the binomial chance of that many at ``alpha``); an
    equivalence test (two one-sided t tests: the 90 % interval inside +-``margin_cm``,
    ``margin_why`` saying why that margin); and the scale of the damage, judged per network
    against its own intact error. Returns a dict of numbers and sentences ('across',
    'equivalence', 'heterogeneity', 'scale')."""
    from scipy import stats as st

    from gridcells.stats import t_interval

    n = len(rows)
    if n == 0:
        return {"n": 0, "across": "No network's earlier-rule units have been recorded "
                "across networks.", "equivalence": "", "heterogeneity": "", "scale": "",
                "apart": False}
    d_rand = [r["err_earlier_cm"] - r["err_random_mean_cm"] for r in rows]
    d_match = [r["err_earlier_cm"] - r["err_matched_mean_cm"] for r in rows]
    mr, lor, hir = t_interval(d_rand)
    mm, lom, him = t_interval(d_match)
    _, lo90, hi90 = t_interval(d_match, level=0.90)
    many = all(r.get("p_matched_less") is not None for r in rows)
    up = sum(r["p_matched"] <= alpha for r in rows)
    down = sum((r["p_matched_less"] <= alpha) if many else
               (r["p_matched"] >= 1 - alpha + 1 / (r["trials"] + 1)) for r in rows)
    p_up = float(st.binom.sf(up - 1, n, alpha)) if up else 1.0
    p_down = float(st.binom.sf(down - 1, n, alpha)) if down else 1.0
    more, less = (("cost more than their matched sets (one-sided Mann-Whitney p at most "
                   f"{alpha:g})", "cost less") if many else
                  ("cost more than at least 95 % of their matched sets",
                   "less than at least 95 % of them"))
    across = (f"Across {n} networks, silencing the earlier rules' units costs {mr:+.1f} cm "
              f"against random sets (95 % interval {lor:.1f} to {hir:.1f}) and {mm:+.1f} cm "
              f"against gridness-matched sets ({lom:.1f} to {him:.1f}).")
    if up and down and p_up < alpha and p_down < alpha:
        het = (f"The networks disagree: {up} {more} and {down} {less}, where chance would "
               f"give that many in either tail with probability {p_up:.2g} and {p_down:.2g}: "
               "the effect is heterogeneous, so its mean describes no single network.")
    elif up and p_up < alpha:
        het = f"{up} of {n} networks {more} (chance {p_up:.2g}), {down} {less}."
    elif down and p_down < alpha:
        less_full = "cost less" if many else "cost less than at least 95 % of their matched sets"
        het = f"{down} of {n} networks {less_full} (chance {p_down:.2g}), {up} more."
    else:
        het = (f"No more networks reach either tail of their matched-set test than chance "
               f"allows ({up} above, {down} below).")
    if lo90 > -margin_cm and hi90 < margin_cm:
        eq = (f"Against matched sets the cost is equivalent to zero within ±{margin_cm:.2g} "
              f"cm ({margin_why}; 90 % interval {lo90:.1f} to {hi90:.1f}, two one-sided tests "
              "at 5 %).")
    elif lom > 0 or him < 0:
        eq = (f"Against matched sets the cost differs from zero (95 % interval {lom:.1f} to "
              f"{him:.1f} cm).")
    else:
        eq = (f"Whether these units cost what equally grid-like units cost is inconclusive: "
              f"the 90 % interval of the mean difference, {lo90:.1f} to {hi90:.1f} cm, is "
              f"neither inside the equivalence margin of ±{margin_cm:.2g} cm ({margin_why}) "
              "nor clear of zero.")
    ks = [r["earlier_predictive"] for r in rows]
    intact = [r["err_intact_cm"] for r in rows]
    hit = [r["err_earlier_cm"] for r in rows] + [r["err_matched_mean_cm"] for r in rows]
    worst = [max(r["err_earlier_cm"], r["err_matched_mean_cm"], r["err_random_mean_cm"])
             / r["err_intact_cm"] for r in rows]
    least = [min(r["err_earlier_cm"], r["err_matched_mean_cm"], r["err_random_mean_cm"])
             / r["err_intact_cm"] for r in rows]
    if min(least) > 2:
        scale = (f"Every comparison is made at heavy damage: the rules pick "
                 f"{min(ks)}-{max(ks)} units, so as many units are silenced at once, and the "
                 f"errors rise from {min(intact):.1f}-{max(intact):.1f} cm intact to "
                 f"{min(hit):.0f}-{max(hit):.0f} cm, where any set of strong grid units "
                 "breaks decoding; the test compares networks that no longer path-integrate.")
    elif max(worst) <= 2:
        scale = (f"Every comparison is made at a working error: in every network each "
                 f"condition's mean error stays within twice its intact error "
                 f"({min(intact):.1f}-{max(intact):.1f} cm intact, at most {max(hit):.1f} cm).")
    else:
        over = sum(w > 2 for w in worst)
        scale = (f"The damage varies: the errors rise from {min(intact):.1f}-"
                 f"{max(intact):.1f} cm intact to {min(hit):.1f}-{max(hit):.1f} cm, beyond "
                 f"twice the intact error in {over} of {n} networks.")
    return {"n": n, "mr": mr, "lor": lor, "hir": hir, "mm": mm, "lom": lom, "him": him,
            "lo90": lo90, "hi90": hi90, "up": up, "down": down, "p_up": p_up,
            "p_down": p_down, "apart": lom > 0, "across": across, "heterogeneity": het,
            "equivalence": eq, "scale": scale}


# Against the paper: one rule per quantity, the same for every network it is applied to.
# name: (what is compared, reproduced interval, partly interval, the published figure)
PAPER_RULES = {
    "err_cm": ("decoding error (cm)", (0.0, 5.0), (0.0, 10.0),
               "4-5 cm (Schaeffer et al. 2022, Ng 4096)"),
    "best64_mean": ("mean grid score of the best 64 units", (1.2, math.inf), (0.8, math.inf),
                    "top units 1.2-1.4 (Sorscher et al. 2019)"),
    "frac_above_03": ("share of units above grid score 0.3", (0.3, 1.0), (0.1, 1.0),
                      "many hexagonal units (Sorscher et al. 2019, Fig. 2)"),
    "hex_share_seeds": ("share of seeds whose units lean hexagonal (Wilson 95 % interval)",
                        (0.5, 1.0), (0.0, 1.0), "grids emerge (Sorscher et al. 2019)"),
}


def paper_verdict(name: str, value: float, interval: tuple[float, float] | None = None
                  ) -> str:
    """The verdict of :data:`PAPER_RULES` ``name`` for ``value``: 'reproduced' inside the
    reproduced interval, 'partly' inside the partly one, else 'not reproduced' ('not
    measured' for NaN). With ``interval`` (lo, hi) of an estimate: 'reproduced' when the
    whole interval lies in the reproduced range, 'partly' when it reaches that range or
    lies clear of the partly range's lower end, 'not reproduced' otherwise."""
    _, rep, part, _ = PAPER_RULES[name]
    if interval is not None:
        lo, hi = interval
        if rep[0] <= lo and hi <= rep[1]:
            return "reproduced"
        reaches = hi >= rep[0] and lo <= rep[1]
        return "partly" if reaches or (part[0] < lo and hi <= part[1]) else "not reproduced"
    if not _fin(value):
        return "not measured"
    if rep[0] <= value <= rep[1]:
        return "reproduced"
    return "partly" if part[0] <= value <= part[1] else "not reproduced"


def paper_rule_text(name: str) -> str:
    """The rule of :data:`PAPER_RULES` ``name`` in words, for the page's last column."""
    what, rep, part, _ = PAPER_RULES[name]

    def rng(r):
        if math.isinf(r[1]):
            return f"at least {r[0]:g}"
        if r == (0.0, 1.0):   # a share: anything above none
            return "above 0"
        return f"at most {r[1]:g}" if r[0] == 0 else f"{r[0]:g} to {r[1]:g}"
    return f"{what}: reproduced {rng(rep)}; partly {rng(part)}; otherwise not reproduced"
