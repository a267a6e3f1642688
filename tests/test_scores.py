import platform
import warnings

import numpy as np
import pytest

import gridcells as gc
from gridcells.analysis.map_geometry import border_score, spacing_orientation

from .conftest import ROOT
from .oracle import grid_score, sac
from .synthetic import gaussian_field, lattice, random_maps


@pytest.fixture(scope="module")
def scorer():
    return gc.GridScorer.cached(20)


def oracle_scores(maps):
    return np.array([grid_score(m)[:2] for m in maps])


def structured_maps():
    rng = np.random.default_rng(3)
    maps = [lattice(spacing=s, angle_deg=a, phase=rng.random(2) * 5)
            for s, a in [(6, 0), (8, 10), (10, 25), (12, 40)]]
    maps += [lattice(spacing=8, kind="square"), gaussian_field(), gaussian_field(centre=(2, 17))]
    with_nan = lattice(spacing=7, angle_deg=5).copy()
    with_nan[rng.random((20, 20)) < 0.1] = np.nan
    maps.append(with_nan)
    edge_nan = rng.random((20, 20))
    edge_nan[:3, :] = np.nan
    maps.append(edge_nan)
    return np.stack(maps)


def test_batched_equals_oracle_on_random_and_structured_maps(scorer):
    maps = np.concatenate([random_maps(20), structured_maps()])
    got = scorer.score(maps)
    want = oracle_scores(maps)
    np.testing.assert_allclose(got.score_60, want[:, 0], atol=1e-6, rtol=0)
    np.testing.assert_allclose(got.score_90, want[:, 1], atol=1e-6, rtol=0)
    masks = np.array([grid_score(m)[2] for m in maps])
    assert (got.mask_60 == masks).mean() > 0.95  # ties between rings may break differently


def test_sac_equals_oracle_where_fft_rounding_would_dominate(scorer):
    # near-equal values in opposite corners: the two-bin overlaps there have a variance far
    # below the map's power, so FFT rounding would swamp their correlation; the scorer must
    # use exact sums there (and it must not flag ordinary maps wholesale)
    rng = np.random.default_rng(5)
    maps = rng.normal(size=(3, 20, 20))
    maps[0, 0, :2] = 0.7, 0.7 + 1e-9
    maps[0, -1, -2:] = -0.2, -0.2 + 3e-9
    maps[1, :2, 0] = maps[1, -2:, -1] = 0.4      # exact ties: zero variance, r = 0
    got = scorer.sac(maps)
    for g, m in zip(got, maps):
        np.testing.assert_allclose(g, sac(m), atol=1e-9, rtol=0)
    # the corners' two rising pairs correlate perfectly at offset (-(n-1), -(n-2))
    assert got[0, 1, 0] == pytest.approx(1.0, abs=1e-9)


def test_constant_and_empty_maps_give_nan_quietly(scorer):
    maps = np.stack([np.ones((20, 20)), np.full((20, 20), np.nan), lattice()])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = scorer.score(maps)
    assert np.isnan(got.score_60[:2]).all() and np.isnan(got.score_90[:2]).all()
    assert np.isfinite(got.score_60[2])
    assert np.isnan(oracle_scores(maps[:2])).all()


def test_hexagonal_grids_score_high_on_60(scorer):
    maps = np.stack([lattice(spacing=s, angle_deg=a) for s in (6, 8, 10) for a in (0, 17, 33)])
    s = scorer.score(maps)
    assert (s.score_60 > 1.0).all()


def test_square_grids_score_high_on_90_low_on_60(scorer):
    maps = np.stack([lattice(spacing=s, kind="square", angle_deg=a) for s in (6, 8) for a in
                     (0, 20)])
    s = scorer.score(maps)
    assert (s.score_90 > 0.8).all()
    assert (s.score_60 < 0.3).all()


def test_noise_and_single_fields_score_near_zero(scorer):
    s = scorer.score(np.concatenate([random_maps(50, seed=1), gaussian_field()[None]]))
    assert np.abs(s.score_60[:50]).mean() < 0.25
    assert s.score_60[-1] < 0.3


def test_rotation_and_translation_change_little(scorer):
    base = scorer.score(lattice(spacing=8)[None]).score_60[0]
    moved = scorer.score(np.stack([lattice(spacing=8, angle_deg=a, phase=(p, p / 2))
                                   for a in (7, 21, 45) for p in (0.0, 1.3, 3.1)])).score_60
    assert np.abs(moved - base).max() < 0.35


@pytest.mark.parametrize("spacing, angle", [(6.0, 0.0), (8.0, 12.0), (10.0, 25.0)])
def test_spacing_and_orientation_recovered(spacing, angle):
    sac = gc.GridScorer(40).sac(lattice(nbins=40, spacing=spacing, angle_deg=angle)[None])[0]
    got_spacing, got_angle = spacing_orientation(sac, bin_size=1.0)
    assert abs(got_spacing - spacing) <= 1.0
    # plane waves at angle, angle + 60, angle + 120 put the lattice's peaks at angle + 30
    diff = (got_angle - (angle + 30) + 30) % 60 - 30
    assert abs(diff) < 4.0


def test_border_score():
    wall = np.zeros((20, 20))
    wall[:, :3] = 1.0
    centre = gaussian_field(width=2.0)
    assert border_score(wall) > 0.5
    assert border_score(centre) < 0
    two = np.zeros((20, 20))
    two[8:12, 8:12] = 1.0          # a central field first (label 1)...
    two[:, 17:] = 1.0              # ...and a wall field second: the original used only the first
    assert border_score(two) > border_score(centre)
    assert np.isnan(border_score(np.zeros((20, 20))))


def test_sparse_units_do_not_get_absurd_scores(scorer):
    sparse = np.zeros((20, 20))
    sparse[3, 4] = 1.0            # a unit active in one bin
    corner = np.zeros((20, 20))
    corner[:2, :2] = 1.0
    s = scorer.score(np.stack([sparse, corner]))
    assert not (s.score_60 > 2).any()
    want = oracle_scores(np.stack([sparse, corner]))
    np.testing.assert_allclose(s.score_60, want[:, 0], atol=1e-6)


def test_chunks_and_threads_do_not_change_scores(scorer):
    maps = np.concatenate([random_maps(40, seed=2), structured_maps()])
    whole = scorer.score(maps, chunk=len(maps), workers=1)
    serial = scorer.score(maps, chunk=7, workers=1)
    threads = scorer.score(maps, chunk=7, workers=2)
    for field in ("score_60", "score_90", "mask_60", "mask_90", "sac"):
        # the same chunks give the same bits, whatever the threads
        np.testing.assert_array_equal(getattr(serial, field), getattr(threads, field))
        # other chunk sizes change BLAS blocking, hence the last bit of some sums
        np.testing.assert_allclose(getattr(whole, field), getattr(threads, field),
                                   rtol=0, atol=1e-12)


@pytest.mark.parametrize("gap_fraction", [0.0, 0.1])
def test_fast_path_equals_oracle_to_1e6(scorer, gap_fraction):
    # the batched path (window sums, FFT, folded spline rotation, chunks over threads) on
    # noise, noisy grids and smooth maps, without gaps and with NaN bins
    rng = np.random.default_rng(11)
    grids = np.stack([lattice(spacing=rng.uniform(5, 12), angle_deg=rng.uniform(0, 60),
                              phase=rng.uniform(0, 10, 2)) for _ in range(24)])
    smooth = np.cumsum(np.cumsum(rng.normal(size=(12, 20, 20)), 1), 2)
    maps = np.concatenate([random_maps(24, seed=12), grids + rng.normal(0, 0.5, grids.shape),
                           smooth])
    if gap_fraction:
        maps[rng.random(maps.shape) < gap_fraction] = np.nan
    got = scorer.score(maps, chunk=16, workers=2)
    want = oracle_scores(maps)
    assert np.isfinite(want).all()
    np.testing.assert_allclose(got.score_60, want[:, 0], atol=1e-6, rtol=0)
    np.testing.assert_allclose(got.score_90, want[:, 1], atol=1e-6, rtol=0)


MMAPPED_BYTES = """
import ctypes, ctypes.util, sys
libc = ctypes.CDLL(ctypes.util.find_library("c"))
class Info(ctypes.Structure):  # glibc's struct mallinfo2
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks",
                "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]
libc.mallinfo2.restype = Info
libc.malloc.restype = ctypes.c_void_p
if sys.argv[1] == "keep":
    from gridcells.analysis.scores import keep_freed_memory
    assert keep_freed_memory() is True
before = libc.mallinfo2().hblkhd
libc.malloc(4 << 20)
print(libc.mallinfo2().hblkhd - before)
"""


def _glibc_with_mallinfo2() -> bool:
    name, version = platform.libc_ver()
    return name == "glibc" and tuple(int(x) for x in version.split(".")[:2]) >= (2, 33)


@pytest.mark.skipif(not _glibc_with_mallinfo2(), reason="mallopt is glibc's; mallinfo2 2.33+")
def test_scorer_keeps_freed_memory_on_glibc():
    """The call must change what malloc does, not only return True: a 4 MiB block is mapped
    on its own (and unmapped when freed) by default, but comes from the heap once the mmap
    threshold is 32 MiB. Measured in fresh processes through glibc's mallinfo2."""
    import subprocess
    import sys

    def mmapped(mode):
        out = subprocess.run([sys.executable, "-c", MMAPPED_BYTES, mode], check=True,
                             capture_output=True, text=True, cwd=ROOT)
        return int(out.stdout)
    assert mmapped("default") >= 4 << 20
    assert mmapped("keep") == 0
