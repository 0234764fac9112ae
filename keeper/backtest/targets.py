"""Target weights for the backtester: the keeper's own pipeline, memoised per (sleeve, as-of day).

Every target the backtester trades to comes from the keeper's weight pipeline called on a
cached :class:`~keeper.market.PreparedMarket` with ``as_of`` = the day *before* the
rebalance, so a decision never sees the data of the day it trades on or later. The call is
:func:`keeper.weights.compute_weight_vector`: the very computation behind
:func:`~keeper.weights.compute_target_weights` (same weights, same inputs hash), answered as
a dense vector without building the per-token audit report the backtester never reads. Targets
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
from keeper.market import PreparedMarket
from keeper.weights import compute_weight_vector


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
        self._cols: dict[int, tuple[PreparedMarket, np.ndarray]] = {}
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
            result = compute_weight_vector(prepared, metadata, sleeve.config, as_of=as_of)
        except KeeperError as exc:
            return exc
        finally:
            self.seconds += time.perf_counter() - started
        w = np.zeros(len(self.market.tokens))
        w[self._columns(prepared)] = result.weights
        return Target(w, result.inputs_hash, result.as_of)

    def _columns(self, prepared: PreparedMarket) -> np.ndarray:
        """Market column of each of ``prepared``'s tokens."""
        cols = self._cols.get(id(prepared))
        if cols is None or cols[0] is not prepared:
            cols = (prepared, np.array([self.market.index[t] for t in prepared.tokens], dtype=np.intp))
            self._cols[id(prepared)] = cols
        return cols[1]
