"""The market as the backtester sees it: validated once, as dense arrays, with cached snapshots.

:class:`MarketData` validates a long table with the keeper's own gate
(:func:`~keeper.market.validate_market_frame`) and pivots it into ``(days x tokens)``
arrays over a contiguous daily calendar for the simulation. Target weights never come from
these arrays: they come from the keeper's weight pipeline (:func:`keeper.weights.compute_weight_vector`,
the computation of :func:`~keeper.weights.compute_target_weights`) on a
:class:`~keeper.market.PreparedMarket`, built once per (universe, repair policy) and cached
here (:meth:`MarketData.prepared`).

Array conventions: ``price`` and ``volume`` are NaN before a token's first row and after its
last row; internal gaps (allowed by the repair policy) carry the last observed values, as
the keeper's preparation does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from keeper.exceptions import ConfigError
from keeper.market import RISK_TIERS, SECTORS, PreparedMarket, RepairPolicy, TokenMetadata, prepare_market
from keeper.market.validate import validate_market_frame


def _opt_tuple(value: Any, what: str, allowed: Sequence[str] | None = None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise ConfigError(f"universe.{what} must be a non-empty list of strings, got {value!r}")
    items = tuple(sorted({str(v) for v in value}))
    if allowed is not None and (bad := [v for v in items if v not in allowed]):
        raise ConfigError(f"universe.{what}: unknown {bad}; use {list(allowed)}")
    return items


@dataclass(frozen=True)
class Universe:
    """Which metadata tokens a sleeve may hold: filters by sector, risk tier and symbol (ANDed).

    ``None`` means no filter; the empty ``Universe()`` is every token of the metadata.
    """

    sectors: tuple[str, ...] | None = None
    tiers: tuple[str, ...] | None = None
    tokens: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "sectors", _opt_tuple(self.sectors, "sectors", SECTORS))
        object.__setattr__(self, "tiers", _opt_tuple(self.tiers, "tiers", RISK_TIERS))
        object.__setattr__(self, "tokens", _opt_tuple(self.tokens, "tokens"))

    @property
    def is_all(self) -> bool:
        return self.sectors is None and self.tiers is None and self.tokens is None

    def select(self, metadata: TokenMetadata) -> tuple[str, ...]:
        """Symbols of ``metadata`` passing every filter (sorted)."""
        return tuple(t.symbol for t in metadata
                     if (self.sectors is None or t.sector in self.sectors)
                     and (self.tiers is None or t.risk_tier in self.tiers)
                     and (self.tokens is None or t.symbol in self.tokens))

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) for k, v in (("sectors", self.sectors), ("tiers", self.tiers),
                                         ("tokens", self.tokens)) if v is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Universe:
        data = data or {}
        if not isinstance(data, Mapping) or set(data) - {"sectors", "tiers", "tokens"}:
            raise ConfigError(f"universe takes only 'sectors', 'tiers', 'tokens'; got {data!r}")
        return cls(**dict(data))

    def describe(self) -> str:
        if self.is_all:
            return "all tokens"
        return "; ".join(f"{k} {', '.join(v)}" for k, v in self.to_dict().items())


class MarketData:
    """Validated market + metadata, as arrays for simulation and prepared markets for weights.

    @param frame    long table (``date, token, price, market_cap, volume``)
    @param metadata sectors / tiers of the tokens (every token of ``frame`` must be in it)
    @param repair   accepted data gaps (the largest repair policy of the configurations run)
    @param source   short description for reports (e.g. ``"csv:examples/market/sample_market.csv"``)
    """

    def __init__(self, frame: pd.DataFrame, metadata: TokenMetadata, repair: RepairPolicy = RepairPolicy(),
                 source: str = "frame"):
        self.frame = validate_market_frame(frame, metadata, repair)
        self.metadata = metadata
        self.repair = repair
        self.source = source
        days = self.frame["date"].to_numpy().astype("datetime64[D]")
        codes, uniques = pd.factorize(self.frame["token"].to_numpy(), sort=True)
        self.tokens: tuple[str, ...] = tuple(str(u) for u in uniques)
        self.index = {t: j for j, t in enumerate(self.tokens)}
        self.dates = np.arange(days.min(), days.max() + np.timedelta64(1, "D"), dtype="datetime64[D]")
        rows = (days - self.dates[0]).astype(np.int64)
        shape = (self.dates.size, len(self.tokens))
        present = np.zeros(shape, dtype=bool)
        present[rows, codes] = True
        self.first_idx = np.argmax(present, axis=0)
        self.last_idx = shape[0] - 1 - np.argmax(present[::-1], axis=0)
        r = np.arange(shape[0])[:, None]
        inside = (r >= self.first_idx) & (r <= self.last_idx)
        src = np.maximum.accumulate(np.where(present, r, 0), axis=0)
        cols = np.arange(shape[1])[None, :]
        arrays = {}
        for col in ("price", "market_cap", "volume"):
            m = np.zeros(shape)
            m[rows, codes] = self.frame[col].to_numpy(dtype=np.float64)
            arrays[col] = np.where(inside, m[src, cols], np.nan)
        self.price: np.ndarray = arrays["price"]
        self.market_cap: np.ndarray = arrays["market_cap"]
        self.volume: np.ndarray = arrays["volume"]
        self.sectors = tuple(metadata[t].sector for t in self.tokens)
        self.tiers = tuple(metadata[t].risk_tier for t in self.tokens)
        self._prepared: dict[tuple[Universe, RepairPolicy], tuple[PreparedMarket, TokenMetadata]] = {}

    @property
    def days(self) -> int:
        return int(self.dates.size)

    def date(self, i: int) -> Any:
        """Calendar day ``i`` as a ``datetime.date``."""
        return self.dates[i].astype(object)

    def prepared(self, universe: Universe, repair: RepairPolicy) -> tuple[PreparedMarket, TokenMetadata]:
        """The PreparedMarket and metadata of ``universe`` (built on first use, then cached)."""
        key = (universe, repair)
        if key not in self._prepared:
            if repair.max_ffill_days > self.repair.max_ffill_days:
                raise ConfigError(f"a configuration's repair.max_ffill_days={repair.max_ffill_days} exceeds "
                                  f"the market's ({self.repair.max_ffill_days}); load the market with it")
            # the metadata handed to the keeper must not depend on which tokens have data (later
            # listings would otherwise change earlier hashes): filter by the universe only
            symbols = universe.select(self.metadata)
            if not any(s in self.index for s in symbols):
                raise ConfigError(f"universe ({universe.describe()}) selects no token with market data")
            if universe.is_all:
                frame, meta = self.frame, self.metadata
            else:
                frame = self.frame[self.frame["token"].isin(symbols)].reset_index(drop=True)
                meta = self.metadata.subset(symbols)
            self._prepared[key] = (prepare_market(frame, meta, repair), meta)
        return self._prepared[key]

    def describe(self) -> str:
        return (f"{self.source}: {len(self.tokens)} tokens, {self.days} days "
                f"({self.dates[0]}..{self.dates[-1]})")
