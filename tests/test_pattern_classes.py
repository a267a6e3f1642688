import numpy as np
import pytest

from gridcells.analysis.population import from_maps
from gridcells.analysis.ratemaps import RateMaps
from gridcells.theory import classes as pc
from gridcells.theory import verdicts as pv

BOX = 2.2
K_HEX = 4 * np.pi / (np.sqrt(3) * 0.6)   # ring of a 60 cm hexagonal lattice (rad/m)


def maps_of(kind, count=12, n=32, spacing=0.6, noise=0.2, seed=0):
    rng = np.random.default_rng(seed)
    return np.stack([pc.synthetic(kind, n, BOX, spacing, a, rng, noise)
                     for a in np.linspace(0, 50, count)])


def test_ground_truth_is_labelled_right_and_no_blob_or_noise_is_a_lattice():
    gt = pc.ground_truth(11, sizes=(32,), angles=(0.0, 30.0), noises=(0.3,))
    labels = pc.classify_truth(gt)
    assert np.mean(labels == gt.truth) >= 0.9
    fake = np.isin(gt.kind, ("blob", "white noise", "smooth noise"))
    assert not np.isin(labels[fake], pc.LATTICES).any()


@pytest.mark.parametrize("kind", ["hexagonal", "square", "stripes"])
def test_lattices_are_named(kind):
    k = K_HEX if kind == "hexagonal" else 2 * np.pi / 0.6
    labels = pc.classify(maps_of(kind), BOX, k).label
    assert np.mean(labels == kind) >= 0.9


@pytest.mark.parametrize("kind", ["blob", "white noise", "smooth noise"])
def test_blobs_and_noise_are_not_lattices(kind):
    c = pc.classify(maps_of(kind, noise=0.0), BOX, K_HEX)
    assert (c.label == "not a lattice").all()


def test_a_lattice_that_fits_the_box_fewer_than_twice_is_not_a_lattice():
    big = maps_of("hexagonal", spacing=1.4)
    assert (pc.classify(big, BOX, 4 * np.pi / (np.sqrt(3) * 1.4)).label == "not a lattice").all()


def test_bad_input_is_one_line_error():
    with pytest.raises(ValueError, match="patterns must be"):
        pc.classify(np.zeros((3, 4, 5)), BOX, K_HEX)
    with pytest.raises(ValueError, match="finite"):
        pc.classify(np.full((8, 8), np.nan), BOX, K_HEX)
    with pytest.raises(ValueError, match="kind"):
        pc.synthetic("spiral", 16, BOX, 0.5, 0.0, np.random.default_rng(0))


@pytest.mark.parametrize("kind", ["blob", "white noise", "smooth noise"])
@pytest.mark.parametrize("label", ["hexagonal", "square", "irregular"])
def test_share_verdicts_fail_on_noise_and_blobs(kind, label):
    c = pc.classify(maps_of(kind), BOX, K_HEX)
    assert pv.share_verdict(c, label) == "inconclusive"


def test_share_verdict_can_pass_and_can_say_not_reproduced():
    hexa = pc.classify(maps_of("hexagonal"), BOX, K_HEX)
    assert pv.share_verdict(hexa, "hexagonal") == "reproduced"
    assert pv.share_verdict(hexa, "square") == "not reproduced"
    with pytest.raises(ValueError, match="label"):
        pv.share_verdict(hexa, "not a lattice")


def test_spacing_verdict():
    assert pv.spacing_verdict(60.0, [58, 61, 63, 59, 60])[0] == "reproduced"
    assert pv.spacing_verdict(60.0, [30, 31, 29, 30])[0] == "not reproduced"
    assert pv.spacing_verdict(60.0, [50, 60, 80])[0] == "inconclusive"   # wide interval
    assert pv.spacing_verdict(60.0, [60.0])[0] == "inconclusive"         # one network
    with pytest.raises(ValueError, match="predicted_cm"):
        pv.spacing_verdict(float("nan"), [60, 61])


@pytest.mark.parametrize("kind", ["white noise", "blob"])
def test_spacing_verdict_is_inconclusive_on_networks_of_noise_or_blobs(kind):
    """Networks whose rate maps are noise or single blobs have no module spacing: the
    theory's spacing cannot be reproduced by them."""
    spacings = []
    for seed in range(3):
        maps = maps_of(kind, count=20, n=20, seed=seed, noise=0.1)
        maps = maps - maps.min()
        pop = from_maps(RateMaps(maps, np.ones((20, 20))), BOX / 20)
        spacings.append(pop.row()["spacing_median_cm"])
    assert pv.spacing_verdict(80.0, spacings)[0] in ("inconclusive", "not reproduced")


def test_outcome_words_follow_the_maps():
    assert pv.outcome(pc.classify(maps_of("white noise"), BOX, K_HEX)).startswith("no patterns")
    assert pv.outcome(pc.classify(maps_of("hexagonal"), BOX, K_HEX)) == "mostly hexagonal"
    big = pc.classify(maps_of("square", spacing=BOX), BOX, 2 * np.pi / BOX)
    assert pv.outcome(big).startswith("box-scale")


def test_hierarchy_needs_grids_at_more_than_one_spacing():
    one = maps_of("hexagonal", count=12, spacing=0.6)
    two = np.concatenate([maps_of("hexagonal", count=6, spacing=0.5),
                          maps_of("hexagonal", count=6, spacing=0.8, seed=1)])
    v1, m1 = pv.hierarchy_verdict(pc.classify(one, BOX, K_HEX))
    v2, m2 = pv.hierarchy_verdict(pc.classify(two, BOX, K_HEX))
    assert (v1, m1["levels"]) == ("partly", 1) and m1["share"] >= 0.9
    assert (v2, m2["levels"]) == ("reproduced", 2) and m2["ratio"] >= 1.4
    assert pv.hierarchy_verdict(pc.classify(maps_of("white noise"), BOX, K_HEX))[0] == \
        "inconclusive"
    assert pv.hierarchy_verdict(pc.classify(maps_of("stripes"), BOX, K_HEX))[0] == \
        "not reproduced"
    assert pv.spacing_levels([0.5, 0.52, 0.8, np.nan, 0.81, 1.2]) == 3
    assert pv.spacing_levels([0.5, 0.52, 0.8, np.nan, 0.81, 1.2], min_count=2) == 2
    assert pv.spacing_levels([]) == 0
    # one stray map at another spacing makes no second level
    stray = np.concatenate([maps_of("hexagonal", count=11, spacing=0.5),
                            maps_of("hexagonal", count=1, spacing=0.8, seed=1)])
    v, m = pv.hierarchy_verdict(pc.classify(stray, BOX, K_HEX))
    assert (v, m["levels"]) == ("partly", 1) and m["ratio"] >= 1.4


def test_convergence_sentence_names_quick_and_unsettled_runs():
    runs = {"a": (400, True, "no patterns (noise or single fields)"),
            "b": (8000, True, "mostly hexagonal"), "c": (20000, False, "mixed")}
    text = pv.convergence_sentence(runs, window=200)
    assert "within 3 windows: a (400 iterations; no patterns)" in text and "b (" not in text
    assert "Never settled within the iteration limit: c (mixed)" in text
    calm = pv.convergence_sentence({"b": (8000, True, "mostly hexagonal")}, window=200)
    assert calm == "No condition stopped within 3 windows. Every condition settled."
