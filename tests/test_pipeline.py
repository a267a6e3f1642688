"""The literate pipeline: notebooks, parameter validation, the runner and the book."""

import json

import jupytext
import pytest

from gridcells.book.pipeline import (
    NOTEBOOKS,
    NotebookFailed,
    notebook_path,
    run_notebook,
    validate_parameters,
)
from gridcells.world.params import ConfigError

from .conftest import ROOT

SMOKE = ROOT / "params" / "smoke.yaml"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_follow_the_skeleton_and_are_paired(name):
    py = jupytext.read(ROOT / "notebooks" / f"{name}.py")
    text = "\n".join(c.source for c in py.cells if c.cell_type == "markdown")
    opening = py.cells[0].source
    if name.startswith("notes_"):  # the Research notes part: one topic a page
        assert "*Research note.*" in opening, f"{name} does not say it is a research note"
    else:  # a results chapter opens with its findings and restates them at the end
        assert "{admonition} Key findings" in opening, f"{name} lacks a Key findings box"
        assert "## Summary" in text or "## Conclusion" in text, f"{name} lacks a summary"
    tagged = [c for c in py.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "params_file" in tagged[0].source
    ipynb = jupytext.read(ROOT / "notebooks" / f"{name}.ipynb")
    assert [c.source for c in ipynb.cells] == [c.source for c in py.cells], \
        f"{name}.ipynb is out of sync: run jupytext --sync notebooks/{name}.py"
    raw = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())
    assert all(not c.get("outputs") for c in raw["cells"]), "committed notebook has outputs"


def test_parameters_are_validated_like_the_cli():
    with pytest.raises(ConfigError, match="Ng: expected int"):
        validate_parameters(SMOKE, {"Ng": "many"})
    with pytest.raises(ConfigError, match="unknown parameter 'Nq'"):
        validate_parameters(SMOKE, {"Nq": "3"})
    p = validate_parameters(SMOKE, {"Ng": "32", "DoG": "False"})
    assert p["Ng"] == 32 and p["DoG"] is False and p["run_dir"].endswith("runs/smoke")


def test_unknown_notebook():
    with pytest.raises(FileNotFoundError, match="notebooks/01_training.py"):
        notebook_path("99_nothing")


def test_a_failing_notebook_stops_with_cell_and_error_and_keeps_partial(tmp_path):
    nb = tmp_path / "bad.py"
    nb.write_text("# %% tags=[\"parameters\"]\nparams_file = None\n\n# %%\nx = 1\n\n"
                  "# %%\nraise RuntimeError('boom in cell three')\n")
    out = tmp_path / "out" / "bad.ipynb"
    with pytest.raises(NotebookFailed, match="bad.py failed in cell .*RuntimeError.*boom"):
        run_notebook(nb, SMOKE, {}, output=out)
    assert not out.exists()
    assert (tmp_path / "out" / "bad.partial.ipynb").exists()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_define_nothing(name):
    """Notebooks narrate and call the package: sentence and row builders live in gridcells,
    where they are tested (issue 29)."""
    import ast

    py = jupytext.read(ROOT / "notebooks" / f"{name}.py")
    for cell in py.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse("\n".join(line for line in cell.source.splitlines()
                                   if not line.lstrip().startswith(("!", "%"))))
        defs = [n.name for n in ast.walk(tree)
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        assert not defs, f"{name} defines {defs}; move them into the package"
