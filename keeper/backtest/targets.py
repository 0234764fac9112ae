"""Target weights for the backtester: the keeper's own pipeline, memoised per (sleeve, as-of day).

Every target the backtester trades to comes from :func:`keeper.weights.compute_target_weights`
called on a cached :class:`~keeper.market.PreparedMarket` with ``as_of`` = the day *before*
the rebalance, so a decision never sees the data of the day it trades on or later. Targets
do not depend on the portfolio, only on (methodology, universe, as-of day), so strategies of
one comparison that share a sleeve share the calls.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from keeper.backtest.data import MarketData
from keeper.backtest.strategy import Sleeve
from keeper.exceptions import KeeperError
from keeper.weights import compute_target_weights


@dataclass(frozen=True, eq=False)
class Target:
    """Target weights over the market's tokens (dense vector) plus the keeper's audit hash."""

    weights: np.ndarray
    inputs_hash: str
    as_of: str


class TargetCache:
    """Memoised keeper calls; ``calls`` and ``seconds`` measure the keeper's share of a run."""

    def __init__(self, market: MarketData):
        self.market = market
        self._memo: dict[tuple, Target | KeeperError] = {}
        self.calls = 0
        self.seconds = 0.0

    def target(self, sleeve: Sleeve, as_of_index: int) -> Target:
        """Target of ``sleeve`` decided with data up to day ``as_of_index`` (inclusive).

        @raises KeeperError (e.g. NoEligibleTokensError, ConstraintConflictError) from the keeper
        """
        key = (sleeve.config, sleeve.universe, as_of_index)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._compute(sleeve, as_of_index)
            self._memo[key] = hit
        if isinstance(hit, KeeperError):
            raise hit
        return hit

    def _compute(self, sleeve: Sleeve, as_of_index: int) -> Target | KeeperError:
        prepared, metadata = self.market.prepared(sleeve.universe, sleeve.config.repair)
        as_of = self.market.date(as_of_index)
        started = time.perf_counter()
        self.calls += 1
        try:
            result = compute_target_weights(prepared, metadata, sleeve.config, as_of=as_of)
        except KeeperError as exc:
            return exc
        finally:
            self.seconds += time.perf_counter() - started
        w = np.zeros(len(self.market.tokens))
        index = self.market.index
        for token, weight in result.weights.items():
            w[index[token]] = weight
        return Target(w, result.inputs_hash, result.as_of)
