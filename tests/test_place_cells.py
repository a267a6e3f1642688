import numpy as np
import pytest
import torch

import gridcells as gc


def test_code_is_a_distribution(smoke_cfg):
    pc = gc.PlaceCells(smoke_cfg)
    pos = torch.rand(100, 2) * 2.2 - 1.1
    code = pc.activation(pos)
    assert code.shape == (100, smoke_cfg.Np)
    assert (code >= 0).all()
    assert torch.allclose(code.sum(-1), torch.ones(100), atol=1e-5)


def test_centres_cover_the_box_in_both_axes():
    cfg = gc.load_config(Np=4000, box_width=2.0, box_height=0.5)
    c = gc.PlaceCells(cfg).centers.numpy()
    assert np.abs(c[:, 0]).max() > 0.95 and np.abs(c[:, 0]).max() <= 1.0
    assert np.abs(c[:, 1]).max() <= 0.25  # the original drew y from the width


def test_dog_has_a_surround_and_gaussian_does_not():
    cfg = gc.load_config(Np=400)
    pos = torch.zeros(1, 2)
    dog = gc.PlaceCells(cfg).activation(pos)[0]
    gauss = gc.PlaceCells(cfg.replace(DoG=False)).activation(pos)[0]
    d = gc.PlaceCells(cfg).sq_distances(pos)[0].sqrt()
    # the DoG code dips below its far-field value in a ring around the peak (the surround)
    ring = (d > 0.2) & (d < 0.3)
    far = d > 0.8
    assert dog[ring].min() < dog[far].median()
    # the Gaussian code decreases monotonically with distance
    order = torch.argsort(d)
    assert (torch.diff(gauss[order]) <= 1e-9).all()
    assert dog.min() == 0


def test_code_matches_the_reference_formula():
    cfg = gc.load_config(Np=50)
    pc = gc.PlaceCells(cfg)
    pos = torch.tensor([[0.3, -0.2]])
    d = ((pos[:, None] - pc.centers) ** 2).sum(-1).double()
    s = 0.12 ** 2
    ref = torch.softmax(-d / (2 * s), -1) - torch.softmax(-d / (2 * 2 * s), -1)
    ref = ref - ref.min(-1, keepdim=True).values
    ref = ref / ref.sum(-1, keepdim=True)
    assert torch.allclose(pc.activation(pos).double(), ref, atol=1e-6)


def test_periodic_distances_wrap():
    cfg = gc.load_config(Np=2, periodic=True)
    pc = gc.PlaceCells(cfg, centers=np.array([[1.05, 0.0], [0.0, 0.0]]))
    d = pc.sq_distances(torch.tensor([[-1.05, 0.0]]))[0]
    assert d[0] == pytest.approx(0.01, abs=1e-6)  # 2.2 box: 1.05 and -1.05 are 0.1 apart
    walls = gc.PlaceCells(cfg.replace(periodic=False), centers=pc.centers)
    assert walls.sq_distances(torch.tensor([[-1.05, 0.0]]))[0, 0] == pytest.approx(2.1 ** 2)


def test_decoding_a_true_code_recovers_position():
    cfg = gc.load_config()
    pc = gc.PlaceCells(cfg)
    pos = torch.rand(500, 2) * 2.0 - 1.0
    err = (pc.decode(pc.activation(pos)) - pos).norm(dim=-1)
    assert err.mean() < 0.05  # within a few cm


def test_bad_centres_shape(smoke_cfg):
    with pytest.raises(ValueError, match="centers"):
        gc.PlaceCells(smoke_cfg, centers=np.zeros((3, 2)))
