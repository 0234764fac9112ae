"""Market-capitalisation weighting, plain or square-root dampened."""

from __future__ import annotations

import numpy as np

from keeper.exceptions import MethodologyError

VERSION = "1.0.0"


def market_cap_weights(market_caps: np.ndarray, transform: str = "linear") -> np.ndarray:
    """Weights proportional to market cap (``"linear"``) or its square root (``"sqrt"``).

    The square root shrinks the dominance of the largest tokens while keeping the order.
    Tokens with a market cap of 0 get weight 0.

    @raises MethodologyError if no token has a positive market cap
    """
    caps = np.asarray(market_caps, dtype=np.float64)
    if transform == "linear":
        score = caps
    elif transform == "sqrt":
        score = np.sqrt(caps)
    else:
        raise ValueError(f"transform must be 'linear' or 'sqrt', got {transform!r}")
    total = float(score.sum())
    if not total > 0.0:
        raise MethodologyError("market-cap weighting needs at least one token with a positive market cap")
    return score / total
