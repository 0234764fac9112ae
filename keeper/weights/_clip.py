"""One-dimensional solver shared by the constraint projection and the min-variance optimiser.

Both need the shift theta at which a sum of clipped linear functions hits a target:
``sum_i clip(r_i * (a_i - theta), 0, c_i) = target``. The sum is continuous, piecewise
linear and non-increasing in theta with breakpoints at ``a_i`` and ``a_i - c_i / r_i``;
we binary-search the breakpoint interval containing the target and solve the linear piece
exactly, so the answer is exact up to rounding (no bisection tolerance).
"""

from __future__ import annotations

import numpy as np


def clipped_sum(r: np.ndarray, a: np.ndarray, c: np.ndarray, theta: float) -> float:
    """sum_i clip(r_i (a_i - theta), 0, c_i)."""
    return float(np.minimum(np.maximum(r * (a - theta), 0.0), c).sum())


def clipped_sum_shift(r: np.ndarray, a: np.ndarray, c: np.ndarray, target: float) -> float:
    """Smallest-magnitude theta with ``clipped_sum(r, a, c, theta) == target``.

    @param r positive slopes; @param a offsets; @param c caps >= 0
    @param target in [0, sum(c)]; values outside are clamped to the nearest end
    """
    breaks = np.unique(np.concatenate([a - c / r, a]))
    if target >= clipped_sum(r, a, c, breaks[0]):
        return float(breaks[0])
    if target <= 0.0:
        return float(breaks[-1])
    lo, hi = 0, breaks.size - 1  # invariant: G(breaks[lo]) > target >= G(breaks[hi])
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if clipped_sum(r, a, c, breaks[mid]) > target:
            lo = mid
        else:
            hi = mid
    g_lo = clipped_sum(r, a, c, breaks[lo])
    g_hi = clipped_sum(r, a, c, breaks[hi])
    return float(breaks[lo] + (g_lo - target) * (breaks[hi] - breaks[lo]) / (g_lo - g_hi))
