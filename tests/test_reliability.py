"""Issue 17: each hole reproduced, then a one-line error or correct behaviour with nothing
lost. Tiny configs (params/smoke.yaml, a few steps): every test runs in about a second."""

import math

import pytest

import gridcells as gc
from gridcells.config import ConfigError

from .conftest import ROOT

SMOKE = ROOT / "params" / "smoke.yaml"


def one_line(exc) -> str:
    text = str(exc.value if hasattr(exc, "value") else exc)
    assert "\n" not in text, text
    return text


# ---- hole 3: infinity and NaN ----------------------------------------------------------

@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize("key", ["box_width", "learning_rate", "gridness_threshold",
                                 "traj_speed_max", "pf_lr"])
def test_non_finite_floats_are_refused_by_the_api(key, value):
    with pytest.raises(ConfigError, match=rf"^{key}: expected a finite number") as exc:
        gc.Config(**{key: value})
    one_line(exc)


@pytest.mark.parametrize("text", [".nan", ".inf", "-.inf", ".NaN", "1e999"])
def test_yaml_non_finite_values_name_key_and_file(tmp_path, text):
    p = tmp_path / "bad.yaml"
    p.write_text(f"Ng: 64\nbox_width: {text}\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml.*box_width: expected a finite") as exc:
        gc.load_config(p)
    one_line(exc)


def test_cli_override_of_infinity_is_one_line(capsys):
    from gridcells.cli import main

    assert main(["train", "--params", str(SMOKE), "--run-dir", "/nonexistent/x",
                 "box_width=1e999"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("gridcells train: error: box_width: expected a finite number")
    assert "\n" not in err


def test_override_error_does_not_blame_the_file(tmp_path):
    p = tmp_path / "ok.yaml"
    p.write_text("Ng: 64\n")
    with pytest.raises(ConfigError, match=r"^learning_rate: expected a finite"):
        gc.load_config(p, learning_rate=math.nan)
    with pytest.raises(ConfigError, match=r"ok\.yaml.*unknown parameter 'Nx'"):
        p.write_text("Nx: 64\n")
        gc.load_config(p)
