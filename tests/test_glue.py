"""gridcells.book.glue reads the glued values of executed notebooks and finds what changed."""

from __future__ import annotations

import json

import pytest

from gridcells.book.glue import compare, glued_values, main


def write_book(folder, values: dict, name: str = "01_training") -> None:
    """One executed notebook gluing ``values`` (str: text/plain; bytes: a PNG), the way
    myst-nb stores them, beside an ordinary output that is not glued."""
    folder.mkdir(parents=True, exist_ok=True)
    outputs = [{"output_type": "stream", "name": "stdout", "text": "not glued\n"}]
    for key, value in values.items():
        mime = "image/png" if isinstance(value, bytes) else "text/plain"
        data = value.decode() if isinstance(value, bytes) else value
        outputs.append({"output_type": "display_data", "metadata": {"scrapbook": {
            "name": key, "mime_prefix": "application/papermill.record/"}},
            "data": {f"application/papermill.record/{mime}": data}})
    nb = {"cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": outputs,
                     "execution_count": 1}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (folder / f"{name}.ipynb").write_text(json.dumps(nb))


def test_reads_every_glued_value(tmp_path):
    write_book(tmp_path / "a", {"err": "'5.03'", "fig": b"PNGDATA"})
    values = glued_values(tmp_path / "a")
    assert values["01_training::err"] == ("text", "'5.03'")
    assert values["01_training::fig"][0] == "figure" and len(values) == 2


def test_equal_builds_compare_equal_and_changes_are_listed(tmp_path, capsys):
    write_book(tmp_path / "a", {"err": "'5.03'", "n": "'12'", "fig": b"A"})
    write_book(tmp_path / "b", {"err": "'5.03'", "n": "'12'", "fig": b"A"})
    assert compare(tmp_path / "a", tmp_path / "b", figures=True) == []
    assert main([str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    write_book(tmp_path / "c", {"err": "'5.04'", "extra": "'1'", "fig": b"B"})
    diffs = compare(tmp_path / "a", tmp_path / "c")
    assert diffs == [f"only in {tmp_path / 'a'}: 01_training::n",
                     f"only in {tmp_path / 'c'}: 01_training::extra",
                     "01_training::err: \"'5.03'\" -> \"'5.04'\""]
    assert len(compare(tmp_path / "a", tmp_path / "c", figures=True)) == 4
    assert main([str(tmp_path / "a"), str(tmp_path / "c")]) == 1
    assert compare(tmp_path / "a", tmp_path / "c", ignore=("err", "n", "extra")) == []


def test_a_folder_without_notebooks_is_one_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no executed notebooks"):
        glued_values(tmp_path)
