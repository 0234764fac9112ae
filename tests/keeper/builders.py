"""Seeded builders of small market tables and token metadata for the keeper tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from keeper.market import TokenMetadata

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "market"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

SMALL_TOKENS = [
    # symbol, sector, tier
    ("AAA", "L1", "conservative"),
    ("BBB", "DeFi", "balanced"),
    ("CCC", "DePIN-compute", "aggressive"),
    ("DDD", "L2", "balanced"),
]


def make_metadata(tokens=SMALL_TOKENS) -> TokenMetadata:
    return TokenMetadata.from_records(
        [{"symbol": s, "name": s, "sector": sec, "risk_tier": tier, "chains": ["home"]} for s, sec, tier in tokens])


def make_market(symbols, days: int = 200, seed: int = 1, start: str = "2024-01-01",
                vols=None) -> pd.DataFrame:
    """Seeded random-walk market table in the long format."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days, freq="D").strftime("%Y-%m-%d")
    frames = []
    for j, sym in enumerate(symbols):
        vol = 0.03 if vols is None else vols[j]
        r = rng.normal(0.0, vol, size=days)
        r[0] = 0.0
        price = (10.0 + j) * np.exp(np.cumsum(r))
        volume = 1e6 * np.exp(rng.normal(0.0, 0.2, size=days))
        frames.append(pd.DataFrame({"date": dates, "token": sym, "price": price,
                                    "market_cap": price * 1e7 * (j + 1), "volume": volume}))
    return pd.concat(frames, ignore_index=True)
