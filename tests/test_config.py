import pytest
import yaml

import gridcells as gc
from gridcells.world.config import config_from_dict, save_config
from gridcells.world.params import ConfigError, parse_overrides, read_params

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
    # every value the file itself sets reaches the config (read here with plain YAML; a
    # number written without a dot, 1e-4, is a string to plain YAML)
    own = yaml.safe_load(path.read_text()) or {}
    own.pop("extends", None)
    assert own, path
    for key, value in own.items():
        got = getattr(cfg, key)
        if isinstance(value, str) and isinstance(got, float):
            value = float(value)
        if isinstance(got, float):
            assert got == pytest.approx(value, rel=1e-12), key
        else:
            assert got == value, key


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
    save_config(cfg, tmp_path / "c.yaml")
    assert config_from_dict(yaml.safe_load((tmp_path / "c.yaml").read_text())) == cfg


def test_namespace_overrides_only_the_names_given():
    ns = {"Ng": 32, "unrelated": 1, "seed": 4, "max_lag": 7}
    cfg = gc.config_from_namespace(None, ns, ["Ng", "seed", "unrelated"])
    assert cfg.Ng == 32 and cfg.seed == 4
    assert cfg.max_lag == gc.Config().max_lag != 7  # in the namespace, but not given


def test_default_and_ensemble_are_the_cpu_recipe_extended():
    cpu = gc.load_config(ROOT / "params" / "cpu.yaml")
    default = gc.load_config(ROOT / "params" / "default.yaml")
    # the book's params: the CPU recipe, its seed screened (gridcells.book.network)
    assert default == cpu.replace(screen_seeds=default.screen_seeds,
                                  screen_max=default.screen_max)
    assert default.screen_seeds is not None and default.screen_max > 1
    assert gc.load_config(ROOT / "params" / "ensemble.yaml") == cpu.replace(
        shuffle_trials=100, ablation_random_trials=100)
    for name in ("default", "ensemble"):
        assert read_params(ROOT / "params" / f"{name}.yaml")["Ng"] == 512


def test_extends_is_relative_to_the_file_and_chains(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "base.yaml").write_text("Ng: 128\nseed: 3\n")
    (tmp_path / "sub" / "mid.yaml").write_text("extends: ../base.yaml\nseed: 5\nmax_lag: 9\n")
    (tmp_path / "top.yaml").write_text("extends: sub/mid.yaml\nmax_lag: 11\n")
    cfg = gc.load_config(tmp_path / "top.yaml", Ng=64)
    assert (cfg.Ng, cfg.seed, cfg.max_lag) == (64, 5, 11)


@pytest.mark.parametrize("files, words", [
    ({"a.yaml": "extends: b.yaml\n", "b.yaml": "extends: a.yaml\n"},
     r"extends forms a cycle \(a.yaml -> b.yaml -> a.yaml\)"),
    ({"a.yaml": "extends: a.yaml\n"}, r"cycle \(a.yaml -> a.yaml\)"),
    ({"a.yaml": "extends: missing.yaml\n"}, r"extends 'missing.yaml', but .* is not a file"),
    ({"a.yaml": "extends: 3\n"}, r"extends 3: expected the path of another params file"),
    ({"a.yaml": "extends: b.yaml\n", "b.yaml": "Nq: 3\n"}, r"unknown parameter 'Nq'"),
])
def test_bad_extends_is_one_clear_error(tmp_path, files, words):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(ConfigError, match=words) as exc:
        gc.load_config(tmp_path / "a.yaml")
    assert "\n" not in str(exc.value)
