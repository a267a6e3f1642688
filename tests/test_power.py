"""gridcells.predictive.power: the detection rule and the analytic power, on hand-computed
binomials."""

import numpy as np
import pytest

from gridcells.predictive import power as pw


def test_critical_count_by_hand():
    # Binomial(10, 0.1): P(X >= 3) = 1 - (0.9^10 + 10 0.1 0.9^9 + 45 0.01 0.9^8) = 0.0702 > 0.05,
    # P(X >= 4) = 0.0128 <= 0.05, so at least 4 of 10 labels are needed
    assert pw.critical_count(10, 0.1) == 4
    assert pw.critical_count(10, 0.1, alpha=0.1) == 3
    # no false positives at all: a single predictive label is a detection
    assert pw.critical_count(94, 0.0) == 1
    # every unit a false positive: the rule can never fire (c = N + 1)
    assert pw.critical_count(5, 1.0) == 6


def test_power_by_hand():
    # N 10, 2 predictive units always detected, 8 others at f 0.1, c = 4:
    # P(2 + Bin(8, 0.1) >= 4) = P(Bin(8, 0.1) >= 2) = 1 - 0.9^8 - 8 0.1 0.9^7
    assert pw.power(10, 0.2, 1.0, 0.1) == pytest.approx(1 - 0.9 ** 8 - 0.8 * 0.9 ** 7, abs=1e-12)
    # f 0: c = 1, so the power is P(at least one of m = 3 is detected) = 1 - 0.5^3
    assert pw.power(10, 0.3, 0.5, 0.0) == pytest.approx(0.875, abs=1e-12)
    # the rule taken at a larger f_rule: Binomial(10, 0.1) gives c = 4, so with f 0 and
    # 3 units at p 0.5 nothing can reach it
    assert pw.power(10, 0.3, 0.5, 0.0, f_rule=0.1) == pytest.approx(0.0, abs=1e-15)
    # m = round(share N) half up: 0.25 of 10 is 3 units
    assert pw.n_predictive(10, 0.25) == 3
    assert pw.power(10, 0.25, 0.5, 0.0) == pytest.approx(0.875, abs=1e-12)


def test_count_pmf_is_the_sum_of_two_binomials():
    pmf = pw.count_pmf(20, 6, 0.7, 0.05)
    assert pmf.shape == (21,)
    assert pmf.sum() == pytest.approx(1.0)
    j = np.arange(21)
    assert (j * pmf).sum() == pytest.approx(6 * 0.7 + 14 * 0.05)
    assert (j ** 2 * pmf).sum() - ((j * pmf).sum()) ** 2 == pytest.approx(
        6 * 0.7 * 0.3 + 14 * 0.05 * 0.95)
    # P(count = 0) = 0.3^6 0.95^14
    assert pmf[0] == pytest.approx(0.3 ** 6 * 0.95 ** 14)
    with pytest.raises(ValueError, match="outside"):
        pw.count_pmf(5, 6, 0.5, 0.1)


@pytest.mark.parametrize("N, f", [(94, 0.02), (500, 0.05), (2000, 0.05), (200, 0.1)])
def test_power_at_share_zero_is_the_level(N, f):
    """With no predictive unit the power is the rule's false-alarm rate: at most alpha, and
    near it once N f is large enough for the binomial to be fine-grained."""
    size = pw.power(N, 0.0, 0.9, f)
    assert size <= pw.ALPHA
    if N * f >= 25:
        assert size >= 0.6 * pw.ALPHA


def test_power_rises_with_share_and_detection_probability():
    shares = [0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5]
    table = pw.power_table(150, shares, [0.2, 0.5, 0.9], 0.02)
    assert table.shape == (8, 3)
    assert (np.diff(table, axis=0) >= -1e-12).all()  # along shares
    assert (np.diff(table, axis=1) >= -1e-12).all()  # along p_det
    assert table[-1, -1] > 0.999 and table[0, 0] <= pw.ALPHA
    # a conservative rule (larger f_rule) never has more power
    assert (pw.power_table(150, shares, [0.5], 0.02, f_rule=0.05) <= table[:, 1:2] + 1e-12).all()


def test_smallest_detected():
    shares = [0.05, 0.1, 0.2]
    table = np.array([[0.1, 0.5, 0.85],
                      [0.2, 0.9, 0.99],
                      [0.3, 0.95, 1.0]])
    out = pw.smallest_detected(shares, [5, 10, 20], table)
    assert out["share"] == 0.05 and out["shift_cm"] == 20 and out["power"] == 0.85
    assert [b["share"] for b in out["by_shift"]] == [None, 0.1, 0.05]
    none = pw.smallest_detected(shares, [5, 10, 20], table * 0.5)
    assert none["share"] is None and none["shift_cm"] is None


def test_from_record():
    record = {"shares": [0.05, 0.1, 0.5], "shifts_cm": [5.9, 9.8], "alpha": 0.05,
              "target_power": 0.8,
              "rates": {"network": {"shift": {"0": {"p_det": [0.0, 0.9], "f": 0.0,
                                                    "f_rule": 0.0134}}}}}
    out = pw.from_record(record, 94)
    assert out["critical_count"] == 4
    assert np.asarray(out["table"]).shape == (3, 2)
    assert out["table"][0][0] == 0.0
    # 5 of 94 units at 0.9 against c = 4: P(Bin(5, 0.9) >= 4) = 0.9^5 + 5 0.9^4 0.1
    assert out["table"][0][1] == pytest.approx(0.9 ** 5 + 5 * 0.9 ** 4 * 0.1)
    assert out["share"] == 0.05 and out["shift_cm"] == 9.8
    record["rates"]["network"]["shift"]["0"]["given_grid"] = {"p_det": [0.0, 1.0], "f": 0.0,
                                                              "f_rule": 0.0}
    given = pw.from_record(record, 94, given_grid=True)
    assert given["critical_count"] == 1 and given["table"][0][1] == 1.0
    assert pw.noise_key(10) == "10" and pw.noise_key(0.3) == "0.3"


def test_labels_are_computed_unit_by_unit():
    """The premise of the analytic power: a unit's label (and every p-value) is the same in
    a mixed population as in any other population sharing its paths and shuffles, so a
    population's count is a sum over its units."""
    import gridcells as gc
    from gridcells.predictive import synthetic
    from gridcells.predictive.classes import analyse

    cfg = gc.load_config(max_lag=8, shuffle_trials=20, analysis_sequence_length=80)
    pos, vel = synthetic.paths(cfg, 40, 80, seed=3)
    pop = synthetic.population(pos, vel, [0, 4, 0, 6, -3], ["time"] * 5,
                               [0.5, 0.6, 0.7, 0.5, 0.8], seed=4, n_noise=2)
    act = pop.activity
    whole = analyse(act, cfg)
    for part in ([0, 2, 5], [1, 3, 4, 6], [4]):
        sub = analyse(gc.Activity(act.positions, act.velocities, act.activations[..., part],
                                  act.units[part]), cfg)
        for name in ("shift", "ouchi"):
            assert (sub.classes[name].labels == whole.classes[name].labels[part]).all()
        for t, p in sub.test.p.items():
            assert np.array_equal(p, whole.test.p[t][part]), t
    assert (whole.classes["shift"].labels[[1, 3]] == "predictive").all()
