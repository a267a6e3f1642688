import numpy as np
import pytest
import torch

import gridcells as gc
from gridcells.predictive.ablation import ablation_experiment, decoding_error, matched_set, silence

from .conftest import ROOT


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    cfg = gc.load_config(ROOT / "params" / "smoke.yaml", n_epochs=3, n_steps=40, batch_size=32,
                         learning_rate=3e-3, device="cpu")
    return gc.train(cfg, tmp_path_factory.mktemp("abl") / "r", progress=False).model


@pytest.fixture(scope="module")
def batches(trained):
    cfg = trained.cfg
    gen = gc.TrajectoryGenerator(cfg, gc.PlaceCells(cfg, trained.centers),
                                 np.random.default_rng(9))
    return gen.sample_many(2, 64)


def test_silencing_nothing_changes_nothing(trained, batches):
    assert decoding_error(silence(trained, []), batches) == decoding_error(trained, batches)


def test_silencing_everything_gives_chance(trained, batches):
    dead = silence(trained, np.arange(trained.cfg.Ng))
    b = batches[0]
    assert torch.all(dead.hidden(b.velocities, b.init_code) == 0)
    # all logits equal: the decoded position is a fixed mean of centres, far from most positions
    assert decoding_error(dead, batches) > 50


def test_original_is_never_modified(trained, batches):
    before = {k: v.clone() for k, v in trained.state_dict().items()}
    silence(trained, [0, 1, 2])
    assert all(torch.equal(before[k], v) for k, v in trained.state_dict().items())


def test_experiment_and_no_predictive_units(trained, batches, tmp_path):
    res = ablation_experiment(trained, batches, [1, 2], [3, 4, 5], 32, trials=3, seed=0)
    assert len(res.random_errors_cm) == 3 and len(res.zero_lag_errors_cm) == 3
    again = ablation_experiment(trained, batches, [1, 2], [3, 4, 5], 32, trials=3, seed=0)
    assert again.random_errors_cm == res.random_errors_cm
    # the p-value is the predictive set's rank among the random sets
    hits = sum(e >= res.predictive_error_cm for e in res.random_errors_cm)
    assert res.p_random == (1 + hits) / 4
    none = ablation_experiment(trained, batches, [], [3], 32, trials=3, seed=0)
    assert none.predictive_error_cm is None and "no predictive units" in none.note
    none.save(tmp_path / "a.json")
    assert '"note": "no predictive units' in (tmp_path / "a.json").read_text()


def test_bad_units(trained):
    with pytest.raises(ValueError, match="expected indices"):
        silence(trained, [trained.cfg.Ng])


def test_matched_sets_follow_the_chosen_units_grid_scores():
    rng = np.random.default_rng(0)
    scores = rng.uniform(-0.5, 1.5, 400)
    scores[:5] = np.nan
    chosen = np.argsort(scores)[-40:-20]  # strong grid units, not the very best
    sets = [matched_set(scores, chosen, rng) for _ in range(20)]
    for m in sets:
        assert len(set(m)) == len(chosen) and not set(m) & set(chosen)
        # matched unit by unit: the sorted scores agree closely; a random set's do not
        assert np.abs(np.sort(scores[m]) - np.sort(scores[chosen])).max() < 0.1
    assert len({tuple(sorted(m)) for m in sets}) > 1  # not one fixed set
    with pytest.raises(ValueError, match="only 1 others"):
        matched_set(scores[:3], np.array([0, 1]), rng)


def test_experiment_with_grid_scores_adds_the_matched_control(trained, batches):
    scores = np.linspace(0, 1, 32)
    res = ablation_experiment(trained, batches, [1, 2], [3, 4, 5], 32, trials=3, seed=0,
                              scores=scores)
    assert len(res.matched_errors_cm) == 3
    hits = sum(e >= res.predictive_error_cm for e in res.matched_errors_cm)
    assert res.p_matched == (1 + hits) / 4
    with pytest.raises(ValueError, match="one grid score per analysed unit"):
        ablation_experiment(trained, batches, [1], [3], 32, trials=1, seed=0, scores=scores[:5])


def test_working_size_is_the_largest_size_within_the_factor():
    from gridcells.predictive.ablation import working_size
    dose = {1: [5.5, 5.7], 2: [7.0, 8.0], 4: [9.0, 11.5], 8: [30.0, 40.0]}
    assert working_size(5.0, dose) == 2   # size 4 averages 10.25 cm, just above 2 x 5
    assert working_size(5.0, dose, factor=1.2) == 1
    assert working_size(5.0, dose, factor=2.1) == 4
    assert working_size(5.0, {1: [20.0]}) == 0


def test_working_comparison_finds_units_that_matter_and_not_others(trained, batches):
    from gridcells.predictive.ablation import working_comparison
    Ng = trained.cfg.Ng
    # the units whose silencing alone costs most are "chosen"; scores rank them last, so
    # their matched sets are other costly-looking units only by score, not by cost
    cost = np.array([decoding_error(silence(trained, [u]), batches) for u in range(Ng)])
    worst, best = np.argsort(cost)[-6:], np.argsort(cost)[:6]
    sizes = (1, 2)
    hot = working_comparison(trained, batches, worst, Ng, -cost, sizes, trials=8, seed=1,
                             factor=10.0)
    cold = working_comparison(trained, batches, best, Ng, -cost, sizes, trials=8, seed=1,
                              factor=10.0)
    assert hot.size == cold.size == 2 and set(hot.dose) == {1, 2}
    assert np.mean(hot.chosen_errors_cm) > np.mean(hot.random_errors_cm)
    assert hot.p_random < 0.05 and cold.p_random > 0.5
    none = working_comparison(trained, batches, worst, Ng, -cost, sizes, trials=2, seed=1,
                              factor=0.5)
    assert none.size == 0 and none.p_matched is None


def test_matched_sets_of_a_subset_never_hold_the_rest_of_the_set():
    rng = np.random.default_rng(0)
    scores = np.arange(40, dtype=float)          # units 10-19 are the set; 12, 13 the subset
    whole = np.arange(10, 20)
    for _ in range(20):
        m = matched_set(scores, np.array([12, 13]), rng, exclude=whole)
        assert not set(m) & set(whole)
    # without the exclusion the nearest units are the set's own
    near = {int(u) for _ in range(20) for u in matched_set(scores, np.array([12, 13]), rng)}
    assert near & set(whole)


def test_working_comparison_of_a_set_that_fits_whole_is_one_set(trained, batches):
    from gridcells.predictive.ablation import working_comparison
    Ng = trained.cfg.Ng
    w = working_comparison(trained, batches, [3, 5], Ng, np.arange(Ng, dtype=float), (1, 2),
                           trials=4, seed=2, factor=50.0)
    assert w.size == 2 and len(w.chosen_errors_cm) == 1   # one set, not 4 copies of it
    assert w.p_random in {k / 5 for k in range(1, 6)}     # its rank among 4 random sets
    assert w.p_matched_less is not None
