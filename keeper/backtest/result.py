"""What one backtest produces: the NAV path, what was held each day, every cost, every event.

Day arrays (``held``, ``cash_held`` and the cost arrays) have one entry per simulated day
``dates[1:]``; ``nav`` has one more, starting with the capital at the close of ``dates[0]``
(the day before the first decision). Within day ``i`` the order is:

1. rebalance (decided on data up to the previous close, traded at that close):
   ``trading_fee[i]`` and ``slippage[i]`` are paid;
2. the market moves: holdings ``held[i]`` (USD, per token) and ``cash_held[i]`` earn the
   day's price relatives; cash earns nothing;
3. the management fee ``management_fee[i]`` is taken from the moved value;
4. tokens recognised as delisted are sold at their last price: ``delisting_fee[i]`` and
   ``delisting_slippage[i]`` are paid, the proceeds go to cash;
5. ``nav[i + 1]`` is the value at the close.

So ``nav[i + 1] = (nav[i] - trading costs) * gross_i - management fee - delisting costs``
with ``gross_i = (held[i] . relatives_i + cash_held[i]) / (held[i].sum() + cash_held[i])``,
which is the reconciliation the tests check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from keeper.backtest.strategy import Settings, Strategy

COST_KINDS = ("trading_fee", "slippage", "management_fee", "delisting_fee", "delisting_slippage")


@dataclass(eq=False)
class BacktestResult:
    """Output of :func:`keeper.backtest.engine.run_backtest` (see module docstring)."""

    strategy: Strategy
    settings: Settings
    dates: np.ndarray
    tokens: tuple[str, ...]
    nav: np.ndarray
    held: np.ndarray
    cash_held: np.ndarray
    costs: dict[str, np.ndarray]
    turnover: np.ndarray
    rebalance_days: np.ndarray
    events: list[dict[str, Any]] = field(default_factory=list)
    trades: list[tuple[int, str, np.ndarray, np.ndarray]] = field(default_factory=list)  # (date pos, kind, idx, USD)
    seconds: float = 0.0
    weight_calls: int = 0
    weight_seconds: float = 0.0

    @property
    def name(self) -> str:
        return self.strategy.name

    @property
    def index(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.dates.astype("datetime64[ns]"), name="date")

    def nav_series(self) -> pd.Series:
        return pd.Series(self.nav, index=self.index, name=self.name)

    def total_cost(self, kinds: tuple[str, ...] = COST_KINDS) -> float:
        return float(sum(self.costs[k].sum() for k in kinds))

    @property
    def rebalances(self) -> int:
        """Days with rebalance trades (one-way turnover above 1e-9), the initial allocation excluded."""
        return int(self.rebalance_days.sum())

    def weights_frame(self) -> pd.DataFrame:
        """Weights held during each day (rows) per token (columns) plus ``cash``; rows sum to 1."""
        total = self.held.sum(axis=1) + self.cash_held
        safe = np.where(total > 0, total, 1.0)
        frame = pd.DataFrame(self.held / safe[:, None], index=self.index[1:], columns=list(self.tokens))
        frame["cash"] = self.cash_held / safe
        return frame

    def costs_frame(self) -> pd.DataFrame:
        """One row per day, one column per cost kind (USD)."""
        return pd.DataFrame({k: self.costs[k] for k in COST_KINDS}, index=self.index[1:])

    def trades_frame(self) -> pd.DataFrame:
        """Every trade: ``date`` (day traded; rebalances execute at the previous close), ``token``,
        ``value`` (USD, + buy / - sell) and ``kind`` (rebalance or delisting)."""
        rows: list[tuple[Any, str, float, str]] = []
        for pos, kind, idx, values in self.trades:
            rows.extend((self.dates[pos], self.tokens[j], float(v), kind) for j, v in zip(idx, values))
        frame = pd.DataFrame(rows, columns=["date", "token", "value", "kind"])
        frame["date"] = pd.to_datetime(frame["date"])
        return frame

    def events_frame(self) -> pd.DataFrame:
        cols = ["date", "kind", "sleeve", "reason", "as_of", "turnover", "fee", "slippage", "tokens", "inputs_hash"]
        return pd.DataFrame([{k: e.get(k) for k in cols} for e in self.events], columns=cols)
