"""Which kind of pattern a map is: hexagonal, square, stripes, irregular, or not a lattice.

The pattern-formation theory (:mod:`gridcells.theory.simulation`) predicts patterns made of
wave vectors on the ring where the place-code covariance's Fourier power peaks. A map is
judged in three steps, on its mean-removed power spectrum:

1. **Is it a pattern?** Its *ring share* (the share of its power within ``band`` frequency
   bins, one bin being one cycle per box side, of the covariance's ring radius) and its
   *smoothness* (the correlation between neighbouring bins, as a fraction of the
   correlation J0(k h) of a pure ring pattern of the same frequency, h the bin size) must
   both pass their thresholds. White noise (no power concentrated on the ring, no
   neighbour correlation) and smooth noise or single fields (power spread over a broad
   band of low frequencies) fail here.
2. **Which lattice?** The strongest peaks of the zero-padded spectrum within the ring band
   (the whole band: on a finite box a lattice's wave vectors need not share one length)
   decide: one strong orientation is stripes, two at 90 degrees a square lattice, three at
   60 degrees a hexagonal one (each within ``angle_tol``), and the lattice's peaks must
   hold ``peak_share`` of the band's power; anything else is irregular. For description,
   the m-fold order parameters (m = 2, 4, 6) of the map's orientation profile over the band
   are reported too, as :mod:`gridcells.analysis.lattice` does for a population.
3. **Does it fit in the box?** A lattice whose spacing (hexagonal: 4 pi / (sqrt(3) k);
   square, stripes and irregular: the period 2 pi / k) fits fewer than ``min_periods``
   times in the box's side is not a lattice: one or two fields in a box show no lattice.

Only lattices that pass all three are called hexagonal, square or stripes; a structured
map that fits but has no lattice's symmetry is "irregular"; everything else is "not a
lattice". The module also makes the ground truth for this rule (:func:`synthetic`), used
by ``benchmarks/pattern_classes.py`` and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.ndimage as ndi
from scipy.special import j0

LATTICES = ("hexagonal", "square", "stripes")
LABELS = (*LATTICES, "irregular", "not a lattice")
BENT = "bent stripes"
KINDS = ("hexagonal", "square", "stripes", "irregular", "blob", "white noise",
         "smooth noise")


@dataclass(frozen=True)
class Rule:
    """Thresholds of :func:`classify`. band: half-width of the ring band (frequency bins,
    cycles per box side); ring_share: least share of the power in the band; smoothness:
    least neighbour correlation as a fraction of a pure ring pattern's J0(k h);
    contrast: least ratio of the mean power per frequency in the band to the median power per
    frequency inside it (lower frequencies); min_periods: least number of lattice spacings
    per box side; strong, angle_tol (degrees), peak_share: see :func:`_lattice`."""

    band: float = 1.5
    ring_share: float = 0.5
    contrast: float = 3.0
    smoothness: float = 0.5
    min_periods: float = 2.0
    strong: float = 0.3
    angle_tol: float = 15.0
    peak_share: float = 0.6


@dataclass
class PatternClasses:
    """Per map [cells]: label (one of LABELS), ring_share (0-1), smoothness (neighbour
    correlation over J0(k h)), cycles (dominant frequency in the band, cycles per box side),
    spacing (m; hexagonal labels use 4 pi / (sqrt(3) k), the others the period), the
    stripe, square and hexagonal orders (0-1), and is_pattern (bool: passed step 1, the
    pattern gate, whatever the box gate said)."""

    label: np.ndarray
    ring_share: np.ndarray
    contrast: np.ndarray
    smoothness: np.ndarray
    cycles: np.ndarray
    spacing: np.ndarray
    stripe_order: np.ndarray
    square_order: np.ndarray
    hex_order: np.ndarray
    is_pattern: np.ndarray

    @property
    def structured(self) -> np.ndarray:
        """[cells] bool: maps that pass the pattern gate (step 1) and the box gate (step 3),
        i.e. every label but 'not a lattice'."""
        return self.label != "not a lattice"

    def shares(self) -> dict[str, float]:
        """Share of the maps (0-1) per label, every label of LABELS present."""
        n = max(len(self.label), 1)
        return {lab: float(np.sum(self.label == lab) / n) for lab in LABELS}


def classify(patterns: np.ndarray, box: float, k_ring: float, rule: Rule = Rule(),
             n_angles: int = 36, pad: int = 4) -> PatternClasses:
    """Label maps [cells, n, n] (or [n, n]) spanning a square box of side ``box`` (m),
    against the covariance's ring radius ``k_ring`` (rad/m); see the module docstring."""
    p = np.asarray(patterns, dtype=np.float64)
    if p.ndim == 2:
        p = p[None]
    if p.ndim != 3 or p.shape[1] != p.shape[2] or p.shape[1] < 4:
        raise ValueError(f"patterns must be [cells, n, n] with n >= 4, got shape {p.shape}")
    if not np.isfinite(p).all():
        raise ValueError("patterns must be finite (no NaN or inf)")
    if not (box > 0 and k_ring > 0):
        raise ValueError(f"box and k_ring must be positive, got {box} and {k_ring}")
    n = p.shape[-1]
    ring_cycles = k_ring * box / (2 * np.pi)
    x = p - p.mean((-2, -1), keepdims=True)

    # 1. ring share and smoothness
    f = np.fft.fftfreq(n) * n
    radius = np.hypot(*np.meshgrid(f, f, indexing="ij"))
    power = np.abs(np.fft.fft2(x)) ** 2
    total = power.reshape(len(x), -1).sum(1)
    band = np.abs(radius - ring_cycles) <= rule.band
    share = np.where(total > 0, power[:, band].sum(1) / np.where(total > 0, total, 1), 0.0)
    inside = (radius > 0) & (radius < ring_cycles - rule.band)
    contrast = (power[:, band].mean(1) / np.maximum(np.median(power[:, inside], 1), 1e-300)
                if inside.any() else np.full(len(x), np.inf))   # no lower frequency to test
    neighbour = np.array([_neighbour_correlation(m) for m in x])

    # 2. the dominant frequency in the band and the orientation orders around it
    size = pad * n
    fp = np.fft.fftfreq(size) * n
    rp = np.hypot(*np.meshgrid(fp, fp, indexing="ij"))
    padded = np.abs(np.fft.fft2(x, s=(size, size))) ** 2
    in_band = (np.abs(rp - ring_cycles) <= rule.band) & (rp > 0)
    theta = (np.arange(n_angles) + 0.5) * np.pi / n_angles
    cycles = np.full(len(x), np.nan)
    orders = np.zeros((len(x), 3))
    peaks: list[list[tuple[float, float, float]]] = [[] for _ in x]
    for i, pw in enumerate(padded):
        if not pw[in_band].any():
            continue
        peaks[i] = _peaks(pw, in_band, fp, pad)
        edges = np.arange(max(ring_cycles - rule.band, 0), ring_cycles + rule.band + 0.25, 0.25)
        which = np.digitize(rp[in_band], edges)
        radial = np.bincount(which, pw[in_band], minlength=len(edges) + 1)
        counts = np.bincount(which, minlength=len(edges) + 1)
        mean = np.where(counts > 0, radial / np.maximum(counts, 1), 0)
        j = int(np.argmax(mean))
        cycles[i] = float(edges[max(j - 1, 0)] + 0.125)
        radii = np.linspace(max(ring_cycles - rule.band, 0.5), ring_cycles + rule.band, 13)
        rr, tt = np.meshgrid(radii, theta, indexing="ij")
        rows, cols = (rr * np.sin(tt) * pad) % size, (rr * np.cos(tt) * pad) % size
        prof = ndi.map_coordinates(pw, [rows.ravel(), cols.ravel()], order=1,
                                   mode="grid-wrap").reshape(rr.shape).mean(0)
        if prof.sum() > 0:
            prof = prof / prof.sum()
            orders[i] = [abs((prof * np.exp(1j * m * theta)).sum()) for m in (2, 4, 6)]
    expected = j0(2 * np.pi * np.nan_to_num(cycles, nan=ring_cycles) / n)
    smooth = neighbour / np.maximum(expected, 1e-3)

    # 3. labels, with the box gate on the label's own spacing
    period = box / cycles
    labels = np.full(len(x), "not a lattice", dtype=object)
    spacing = np.full(len(x), np.nan)
    is_pattern = ((share >= rule.ring_share) & (smooth >= rule.smoothness)
                  & (contrast >= rule.contrast) & np.isfinite(cycles))
    for i in np.flatnonzero(is_pattern):
        lab = _lattice(peaks[i], rule)
        spacing[i] = period[i] * (2 / np.sqrt(3) if lab == "hexagonal" else 1.0)
        labels[i] = lab if box / spacing[i] >= rule.min_periods else "not a lattice"
    return PatternClasses(labels.astype(str), share, contrast, smooth, cycles, spacing,
                          orders[:, 0], orders[:, 1], orders[:, 2], is_pattern)


def _peaks(power: np.ndarray, in_band: np.ndarray, freqs: np.ndarray, pad: int,
           most: int = 4) -> list[tuple[float, float, float]]:
    """The strongest spectral peaks in the band of one zero-padded power spectrum [s, s]:
    up to ``most`` tuples (peak power, orientation in [0, pi) rad, share of the band's power
    within one frequency bin of the peak and of its mirror image), strongest first."""
    masked = np.where(in_band, power, 0.0)
    local = (masked == ndi.maximum_filter(masked, size=2 * pad + 1, mode="wrap")) & (masked > 0)
    ky, kx = freqs[np.nonzero(local)[0]], freqs[np.nonzero(local)[1]]
    upper = (ky > 0) | ((ky == 0) & (kx > 0))      # one of each mirror pair k, -k
    ky, kx, vals = ky[upper], kx[upper], masked[local][upper]
    order = np.argsort(vals)[::-1][:most]
    KY, KX = np.meshgrid(freqs, freqs, indexing="ij")
    total = masked.sum()
    out = []
    for j in order:
        near = np.hypot(KY - ky[j], KX - kx[j]) <= 1
        out.append((float(vals[j]), float(np.arctan2(ky[j], kx[j]) % np.pi),
                    float(2 * masked[near].sum() / total)))
    return out


def _lattice(peaks: list[tuple[float, float, float]], rule: Rule) -> str:
    """'hexagonal', 'square', 'stripes' or 'irregular' from a map's strongest peaks (see
    :func:`_peaks`): one dominant orientation is stripes, two at 90 +- ``rule.angle_tol``
    degrees a square lattice, three with gaps of 60 +- ``rule.angle_tol`` degrees a
    hexagonal one; a peak is strong at ``rule.strong`` of the strongest's power, and the
    lattice's peaks must hold ``rule.peak_share`` of the band's power."""
    if not peaks:
        return "irregular"
    top = peaks[0][0]
    strong = [p for p in peaks if p[0] >= rule.strong * top]
    tol = np.radians(rule.angle_tol)

    def held(ps):
        return sum(p[2] for p in ps) >= rule.peak_share

    if len(strong) >= 3:
        angles = np.sort([p[1] for p in strong[:3]])
        gaps = np.diff(np.append(angles, angles[0] + np.pi))
        if np.all(np.abs(gaps - np.pi / 3) <= tol) and held(strong[:3]):
            return "hexagonal"
    if len(strong) >= 2:
        gap = abs(strong[0][1] - strong[1][1])
        gap = min(gap, np.pi - gap)
        if abs(gap - np.pi / 2) <= tol and held(strong[:2]):
            return "square"
    if len(strong) == 1 and held(strong[:1]):
        return "stripes"
    return "irregular"


def _neighbour_correlation(m: np.ndarray) -> float:
    """Mean Pearson correlation of a map [n, n] with itself shifted by one bin along each
    axis (0 for a constant map)."""
    out = []
    for a, b in ((m[:, :-1], m[:, 1:]), (m[:-1], m[1:])):
        a, b = a - a.mean(), b - b.mean()
        den = np.sqrt((a ** 2).sum() * (b ** 2).sum())
        out.append((a * b).sum() / den if den > 0 else 0.0)
    return float(np.mean(out))


def synthetic(kind: str, n: int, box: float, spacing: float, angle_deg: float,
              rng: np.random.Generator, noise: float = 0.0) -> np.ndarray:
    """One synthetic map [n, n] over a square box of side ``box`` (m), of a known kind
    (KINDS), plus white noise of ``noise`` times the map's standard deviation.

    hexagonal: ReLU of three plane waves at 60 degrees, ``spacing`` (m) between fields;
    square: ReLU of two at 90 degrees, period ``spacing``; stripes: one plane wave of period
    ``spacing``; irregular: 24 plane waves of period ``spacing`` at random orientations
    and phases; bent stripes (not in KINDS: the rule calls them irregular, see
    :func:`bent_stripes`): stripes whose phase swings by +-2 rad once across the box;
    blob: one Gaussian field of width ``spacing`` / 4 at a random place; white noise;
    smooth noise: white noise smoothed by a Gaussian of ``spacing`` / 8.
    Orientation ``angle_deg`` (degrees), phases random."""
    if kind not in (*KINDS, BENT):
        raise ValueError(f"kind: expected one of {(*KINDS, BENT)}, got {kind!r}")
    if not (n >= 4 and box > 0 and spacing > 0 and noise >= 0):
        raise ValueError(f"need n >= 4 and box, spacing > 0, noise >= 0; got {n}, {box}, "
                         f"{spacing}, {noise}")
    xy = (np.arange(n) + 0.5) * box / n
    X, Y = np.meshgrid(xy, xy)

    def waves(k, angles):
        return sum(np.cos(k * (X * np.cos(a) + Y * np.sin(a)) + rng.uniform(0, 2 * np.pi))
                   for a in angles)

    a0 = np.radians(angle_deg)
    if kind == "hexagonal":
        m = np.maximum(waves(4 * np.pi / (np.sqrt(3) * spacing),
                             [a0, a0 + np.pi / 3, a0 + 2 * np.pi / 3]), 0)
    elif kind == "square":
        m = np.maximum(waves(2 * np.pi / spacing, [a0, a0 + np.pi / 2]), 0)
    elif kind == "stripes":
        m = waves(2 * np.pi / spacing, [a0])
    elif kind == BENT:   # stripes whose phase swings by +-2 rad once across the box
        u = X * np.cos(a0) + Y * np.sin(a0)
        v = -X * np.sin(a0) + Y * np.cos(a0)
        m = np.cos(2 * np.pi / spacing * u + 2.0 * np.sin(2 * np.pi * v / box
                                                          + rng.uniform(0, 2 * np.pi))
                   + rng.uniform(0, 2 * np.pi))
    elif kind == "irregular":
        m = waves(2 * np.pi / spacing, rng.uniform(0, np.pi, 24))
    elif kind == "blob":
        cx, cy = rng.uniform(0.2 * box, 0.8 * box, 2)
        m = np.exp(-((X - cx) ** 2 + (Y - cy) ** 2) / (2 * (spacing / 4) ** 2))
    elif kind == "white noise":
        m = rng.standard_normal((n, n))
    else:
        m = ndi.gaussian_filter(rng.standard_normal((n, n)), spacing / 8 * n / box,
                                mode="wrap")
    m = np.asarray(m, dtype=np.float64)
    return m + noise * (m.std() or 1.0) * rng.standard_normal((n, n))


@dataclass
class GroundTruth:
    """A labelled set of synthetic maps: maps (list of [n, n] arrays, n varies), kind
    (KINDS), truth (the right label of LABELS), k_ring (rad/m, the ring each map is judged
    against), spacing (m), angle (degrees), noise (times the map's s.d.), n (bins per side)."""

    maps: list
    kind: np.ndarray
    truth: np.ndarray
    k_ring: np.ndarray
    spacing: np.ndarray
    angle: np.ndarray
    noise: np.ndarray
    n: np.ndarray


def ground_truth(seed: int, box: float = 2.2, sizes=(32, 64), spacings=(0.4, 0.6, 0.8),
                 too_large: float = 1.4, angles=(0.0, 15.0, 30.0, 45.0),
                 noises=(0.0, 0.3)) -> GroundTruth:
    """Every kind of KINDS at every map size, spacing (m), orientation (degrees) and noise
    level, plus hexagonal, square and stripe lattices of spacing ``too_large`` (fewer than two
    periods in the box: truly 'not a lattice'). Lattices and irregular maps are judged
    against their own ring (hexagonal: 4 pi / (sqrt(3) spacing), the others 2 pi / spacing);
    blobs and noise against the hexagonal ring of a spacing drawn from ``spacings``."""
    rng = np.random.default_rng(seed)
    rows = []
    for n in sizes:
        for kind in KINDS:
            lattice = kind in (*LATTICES, "irregular")
            for s in (*spacings, too_large) if kind in LATTICES else spacings:
                for angle in angles:
                    for noise in noises:
                        m = synthetic(kind, n, box, s, angle, rng, noise)
                        if lattice:
                            k = 2 * np.pi / s * (2 / np.sqrt(3) if kind == "hexagonal" else 1)
                            truth = kind if s != too_large else "not a lattice"
                        else:
                            k = 4 * np.pi / (np.sqrt(3) * rng.choice(spacings))
                            truth = "not a lattice"
                        rows.append((m, kind, truth, k, s, angle, noise, n))
    cols = list(zip(*rows))
    return GroundTruth(list(cols[0]), *(np.array(c) for c in cols[1:]))


def classify_truth(gt: GroundTruth, box: float = 2.2, rule: Rule = Rule()) -> np.ndarray:
    """The labels [maps] :func:`classify` gives every map of ``gt`` against its ring."""
    return np.array([classify(m, box, k, rule).label[0] for m, k in zip(gt.maps, gt.k_ring)])


def irregular_stripe_bound(seed: int = 0, q: float = 0.95, box: float = 2.2) -> float:
    """The stripe order (0-1) that a share ``q`` of synthetic irregular maps stay below, over
    the variety of :func:`ground_truth` (map sizes 32 and 64, spacings 0.4-0.8 m, four
    orientations, noise 0 and 0.3): an irregular map above it has one dominant orientation."""
    gt = ground_truth(seed, box)
    keep = (gt.kind == "irregular")
    orders = [classify(m, box, k).stripe_order[0]
              for m, k, ok in zip(gt.maps, gt.k_ring, keep) if ok]
    return float(np.quantile(orders, q))


def bent_stripes(classes: PatternClasses, bound: float) -> np.ndarray:
    """[cells] bool: maps labelled 'irregular' whose stripe order exceeds ``bound`` (from
    :func:`irregular_stripe_bound`): one orientation dominates, so they are stripes that bend
    rather than maps without a lattice's order. The labels are left as they are; the chapter
    states the claim under both readings."""
    return (classes.label == "irregular") & (classes.stripe_order > bound)
