"""Shared markets for the backtester tests: the example CSV, a small synthetic market, hand-built tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from keeper.backtest.data import MarketData
from keeper.backtest.loaders import load_csv, load_metadata
from keeper.backtest.synthetic import SyntheticSpec, generate_market
from keeper.market import RepairPolicy, TokenInfo, TokenMetadata

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SMALL_SPEC = SyntheticSpec(tokens=12, days=420, seed=3)


@pytest.fixture(scope="session")
def sample_market() -> MarketData:
    """The 12-token, 400-day example market of examples/market."""
    return load_csv(EXAMPLES / "market" / "sample_market.csv", load_metadata(EXAMPLES / "market" / "tokens.json"))


@pytest.fixture(scope="session")
def small_synthetic():
    """A 12-token, 420-day synthetic market with listings and delistings."""
    return generate_market(SMALL_SPEC)


def hand_metadata(tokens: Mapping[str, tuple[str, str]]) -> TokenMetadata:
    """Metadata from {symbol: (sector, tier)}."""
    return TokenMetadata(TokenInfo(s, s, sector, tier, ("home",)) for s, (sector, tier) in tokens.items())


def hand_frame(prices: Mapping[str, Sequence[float] | np.ndarray], first: Mapping[str, int] | None = None,
               last: Mapping[str, int] | None = None, volume: float = 1e9, start: str = "2024-01-01") -> pd.DataFrame:
    """Long table from full-length price paths; rows only on days first[token]..last[token]."""
    first, last = first or {}, last or {}
    rows = []
    for token, path in prices.items():
        p = np.asarray(path, dtype=float)
        days = pd.date_range(start, periods=p.size, freq="D")
        lo, hi = first.get(token, 0), last.get(token, p.size - 1)
        for t in range(lo, hi + 1):
            rows.append((days[t].strftime("%Y-%m-%d"), token, p[t], p[t] * 1e6, volume))
    return pd.DataFrame(rows, columns=["date", "token", "price", "market_cap", "volume"])


def hand_market(prices: Mapping[str, Sequence[float] | np.ndarray], tokens: Mapping[str, tuple[str, str]],
                first: Mapping[str, int] | None = None, last: Mapping[str, int] | None = None,
                volume: float = 1e9, repair: RepairPolicy = RepairPolicy()) -> MarketData:
    return MarketData(hand_frame(prices, first, last, volume), hand_metadata(tokens), repair, source="hand")


def price_relatives(frame: pd.DataFrame, dates: np.ndarray, tokens: Sequence[str]) -> np.ndarray:
    """P[t] / P[t-1] per (day of ``dates``[1:], token) straight from the long table; 1 where undefined."""
    wide = frame.assign(date=pd.to_datetime(frame["date"])).pivot(index="date", columns="token", values="price")
    full = wide.reindex(pd.date_range(wide.index.min(), wide.index.max(), freq="D")).reindex(columns=list(tokens))
    full = full.ffill().where(full.notna().cumsum() > 0)  # fill only after a token's first row
    ratio = (full / full.shift(1)).reindex(pd.DatetimeIndex(dates.astype("datetime64[ns]"))).iloc[1:]
    return ratio.fillna(1.0).to_numpy()
