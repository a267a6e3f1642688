"""Checkpoints of the original repository (ganguli-lab/grid-pattern-formation) load with the
place-cell centres it trained them with (``load_model(path, centers="original")``)."""

import warnings

import numpy as np
import pytest
import torch

import gridcells as gc
from gridcells.network.checkpoints import ORIGINAL_KEYS
from gridcells.world.place_cells import original_centers


def reference_draw(Np: int, box_width: float) -> np.ndarray:
    """The original's draw as its place_cells.py documents it: numpy's global generator
    seeded with 0, Np x coordinates, then Np y coordinates, both uniform over the box
    width. numpy's global state is restored afterwards."""
    saved = np.random.get_state()  # noqa: NPY002 (the original's legacy global draw)
    try:
        np.random.seed(0)  # noqa: NPY002
        usx = np.random.uniform(-box_width / 2, box_width / 2, (Np,))  # noqa: NPY002
        usy = np.random.uniform(-box_width / 2, box_width / 2, (Np,))  # noqa: NPY002
    finally:
        np.random.set_state(saved)  # noqa: NPY002
    return np.vstack([usx, usy]).T


class OriginalRNN(torch.nn.Module):
    """The original repository's model, as its nn.Module names it: its state dict holds
    exactly encoder.weight [Ng, Np], RNN.weight_ih_l0 [Ng, 2], RNN.weight_hh_l0 [Ng, Ng]
    and decoder.weight [Np, Ng] (the softmax has no parameters)."""

    def __init__(self, Ng: int, Np: int):
        super().__init__()
        self.encoder = torch.nn.Linear(Np, Ng, bias=False)
        self.RNN = torch.nn.RNN(input_size=2, hidden_size=Ng, nonlinearity="relu", bias=False)
        self.decoder = torch.nn.Linear(Ng, Np, bias=False)
        self.softmax = torch.nn.Softmax(dim=-1)

    def forward(self, v, p0):
        """Place-cell logits [T, B, Np] for velocities [T, B, 2] (m/step), start codes
        [B, Np]."""
        g, _ = self.RNN(v, self.encoder(p0)[None])
        return self.decoder(g)


@pytest.mark.parametrize("Np, box", [(512, 2.2), (64, 1.5), (7, 2.2)])
def test_original_centers_reproduce_the_original_draw(Np, box):
    cfg = gc.Config().replace(Np=Np, box_width=box, box_height=box)
    saved = np.random.get_state()  # noqa: NPY002 (checks it is untouched)
    try:
        np.random.seed(12345)  # noqa: NPY002 (not the original's 0, so a reseed shows)
        before = np.random.get_state()[1].copy()  # noqa: NPY002
        got = original_centers(cfg)
        assert np.array_equal(np.random.get_state()[1], before)  # noqa: NPY002
    finally:
        np.random.set_state(saved)  # noqa: NPY002
    assert got.shape == (Np, 2)
    np.testing.assert_array_equal(got, reference_draw(Np, box))


def test_original_centers_quirk_and_bad_arena():
    # a non-square box: y is drawn over the width too, as the original does
    cfg = gc.Config().replace(Np=256, box_width=2.0, box_height=1.0)
    got = original_centers(cfg)
    np.testing.assert_array_equal(got, reference_draw(256, 2.0))
    assert np.abs(got[:, 1]).max() > 0.5
    with pytest.raises(ValueError, match="arena='circle'.*expected 'square'"):
        original_centers(gc.Config().replace(arena="circle"))


def test_bad_centers_string_is_named(tmp_path):
    torch.save(OriginalRNN(8, 16).state_dict(), tmp_path / "o.pth")
    with pytest.raises(ValueError, match="centers='orignal': expected 'original'"):
        gc.load_model(tmp_path / "o.pth", centers="orignal")


def test_original_checkpoint_decodes_with_original_centres(tmp_path):
    """A re-creation of the original model, trained briefly on the CPU with the original's
    centres and saved as its state dict, decodes as well through load_model(...,
    centers="original") + gc.evaluate as by its own readout, and badly without them.

    The place code is the original's Gaussian option (DoG=False): the DoG target is so
    flat that decoding stays at chance for thousands of steps (REFERENCE.md), too long
    for a test; the Gaussian one is learnt in a few hundred."""
    Ng, Np, steps = 128, 128, 400
    cfg = gc.Config().replace(Ng=Ng, Np=Np, DoG=False, batch_size=100, seed=0, device="cpu")
    centers = reference_draw(Np, cfg.box_width)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        net = OriginalRNN(Ng, Np)
    gen = gc.TrajectoryGenerator(cfg, gc.PlaceCells(cfg, centers), np.random.default_rng(1))
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(steps):  # the original's loss: cross-entropy + 1e-4 * sum(W_hh^2)
        b = gen.sample()
        logits = net(b.velocities, b.init_code)
        loss = (-(b.target_code * torch.log_softmax(logits, -1)).sum(-1).mean()
                + cfg.weight_decay * (net.RNN.weight_hh_l0 ** 2).sum())
        opt.zero_grad()
        loss.backward()
        opt.step()
    torch.save(net.state_dict(), tmp_path / "most_recent_model.pth")
    assert set(net.state_dict()) == set(ORIGINAL_KEYS)

    # the original's own measurement: mean of the 3 most active cells' centres, in cm
    us = torch.as_tensor(centers, dtype=torch.float32)
    with torch.no_grad():
        b = gen.sample(1000)
        logits = net(b.velocities, b.init_code)
        own = float(100 * (us[torch.topk(logits, 3).indices].mean(-2) - b.positions)
                    .norm(dim=-1).mean())

    def error(**kw):
        model = gc.load_model(tmp_path / "most_recent_model.pth", cfg=cfg, **kw)
        return gc.evaluate(model, n_batches=10)[0].err_cm

    original = error(centers="original")
    by_hand = error(centers=centers)
    with pytest.warns(UserWarning, match="centers='original'"):
        wrong = error()
    print(f"decoding error: own readout {own:.1f} cm, centers='original' {original:.1f} cm, "
          f"by hand {by_hand:.1f} cm, default centres {wrong:.1f} cm")
    assert own < 50  # it learnt: chance is about 90 cm in the 2.2 m box
    assert original == pytest.approx(by_hand, rel=1e-4)
    assert original == pytest.approx(own, rel=0.10)
    assert wrong > 2 * original


def test_no_warning_with_original_centres(tmp_path):
    torch.save(OriginalRNN(8, 16).state_dict(), tmp_path / "o.pth")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = gc.load_model(tmp_path / "o.pth", centers="original")
    np.testing.assert_allclose(model.centers.numpy(), reference_draw(16, 2.2), rtol=1e-6)
