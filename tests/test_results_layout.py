"""The recorded results: every file is documented, every path the book reads exists, and the
recipe rows carry their measurement as fields, consistent with the numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESULTS = [ROOT / "experiments" / "results", ROOT / "benchmarks" / "results"]
RECIPE_FILES = sorted((ROOT / "experiments" / "results").glob("recipe_*.jsonl")) + [
    ROOT / "experiments" / "results" / "lattice_odds.jsonl"]


@pytest.mark.parametrize("folder", RESULTS, ids=lambda p: p.parent.name)
def test_every_recorded_file_is_named_in_its_readme(folder):
    readme = (folder / "README.md").read_text()
    named = set(re.findall(r"`([^`]+)`", readme))
    missing = [p.name for p in folder.iterdir()
               if p.name != "README.md" and p.name not in named and f"{p.name}/" not in named]
    assert not missing, f"{folder}/README.md does not say what {missing} are"


def test_every_results_path_the_book_reads_exists():
    sources = list((ROOT / "notebooks").glob("*.py")) + [ROOT / "gridcells" / "book" / "report.py"]
    pattern = re.compile(r"(?:experiments|benchmarks)/results/[\w.{}*]+")
    read = {m for src in sources for m in pattern.findall(src.read_text()) if "*" not in m}
    assert read, "no notebook reads a recorded result: the pattern is wrong"
    paths = {r.replace("{k}", str(k)) for r in read for k in (1, 2)}
    assert not [p for p in sorted(paths) if not (ROOT / p).exists()]
    assert not list((ROOT / "benchmarks" / "results").glob("recipe_*")), \
        "experiment records belong in experiments/results"


@pytest.mark.parametrize("path", RECIPE_FILES, ids=lambda p: p.name)
def test_recipe_rows_carry_their_measurement_as_fields(path):
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    assert rows
    for row in rows:
        assert row["measurement"] in ("recipe", "in-training")
        assert row["stopped_early"] == (row["steps"] < row["schedule_steps"])
        assert isinstance(row["machine_shared"], bool)
        screen = re.search(r"screen to step (\d+) of (\d+); (\d+) units", row.get("note", ""))
        if screen:
            assert (row["steps"], row["schedule_steps"], row["n_units"]) == \
                tuple(int(g) for g in screen.groups())
            assert row["measurement"] == "in-training"
