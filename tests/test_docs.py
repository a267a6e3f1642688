"""The README's and ARCHITECTURE.md's claims, checked against the code and the model cards."""

import ast
import subprocess
import sys

import pytest

from gridcells.pretrained import model_card

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


def test_rundir_module_imports_no_torch():
    """ARCHITECTURE.md: rundir has no torch import. Loaded by file (the package's __init__
    imports torch for everyone, so ``import gridcells.rundir`` does load it)."""
    code = ("import importlib.util, sys\n"
            f"spec = importlib.util.spec_from_file_location('rundir', {str(ROOT / 'gridcells' / 'rundir.py')!r})\n"  # noqa: E501
            "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
            "assert 'torch' not in sys.modules, 'torch loaded'\n"
            "assert hasattr(module, 'RunDirError')\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


MODULES = sorted((ROOT / "gridcells").glob("*.py"))


def test_modules_over_400_lines_are_only_the_known_one():
    """ARCHITECTURE.md says no module is over 400 lines; scores.py (the batched scorer) is.
    What holds: no other module is, and scores.py stays under 450."""
    long = {p.name: len(p.read_text().splitlines()) for p in MODULES}
    over = {name for name, n in long.items() if n > 400}
    assert over <= {"scores.py"}, over
    assert long["scores.py"] <= 450


def package_imports(path):
    """The gridcells modules ``path`` imports at module level or in functions."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            out.add((node.module or "").split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gridcells."):
            out.add(node.module.split(".")[1])
    return out - {""}


@pytest.mark.parametrize("low, high", [
    ("config", "training"), ("place_cells", "training"), ("trajectories", "training"),
    ("model", "training"), ("scores", "evaluation"), ("shifted", "predictive"),
    ("shift_estimate", "predictive"), ("shuffles", "predictive"), ("predictive", "plotting"),
    ("predictive", "report"), ("stats", "ablation")])
def test_import_direction_of_architecture(low, high):
    """Data flows one way: a module on the left of ARCHITECTURE.md's diagram never imports,
    directly or through others, one on its right."""
    seen, todo = set(), [low]
    while todo:
        name = todo.pop()
        if name in seen or not (ROOT / "gridcells" / f"{name}.py").exists():
            continue
        seen.add(name)
        todo.extend(package_imports(ROOT / "gridcells" / f"{name}.py"))
    assert high not in seen, f"{low} reaches {high}"
