"""The predictive chapter's computed sentences about networks trained to predict (the
positive controls) and about the analysis's power, each true of the rows it is given.

A network trained to report the place code k steps ahead is judged against the
path-integrating networks, not against zero: the grid units of a network trained only to
path integrate need not be sharpest at shift 0 (the activity at step t is paired with the
position the velocities lead to, but a network's estimate can trail or lead it by a
fraction of a step), so their median preferred shifts, one per network, give the baseline
and its spread. A control is *ahead* when its grid units' median lies beyond what one more
path-integrating network would give (95 % prediction interval), and *found at its trained
shift* when, moved back by that shift, it lies inside that interval. One by one, a unit is
labelled predictive only at a shift of at least ``min_shift_cm`` whose jackknife interval
excludes zero, so the per-unit count is reported beside the population verdict, never in
place of it.
"""

from __future__ import annotations

from gridcells.book.sentences import _fin, lattice_phrase
from gridcells.stats import prediction_interval, t_interval


def shift_baseline(rows: list[dict]) -> dict | None:
    """The path-integrating networks' median preferred shift of their grid units: rows with
    ``target_shift`` 0 (or absent) and a finite ``grid_median_shift_cm`` -> {"n", "mean",
    "lo", "hi" (the 95 % prediction interval for one more network), "mean_lo", "mean_hi"
    (the 95 % t interval of the mean)}, all in cm; None for fewer than two such networks."""
    vals = [float(r["grid_median_shift_cm"]) for r in rows
            if not r.get("target_shift") and _fin(r.get("grid_median_shift_cm"))]
    if len(vals) < 2:
        return None
    m, lo, hi = prediction_interval(vals)
    _, mlo, mhi = t_interval(vals)
    return {"n": len(vals), "mean": m, "lo": lo, "hi": hi, "mean_lo": mlo, "mean_hi": mhi}


def baseline_sentence(baseline: dict | None) -> str:
    """Where path-integrating networks' grid units are sharpest, in words true of
    :func:`shift_baseline`'s result: the mean against zero by its t interval, and the range
    one more network would fall in."""
    if baseline is None:
        return ("Fewer than two path-integrating networks have a recorded median shift, so "
                "no baseline is set.")
    if baseline["mean_lo"] > 0:
        where = "ahead of the animal on average"
    elif baseline["mean_hi"] < 0:
        where = "behind the animal on average"
    else:
        where = "not distinguishable from zero on average"
    return (f"The grid units of the {baseline['n']} path-integrating networks are sharpest at a "
            f"median shift of {baseline['mean']:.1f} cm on average (95 % t interval "
            f"{baseline['mean_lo']:.1f} to {baseline['mean_hi']:.1f} cm), {where}; one more "
            f"network would fall between {baseline['lo']:.1f} and {baseline['hi']:.1f} cm (95 % "
            "prediction interval).")


def positive_control(row: dict, baseline: dict | None) -> dict:
    """Whether the analysis finds a network trained to predict (``target_shift`` k > 0 steps
    ahead) at its trained shift: expected shift k x cm_per_step (cm), its grid units' median
    preferred shift and that median relative to ``baseline``'s mean (cm), ``ahead`` (the
    median above the baseline's prediction interval), ``found`` (ahead, and the median less
    the expected shift inside that interval: a path-integrating network moved by exactly the
    trained shift), ``short`` (ahead, not found, and less far ahead than trained) and the
    share of grid units labelled predictive one by one. Without a baseline nothing is
    found."""
    k, step = int(row["target_shift"]), float(row["cm_per_step"])
    expected = k * step
    n = int(row["grid_units"])
    med = row.get("grid_median_shift_cm")
    med = float(med) if _fin(med) else None
    rel = med - baseline["mean"] if med is not None and baseline else None
    ahead = bool(rel is not None and med > baseline["hi"])
    # at its trained shift: moved back by that shift, the median is one a path-integrating
    # network could give (inside the baseline's prediction interval)
    found = ahead and baseline["lo"] <= med - expected <= baseline["hi"]
    return {"k": k, "expected_cm": expected, "median_cm": med, "relative_cm": rel,
            "ahead": ahead, "found": bool(found),
            "short": bool(ahead and not found and rel < expected),
            "unit_share": row["shift_predictive"] / n if n else float("nan")}


def _verdict(c: dict, baseline: dict | None) -> str:
    if baseline is None:
        return "not judged (no baseline)"
    if c["median_cm"] is None:
        return "not judged (no grid unit with a preferred shift)"
    if c["found"]:
        return "found at its trained shift"
    if c["ahead"]:
        side = "short of" if c["short"] else "beyond"
        return (f"ahead of path integration, but {side} its trained shift (its median "
                "minus the trained shift lies outside what path integration gives)")
    return "missed: not beyond what path integration gives"


def positive_control_sentence(rows: list[dict], baseline: dict | None,
                              min_shift_cm: float) -> str:
    """The positive controls in words, true of ``rows`` (predictive-analysis rows of networks
    trained to predict: target_shift, cm_per_step, grid_units, shift_predictive,
    grid_median_shift_cm, optionally grid_median_halfwidth_cm and judgement) against the
    path-integrating ``baseline`` (:func:`shift_baseline`); ``min_shift_cm``: the least shift
    a unit is labelled predictive at."""
    if not rows:
        return "No network trained to predict has been analysed yet."
    parts, found = [], 0
    for row in sorted(rows, key=lambda r: (r["target_shift"], r.get("network", ""))):
        c = positive_control(row, baseline)
        found += c["found"]
        judged = row.get("judgement") or {}
        lattice = (f"; its units share {lattice_phrase(judged).split(' (')[0]}"
                   if {"hex_order", "square_order"} <= set(judged) else "")
        if c["median_cm"] is None:
            where = "no grid unit with a preferred shift"
        else:
            rel = ("" if c["relative_cm"] is None
                   else f", {c['relative_cm']:+.1f} cm from the baseline")
            where = f"median preferred shift {c['median_cm']:.1f} cm{rel}"
        half = row.get("grid_median_halfwidth_cm")
        half = f", median interval half-width {half:.1f} cm" if _fin(half) else ""
        parts.append(
            f"trained {c['k']} steps ahead ({c['expected_cm']:.1f} cm{lattice}): {where}, "
            f"{_verdict(c, baseline)}; one by one {row['shift_predictive']} of "
            f"{row['grid_units']} grid units labelled predictive{half}")
    head = (f"Against that baseline the analysis finds {found} of {len(rows)} networks "
            "trained to predict at their trained shift: " if baseline is not None else
            f"Without a baseline the {len(rows)} networks trained to predict are not judged: ")
    tail = (f" A unit is labelled predictive only at a shift of at least {min_shift_cm:g} cm "
            "whose 95 % jackknife interval excludes zero: a unit sharpest less than "
            f"{min_shift_cm:g} cm ahead is never labelled predictive, however narrow its "
            "interval.")
    return head + "; ".join(parts) + "." + tail


def control_summary(rows: list[dict], baseline: dict | None) -> str:
    """One line for the key findings, true of the same ``rows`` and ``baseline`` as
    :func:`positive_control_sentence`."""
    if not rows:
        return "No network trained to predict has been analysed yet."
    judged = [positive_control(r, baseline) for r in rows]
    found, ahead = sum(c["found"] for c in judged), sum(c["ahead"] for c in judged)
    k = sum(int(r["shift_predictive"]) for r in rows)
    n = sum(int(r["grid_units"]) for r in rows)
    if baseline is None:
        return (f"Networks trained to predict: {len(rows)} analysed, not judged (no "
                f"path-integrating baseline); one by one, {k} of their {n} grid units are "
                "labelled predictive.")
    return (f"Networks trained to predict: {found} of {len(rows)} found at their trained "
            f"shift by their grid units' median preferred shift ({ahead} of {len(rows)} ahead "
            "of what path-integrating networks give); one by one, "
            f"{k} of their {n} grid units are labelled predictive.")


def control_conclusion(rows: list[dict], baseline: dict | None, min_shift_cm: float) -> str:
    """What the positive controls mean for the chapter's null result, true of the same
    ``rows`` and ``baseline`` as :func:`positive_control_sentence`."""
    judged = [positive_control(r, baseline) for r in rows]
    found, ahead = sum(c["found"] for c in judged), sum(c["ahead"] for c in judged)
    labels = (f"one-by-one labels need a shift of at least {min_shift_cm:g} cm, so \"no "
              "predictive grid cells\" means none at or beyond that distance")
    short = sum(c["short"] for c in judged)
    why = (f" Why {short} of them {'moves' if short == 1 else 'move'} by less than the full "
           "trained shift is not measured "
           "here: a network that cannot know the coming velocities may encode less than the "
           "full displacement." if short else "")
    if rows and ahead == len(rows):
        at = ("all at their full trained shift" if found == len(rows) else
              f"{found} of {len(rows)} at their full trained shift")
        return ("So the analysis sees a network's code move ahead whenever the network was "
                f"trained to predict ({at}), and its {labels}.{why}")
    if ahead:
        return (f"So the analysis sees the code move ahead in {ahead} of {len(rows)} networks "
                f"trained to predict, not in all; its {labels}.{why}")
    return ("So it is not shown here that the analysis would see a network trained to "
            f"predict, and the null result is limited accordingly; its {labels}.")


def power_sentence(shift: dict | None, ouchi: dict | None, subject: str) -> str:
    """The predictive analysis's power in words, true of the headlines of
    :func:`gridcells.predictive.power.from_record` (``N``, ``share``, ``shift_cm``, ``power``; share
    None when nothing reaches the target) for the shift criterion and Ouchi & Fujisawa's
    rule, measured by advancing a minority of ``subject`` (e.g. "the grid units of the
    shipped CPU model") by a known shift."""
    def part(h, rule):
        if h is None or h.get("share") is None:
            return f"{rule} detects no minority tried with 80 % power"
        return (f"{rule} would have detected a predictive minority of "
                f"{100 * h['share']:.1f} % advanced by {h['shift_cm']:.1f} cm (power "
                f"{100 * h['power']:.0f} %)")
    n = (shift or ouchi or {}).get("N")
    return (f"Power, measured by advancing a minority of {subject} ({n} units) by a known "
            "shift: "
            f"{part(shift, 'the shift analysis')}; {part(ouchi, 'Ouchi & Fujisawa’s rule')}.")
