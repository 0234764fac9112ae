"""Market data for the keeper: sources behind one interface, validation and preparation.

* :class:`MarketDataSource` -- the interface (``fetch_raw`` + validating ``load``);
  implementations: :class:`CsvMarketSource`, :class:`ParquetMarketSource`,
  :class:`CoinGeckoSource` (HTTP via :class:`HttpJsonClient`).
* :func:`validate_market_frame` -- the gate against bad data; :class:`RepairPolicy` is the
  only (opt-in) repair.
* :func:`prepare_market` -- validated arrays for fast, look-ahead-free snapshots.
* :class:`TokenMetadata` -- sectors, risk tiers and chains of the index tokens.
"""

from keeper.market.cache import DiskCache, request_key
from keeper.market.coingecko import CoinGeckoSource, market_chart_to_frame
from keeper.market.files import CsvMarketSource, ParquetMarketSource
from keeper.market.http import Attempt, HttpJsonClient, RateLimiter, RetryPolicy
from keeper.market.prepared import MarketSnapshot, PreparedMarket, RepairRecord, TokenStatus, prepare_market
from keeper.market.schema import MARKET_COLUMNS, RISK_TIERS, SECTORS, TokenInfo, TokenMetadata
from keeper.market.source import MarketDataSource
from keeper.market.validate import RepairPolicy, validate_market_frame

__all__ = [
    "Attempt", "CoinGeckoSource", "CsvMarketSource", "DiskCache", "HttpJsonClient", "MARKET_COLUMNS",
    "MarketDataSource", "MarketSnapshot", "ParquetMarketSource", "PreparedMarket", "RISK_TIERS",
    "RateLimiter", "RepairPolicy", "RepairRecord", "RetryPolicy", "SECTORS", "TokenInfo", "TokenMetadata",
    "TokenStatus", "market_chart_to_frame", "prepare_market", "request_key", "validate_market_frame",
]
