"""Market data over HTTP in the CoinGecko ``market_chart`` shape.

For each token with a ``coingecko_id`` the source requests
``{base_url}/coins/{id}/market_chart?vs_currency=usd&days=N`` which answers
``{"prices": [[ms, v], ...], "market_caps": [[ms, v], ...], "total_volumes": [[ms, v], ...]}``.
Timestamps are converted to UTC days and the *last* observation of each day is kept
(for long ranges CoinGecko returns one point per day at 00:00 UTC plus a final
"now" point, which becomes the current, partial day). A day missing from one of the three
series is left as NaN so validation reports it instead of guessing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from keeper.exceptions import MarketSourceError
from keeper.market.http import HttpJsonClient
from keeper.market.schema import TokenMetadata
from keeper.market.source import MarketDataSource

_SERIES = {"prices": "price", "market_caps": "market_cap", "total_volumes": "volume"}


class CoinGeckoSource(MarketDataSource):
    """HTTP source in the CoinGecko API shape (see module docstring).

    @param client   configured :class:`HttpJsonClient` (retries, rate limit, cache); for the
                    public API use e.g. ``min_interval=2.5`` (about 24 calls per minute) and a
                    :class:`~keeper.market.cache.DiskCache` with a TTL of an hour or more
    @param days     history length requested per token
    @param base_url API root, e.g. ``https://api.coingecko.com/api/v3`` or a local mirror
    """

    source_id = "coingecko"

    def __init__(self, client: HttpJsonClient, days: int, base_url: str = "https://api.coingecko.com/api/v3",
                 vs_currency: str = "usd"):
        if days < 1:
            raise ValueError("days must be >= 1")
        self.client = client
        self.days = int(days)
        self.base_url = base_url.rstrip("/")
        self.vs_currency = vs_currency

    def fetch_raw(self, metadata: TokenMetadata) -> pd.DataFrame:
        missing = [t.symbol for t in metadata if not t.coingecko_id]
        if missing:
            raise MarketSourceError(f"token(s) {missing} have no coingecko_id in the metadata; "
                                    "add the CoinGecko coin id or fetch them from another source")
        frames = []
        for info in metadata:  # symbol order: deterministic request sequence
            url = f"{self.base_url}/coins/{info.coingecko_id}/market_chart"
            body = self.client.get_json(url, {"vs_currency": self.vs_currency, "days": self.days})
            frames.append(market_chart_to_frame(body, info.symbol, url))
        return pd.concat(frames, ignore_index=True)


def market_chart_to_frame(body: Any, token: str, origin: str = "response") -> pd.DataFrame:
    """Convert one ``market_chart`` JSON body into long-format daily rows for ``token``."""
    if not isinstance(body, dict):
        raise MarketSourceError(f"{origin}: expected a JSON object, got {type(body).__name__}")
    per_series = {}
    for key, column in _SERIES.items():
        points = body.get(key)
        if not isinstance(points, list):
            raise MarketSourceError(f"{origin}: field {key!r} missing or not a list")
        try:
            arr = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        except (TypeError, ValueError) as exc:
            raise MarketSourceError(f"{origin}: field {key!r} is not a list of [ms, value] pairs") from exc
        days = pd.to_datetime(arr[:, 0], unit="ms", utc=True).tz_convert(None).normalize()
        series = pd.Series(arr[:, 1], index=days)
        # stable sort keeps the original order within a day, so "last" is the latest point
        series = series.sort_index(kind="stable")
        per_series[column] = series[~series.index.duplicated(keep="last")]
    table = pd.concat(per_series, axis=1)  # outer join on day: gaps become NaN, caught later
    if table.empty:
        raise MarketSourceError(f"{origin}: no data points for {token}")
    table.index.name = "date"
    out = table.reset_index()
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    out.insert(1, "token", token)
    return out[["date", "token", "price", "market_cap", "volume"]]
