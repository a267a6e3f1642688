"""The figure helpers draw what their captions say: a class of one unit is shown as that
unit's curve (a one-row heatmap shows nothing), a class of many as a heatmap, and the class
counts keep every class's name readable."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from gridcells.book import plots  # noqa: E402


def test_lag_heatmaps_curves_for_few_units_heatmap_for_many():
    shifts = np.linspace(-30, 30, 21)
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(21, 12))
    labels = np.array(["zero-lag"] * 11 + ["retrospective"])
    fig, axes = plots.lag_heatmaps(shifts, scores, labels, rng.normal(size=12))
    titles = [ax.get_title() for ax in axes[0]]
    assert titles == ["zero-lag (11)", "retrospective (1)"]
    assert len(axes[0, 0].images) == 1 and not axes[0, 0].lines
    assert not axes[0, 1].images and len(axes[0, 1].lines) == 1
    np.testing.assert_allclose(axes[0, 1].lines[0].get_ydata(), scores[:, 11])
    plt.close(fig)


def test_class_counts_horizontal_with_every_name_and_count():
    counts = {"predictive": 0, "retrospective": 1, "zero-lag": 99, "low-grid": 412}
    fig, ax = plots.class_counts(counts)
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(names) == sorted(counts)
    assert sorted(t.get_text() for t in ax.texts) == sorted(str(v) for v in counts.values())
    plt.close(fig)


def test_training_curves_say_when_a_panel_was_not_recorded():
    history = [{"step": s, "err_cm": 50.0 / s} for s in (1, 2, 3)]
    old = [{"step": s, "frac_above_03": 0.1 * s, "best64_mean": 0.2 * s, "map_corr": 0.3,
            "frac_silent": 0.0, "n_units": 256} for s in (1, 2, 3)]   # no lattice orders
    fig, axes = plots.training_curves(history, old)
    assert not axes[3].lines and axes[3].get_legend() is None
    assert [t.get_text() for t in axes[3].texts] == ["not recorded for this run"]
    assert axes[1].get_legend() is not None and len(axes[1].lines) == 2
    plt.close(fig)


def test_verdict_grid_writes_every_seed_and_setting_count():
    t = np.array([[1, 0, 1], [0, 0, 0], [1, 1, 1], [0, 1, 0]])
    fig, ax = plots.verdict_grid(t, [100, 101, 102, 103], ["recipe", "a=1", "b=2"])
    texts = [x.get_text() for x in ax.texts]
    assert texts == ["2", "0", "3", "1", "2", "2", "2"]   # per seed, then per setting
    assert [x.get_text() for x in ax.get_xticklabels()] == ["recipe", "a=1", "b=2"]
    assert ax.images[0].get_array().tolist() == t.tolist()
    plt.close(fig)
