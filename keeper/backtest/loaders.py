"""Market data for backtests from the keeper's sources, CoinGecko CSV exports, or the generator.

* :func:`load_csv` -- a long CSV (``date,token,price,market_cap,volume``, read by the keeper's
  :class:`~keeper.market.CsvMarketSource`), or CoinGecko's per-coin CSV exports (a file or a
  folder of files with ``snapped_at,price,market_cap,total_volume``, as downloaded from a
  coin's page, e.g. ``btc-usd-max.csv``). An export file belongs to the metadata token whose
  symbol or ``coingecko_id`` equals the file name, or its part before the first ``-``
  (case-insensitive); several observations on one UTC day keep the last.
* :func:`load_coingecko` -- the keeper's HTTP source (:class:`~keeper.market.CoinGeckoSource`)
  with retries, rate limit and an on-disk cache.
* :func:`load_synthetic` -- :mod:`keeper.backtest.synthetic`.

Every loader returns a :class:`~keeper.backtest.data.MarketData`, i.e. data that passed the
keeper's validation; problems are reported by it, never silently fixed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from keeper.backtest.data import MarketData
from keeper.backtest.synthetic import SyntheticSpec, generate_market
from keeper.exceptions import ConfigError, MarketSourceError
from keeper.market import (
    CoinGeckoSource,
    CsvMarketSource,
    DiskCache,
    HttpJsonClient,
    MarketDataSource,
    RepairPolicy,
    TokenMetadata,
)

EXPORT_COLUMNS = ("snapped_at", "price", "market_cap", "total_volume")


def _match_token(path: Path, metadata: TokenMetadata) -> str:
    stem = path.stem.lower()
    keys = {stem, stem.split("-")[0]}
    hits = sorted({t.symbol for t in metadata
                   if t.symbol.lower() in keys or (t.coingecko_id and t.coingecko_id.lower() in keys)})
    if len(hits) != 1:
        what = "no metadata token" if not hits else f"several tokens {hits}"
        raise MarketSourceError(f"{path}: {what} matches the file name; name it after the token symbol or "
                                "its coingecko_id (e.g. WBTC.csv or wrapped-bitcoin.csv)")
    return hits[0]


class CoinGeckoExportSource(MarketDataSource):
    """CoinGecko per-coin CSV exports (format and file naming in the module docstring)."""

    source_id = "coingecko-export"

    def __init__(self, paths: Sequence[str | Path]):
        self.paths = [Path(p) for p in paths]
        if not self.paths:
            raise MarketSourceError("no CoinGecko export files given")

    def fetch_raw(self, metadata: TokenMetadata) -> pd.DataFrame:
        frames, seen = [], {}
        for path in self.paths:
            token = _match_token(path, metadata)
            if token in seen:
                raise MarketSourceError(f"{path} and {seen[token]} both hold {token}")
            seen[token] = path
            try:
                raw = pd.read_csv(path, float_precision="round_trip")
            except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
                raise MarketSourceError(f"cannot read CoinGecko export {path}: {exc}") from exc
            missing = [c for c in EXPORT_COLUMNS if c not in raw.columns]
            if missing:
                raise MarketSourceError(f"{path}: missing column(s) {missing}; expected {list(EXPORT_COLUMNS)}")
            stamps = pd.to_datetime(raw["snapped_at"].astype(str).str.replace(" UTC", "", regex=False),
                                    utc=True, errors="coerce")
            if stamps.isna().any():
                row = int(stamps.isna().to_numpy().argmax())
                raise MarketSourceError(f"{path}: unreadable snapped_at {raw['snapped_at'].iloc[row]!r} (row {row})")
            day = stamps.dt.tz_convert(None).dt.normalize()
            table = pd.DataFrame({"date": day, "price": raw["price"], "market_cap": raw["market_cap"],
                                  "volume": raw["total_volume"]})
            table = table.sort_values("date", kind="stable").drop_duplicates("date", keep="last")
            table["date"] = table["date"].dt.strftime("%Y-%m-%d")
            table.insert(1, "token", token)
            frames.append(table)
        return pd.concat(frames, ignore_index=True)


def _is_export(path: Path) -> bool:
    try:
        header = pd.read_csv(path, nrows=0).columns
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise MarketSourceError(f"cannot read {path}: {exc}") from exc
    return "snapped_at" in header


def load_metadata(path: str | Path) -> TokenMetadata:
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"metadata file {p} not found")
    return TokenMetadata.from_file(p)


def load_csv(path: str | Path, metadata: TokenMetadata, repair: RepairPolicy = RepairPolicy()) -> MarketData:
    """A long CSV, one CoinGecko export file, or a folder of export files (see module docstring)."""
    p = Path(path)
    if p.is_dir():
        files = sorted(p.glob("*.csv"))
        if not files:
            raise MarketSourceError(f"{p}: no .csv file in the folder")
        source: MarketDataSource = CoinGeckoExportSource(files)
    elif p.is_file():
        source = CoinGeckoExportSource([p]) if _is_export(p) else CsvMarketSource(p)
    else:
        raise MarketSourceError(f"market CSV {p} not found")
    return MarketData(source.fetch_raw(metadata), metadata, repair, source=f"{source.source_id}:{p}")


def select_coingecko(metadata: TokenMetadata, ids: str) -> TokenMetadata:
    """The metadata tokens named by ``ids``: ``all`` or comma-separated coingecko ids / symbols."""
    if ids.strip() == "all":
        return metadata
    wanted = [i.strip() for i in ids.split(",") if i.strip()]
    by_key = {t.coingecko_id: t.symbol for t in metadata if t.coingecko_id} | {t.symbol: t.symbol for t in metadata}
    unknown = [i for i in wanted if i not in by_key]
    if unknown:
        raise ConfigError(f"--coingecko: {unknown} are neither coingecko ids nor symbols of the metadata")
    return metadata.subset(sorted({by_key[i] for i in wanted}))


def load_coingecko(metadata: TokenMetadata, ids: str, days: int, cache_dir: str | Path | None,
                   base_url: str = "https://api.coingecko.com/api/v3", min_interval: float = 2.5,
                   cache_ttl: float = 86_400.0, repair: RepairPolicy = RepairPolicy()) -> MarketData:
    """Daily history of the selected tokens over HTTP (one request per token, cached on disk).

    The last point CoinGecko returns is "now", a partial day; it is dropped so every day is complete.
    """
    chosen = select_coingecko(metadata, ids)
    cache = DiskCache(cache_dir, cache_ttl) if cache_dir else None
    client = HttpJsonClient(min_interval=min_interval, cache=cache)
    frame = CoinGeckoSource(client, days, base_url=base_url).fetch_raw(chosen)
    last_day = frame["date"].max()
    complete = frame[frame["date"] < last_day] if frame["date"].nunique() > 1 else frame
    return MarketData(complete.reset_index(drop=True), chosen, repair, source=f"coingecko:{base_url}")


def load_synthetic(spec: SyntheticSpec, repair: RepairPolicy = RepairPolicy()) -> MarketData:
    market = generate_market(spec)
    return MarketData(market.frame, market.metadata, repair,
                      source=f"synthetic(seed={spec.seed}, tokens={spec.tokens}, days={spec.days})")
