import pickle

import pytest
import torch

import gridcells as gc
from gridcells.network.checkpoints import CheckpointError
from gridcells.rundir.layout import atomic_write


def test_round_trip_carries_centres_and_config(smoke_cfg, tmp_path):
    m = gc.PathRNN(smoke_cfg.replace(seed=5))
    gc.save_model(m, tmp_path / "m.safetensors")
    back = gc.load_model(tmp_path / "m.safetensors")
    assert back.cfg == m.cfg
    assert torch.equal(back.centers, m.centers)
    for a, b in zip(m.state_dict().values(), back.state_dict().values()):
        assert torch.equal(a, b)


def test_original_state_dict_gives_the_same_outputs(smoke_cfg, tmp_path):
    m = gc.PathRNN(smoke_cfg)
    sd = {k: v for k, v in m.state_dict().items() if k != "centers"}
    torch.save(sd, tmp_path / "original.pth")
    back = gc.load_model(tmp_path / "original.pth", centers=m.centers.numpy())
    assert (back.cfg.Ng, back.cfg.Np) == (64, 64)
    b = gc.TrajectoryGenerator(smoke_cfg, gc.PlaceCells(smoke_cfg, m.centers)).sample(4)
    assert torch.equal(back(b.velocities, b.init_code), m(b.velocities, b.init_code))
    with pytest.warns(UserWarning, match="no place-cell centres"):
        gc.load_model(tmp_path / "original.pth")


def test_file_that_runs_code_is_refused(tmp_path, capsys):
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))
    with open(tmp_path / "evil.pth", "wb") as fh:
        pickle.dump({"encoder.weight": Evil()}, fh)
    with pytest.raises(CheckpointError, match="contains code"):
        gc.load_model(tmp_path / "evil.pth")
    assert "pwned" not in capsys.readouterr().out  # refused before the code ran


def test_corrupt_and_truncated_files(smoke_cfg, tmp_path):
    m = gc.PathRNN(smoke_cfg)
    gc.save_model(m, tmp_path / "m.safetensors")
    data = (tmp_path / "m.safetensors").read_bytes()
    (tmp_path / "t.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="corrupt or truncated"):
        gc.load_model(tmp_path / "t.safetensors")
    (tmp_path / "g.safetensors").write_bytes(b"garbage" * 10)
    with pytest.raises(CheckpointError, match="corrupt or truncated"):
        gc.load_model(tmp_path / "g.safetensors")
    with pytest.raises(CheckpointError, match="not found"):
        gc.load_model(tmp_path / "nope.safetensors")


def test_shape_that_does_not_fit_the_config(smoke_cfg, tmp_path):
    gc.save_model(gc.PathRNN(smoke_cfg), tmp_path / "m.safetensors")
    with pytest.raises(CheckpointError, match="shape"):
        gc.load_model(tmp_path / "m.safetensors", cfg=smoke_cfg.replace(Ng=32))
    torch.save({"encoder.weight": torch.zeros(3, 3)}, tmp_path / "partial.pth")
    with pytest.raises(CheckpointError, match="expected the original"):
        gc.load_model(tmp_path / "partial.pth")


def test_atomic_write_leaves_old_file_on_failure(tmp_path):
    target = tmp_path / "f.txt"
    target.write_text("old")

    def boom(p):
        p.write_text("half")
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, boom)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_run_dir_without_checkpoint(tmp_path):
    (tmp_path / "r").mkdir()
    with pytest.raises(CheckpointError, match="no checkpoint"):
        gc.load_model(tmp_path / "r")
    assert list((tmp_path / "r").iterdir()) == []  # a failed load writes nothing
