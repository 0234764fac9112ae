"""Generate the sample market data in this folder (seeded, reproducible).

Writes ``sample_market.csv``: 12 devnet tokens x 400 daily rows (2024-01-01..2025-02-03)
in the keeper's long format ``date,token,price,market_cap,volume``. Returns follow a
one-factor model (a crypto market factor with per-token beta plus idiosyncratic noise,
with sector-level volatility); USDC stays within a few basis points of $1; market cap is
price x a slowly growing supply; volume is a noisy fraction of market cap.

Run: ``python examples/market/make_sample.py`` (numpy + pandas only).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240101
DAYS = 400
START = "2024-01-01"

# symbol: (start price, circulating supply, market beta, idiosyncratic daily vol, volume/mcap)
TOKENS = {
    "WBTC": (42_000.0, 155_000.0, 0.80, 0.010, 0.020),
    "WETH": (2_300.0, 3_100_000.0, 1.00, 0.012, 0.030),
    "SOL": (100.0, 430_000_000.0, 1.30, 0.025, 0.050),
    "ARB": (1.80, 1_300_000_000.0, 1.40, 0.030, 0.060),
    "OP": (3.50, 950_000_000.0, 1.40, 0.030, 0.060),
    "UNI": (7.00, 600_000_000.0, 1.10, 0.028, 0.040),
    "AAVE": (110.0, 14_700_000.0, 1.10, 0.030, 0.050),
    "RNDR": (4.50, 380_000_000.0, 1.60, 0.040, 0.080),
    "FIL": (5.80, 520_000_000.0, 1.30, 0.035, 0.060),
    "HNT": (6.00, 155_000_000.0, 1.20, 0.045, 0.030),
    "DIMO": (0.30, 250_000_000.0, 1.50, 0.055, 0.020),
    "USDC": (1.00, 26_000_000_000.0, 0.00, 0.0, 0.150),
}


def make_frame(seed: int = SEED, days: int = DAYS, start: str = START) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days, freq="D")
    market = rng.normal(0.0005, 0.028, size=days)
    market[0] = 0.0
    rows = []
    for symbol, (p0, supply0, beta, idio, turnover) in TOKENS.items():
        if symbol == "USDC":
            # mean-reverting peg noise of a few bps, never exactly repeated
            dev = np.zeros(days)
            for t in range(1, days):
                dev[t] = 0.7 * dev[t - 1] + rng.normal(0.0, 0.00012)
            price = 1.0 + dev
        else:
            r = beta * market + rng.normal(0.0, idio, size=days)
            r[0] = 0.0
            price = p0 * np.exp(np.cumsum(r))
        supply = supply0 * np.exp(np.cumsum(np.full(days, 0.0002)))
        mcap = price * supply
        volume = mcap * turnover * np.exp(rng.normal(0.0, 0.25, size=days))
        rows.append(pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "token": symbol, "price": price,
                                  "market_cap": mcap, "volume": volume}))
    return pd.concat(rows, ignore_index=True)


def main() -> None:
    out = Path(__file__).with_name("sample_market.csv")
    make_frame().to_csv(out, index=False, float_format="%.10g")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
