"""The one interface every market-data source implements.

Implementing a new source (e.g. an on-chain Uniswap V2 spot-price reader)
-----------------------------------------------------------------------
Subclass :class:`MarketDataSource` and implement :meth:`MarketDataSource.fetch_raw`:

* input: the :class:`~keeper.market.schema.TokenMetadata` of the tokens wanted (fetch only
  those; use ``TokenInfo`` fields such as ``chains`` or your own mapping to find pools);
* output: a long ``pandas.DataFrame`` with columns ``date`` (``YYYY-MM-DD`` string or
  midnight-UTC timestamps), ``token`` (metadata symbol), ``price``, ``market_cap``,
  ``volume`` (USD floats), one row per token and UTC day. Aggregate intraday observations
  yourself (e.g. last observation of the day). If you cannot know market cap or volume,
  compute it (price x circulating supply) or write ``0.0`` and document it; NaN is
  rejected by validation. Raise :class:`~keeper.exceptions.MarketSourceError` for I/O or
  protocol failures (include what was requested).

Do not validate, sort or repair in ``fetch_raw``: :meth:`MarketDataSource.load` runs
:func:`~keeper.market.validate.validate_market_frame` on whatever you return, so every
source gets identical checks. Set ``source_id`` to a short stable name for reports.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import pandas as pd

from keeper.market.schema import TokenMetadata
from keeper.market.validate import RepairPolicy, validate_market_frame


class MarketDataSource(ABC):
    """A provider of daily market data for a set of tokens."""

    source_id: str = "abstract"

    @abstractmethod
    def fetch_raw(self, metadata: TokenMetadata) -> pd.DataFrame:
        """Return unvalidated long-format rows for ``metadata``'s tokens (see module doc)."""

    def load(self, metadata: TokenMetadata, repair: RepairPolicy = RepairPolicy()) -> pd.DataFrame:
        """Fetch and validate; returns the normalised table of :func:`validate_market_frame`.

        Gaps of at most ``repair.max_ffill_days`` days are accepted here and filled (and
        reported) when the table is prepared for a strategy; the returned rows are the raw
        ones, so the input hash covers exactly what the source delivered.

        @raises DataValidationError on bad data, MarketSourceError when fetching fails
        """
        return validate_market_frame(self.fetch_raw(metadata), metadata, repair)
