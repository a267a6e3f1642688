"""The geometry of a rate map read from its autocorrelogram (peaks, grid spacing and
orientation) and the border score (Solstad et al. 2008)."""

from __future__ import annotations

import numpy as np
import scipy.ndimage as ndi


def sac_peaks(sac: np.ndarray, n: int = 6) -> np.ndarray:
    """Offsets [k <= n, 2] (bins, (dy, dx)) of the n local maxima of a SAC nearest its centre
    (the centre excluded; only positive peaks)."""
    size = sac.shape[0]
    c = size // 2
    is_peak = (sac == ndi.maximum_filter(sac, size=3, mode="constant", cval=-np.inf)) & (sac > 0)
    is_peak[c, c] = False
    ys, xs = np.nonzero(is_peak)
    off = np.stack([ys - c, xs - c], -1)
    order = np.argsort(np.hypot(off[:, 0], off[:, 1]), kind="stable")
    return off[order[:n]]


def spacing_orientation(sac: np.ndarray, bin_size: float) -> tuple[float, float]:
    """Grid spacing (median distance of the six nearest SAC peaks, in the unit of
    ``bin_size``) and orientation (degrees in [0, 60), the 6-fold circular mean of the
    peak angles). NaN when fewer than three peaks exist."""
    peaks = sac_peaks(sac)
    if len(peaks) < 3:
        return np.nan, np.nan
    dist = np.hypot(peaks[:, 0], peaks[:, 1])
    theta = np.arctan2(peaks[:, 0], peaks[:, 1])
    orient = np.degrees(np.angle(np.exp(6j * theta).mean()) / 6) % 60
    return float(np.median(dist) * bin_size), float(orient)


def border_score(rate_map: np.ndarray, field_threshold: float = 0.3,
                 min_field_bins: int = 4) -> float:
    """Border score of Solstad et al. (2008): (cM - dm) / (cM + dm).

    Fields are connected regions above ``field_threshold`` x the peak with at least
    ``min_field_bins`` bins. cM: the largest fraction of one wall's bins covered by one
    field, over all fields (the original code looped over fields but kept the first);
    dm: the rate-weighted mean distance of field bins to the nearest wall, divided by
    half the map's side. Range [-1, 1]; NaN when the map has no field.
    """
    rm = np.nan_to_num(np.asarray(rate_map, dtype=float), nan=0.0)
    if rm.max() <= 0:
        return np.nan
    labels, n_fields = ndi.label(rm > field_threshold * rm.max())
    ny, nx = rm.shape
    yy, xx = np.mgrid[0:ny, 0:nx]
    wall_dist = np.minimum.reduce([yy, xx, ny - 1 - yy, nx - 1 - xx]).astype(float)
    walls = [labels[0, :], labels[-1, :], labels[:, 0], labels[:, -1]]
    cm, field_any = 0.0, np.zeros_like(rm, dtype=bool)
    for f in range(1, n_fields + 1):
        field = labels == f
        if field.sum() < min_field_bins:
            continue
        field_any |= field
        cm = max(cm, max(np.mean(w == f) for w in walls))
    if not field_any.any():
        return np.nan
    weights = rm * field_any
    dm = (weights * wall_dist).sum() / weights.sum() / (min(ny, nx) / 2)
    return float((cm - dm) / (cm + dm)) if cm + dm > 0 else np.nan
