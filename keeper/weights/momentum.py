"""Momentum tilt: scale a base methodology's weights by trailing performance.

score_i = log(P_i[t - skip] / P_i[t - skip - window]); z = (score - mean) / std across
tokens, clipped to +-z_clip (all zeros when every score is equal); tilted weights are
``base * exp(strength * z)`` renormalised. The exponential keeps the tilt multiplicative:
a token with zero base weight stays at zero and no weight turns negative.
"""

from __future__ import annotations

import numpy as np

VERSION = "1.0.0"


def momentum_scores(prices: np.ndarray, window_days: int, skip_days: int = 0) -> np.ndarray:
    """Trailing log return over ``window_days`` ending ``skip_days`` before the last row.

    @param prices (T, N) with T >= window_days + skip_days + 1
    """
    p = np.asarray(prices, dtype=np.float64)
    need = window_days + skip_days + 1
    if p.shape[0] < need:
        raise ValueError(f"momentum needs {need} days of prices, got {p.shape[0]}")
    end = p.shape[0] - 1 - skip_days
    return np.log(p[end] / p[end - window_days])


def momentum_z(scores: np.ndarray, z_clip: float) -> np.ndarray:
    """Cross-sectional z-scores (population std), clipped; zeros if scores are all equal."""
    s = np.asarray(scores, dtype=np.float64)
    sd = float(np.std(s))
    if s.size < 2 or sd == 0.0:
        return np.zeros_like(s)
    return np.clip((s - s.mean()) / sd, -z_clip, z_clip)


def momentum_tilt(base_weights: np.ndarray, z: np.ndarray, strength: float) -> np.ndarray:
    """``base * exp(strength * z)``, renormalised to sum to 1."""
    tilted = np.asarray(base_weights, dtype=np.float64) * np.exp(strength * np.asarray(z))
    return tilted / tilted.sum()
