"""Equal weighting."""

from __future__ import annotations

import numpy as np

VERSION = "1.0.0"


def equal_weights(n_tokens: int) -> np.ndarray:
    """1/N for each of ``n_tokens`` tokens."""
    if n_tokens < 1:
        raise ValueError("need at least one token")
    return np.full(n_tokens, 1.0 / n_tokens)
