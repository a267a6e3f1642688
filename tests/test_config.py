import pytest
import yaml

import gridcells as gc
from gridcells.config import ConfigError, parse_overrides

from .conftest import ROOT


def test_defaults_are_the_original_model():
    cfg = gc.Config()
    assert (cfg.Ng, cfg.Np, cfg.place_cell_rf, cfg.surround_scale) == (4096, 512, 0.12, 2.0)
    assert (cfg.box_width, cfg.box_height, cfg.sequence_length, cfg.batch_size) == (
        2.2, 2.2, 20, 200)
    assert (cfg.learning_rate, cfg.weight_decay, cfg.n_epochs, cfg.n_steps) == (
        1e-4, 1e-4, 100, 1000)
    assert cfg.DoG and not cfg.periodic and cfg.activation == "relu" and cfg.RNN_type == "RNN"


def test_paper_params_equal_defaults():
    paper = gc.load_config(ROOT / "params" / "paper.yaml")
    assert paper.replace(eval_every=0) == gc.Config()


PARAMS = sorted((ROOT / "params").glob("*.yaml"))


def test_the_params_files_the_readme_names_exist():
    names = {p.stem for p in PARAMS}
    assert {"default", "smoke", "cpu", "cpu_large", "cpu_finetune", "paper",
            "pretrained"} <= names


@pytest.mark.parametrize("path", PARAMS, ids=[p.stem for p in PARAMS])
def test_every_params_file_loads(path):
    cfg = gc.load_config(path)
    assert cfg != gc.Config()  # every file changes something (paper.yaml: eval_every)


def test_file_then_overrides(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_text("Ng: 128\nlearning_rate: 1e-3\n")
    cfg = gc.load_config(p, seed=3)
    assert cfg.Ng == 128 and cfg.learning_rate == 1e-3 and cfg.seed == 3


def test_cli_style_overrides_are_typed():
    over = parse_overrides(["DoG=False", "learning_rate=1e-4", "Ng=64", "traj_speed_max=null"])
    assert over == {"DoG": False, "learning_rate": 1e-4, "Ng": 64, "traj_speed_max": None}
    assert gc.load_config(**over).DoG is False


@pytest.mark.parametrize("over, words", [
    ({"Ngg": 10}, ["unknown parameter 'Ngg'", "Ng"]),
    ({"Ng": 0}, ["Ng", ">= 1"]),
    ({"Ng": 10.5}, ["Ng", "expected int"]),
    ({"Ng": "1024"}, ["Ng", "expected int", "str"]),
    ({"DoG": "False"}, ["DoG", "expected bool"]),
    ({"learning_rate": True}, ["learning_rate", "expected float"]),
    ({"traj_velocity_smoothing": 1.0}, ["traj_velocity_smoothing", "<= 0.99"]),
    ({"traj_velocity_smoothing": -0.1}, ["traj_velocity_smoothing", ">= 0"]),
    ({"activation": "sigmoid"}, ["activation", "relu"]),
    ({"box_width": 0.1}, ["box_width", "place_cell_rf"]),
    ({"batch_size": -3}, ["batch_size"]),
    ({"arena": "hexagon"}, ["arena", "circle"]),
    ({"arena": "circle", "box_height": 1.5}, ["arena: circle", "square, non-periodic", "1.5"]),
    ({"arena": "circle", "periodic": True}, ["arena: circle", "periodic True"]),
])
def test_bad_values_raise_one_clear_error(over, words):
    with pytest.raises(ConfigError) as err:
        gc.load_config(**over)
    msg = str(err.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg


def test_bad_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        gc.load_config(tmp_path / "missing.yaml")
    p = tmp_path / "list.yaml"
    p.write_text("- 1\n- 2\n")
    with pytest.raises(ConfigError, match="mapping"):
        gc.load_config(p)
    p.write_text("Ng: [1\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        gc.load_config(p)


def test_saved_config_round_trips(tmp_path):
    cfg = gc.load_config(Ng=32, traj_speed_max=1.5)
    gc.config.save_config(cfg, tmp_path / "c.yaml")
    assert gc.config.config_from_dict(yaml.safe_load((tmp_path / "c.yaml").read_text())) == cfg


def test_namespace_overrides():
    cfg = gc.config_from_namespace(None, {"Ng": 32, "unrelated": 1, "seed": 4})
    assert cfg.Ng == 32 and cfg.seed == 4


def test_default_trains_the_cpu_recipe():
    default = gc.load_config(ROOT / "params" / "default.yaml")
    cpu = gc.load_config(ROOT / "params" / "cpu.yaml")
    training = ["Ng", "Np", "batch_size", "learning_rate", "lr_schedule", "lr_warmup_steps",
                "lr_final_fraction", "weight_decay", "weight_decay_mode", "weight_decay_start",
                "weight_decay_stop", "weight_decay_final", "n_epochs",
                "n_steps", "precision", "seed", "sequence_length", "init_recurrent"]
    assert {k: getattr(default, k) for k in training} == {k: getattr(cpu, k) for k in training}
