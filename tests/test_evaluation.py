import gridcells as gc


def test_evaluation_length_sets_the_samples_and_defaults_to_the_training_length(smoke_cfg):
    model = gc.PathRNN(smoke_cfg)
    _, default, _ = gc.evaluate(model, n_batches=2, seed=3)
    _, short, _ = gc.evaluate(model, n_batches=2, seed=3, sequence_length=5)
    B, T = smoke_cfg.batch_size, smoke_cfg.sequence_length
    assert default.occupancy.sum() == 2 * B * T
    assert short.occupancy.sum() == 2 * B * 5
