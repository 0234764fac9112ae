"""File-backed market-data sources: CSV and Parquet in the long format."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from keeper.exceptions import MarketSourceError
from keeper.market.schema import TokenMetadata
from keeper.market.source import MarketDataSource


class CsvMarketSource(MarketDataSource):
    """Reads ``date,token,price,market_cap,volume`` rows from a CSV file.

    By default a row of a token absent from the metadata fails validation
    (``unknown_token``). Pass ``drop_unlisted_tokens=True`` to knowingly read a file that
    covers a larger universe; the dropped rows then never reach validation or the hash.
    """

    source_id = "csv"

    def __init__(self, path: str | Path, drop_unlisted_tokens: bool = False):
        """@param drop_unlisted_tokens opt-in: drop rows of tokens not in the metadata."""
        self.path = Path(path)
        self.drop_unlisted_tokens = drop_unlisted_tokens

    def fetch_raw(self, metadata: TokenMetadata) -> pd.DataFrame:
        try:
            # dates stay strings so validation sees exactly what the file says; round_trip parsing
            # gives the exact float the file spells, so the input hash does not depend on the parser
            frame = pd.read_csv(self.path, dtype={"date": str, "token": str}, float_precision="round_trip")
        except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise MarketSourceError(f"cannot read market CSV {self.path}: {exc}") from exc
        return _restrict(frame, metadata, self.drop_unlisted_tokens)


class ParquetMarketSource(MarketDataSource):
    """Reads the long-format table from a Parquet file (needs ``pyarrow``)."""

    source_id = "parquet"

    def __init__(self, path: str | Path, drop_unlisted_tokens: bool = False):
        """@param drop_unlisted_tokens opt-in: drop rows of tokens not in the metadata."""
        self.path = Path(path)
        self.drop_unlisted_tokens = drop_unlisted_tokens

    def fetch_raw(self, metadata: TokenMetadata) -> pd.DataFrame:
        try:
            frame = pd.read_parquet(self.path)
        except ImportError as exc:
            raise MarketSourceError(f"reading Parquet needs pyarrow (pip install pyarrow): {exc}") from exc
        except (OSError, ValueError) as exc:
            raise MarketSourceError(f"cannot read market Parquet {self.path}: {exc}") from exc
        return _restrict(frame, metadata, self.drop_unlisted_tokens)


def _restrict(frame: pd.DataFrame, metadata: TokenMetadata, drop_unlisted: bool) -> pd.DataFrame:
    if not drop_unlisted or "token" not in frame.columns:
        return frame
    return frame[frame["token"].astype(str).str.strip().isin(metadata.symbols)].reset_index(drop=True)
