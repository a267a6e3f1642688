import numpy as np
import pytest

import gridcells as gc
from gridcells import pattern_formation as pf


@pytest.fixture(scope="module")
def dog():
    return pf.covariance(gc.load_config(pf_resolution=48))


@pytest.fixture(scope="module")
def relu_tanh(dog):
    relu, _ = pf.single_cell(dog, 16, 800, 0.05, "relu", np.random.default_rng(0))
    tanh, _ = pf.single_cell(dog, 16, 800, 0.05, "tanh", np.random.default_rng(0))
    return pf.measure(relu, dog), pf.measure(tanh, dog)


def test_kernel_is_a_covariance(dog):
    assert dog.kernel.shape == (48, 48)
    assert dog.kernel[0, 0] == dog.kernel.max()          # variance at zero offset
    assert (dog.power > -1e-9).all()                     # positive semi-definite
    assert np.allclose(dog.kernel, np.roll(np.flip(dog.kernel), 1, axis=(0, 1)))  # symmetric


def test_relu_dog_patterns_are_hexagonal_tanh_are_not(relu_tanh):
    relu, tanh = relu_tanh
    assert np.mean(relu.score_60 > 0.5) > 0.5
    assert np.nanmedian(tanh.score_60) < np.nanmedian(relu.score_60) - 0.4


def test_spacing_matches_the_kernel_peak(dog, relu_tanh):
    relu, _ = relu_tanh
    assert abs(np.median(relu.spacing_fourier) / dog.predicted_spacing - 1) < 0.15


def test_gaussian_tuning_peaks_at_the_box_scale():
    cov = pf.covariance(gc.load_config(DoG=False, pf_resolution=32))
    fundamental = 2 * np.pi / 2.2
    assert cov.k_peak == pytest.approx(fundamental, rel=0.1)


def test_deterministic(dog):
    a, _ = pf.single_cell(dog, 2, 50, 0.05, "relu", np.random.default_rng(3))
    b, _ = pf.single_cell(dog, 2, 50, 0.05, "relu", np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)


def test_multi_cell_hierarchy_is_orthogonal_when_linear(dog):
    G = pf.multi_cell(dog, 4, 600, 0.2, "linear", np.random.default_rng(0)).reshape(4, -1)
    gram = G @ G.T
    off = gram[~np.eye(4, dtype=bool)]
    assert np.abs(off).max() < 0.05 * np.diag(gram).min()


def test_bad_nonlinearity(dog):
    with pytest.raises(ValueError, match="nonlinearity"):
        pf.single_cell(dog, 1, 1, 0.1, "sigmoid", np.random.default_rng(0))


def test_kernel_is_the_translation_average_of_the_place_cell_covariance():
    cfg = gc.load_config(Np=64, pf_resolution=12, periodic=True)
    n = cfg.pf_resolution
    full = gc.PlaceCells(cfg).spatial_covariance(n)          # [n^2, n^2]
    ix = np.arange(n * n).reshape(n, n)
    averaged = np.zeros((n, n))
    for dy in range(n):
        for dx in range(n):
            partner = np.roll(np.roll(ix, -dy, 0), -dx, 1).ravel()
            averaged[dy, dx] = full[ix.ravel(), partner].mean()
    np.testing.assert_allclose(pf.covariance(cfg).kernel, averaged, atol=1e-12)
