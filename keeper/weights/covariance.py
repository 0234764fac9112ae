"""Return and covariance estimation: log returns and Ledoit-Wolf shrinkage.

The shrunk estimator is ``(1 - d) * S + d * m * I`` where ``S`` is the sample covariance
of demeaned daily log returns (divided by T, not T - 1, as in Ledoit & Wolf 2004),
``m = trace(S) / N`` and ``d`` is the Ledoit-Wolf (2004) optimal intensity towards the
scaled identity -- the same estimator as scikit-learn's ``LedoitWolf``. The intensity can
also be fixed by configuration. Shrinkage keeps the matrix positive definite even with
more tokens than days, which the optimisers rely on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class CovarianceEstimate:
    """A shrunk covariance matrix of daily log returns.

    @param matrix    (N, N) symmetric positive definite covariance
    @param shrinkage intensity d in [0, 1] actually used
    @param target    m, the average sample variance (identity target scale)
    @param n_obs     number of return observations
    """

    matrix: np.ndarray
    shrinkage: float
    target: float
    n_obs: int


def log_returns(prices: np.ndarray) -> np.ndarray:
    """Daily log returns of a (T, N) price matrix -> (T - 1, N)."""
    return np.diff(np.log(prices), axis=0)


def ledoit_wolf(returns: np.ndarray, shrinkage: float | None = None) -> CovarianceEstimate:
    """Ledoit-Wolf shrunk covariance of a (T, N) return matrix.

    @param shrinkage fixed intensity in [0, 1]; None computes the optimal one
    @return CovarianceEstimate; with a single asset the sample variance (no shrinkage)
    """
    x = np.asarray(returns, dtype=np.float64)
    t, n = x.shape
    if t < 2:
        raise ValueError("need at least 2 return observations")
    x = x - x.mean(axis=0)
    s = x.T @ x / t  # numpy dispatches X.T @ X to a symmetric rank-k update
    mu = float(np.trace(s)) / n
    if shrinkage is None:
        s_norm2 = float(np.einsum("ij,ij->", s, s))
        d2 = s_norm2 - n * mu * mu  # ||S - mu I||_F^2
        if d2 <= 0.0:
            delta = 0.0
        else:
            row_norm2 = np.einsum("ij,ij->i", x, x)
            # mean_k ||x_k x_k' - S||_F^2 = mean_k ||x_k||^4 - ||S||_F^2 (cross term collapses)
            b2_bar = max(0.0, float(np.mean(row_norm2 ** 2)) - s_norm2) / t
            delta = min(b2_bar, d2) / d2
    else:
        delta = float(shrinkage)
    cov = s * (1.0 - delta)
    cov[np.diag_indices(n)] += delta * mu
    return CovarianceEstimate(matrix=cov, shrinkage=delta, target=mu, n_obs=t)
