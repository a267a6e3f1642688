"""The README's and ARCHITECTURE.md's claims, checked against the code and the model cards."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gridcells.shipped.pretrained import model_card

from .conftest import ROOT

README = (ROOT / "README.md").read_text()


def comment_after(call):
    """The comment lines that follow the README's line with ``call``, joined."""
    lines = README.splitlines()
    i = next(i for i, line in enumerate(lines) if call in line)
    out = []
    for line in lines[i + 1:]:
        if not line.startswith("#"):
            break
        out.append(line.lstrip("# "))
    return " ".join(out)


def test_readme_figures_of_the_shipped_models_are_their_cards():
    default = comment_after("model = gc.load_pretrained()")
    card = model_card("default")
    ev = card["evaluation"]
    assert f"{ev['err_cm']:.1f} cm" in default
    assert f"{100 * ev['frac_above_03']:.0f} % of units above 0.3" in default
    assert f"({card['training_wall_s'] / 60:.0f} min)" in default
    assert f"{ev['n_units']} units" in default
    paper = comment_after('paper = gc.load_pretrained("paper")')
    card = model_card("paper")
    ev = card["evaluation"]
    assert f"{ev['err_cm']:.1f} cm" in paper
    assert f"{100 * ev['frac_above_03']:.1f} % of units above 0.3" in paper
    assert f"best {ev['best_score']:.2f}" in paper
    assert f"({card['steps'] // 1000}k in all)" in paper


def test_importing_the_package_and_rundir_loads_no_torch():
    """ARCHITECTURE.md: ``gridcells`` loads its public names on first use and ``rundir`` has no
    torch import, so the run-directory lock and records need no torch."""
    code = ("import sys\n"
            "import gridcells, gridcells.rundir.layout, gridcells.rundir.history\n"
            "assert 'torch' not in sys.modules, 'torch loaded'\n"
            "assert hasattr(gridcells.rundir.layout, 'RunDirError')\n"
            "gridcells.load_config\n"
            "assert 'torch' not in sys.modules, 'torch loaded by the config'\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


PACKAGE = ROOT / "gridcells"
MODULES = sorted(PACKAGE.rglob("*.py"))
ARCH = (ROOT / "ARCHITECTURE.md").read_text()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


NAMES = {module_name(p): p for p in MODULES}


def imported_modules(path: Path) -> set[str]:
    """The package modules ``path`` imports, at module level or in functions: ``from
    gridcells.a.b import c`` counts as ``gridcells.a.b.c`` where that is a module, else as
    ``gridcells.a.b``; relative imports are resolved against ``path``'s package."""
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in NAMES}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            if not base.startswith("gridcells"):
                continue
            for a in node.names:
                out.add(f"{base}.{a.name}" if f"{base}.{a.name}" in NAMES else base)
    return out - {"gridcells"}  # the lazy public namespace: __version__ only


GRAPH = {name: imported_modules(path) for name, path in NAMES.items()}


def test_no_import_circles():
    """No module reaches itself through its imports (the circles plotting <-> plotting_predictive
    and topology <-> topology_network came from splitting modules and re-exporting)."""
    state, circles = {}, []

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == "open":
                circles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])
    assert not circles, circles


def layers() -> list[str]:
    """The subpackages in ARCHITECTURE.md's order, lowest first (its "Layers" line)."""
    start = ARCH.index("Layers, lowest first:")
    return re.findall(r"`(\w+)`", ARCH[start:ARCH.index("\n\n", start)])


def layer_of(module: str) -> str:
    return module.split(".")[1]


def test_layers_of_architecture_cover_the_package():
    found = {layer_of(m) for m in NAMES if m != "gridcells"}
    assert found == set(layers()), found ^ set(layers())


def test_subpackages_import_only_their_own_layer_or_lower():
    """Data flows one way: a module imports only modules of its own subpackage or of a layer
    below it in ARCHITECTURE.md (``cli`` sits on top)."""
    rank = {name: i for i, name in enumerate(layers())}
    wrong = [(m, d) for m, deps in GRAPH.items() if m != "gridcells" for d in deps
             if rank[layer_of(d)] > rank[layer_of(m)]]
    assert not wrong, wrong


def defined_names(path: Path) -> set[str]:
    out = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            out.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            out |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return out


NAMESPACES = {"gridcells", "gridcells.book.plots"}  # the two __init__s that gather names
# every Python file that imports the package: itself, tests, notebooks, benchmarks, experiments
SOURCES = [*MODULES, *(p for d in ("tests", "notebooks", "benchmarks", "experiments")
                       for p in (ROOT / d).glob("*.py"))]


def test_every_name_is_imported_from_its_home():
    """No re-export shims: across the package, tests, notebooks, benchmarks and experiments,
    ``from gridcells.x import name`` names a module that defines ``name`` (or a submodule
    ``gridcells.x.name``); only the public namespaces ``gridcells`` and
    ``gridcells.book.plots`` gather names from elsewhere."""
    wrong = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.ImportFrom) and not node.level
                    and (node.module or "").startswith("gridcells.")
                    and node.module not in NAMESPACES):
                home = defined_names(NAMES[node.module])
                wrong += [f"{path.relative_to(ROOT)}: {node.module}.{a.name}" for a in node.names
                          if a.name not in home and f"{node.module}.{a.name}" not in NAMES]
    assert not wrong, wrong


def test_subpackage_inits_import_nothing_but_the_two_namespaces():
    """A subpackage's ``__init__`` is its docstring, so importing one module of it loads no
    other (``gridcells.book.plots`` gathers the figure helpers for the chapters)."""
    for path in PACKAGE.rglob("__init__.py"):
        if module_name(path) in NAMESPACES:
            continue
        body = ast.parse(path.read_text()).body
        assert all(isinstance(n, ast.Expr) for n in body), path


def test_modules_are_under_400_lines_but_the_batched_scorer():
    """ARCHITECTURE.md: no module is over 400 lines, except scores.py (the batched scorer),
    which stays under 450."""
    long = {module_name(p): len(p.read_text().splitlines()) for p in MODULES}
    over = {name for name, n in long.items() if n > 400}
    assert over <= {"gridcells.analysis.scores"}, over
    assert long["gridcells.analysis.scores"] <= 450


def test_every_module_is_in_the_architecture_table():
    """ARCHITECTURE.md's table names every module (as ``subpackage.module``)."""
    missing = [m for m in NAMES if m.count(".") >= 1 and not m.endswith("__init__")
               and f"`{m.removeprefix('gridcells.')}`" not in ARCH]
    assert not missing, missing


def module_aliases(tree: ast.AST) -> dict[str, str]:
    """Names bound to package modules in ``tree``: ``from gridcells.a import b [as c]`` where
    ``gridcells.a.b`` is a module, ``import gridcells.a.b as c`` and ``gc``."""
    out = {"gc": "gridcells"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level and \
                (node.module or "").startswith("gridcells"):
            out |= {a.asname or a.name: f"{node.module}.{a.name}" for a in node.names
                    if f"{node.module}.{a.name}" in NAMES}
        elif isinstance(node, ast.Import):
            out |= {a.asname: a.name for a in node.names if a.asname and a.name in NAMES}
    return out


# names a test replaces where a module uses them (the fault tests' writer)
PATCHED = {"gridcells.network.checkpoints": ("save_file",)}


def test_every_module_attribute_used_exists():
    """``module.name`` where ``module`` is a package module (``report.markdown_table``,
    ``gc.load_config``) names something that module defines (or one of its submodules; the
    two namespaces may gather names): after a move, a stale attribute in a notebook fails
    here, not halfway through a build, and no name is reached through a module that only
    imports it."""
    import importlib

    wrong = []
    for path in SOURCES:
        tree = ast.parse(path.read_text())
        aliases = module_aliases(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                    node.value.id in aliases:
                name = aliases[node.value.id]
                module = importlib.import_module(name)
                home = (hasattr(module, node.attr) if name in NAMESPACES or
                        node.attr in PATCHED.get(name, ()) else
                        node.attr in defined_names(NAMES[name])
                        or f"{name}.{node.attr}" in NAMES)
                if not home:
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}: "
                                 f"{node.value.id}.{node.attr}")
    assert not wrong, wrong


DOCS = [ROOT / "README.md", ROOT / "ARCHITECTURE.md", *sorted((ROOT / "book").glob("*.md"))]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_imports_the_docs_show_work(doc):
    """Every ``from gridcells... import`` and ``import gridcells...`` line in the docs' code
    (README, ARCHITECTURE.md, the book's method pages) runs, and names what its module
    defines."""
    import importlib

    lines = [line.strip() for line in doc.read_text().splitlines()
             if re.match(r"\s*(from gridcells[\w.]* import |import gridcells)", line)]
    for line in lines:
        tree = ast.parse(line).body[0]
        if isinstance(tree, ast.ImportFrom):
            module = importlib.import_module(tree.module)
            for a in tree.names:
                assert hasattr(module, a.name) or f"{tree.module}.{a.name}" in NAMES, line
                if tree.module not in NAMESPACES and f"{tree.module}.{a.name}" not in NAMES:
                    assert a.name in defined_names(NAMES[tree.module]), f"{line}: re-export"
        else:
            for a in tree.names:
                importlib.import_module(a.name)


def test_readme_topology_figures_are_the_recorded_table():
    """The README's "N and M of K" tori (interior, whole box) are the newest rows of the
    ensemble in experiments/results/topology_networks.jsonl analysed with the default
    settings (their null draws and points)."""
    import gridcells as gc
    from gridcells.records.experiments import topology_rows

    cfg = gc.load_config("params/default.yaml")
    rows = topology_rows(ROOT / "experiments" / "results" / "topology_networks.jsonl",
                         cfg.topology_nulls, cfg.topology_points)  # what the chapter reads
    inside = sum(r["is_torus"] for r in rows if r["region"] == "interior")
    whole = sum(r["is_torus"] for r in rows if r["region"] == "whole box")
    k = len({r["network"] for r in rows})
    text = " ".join(README.split())
    assert f"({inside} and {whole} of {k} against {cfg.topology_nulls} shuffled" in text


def test_readme_build_time_odds_are_the_recorded_odds():
    """The README's "1 - q^2 = p" and "expected about X pairs ... at most N" of a build on
    another CPU type follow from the recipe's recorded odds and params/default.yaml's
    screen_max through gridcells.book.network.build_time (two screens at a time)."""
    import re

    import gridcells as gc
    from gridcells.book.network import build_time
    from gridcells.records.experiments import recipe_odds

    odds = recipe_odds()
    cfg = gc.load_config("params/default.yaml")
    t = build_time(odds["share"], cfg.screen_max, 1.0, 0.0, 2, 0.0)
    text = " ".join(README.split())
    q = 1 - odds["share"]
    assert f"1 - {q:.2f}^2 = {1 - q * q:.2f}" in text
    assert f"(the recipe's {odds['hexagonal']} of {odds['n']} screens)" in text
    m = re.search(r"expected about ([\d.]+) pairs .*? and at most (\d+)", text)
    assert m and m.group(1) == f"{t['expected_batches']:.1f}"
    assert int(m.group(2)) == t["batches_max"]


def test_readme_predictive_claims_are_the_recorded_rows():
    """The README's predictive summary: the number of path-integrating networks of 512 units,
    that none of their grid units is labelled predictive, and the positive controls' counts
    (ahead of path integration; short of the full trained shift), from the newest rows of
    experiments/results/predictive_networks.jsonl and predictive_controls.jsonl judged by
    gridcells.book.predictive_text."""
    from gridcells.book import predictive_text as P
    from gridcells.book.report import latest_rows

    res = ROOT / "experiments" / "results"
    rows = [r for r in latest_rows(str(res / "predictive_networks.jsonl"), "network")
            if r["Ng"] == 512 and not r.get("target_shift")]
    controls = latest_rows(str(res / "predictive_controls.jsonl"), "network")
    base = P.shift_baseline(rows)
    judged = [P.positive_control(c, base) for c in controls]
    ahead = sum(c["ahead"] for c in judged)
    short = sum(c["short"] for c in judged)
    text = " ".join(README.split())
    assert f"the {len(rows)} shipped networks of 512 units" in text
    assert sum(r["shift_predictive"] for r in rows) == 0
    assert "no grid unit is labelled predictive" in text
    assert f"population level ({ahead} of {len(controls)})" in text
    assert f"short of their full trained shift in {short} of {len(controls)}" in text
