import json

from gridcells.book import report


def recipe_row(**extra):
    return {"params": "params/cpu.yaml", "overrides": {"seed": 1}, "steps": 8000,
            "wall_s": 270.0, "err_cm": 5.2, "frac_above_03": 0.45, "best64_mean": 1.01,
            "map_corr": 0.15, "meets": True, "hardware": "x86_64 2 threads", **extra}


def test_recipe_table_leaves_out_columns_no_row_has(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps(recipe_row()) + "\n")
    header = report.recipe_search_table(path).splitlines()[0]
    assert "silent" not in header and "hex" not in header and "error (cm)" in header
    path.write_text(json.dumps(recipe_row()) + "\n" +
                    json.dumps(recipe_row(hex_order=0.25, square_order=0.05)) + "\n")
    lines = report.recipe_search_table(path).splitlines()
    assert "| hex | square |" in lines[0]
    assert "| - | - |" in lines[2] and "| 0.25 | 0.05 |" in lines[3]


def test_lattice_table_sorts_runs_and_shows_step_1000(tmp_path):
    def row(seed):
        return {"label": "v3", "seed": seed, "arena": "square", "sequence_length": 20,
                "err_cm": 5.0, "frac_above_03": 0.4, "best64_mean": 1.0, "hex_order": 0.2,
                "square_order": 0.1, "square_deg": 8.0,
                "curve": [{"step": 1000, "hex_order": 0.3, "square_order": 0.4}]}
    path = tmp_path / "lattice.jsonl"
    path.write_text("".join(json.dumps(row(s)) + "\n" for s in (3, 1)))
    lines = report.lattice_table(path).splitlines()
    assert lines[2].startswith("| v3 | 1 |") and lines[3].startswith("| v3 | 3 |")
    assert lines[2].endswith("| 0.3 | 0.4 |")


def test_markdown_table_shows_lists_as_items_not_python_lists():
    text = report.markdown_table([{"betti": (1, 2, 1), "bars": [0.19, 0.1874], "none": [],
                                   "x": None}])
    assert "| 1, 2, 1 | 0.19, 0.187 | - | - |" in text and "[" not in text
