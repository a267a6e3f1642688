import torch

import gridcells as gc


def test_shapes(smoke_cfg):
    m = gc.PathRNN(smoke_cfg)
    b = gc.TrajectoryGenerator(smoke_cfg, gc.PlaceCells(smoke_cfg, m.centers)).sample(5)
    assert m.hidden(b.velocities, b.init_code).shape == (20, 5, 64)
    assert m(b.velocities, b.init_code).shape == (20, 5, 64)
    assert all(n in dict(m.named_parameters()) for n in
               ["encoder.weight", "RNN.weight_ih_l0", "RNN.weight_hh_l0", "decoder.weight"])
    assert not any("bias" in n for n, _ in m.named_parameters())


def test_loss_equals_hand_computation():
    cfg = gc.load_config(Ng=3, Np=2, weight_decay=0.5)
    m = gc.PathRNN(cfg)
    with torch.no_grad():
        m.RNN.weight_hh_l0.copy_(torch.tensor([[1.0, 0, 0], [0, 2, 0], [0, 0, 0]]))
    logits = torch.tensor([[[0.0, 1.0]]])
    target = torch.tensor([[[0.25, 0.75]]])
    p1 = torch.exp(torch.tensor(1.0)) / (1 + torch.exp(torch.tensor(1.0)))
    ce = -(0.25 * torch.log(1 - p1) + 0.75 * torch.log(p1))
    assert torch.allclose(m.loss(logits, target), ce + 0.5 * 5.0)


def test_same_seed_same_weights_and_global_rng_untouched(smoke_cfg):
    state = torch.get_rng_state()
    a, b = gc.PathRNN(smoke_cfg), gc.PathRNN(smoke_cfg)
    assert torch.equal(torch.get_rng_state(), state)
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters()))
    c = gc.PathRNN(smoke_cfg.replace(seed=1))
    assert not torch.equal(a.RNN.weight_hh_l0, c.RNN.weight_hh_l0)


def test_tanh_and_lstm_train(smoke_cfg):
    for cfg in (smoke_cfg.replace(activation="tanh"), smoke_cfg.replace(RNN_type="LSTM")):
        m = gc.PathRNN(cfg)
        gen = gc.TrajectoryGenerator(cfg, gc.PlaceCells(cfg, m.centers))
        opt = torch.optim.Adam(m.parameters(), lr=1e-2)
        b = gen.sample(32)
        first = m.loss(m(b.velocities, b.init_code), b.target_code).item()
        for _ in range(30):
            loss = m.loss(m(b.velocities, b.init_code), b.target_code)
            opt.zero_grad()
            loss.backward()
            opt.step()
        assert loss.item() < first - 1e-3


def test_decoding_error_in_cm():
    cfg = gc.load_config(Ng=4, Np=3)
    m = gc.PathRNN(cfg, centers=torch.tensor([[0.0, 0.0], [0.3, 0.0], [0.0, 0.3]]))
    # three equal logits: the decoded position is the centres' mean (0.1, 0.1) m; the true
    # positions lie 50 cm and 10 cm from it, so the mean error is 30 cm
    logits = torch.tensor([[[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]])
    pos = torch.tensor([[[0.4, 0.5], [0.1, 0.2]]])
    assert torch.allclose(m.decoding_error_cm(logits, pos), torch.tensor(30.0), atol=1e-4)
    # the k most active cells only: k = 1 decodes at the winner's centre (0.3, 0) m,
    # 40 cm from (0.3, 0.4); k = 2 at the mean of the two best, (0.15, 0.15), 25 cm away
    one = torch.tensor([[[0.0, 2.0, 1.0]]])
    assert torch.allclose(m.decoding_error_cm(one, torch.tensor([[[0.3, 0.4]]]), k=1),
                          torch.tensor(40.0), atol=1e-4)
    assert torch.allclose(m.decoding_error_cm(one, torch.tensor([[[0.15, 0.4]]]), k=2),
                          torch.tensor(25.0), atol=1e-4)
