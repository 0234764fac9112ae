"""Vocabulary of the market layer: column names, sectors, risk tiers, token metadata.

Token metadata files
--------------------
JSON: a list of objects ``{"symbol", "name", "sector", "risk_tier", "chains", "coingecko_id"}``
where ``chains`` is a list of chain names (``["home", "spoke"]``).
CSV: the same columns; ``chains`` holds the chain names separated by ``;`` or ``,``
(quote the field when using commas). ``coingecko_id`` may be empty.
A token listed on several chains is one row with several chains, never several rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from keeper.exceptions import DataIssue, DataValidationError

SECTORS: tuple[str, ...] = (
    "DeFi",
    "DePIN-compute",
    "DePIN-storage",
    "DePIN-wireless",
    "DePIN-sensors",
    "DePIN-energy",
    "L1",
    "L2",
    "stablecoin",
)
RISK_TIERS: tuple[str, ...] = ("conservative", "balanced", "aggressive")
MARKET_COLUMNS: tuple[str, ...] = ("date", "token", "price", "market_cap", "volume")
METADATA_FIELDS: tuple[str, ...] = ("symbol", "name", "sector", "risk_tier", "chains", "coingecko_id")

_CHAIN_SPLIT = re.compile(r"[;,]")


@dataclass(frozen=True)
class TokenInfo:
    """Static description of one index token.

    @param symbol       ticker used everywhere as the token key (e.g. ``"WETH"``)
    @param name         human-readable name
    @param sector       one of :data:`SECTORS`
    @param risk_tier    one of :data:`RISK_TIERS`
    @param chains       sorted chain names where the vault can hold it (``"home"``, ``"spoke"``)
    @param coingecko_id CoinGecko coin id for the HTTP source, or None
    """

    symbol: str
    name: str
    sector: str
    risk_tier: str
    chains: tuple[str, ...]
    coingecko_id: str | None = None

    def to_record(self) -> dict[str, Any]:
        """Return a JSON-able dict (the canonical form used by the input hash)."""
        return {
            "symbol": self.symbol,
            "name": self.name,
            "sector": self.sector,
            "risk_tier": self.risk_tier,
            "chains": list(self.chains),
            "coingecko_id": self.coingecko_id,
        }


class TokenMetadata:
    """Immutable, validated collection of :class:`TokenInfo`, ordered by symbol.

    Construction validates every entry and raises :class:`DataValidationError` listing all
    unknown sectors/tiers, duplicate or empty symbols, and empty chain lists.
    """

    __slots__ = ("_by_symbol", "_tokens")

    def __init__(self, tokens: Iterable[TokenInfo]):
        items = list(tokens)
        issues = _check_tokens(items)
        if issues:
            raise DataValidationError(issues)
        ordered = tuple(sorted(items, key=lambda t: t.symbol))
        self._tokens = ordered
        self._by_symbol = {t.symbol: t for t in ordered}

    # --- constructors -------------------------------------------------------------
    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> TokenMetadata:
        """Build from dicts with the :data:`METADATA_FIELDS` keys (``chains`` list or string)."""
        tokens = []
        issues = []
        for i, rec in enumerate(records):
            missing = [f for f in ("symbol", "sector", "risk_tier", "chains") if f not in rec]
            if missing:
                issues.append(DataIssue("metadata_missing_field", str(rec.get("symbol") or f"row {i}"),
                                        None, f"missing field(s) {missing}",
                                        f"give every token the fields {list(METADATA_FIELDS)}"))
                continue
            tokens.append(TokenInfo(
                symbol=str(rec["symbol"]).strip(),
                name=str(rec.get("name") or rec["symbol"]).strip(),
                sector=str(rec["sector"]).strip(),
                risk_tier=str(rec["risk_tier"]).strip(),
                chains=_parse_chains(rec["chains"]),
                coingecko_id=_optional_str(rec.get("coingecko_id")),
            ))
        if issues:
            raise DataValidationError(issues)
        return cls(tokens)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> TokenMetadata:
        """Build from a DataFrame with the :data:`METADATA_FIELDS` columns."""
        return cls.from_records(frame.to_dict(orient="records"))

    @classmethod
    def from_file(cls, path: str | Path) -> TokenMetadata:
        """Load a ``.json`` or ``.csv`` metadata file (format in the module docstring)."""
        path = Path(path)
        if path.suffix.lower() == ".json":
            with path.open("r", encoding="utf-8") as fh:
                data = json.load(fh)
            if isinstance(data, dict) and "tokens" in data:
                data = data["tokens"]
            return cls.from_records(data)
        if path.suffix.lower() == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            return cls.from_frame(frame)
        raise DataValidationError([DataIssue("metadata_format", None, None,
                                             f"unsupported metadata file {path}", "use .json or .csv")])

    # --- access ---------------------------------------------------------------------
    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(self._by_symbol)

    def __getitem__(self, symbol: str) -> TokenInfo:
        return self._by_symbol[symbol]

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._by_symbol

    def __iter__(self) -> Iterator[TokenInfo]:
        return iter(self._tokens)

    def __len__(self) -> int:
        return len(self._tokens)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TokenMetadata) and self._tokens == other._tokens

    def __hash__(self) -> int:
        return hash(self._tokens)

    def __repr__(self) -> str:
        return f"TokenMetadata({len(self)} tokens: {', '.join(self.symbols)})"

    def to_records(self) -> list[dict[str, Any]]:
        """JSON-able list ordered by symbol (canonical form for hashing and files)."""
        return [t.to_record() for t in self._tokens]

    def to_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.to_records(), columns=list(METADATA_FIELDS))
        frame["chains"] = frame["chains"].map(";".join)
        return frame

    def subset(self, symbols: Iterable[str]) -> TokenMetadata:
        """Metadata restricted to ``symbols`` (KeyError for unknown ones)."""
        return TokenMetadata(self._by_symbol[s] for s in symbols)


def _optional_str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from pandas
        return None
    text = str(value).strip()
    return text or None


def _parse_chains(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        parts = _CHAIN_SPLIT.split(value)
    elif isinstance(value, (list, tuple)):
        parts = [str(v) for v in value]
    else:
        parts = []
    # sorted + deduplicated so the same chain set always hashes the same
    return tuple(sorted({p.strip() for p in parts if p.strip()}))


def _check_tokens(tokens: list[TokenInfo]) -> list[DataIssue]:
    issues: list[DataIssue] = []
    seen: set[str] = set()
    for t in tokens:
        if not t.symbol:
            issues.append(DataIssue("metadata_symbol", None, None, "empty token symbol",
                                    "give every metadata row a symbol"))
            continue
        if t.symbol in seen:
            issues.append(DataIssue("metadata_duplicate", t.symbol, None, "symbol listed twice",
                                    "keep one row per token; list several chains in its `chains` field"))
        seen.add(t.symbol)
        if t.sector not in SECTORS:
            issues.append(DataIssue("metadata_sector", t.symbol, None, f"unknown sector {t.sector!r}",
                                    f"use one of {list(SECTORS)}"))
        if t.risk_tier not in RISK_TIERS:
            issues.append(DataIssue("metadata_tier", t.symbol, None, f"unknown risk tier {t.risk_tier!r}",
                                    f"use one of {list(RISK_TIERS)}"))
        if not t.chains:
            issues.append(DataIssue("metadata_chains", t.symbol, None, "no chain listed",
                                    "list at least one chain, e.g. 'home'"))
    return issues
