"""Inverse-volatility weighting."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from keeper.exceptions import MethodologyError

VERSION = "1.0.0"


def volatilities(returns: np.ndarray) -> np.ndarray:
    """Sample standard deviation (ddof=1) of each column of daily log returns."""
    return np.std(np.asarray(returns, dtype=np.float64), axis=0, ddof=1)


def inverse_volatility_weights(returns: np.ndarray, tokens: Sequence[str] | None = None) -> np.ndarray:
    """Weights proportional to 1 / sample volatility of daily log returns.

    Uses the plain sample volatility (not the shrunk covariance diagonal) so the weights
    are easy to verify by hand.

    @raises MethodologyError naming the tokens whose volatility is zero
    """
    vol = volatilities(returns)
    bad = ~(vol > 0.0)
    if bad.any():
        names = [tokens[i] if tokens is not None else str(i) for i in np.flatnonzero(bad)]
        raise MethodologyError(f"zero volatility for {names}: inverse-volatility weight undefined "
                               "(flat prices; the anomaly screen's stale-price check excludes such tokens)")
    inv = 1.0 / vol
    return inv / inv.sum()
