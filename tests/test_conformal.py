"""The conformal velocity input (velocity_input: conformal), after Xu et al. (2024): the
input's norm is the speed times a direction-independent scale, and with a W_ih whose columns
are orthogonal and of equal norm it equals the linear input."""

import pytest
import torch

import gridcells as gc
from gridcells.world.params import ConfigError


def _model(**kw):
    return gc.PathRNN(gc.load_config("params/smoke.yaml", **kw))


def test_input_norm_is_speed_times_scale_in_every_direction():
    m = _model(velocity_input="conformal")
    theta = torch.linspace(0, 2 * torch.pi, 37)[:-1]
    speed = torch.linspace(0.01, 0.1, 36)
    v = torch.stack([speed * torch.cos(theta), speed * torch.sin(theta)], -1)[None]
    u = m.conformal_input(v)
    scale = m.RNN.weight_ih_l0.norm() / 2 ** 0.5
    torch.testing.assert_close(u.norm(dim=-1), speed[None] * scale)
    lin = v @ m.RNN.weight_ih_l0.t()
    ratio = lin.norm(dim=-1) / speed  # the linear input's gain depends on direction
    assert ratio.max() / ratio.min() > 1.05


def test_equals_linear_input_for_an_isotropic_w_ih():
    m = _model(velocity_input="conformal")
    lin = _model()
    q, _ = torch.linalg.qr(torch.randn(m.cfg.Ng, 2, generator=torch.Generator().manual_seed(3)))
    with torch.no_grad():
        for net in (m, lin):
            net.RNN.weight_ih_l0.copy_(0.7 * q)
            net.RNN.weight_hh_l0.copy_(lin.RNN.weight_hh_l0)
            net.encoder.weight.copy_(lin.encoder.weight)
    v = torch.randn(12, 5, 2, generator=torch.Generator().manual_seed(4)) * 0.05
    code = torch.rand(5, m.cfg.Np, generator=torch.Generator().manual_seed(5))
    torch.testing.assert_close(m.hidden(v, code), lin.hidden(v, code), rtol=1e-5, atol=1e-6)


def test_differs_from_linear_for_a_random_w_ih():
    m, lin = _model(velocity_input="conformal"), _model()
    v = torch.randn(12, 5, 2, generator=torch.Generator().manual_seed(4)) * 0.05
    code = torch.rand(5, m.cfg.Np, generator=torch.Generator().manual_seed(5))
    assert not torch.allclose(m.hidden(v, code), lin.hidden(v, code), atol=1e-4)


def test_conformal_needs_the_vanilla_rnn():
    with pytest.raises(ConfigError, match="conformal needs RNN_type RNN"):
        gc.load_config("params/smoke.yaml", velocity_input="conformal", RNN_type="LSTM")


def test_trains_and_resumes(tmp_path):
    cfg = gc.load_config("params/smoke.yaml", velocity_input="conformal", n_epochs=1)
    result = gc.train(cfg, tmp_path / "run", progress=False)
    assert result.history and all(torch.isfinite(p).all() for p in result.model.parameters())
    again = gc.load_model(tmp_path / "run")
    assert again.cfg.velocity_input == "conformal"
