"""The methodology contract and registry.

A :class:`Methodology` turns a :class:`MethodologyInput` (the eligible tokens' trailing
prices and latest market caps) into *raw* long-only weights summing to 1, before any
shared constraint is applied. Each one is a thin adapter over a small numeric function
(``market_cap.py``, ``equal.py``, ``inverse_vol.py``, ``risk_parity.py``,
``min_variance.py``) and carries an id and a version that go into every result and hash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from keeper.exceptions import ConfigError
from keeper.weights import equal, inverse_vol, market_cap, min_variance, risk_parity
from keeper.weights.covariance import CovarianceEstimate, ledoit_wolf, log_returns


@dataclass(frozen=True, eq=False)
class MethodologyInput:
    """What a methodology may look at (nothing else: no dates, no future).

    @param tokens           eligible tokens, sorted
    @param prices           (H, N) trailing daily prices, oldest first, H >= lookback_days + 1
    @param market_caps      (N,) market caps on the as-of day
    @param max_token_weight cap that optimisers able to do so honour internally
    """

    tokens: tuple[str, ...]
    prices: np.ndarray
    market_caps: np.ndarray
    lookback_days: int
    shrinkage: float | None
    max_token_weight: float

    @cached_property
    def returns(self) -> np.ndarray:
        """(lookback_days, N) daily log returns of the lookback window."""
        return log_returns(self.prices[-(self.lookback_days + 1):])

    @cached_property
    def covariance(self) -> CovarianceEstimate:
        return ledoit_wolf(self.returns, self.shrinkage)


@dataclass(frozen=True)
class MethodologyOutput:
    """Raw weights plus what the report should say about how they were obtained."""

    weights: np.ndarray
    notes: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Methodology:
    """A registered methodology: id, version, description and the compute function."""

    id: str
    version: str
    description: str
    uses_returns: bool
    compute: Callable[[MethodologyInput], MethodologyOutput]

    def history_days(self, lookback_days: int) -> int:
        """Consecutive daily prices a token needs to be eligible."""
        return lookback_days + 1 if self.uses_returns else 1


def _zero_cap_tokens(inp: MethodologyInput) -> list[str]:
    return [inp.tokens[i] for i in np.flatnonzero(np.asarray(inp.market_caps) == 0).tolist()]


def _market_cap(inp: MethodologyInput) -> MethodologyOutput:
    zero = _zero_cap_tokens(inp)
    notes = (f"zero market cap -> weight 0: {zero}",) if zero else ()
    return MethodologyOutput(market_cap.market_cap_weights(inp.market_caps, "linear"), notes)


def _market_cap_sqrt(inp: MethodologyInput) -> MethodologyOutput:
    zero = _zero_cap_tokens(inp)
    notes = (f"zero market cap -> weight 0: {zero}",) if zero else ()
    return MethodologyOutput(market_cap.market_cap_weights(inp.market_caps, "sqrt"), notes)


def _equal(inp: MethodologyInput) -> MethodologyOutput:
    return MethodologyOutput(equal.equal_weights(len(inp.tokens)))


def _inverse_vol(inp: MethodologyInput) -> MethodologyOutput:
    w = inverse_vol.inverse_volatility_weights(inp.returns, inp.tokens)
    vol = inverse_vol.volatilities(inp.returns) * np.sqrt(365.0)
    return MethodologyOutput(w, details={"annualised_vol": dict(zip(inp.tokens, vol.round(6).tolist()))})


def _cov_details(cov: CovarianceEstimate) -> dict[str, Any]:
    return {"shrinkage": round(cov.shrinkage, 6), "n_obs": cov.n_obs}


def _risk_parity(inp: MethodologyInput) -> MethodologyOutput:
    cov = inp.covariance
    w = risk_parity.equal_risk_contribution(cov.matrix)
    rc = risk_parity.risk_contributions(w, cov.matrix)
    notes = (f"Ledoit-Wolf shrinkage {cov.shrinkage:.4f} over {cov.n_obs} daily returns; "
             f"risk contributions in [{rc.min():.6g}, {rc.max():.6g}] (target {1 / len(w):.6g})",)
    return MethodologyOutput(w, notes, _cov_details(cov))


def _min_variance(inp: MethodologyInput) -> MethodologyOutput:
    cov = inp.covariance
    w = min_variance.min_variance_weights(cov.matrix, inp.max_token_weight)
    at_cap = int(np.sum(w >= inp.max_token_weight - 1e-12))
    notes = (f"Ledoit-Wolf shrinkage {cov.shrinkage:.4f} over {cov.n_obs} daily returns; "
             f"token cap {inp.max_token_weight:g} enforced inside the optimiser ({at_cap} at cap, "
             f"{int(np.sum(w > 0))} of {len(w)} held)",)
    return MethodologyOutput(w, notes, _cov_details(cov))


REGISTRY: dict[str, Methodology] = {m.id: m for m in (
    Methodology("market_cap", market_cap.VERSION, "weights proportional to market cap", False, _market_cap),
    Methodology("market_cap_sqrt", market_cap.VERSION, "weights proportional to sqrt(market cap)", False,
                _market_cap_sqrt),
    Methodology("equal", equal.VERSION, "1/N for every eligible token", False, _equal),
    Methodology("inverse_vol", inverse_vol.VERSION, "weights proportional to 1 / volatility", True, _inverse_vol),
    Methodology("risk_parity", risk_parity.VERSION,
                "equal risk contribution on a Ledoit-Wolf shrunk covariance", True, _risk_parity),
    Methodology("min_variance", min_variance.VERSION,
                "long-only minimum variance on a Ledoit-Wolf shrunk covariance, token cap inside", True,
                _min_variance),
)}


def get_methodology(methodology_id: str) -> Methodology:
    """Look up a registered methodology by id."""
    try:
        return REGISTRY[methodology_id]
    except KeyError:
        raise ConfigError(f"unknown methodology {methodology_id!r}; use one of {sorted(REGISTRY)}") from None
