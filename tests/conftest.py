from pathlib import Path

import pytest

import gridcells as gc

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def smoke_cfg():
    """The tiny config of params/smoke.yaml, on the CPU."""
    return gc.load_config(ROOT / "params" / "smoke.yaml", device="cpu")
