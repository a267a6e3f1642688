"""When do grids emerge: what predicts the coin of the hexagonal lattice, and what the
pattern-formation theory predicts per setting (the odds per setting themselves are
:mod:`gridcells.records.odds`).

A screened run's verdict (the sweep's rule at the screening step, :class:`ScreenRule`) is
one Bernoulli draw of its setting. What decides the coin is asked of quantities known
before the screen: the untrained
network's lattice orders (its initial weights and place-cell layout) and the in-training
measurement at earlier steps, each scored by its rank-sum test and by the accuracy of a
threshold rule chosen on some seeds and tested on others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gridcells.stats import holm, wilson_interval


@dataclass
class PredictorTest:
    """How well one quantity known early predicts the screening verdict.

    name: the quantity; n: seeds; p_rank: two-sided Mann-Whitney p-value between seeds that
    pass and seeds that fail; auc: the probability that a passing seed's value exceeds a
    failing one's (0.5: no information); threshold, direction: the rule fitted on the
    training seeds (value > threshold predicts a pass when direction is +1, value <
    threshold when -1); accuracy: its share of correct verdicts on the held-out seeds;
    chance: the held-out accuracy of always guessing the training seeds' majority; p_beats:
    one-sided exact McNemar p-value that the rule is right more often than that guess on the
    same held-out seeds (from the seeds where only one of the two is right)."""

    name: str
    n: int
    p_rank: float
    auc: float
    threshold: float
    direction: int
    accuracy: float
    chance: float
    n_test: int
    p_beats: float = 1.0


def stratified_split(seeds, passes) -> np.ndarray:
    """Training seeds for :func:`predictor_test` [n] (bool): within each verdict, seeds in
    increasing order go alternately to training (first) and held-out, so both halves hold
    about the same share of passing seeds, whatever their parity."""
    seeds, y = np.asarray(seeds), np.asarray(passes, bool)
    train = np.zeros(len(seeds), bool)
    for cls in (True, False):
        idx = np.flatnonzero(y == cls)
        train[idx[np.argsort(seeds[idx], kind="stable")][::2]] = True
    return train


def predictor_test(name: str, values, passes, train) -> PredictorTest:
    """Score ``values`` [n] as a predictor of ``passes`` [n] (bool): the rank-sum test on all
    seeds, and a threshold rule chosen on the seeds where ``train`` [n] (bool) is true (the
    cut and direction with the most correct training verdicts) and scored on the others."""
    from scipy.stats import binom, mannwhitneyu

    v = np.asarray(values, float)
    y = np.asarray(passes, bool)
    tr = np.asarray(train, bool)
    if not (v.shape == y.shape == tr.shape) or tr.all() or not tr.any():
        raise ValueError(f"predictor_test {name!r}: expected values, passes and train of one "
                         "length, with seeds on both sides of the split")
    if y.all() or not y.any():
        raise ValueError(f"predictor_test {name!r}: expected seeds that pass and seeds that fail")
    res = mannwhitneyu(v[y], v[~y], alternative="two-sided")
    auc = float(res.statistic / (y.sum() * (~y).sum()))
    best = (-1, 0.0, 1)
    for cut in np.unique(v[tr]):
        for d in (1, -1):
            pred = (v[tr] > cut) if d == 1 else (v[tr] < cut)
            correct = int((pred == y[tr]).sum())
            if correct > best[0]:
                best = (correct, float(cut), d)
    _, cut, d = best
    test = ~tr
    pred = (v[test] > cut) if d == 1 else (v[test] < cut)
    majority = y[tr].mean() >= 0.5
    rule_right, guess_right = pred == y[test], y[test] == majority
    only_rule = int((rule_right & ~guess_right).sum())
    only_guess = int((~rule_right & guess_right).sum())
    p_beats = float(binom.sf(only_rule - 1, only_rule + only_guess, 0.5)) \
        if only_rule + only_guess else 1.0
    return PredictorTest(name, len(v), float(res.pvalue), auc, cut, d,
                         float(rule_right.mean()), float(guess_right.mean()), int(test.sum()),
                         p_beats)


def initial_orders(cfg, seeds, n_batches: int = 10) -> list[dict]:
    """The lattice orders (hexagonal, square, stripe) and share of units above grid score 0.3
    of the untrained network of each seed (``cfg`` with that seed: its initial weights and
    place-cell layout), on ``n_batches`` batches of its evaluation paths."""
    from gridcells.analysis.evaluation import evaluate
    from gridcells.network.model import PathRNN

    out = []
    for s in seeds:
        ev, _, _ = evaluate(PathRNN(cfg.replace(seed=int(s))), n_batches=n_batches)
        row = ev.row()
        out.append({"seed": int(s), **{k: float(row[k]) for k in
                                       ("hex_order", "square_order", "stripe_order",
                                        "frac_above_03")}})
    return out


def start_fingerprint(cfg) -> str:
    """What a seed fixes before the first step under ``cfg``: a hash of the untrained
    network's weights and place-cell centres and of the paths of the training's first draw
    (the batches :class:`gridcells.training.loop.Trainer` simulates at once before its first
    step: their velocities and positions). Two settings with equal fingerprints start every
    run of a seed from the same point. The place code's targets are not hashed: a setting
    that changes only the code's tuning (width, surround) starts from the same point and
    trains towards other targets."""
    import hashlib

    import torch

    from gridcells.training.loop import initial_model, prefetch_size
    from gridcells.world.trajectories import TrajectoryGenerator

    h = hashlib.sha1()
    model = initial_model(cfg)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            h.update(name.encode() + t.detach().cpu().float().numpy().tobytes())
    gen = TrajectoryGenerator(cfg, model.place_cells(), np.random.default_rng(cfg.seed))
    for batch in gen.sample_many(prefetch_size(cfg.n_steps), target_shift=cfg.target_shift):
        h.update(batch.velocities.numpy().tobytes() + batch.positions.numpy().tobytes())
    return h.hexdigest()


def same_start(cfg, overrides: dict[str, dict], seed: int) -> list[str]:
    """The settings (``overrides``: {setting: its overrides of ``cfg``}, the recipe's empty)
    whose runs of ``seed`` start from the recipe's point: equal :func:`start_fingerprint`."""
    ref = start_fingerprint(cfg.replace(seed=seed))
    return [k for k, ov in overrides.items()
            if start_fingerprint(cfg.replace(**{**ov, "seed": seed})) == ref]


def early_verdicts(curve: list[dict], rule, steps) -> dict[int, bool]:
    """The screening rule applied to a run's in-training measurements (``curve``: rows with
    step and the lattice orders) at each of ``steps`` it has: {step: passes}."""
    at = {int(r["step"]): r for r in curve}
    return {int(s): bool(rule.passes(at[int(s)])) for s in steps if int(s) in at}


def early_leads(curves: list[dict], rule, steps, final_step: int
                ) -> tuple[dict[int, np.ndarray], np.ndarray]:
    """The hexagonal lead (hexagonal order minus the larger of square and stripe) of every
    run of ``curves`` measured at each of ``steps`` and at ``final_step``: ({step: leads
    [runs]}, the rule's verdict at ``final_step`` [runs] (bool)), over the runs whose curve
    has all of those steps."""
    need = set(int(s) for s in steps) | {int(final_step)}
    leads: dict[int, list[float]] = {int(s): [] for s in steps}
    final = []
    for c in curves:
        at = {int(p["step"]): p for p in c["curve"]}
        if not need <= set(at):
            continue
        for s in leads:
            p = at[s]
            leads[s].append(p["hex_order"] - max(p["square_order"], p["stripe_order"]))
        final.append(early_verdicts(c["curve"], rule, [final_step])[final_step])
    return {s: np.asarray(v, float) for s, v in leads.items()}, np.asarray(final, bool)


def predictor_sentence(tests: list[PredictorTest], subject: str, alpha: float = 0.05,
                       unit: str = "seeds") -> str:
    """Whether any of ``tests`` predicts the verdict, true of them: a quantity *predicts*
    when its Holm-adjusted rank-sum p-value is below ``alpha`` and its held-out rule beats
    the majority guess on the same seeds (one-sided exact McNemar p below ``alpha``); one
    that separates the seeds by rank but is not shown to beat the guess held out *carries
    information* only (with few held-out seeds that test has little power); otherwise none
    does. ``unit``: what was scored (seeds, or runs when a seed has several)."""
    adj = holm([t.p_rank for t in tests])
    good = [(t, a) for t, a in zip(tests, adj) if a < alpha and t.p_beats < alpha]
    info = [(t, a) for t, a in zip(tests, adj) if a < alpha and t.p_beats >= alpha]
    n = tests[0].n if tests else 0
    if good:
        return (f"{subject} predict the coin: " + "; ".join(
            f"{t.name} (Holm-adjusted p {a:.2g}, AUC {t.auc:.2f}, {100 * t.accuracy:.0f} % "
            f"right on {t.n_test} held-out {unit} against {100 * t.chance:.0f} % for the "
            f"majority guess, McNemar p {t.p_beats:.2g})" for t, a in good) + ".")
    if info:
        return (f"{subject} carry information about the coin but are not shown to predict "
                f"it on held-out {unit}: " +
                "; ".join(
                    f"{t.name} separates the {unit} by rank (Holm-adjusted p {a:.2g}, AUC "
                    f"{t.auc:.2f}), yet its held-out threshold is right on "
                    f"{100 * t.accuracy:.0f} % of {t.n_test} {unit} against "
                    f"{100 * t.chance:.0f} % for always guessing the majority (McNemar p "
                    f"{t.p_beats:.2g})" for t, a in info) + ".")
    best = min(adj) if len(adj) else float("nan")
    top = max(tests, key=lambda t: t.accuracy - t.chance)
    return (f"{subject} do not detectably predict the coin: over {n} {unit} no quantity "
            f"tested separates the {unit} that lean hexagonal from the others (smallest "
            f"Holm-adjusted rank-sum p {best:.2g}); the best held-out threshold "
            f"({top.name}) is right on {100 * top.accuracy:.0f} % of {top.n_test} {unit}, "
            f"against {100 * top.chance:.0f} % for guessing the majority.")


def early_table(curves: list[dict], rule, steps, final_step: int) -> list[dict]:
    """For each of ``steps``: over the runs whose ``curve`` reaches ``final_step``, how often
    the rule read at that step gives the verdict it gives at ``final_step`` (runs, agree,
    share with its Wilson interval), beside the share right by always guessing "not
    hexagonal" (never_hexagonal: the runs that fail at ``final_step``)."""
    out = []
    for s in steps:
        pairs, final = [], []
        for c in curves:
            v = early_verdicts(c["curve"], rule, [s, final_step])
            if s in v and final_step in v:
                pairs.append(v[s] == v[final_step])
                final.append(v[final_step])
        k, n = sum(pairs), len(pairs)
        lo, hi = wilson_interval(k, n)
        out.append({"step": int(s), "runs": n, "agree": k,
                    "share": k / n if n else float("nan"), "lo": lo, "hi": hi,
                    "never_hexagonal": sum(not v for v in final) / n if n else float("nan")})
    return out


def early_sentence(rows: list[dict], final_step: int) -> str:
    """The earliest step whose reading agrees with the verdict at ``final_step`` in every run
    measured, or how often each earlier reading agrees; true of ``rows``
    (:func:`early_table`)."""
    rows = [r for r in rows if r["runs"]]
    if not rows:
        return "No run with a recorded curve yet."
    exact = [r for r in rows if r["agree"] == r["runs"]]
    parts = [f"at step {r['step']} the rule gives the verdict of step {final_step} in "
             f"{r['agree']} of {r['runs']} runs ({100 * r['share']:.0f} %, Wilson "
             f"{100 * r['lo']:.0f}-{100 * r['hi']:.0f} %), against "
             f"{100 * r['never_hexagonal']:.0f} % for always answering 'not hexagonal'"
             for r in rows]
    head = (f"The verdict can be read at step {exact[0]['step']} already: " if exact else
            f"No earlier step gives the verdict of step {final_step} reliably: ")
    return head + "; ".join(parts) + "."


# what the pattern-formation theory's covariance reads of a config: a setting that changes
# none of these leaves the theory's prediction as it is (its box is always periodic)
THEORY_FIELDS = ("DoG", "place_cell_rf", "surround_scale", "Np", "box_width", "box_height",
                 "arena")
# the network's nonlinearity: the theory's prediction here is always the ReLU dynamics
THEORY_ASSUMES = {"activation": "the theory here assumes ReLU"}


def theory_prediction(cfg, cells: int = 32, seed: int = 0) -> dict:
    """What the pattern-formation theory predicts for a training setting: the single-cell
    ReLU dynamics (:func:`gridcells.theory.simulation.simulate`, the config's ``pf_*`` step
    and limit) on the place code's covariance, ``cells`` patterns from ``seed``, classified
    (:func:`gridcells.theory.classes.classify`). Returns the shares of each label, the
    outcome in words (:func:`gridcells.theory.verdicts.outcome`), whether the run settled,
    and the predicted spacing (cm)."""
    import numpy as np

    from gridcells.theory import classes, simulation, verdicts

    cov = simulation.covariance(cfg)
    sim = simulation.simulate(cov, cells, cfg.pf_iterations, cfg.pf_lr, "relu",
                              np.random.default_rng([seed, 7]),
                              window=simulation.window_steps(cfg.pf_lr))
    c = classes.classify(sim.patterns, cfg.box_width, cov.k_peak)
    return {"shares": c.shares(), "outcome": verdicts.outcome(c),
            "converged": bool(sim.converged), "stopped_at": int(sim.stopped_at),
            "predicted_spacing_cm": 100 * cov.predicted_spacing}


def theory_cell(setting: str, theory: dict[str, dict]) -> str:
    """The theory's prediction for a setting, as a table cell: its outcome and hexagonal
    share from ``theory`` (rows of ``experiments.emergence theory`` by setting), 'as the
    recipe (not read by the theory)' for a setting that changes none of
    :data:`THEORY_FIELDS`, 'not computed' otherwise."""
    from gridcells.world.params import parse_overrides

    if setting in theory:
        r = theory[setting]
        return f"{r['outcome']} ({100 * r['shares']['hexagonal']:.0f} % hexagonal)"
    keys = set() if setting == "recipe" else set(parse_overrides(setting.split(", ")))
    if keys & set(THEORY_ASSUMES):
        return "; ".join(THEORY_ASSUMES[k] for k in sorted(keys & set(THEORY_ASSUMES)))
    if not keys & set(THEORY_FIELDS):
        return "as the recipe (not read by the theory)"
    return "not computed"


def theory_sentence(theory: dict[str, dict]) -> str:
    """Which settings the theory predicts to give more or fewer hexagonal patterns than the
    recipe's, true of ``theory`` (rows by setting, with 'recipe')."""
    if "recipe" not in theory:
        return "The theory's predictions have not been computed."
    base = theory["recipe"]["shares"]["hexagonal"]
    others = {s: r["shares"]["hexagonal"] for s, r in theory.items() if s != "recipe"}
    more = [s for s, v in others.items() if v > base]
    fewer = [s for s, v in others.items() if v < base]
    tied = [s for s, v in others.items() if v == base]

    def listed(names):
        return ", ".join(f"{s} ({100 * theory[s]['shares']['hexagonal']:.0f} %)"
                         for s in names)

    parts = [f"The theory's single-cell ReLU patterns are {100 * base:.0f} % hexagonal for "
             f"the recipe's place code"]
    if more:
        parts.append(f"more for {listed(more)}")
    if fewer:
        parts.append(f"fewer for {listed(fewer)}")
    if tied:
        parts.append(f"as many for {listed(tied)}")
    if not others:
        parts.append("no other setting has been computed")
    return "; ".join(parts) + ". Settings the theory does not read keep the recipe's prediction."
