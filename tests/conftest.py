from pathlib import Path

import pytest

import gridcells as gc

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def smoke_cfg():
    """The tiny config of params/smoke.yaml, on the CPU."""
    return gc.load_config(ROOT / "params" / "smoke.yaml", device="cpu")


@pytest.fixture
def one_thread():
    """torch on one thread in this process, as in the subprocesses and sweep workers the
    tests compare with (OMP_NUM_THREADS=1, --threads 1): bit-for-bit comparisons never
    cross thread counts."""
    import torch

    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)
