"""Every number in the results prose is glued (issue 31).

The results pages (the markdown of the book's chapters ``notebooks/0*.py`` in
``gridcells.book.pipeline.NOTEBOOKS``, research notes aside, ``book/intro.md`` and
``book/against_the_paper.md``) take every result from the executed chapters through glue
roles. A number typed in their prose is allowed only where it is not a result:

* :data:`ALLOWED`: citation years, figure and table labels, list markers, names with a
  number in them, and the definitions every page shares (the grid-score threshold and
  angles, the best-64 mean, interval levels, the recovery tolerance);
* :data:`PARAMETERS`: a parameter's value named with the parameter (``step 3000``,
  ``20-step paths``, ``512 units``), allowed only while it equals the code's value;
* in tables, the columns that quote the papers (``published``) or state a verdict's
  interval (``why, and the interval used``); a published figure may be quoted elsewhere;
* code spans, fenced code, math, glue and other roles, directive options and link targets
  are not prose.

:data:`KNOWN` lists, page by page, the typed numbers the pages held when this test was
written that are none of these (results or setup copied from code); it may only shrink.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from gridcells.analysis import evaluation
from gridcells.analysis.lattice import ring_profiles
from gridcells.book.pipeline import NOTEBOOKS, RESEARCH_NOTES
from gridcells.world.config import load_config

from .conftest import ROOT

# the book's results chapters (a notebook joins when it is added to pipeline.NOTEBOOKS)
PAGES = [ROOT / "notebooks" / f"{n}.py" for n in NOTEBOOKS if n not in RESEARCH_NOTES] \
    + [ROOT / "book" / "intro.md", ROOT / "book" / "against_the_paper.md"]

# (why, pattern): every number inside a match is allowed
ALLOWED = [
    ("a citation year: Sorscher et al. (2019)", r"\((?:19|20)\d\d\)"),
    ("an instruction-set name: AVX-512, AVX2", r"\bAVX-?(?:512|2)\b"),
    ("a figure, table or equation label, this book's or a paper's", r"\b(?:Figs?|Tables?|Eqs?)\.?\s+\d+"),  # noqa: E501
    ("a numbered list item", r"(?m)^[ \t]*\d+\.(?=\s)"),
    ("a name with a number: AR(1) noise, coefficients Z/47, the torus's Betti numbers",
     r"\bAR\(1\)|\bZ/\d+|\(?1, 2, 1\)?"),
    ("the grid-score threshold 0.3; the 0.5 of the border score, the map correlation and "
     "the earlier analysis's gridness", r"\b0\.[35]\b"),
    ("the best-64 mean", r"\bbest[-\s]+64\b|\b64\s+best\b"),
    ("interval and test levels; the risk the screening budget allows",
     r"\b(?:5-)?95 %|\b5 %|\bp <= 0\.05|\bbelow 1 %"),
    ("the grid score's angles (Banino et al. 2018) and orientation modulo 60 degrees",
     r"(?:\b(?:30|60|90|120|150)(?:,| and| or)?(?:\s+|-))+degrees?\b|\b60- and 90-degree\b"
     r"|\bagainst 30, 90 and 150\b|\bmodulo 60\b|\b6-fold\b|\b(?:grid )?score\s+(?:60|90)\b"),
    ("the shift-recovery tolerance (gridcells.predictive.shift_estimate.injection_control)",
     r"\bwithin 3 cm\b"),
    ("the ends of a measure's range glossed: (1: one orientation, near 0: uniform), (near 1: "
     "every unit ...), (1: bit-identical); a border score of exactly -1",
     r"\((?:near )?[01]:|\bnear [01]:|\bexactly -1\b"),
    ("zero shift; an interval that excludes 0", r"\bshift\s+0\b|\bexcludes 0\b"),
    ("a seed's name, or a range of them", r"\bseeds? \(?\d+(?:-\d+)?\b"),
    ("a formula's constants: the rank p-value (1 + ...) / (sets + 1), a reference's p-value "
     "of 1; the pattern dynamics' top eigenvalue 1, objective 1 on the ring, tanh's bound 1",
     r"\(1 \+|\+ 1\)|\bis 1 by definition\b|\beigenvalue 1\b|\b1 on the ring\b"
     r"|\bbelow 1 means not saturated\b"),
]


def _fingerprint_steps() -> int:
    src = (ROOT / "experiments" / "fingerprint.py").read_text()
    return int(re.search(r'"--steps", type=int, default=(\d+)', src).group(1))


def _recipe_boundaries() -> set[float]:
    """The values at which a criterion of :data:`gridcells.analysis.evaluation.RECIPE_CRITERIA`
    flips (an error in cm, a share in %, a best-64 mean), found by probing."""
    out = set()
    for key, (_, passes) in evaluation.RECIPE_CRITERIA.items():
        scale = 100 if key == "frac_above_03" else 1
        for v in (0.5, 1.0, 5, 6, 10, 20, 30, 40, 50):
            x = v / scale
            if passes(x) != passes(x + 1e-9) or passes(x) != passes(x - 1e-9):
                out.add(float(v))
    return out


def parameter_values() -> dict[str, set[float]]:
    book = load_config(ROOT / "params" / "default.yaml")
    paper = load_config(ROOT / "params" / "paper.yaml")
    return {
        "box": {book.box_width, book.box_height},
        "place cells": {book.Np},
        "batches": {evaluation.CRITERIA_BATCHES},
        "step": {book.screen_step, _fingerprint_steps()},
        "measured every": {book.eval_every},
        "measured at": set(range(book.eval_every, book.screen_step + 1, book.eval_every)),
        "path length": {evaluation.CRITERIA_SEQUENCE_LENGTH},
        "bins": {book.nbins},
        "units": {book.Ng, paper.Ng},
        "criterion": _recipe_boundaries(),
        "class boundary": {book.min_shift_cm},
        "orientation step": {180 / inspect.signature(ring_profiles).parameters["n_angles"].default},  # noqa: E501
    }


# (parameter, pattern): a number in a group is allowed while it is one of the code's values
PARAMETERS = [
    ("box", r"\b(\d+(?:\.\d+)?) m x (\d+(?:\.\d+)?) m\b"),  # box_width, box_height
    ("place cells", r"\b(\d+) place cells\b"),       # Np
    ("batches", r"\b(\d+) batches of\b"),           # the recipe's judgement: CRITERIA_BATCHES
    ("step", r"\b(?:at|by|to|of)\s+step\s+(\d+)\b"),  # screen_step; experiments/fingerprint.py
    ("step", r"\bfirst (\d+) training steps\b"),
    ("measured every", r"\bevery (\d+) steps\b"),     # eval_every: in-training measurement
    ("measured at", r"\bsteps (\d+) and (\d+)\b"),   # its steps up to screen_step
    ("path length", r"\b(\d+)-step paths\b"),          # the paper's, on which runs are judged
    ("bins", r"\b(\d+)(?:-bin\b| bins of the grid)"),  # nbins
    ("units", r"\b(\d+) units\b|\bNg (\d+)\b"),        # Ng of params/default and params/paper
    ("criterion", r"\bat most (\d+) cm\b|\bat least (\d+) %|\bat least (1\.0)\b"
                  r"|\brecipe's (\d+) cm\b|\bwithin (\d+) cm\b"),  # the recipe's criteria
    ("class boundary", r"[±+-](\d+) cm\b|\bbest shift, (\d+) cm\b"),  # min_shift_cm
    ("orientation step", r"\borientations (\d+) degrees apart\b"),
]

QUOTED_COLUMNS = {"published": "figures quoted from the papers cited",
                  "why, and the interval used": "the verdicts' intervals"}

# Typed numbers that are none of the above, as found when this test was written: results
# or setup copied from code, to be glued. (phrase, what it is) per page; the numbers in the
# phrase are allowed there. A phrase that no longer occurs must go.
KNOWN: dict[str, list[tuple[str, str]]] = {
    "03_predictive.py": [
        ("spacings 40-90 cm", "benchmarks/predictive_truth.py's synthetic units"),
        ("from -30 to +30 cm", "benchmarks/predictive_truth.py's shifts"),
    ],
    "against_the_paper.md": [
        ("9-37 predictive units of 512", "published: the earlier analysis's counts, quoted in "
                                        "the row heading rather than the published column"),
    ],
}

# a published figure quoted outside against_the_paper's table names its source before it,
# in the same sentence
SOURCE = re.compile(r"Ouchi|Sorscher|Schaeffer|Banino|Gardner|published|the paper")
NUMBER = re.compile(r"(?<![\w./])(?:\d{1,3}(?: \d{3})+|\d+(?:\.\d+)?)(?![\w/])")
FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*(.*)$")
CODE_DIRECTIVES = ("{code", "{code-block", "{code-cell", "{math", "{eval-rst")


def markdown(path: Path) -> str:
    """A page's markdown: a notebook's markdown cells, or the .md file."""
    if path.suffix != ".py":
        return path.read_text()
    jupytext = pytest.importorskip("jupytext")
    return "\n\n".join(c.source for c in jupytext.read(path).cells
                       if c.cell_type == "markdown")


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))  # keeps line structure and offsets


def prose(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The prose of MyST markdown with what is not prose blanked (code, math, roles,
    directive heads and options, link targets, quoted table columns), and the cells of
    the quoted columns as (header, cell)."""
    lines, quoted, code, directives, columns = [], [], None, [], []
    for line in text.splitlines():
        m = FENCE.match(line)
        if code is not None:  # inside fenced code: only its closing fence ends it
            if m and m.group(1)[0] == code[0] and len(m.group(1)) >= len(code) \
                    and not m.group(2):
                code = None
            lines.append("")
            continue
        if m:
            fence, rest = m.groups()
            if rest.startswith(CODE_DIRECTIVES) or (rest and not rest.startswith("{")
                                                    and fence[0] != ":"):
                code = fence
            elif rest.startswith("{"):
                directives.append(fence)  # a directive: its body is prose
            elif directives and directives[-1][0] == fence[0]:
                directives.pop()
            elif fence[0] != ":":
                code = fence
            lines.append("")
            continue
        if re.match(r"^\s*:[\w-]+:", line):  # a directive option
            lines.append("")
            continue
        if line.lstrip().startswith("|"):
            cells = line.strip().strip("|").split("|")
            if all(re.fullmatch(r"\s*:?-+:?\s*", c) for c in cells):
                lines.append("")
                continue
            if not columns:  # a table's header row
                columns = [(i, c.strip()) for i, c in enumerate(cells)
                           if c.strip() in QUOTED_COLUMNS]
            else:
                for i, header in columns:
                    if i < len(cells):
                        quoted.append((header, cells[i]))
                        cells[i] = " "
            line = "|".join(cells)
        else:
            columns = []
        lines.append(line)
    text = "\n".join(lines)
    for pattern in (r"<!--.*?-->", r"\$\$.*?\$\$", r"\$[^$\n]+\$", r"\{[^}\s]+\}`[^`]*`",
                    r"``.*?``", r"`[^`\n]*`", r"\]\([^)]*\)", r"https?://\S+"):
        text = re.sub(pattern, _blank, text, flags=re.S)
    return text, quoted


def _published() -> set[str]:
    """Published figures with their unit ("28 %"), from against_the_paper's table."""
    _, quoted = prose(markdown(ROOT / "book" / "against_the_paper.md"))
    return {m.group(0) for header, cell in quoted if header == "published"
            for m in re.finditer(r"\d+(?:\.\d+)? (?:%|cm)", cell)}


def _phrase(text: str) -> str:
    return r"\s+".join(map(re.escape, text.split()))


def typed_numbers(text: str, params: dict[str, set[float]] | None = None,
                  published: set[str] = frozenset(), known: list[str] = ()) -> list[str]:
    """The numbers typed in ``text``'s prose outside the allow-lists and the ``known``
    phrases, each with a little context ("13-16 % of units")."""
    params = parameter_values() if params is None else params
    body, _ = prose(text)
    allowed = [m.span() for _, p in ALLOWED for m in re.finditer(p, body)]
    allowed += [m.span() for k in known for m in re.finditer(_phrase(k), body)]
    for name, pattern in PARAMETERS:
        for m in re.finditer(pattern, body):
            allowed += [m.span(g) for g in range(1, len(m.groups()) + 1)
                        if m.group(g) is not None and float(m.group(g)) in params[name]]
    allowed += [m.span() for q in published for m in re.finditer(re.escape(q), body)
                if SOURCE.search(re.split(r"[.!?]\s", body[:m.start()])[-1])]
    out = []
    for m in NUMBER.finditer(body):
        if any(a <= m.start() and m.end() <= b for a, b in allowed):
            continue
        context = body[max(0, m.start() - 12):m.end() + 12]
        out.append(re.sub(r"\s+", " ", context).strip())
    return out


def test_the_scanner_finds_typed_results_and_passes_glue_and_definitions():
    params = {name: set() for name, _ in PARAMETERS} | {"step": {3000.0}}
    ok = ("As in Fig. 2 of {cite:t}`sorscher2019` (2019), {glue:text}`share:.0%` of units\n"
          "score above 0.3 at step 3000 (95 % interval `x = 12`):\n\n"
          "```python\nerr = 12.5\n```\n\n"
          "```{glue:figure} fig-a\n:name: fig-a\n:width: 100%\n\nThe 60-degree score; see "
          "Table 3.\n```\n\n1. **Rate maps** of $k = 4$ bins [here](x/7.md)\n")
    assert typed_numbers(ok, params) == []
    assert len(typed_numbers("The error is 12.3 cm after step 2000.", params)) == 2
    caption = "```{glue:figure} fig-b\n:name: fig-b\n\nIt decodes at 4.2 cm.\n```\n"
    assert len(typed_numbers(caption, params)) == 1  # captions are prose
    table = ("| | published | this book | why, and the interval used |\n|---|---|---|---|\n"
             "| error | 4-5 cm | 7.1 cm | at most 6 cm |\n")
    assert len(typed_numbers(table, params)) == 1  # this book's 7.1, not the quotes
    assert typed_numbers("Ouchi & Fujisawa found about 28 % in rats", params, {"28 %"}) == []
    assert len(typed_numbers("We found about 28 % in networks", params, {"28 %"})) == 1
    assert typed_numbers("The stretch of 74 000 steps.", params) == ["stretch of 74 000 steps."]


def test_parameters_named_in_the_prose_are_the_codes():
    values = parameter_values()
    assert values["step"] == {3000, 1000} and values["path length"] == {20}
    assert values["units"] == {512, 4096} and values["class boundary"] == {5.0}
    assert {6.0, 40.0, 1.0} <= values["criterion"] and values["orientation step"] == {5.0}
    assert values["measured every"] == {1000} and values["measured at"] == {1000, 2000, 3000}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_typed_number_in_the_prose_of_a_glued_page(page):
    text = markdown(page)
    known = [phrase for phrase, _ in KNOWN.get(page.name, [])]
    found = typed_numbers(text, published=_published(), known=known)
    assert not found, f"{page.name}: typed numbers outside the allow-list: {found}"
    body, _ = prose(text)
    gone = [k for k in known if not re.search(_phrase(k), body)]
    assert not gone, f"{page.name}: no longer typed, remove from KNOWN: {gone}"
