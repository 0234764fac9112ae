"""Exposures by sector, risk tier and chain, and risk-policy compliance of per-vault weights.

Holdings table
--------------
One row per (chain, vault, token) with columns ``chain, vault, token, sector, risk_tier, value``
(``value`` in the report's quote currency, finite and >= 0). Extra columns are kept. A vault is
identified by the pair (chain, vault): the same address may exist on several chains.

Exposure tables have columns ``key, value, weight`` (weight = value / total of the table),
sorted by value, largest first.

Compliance
----------
A :class:`RiskPolicy` mirrors the on-chain ``RiskPolicy`` struct with fractions instead of bps:
``max_token_weight``, ``max_sector_weight`` (with optional per-sector overrides), and a floor and
a cap per risk tier. :func:`check_compliance` lists *every* breach of every vault, like the
contract's checks: a weight strictly above a cap, or a tier strictly below its floor (a tier
with no token weighs 0), beyond a small ``tolerance`` for float noise.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from analytics.exceptions import AnalyticsInputError, SchemaError, SchemaIssue
from analytics.metrics.taxonomy import HOLDINGS_COLUMNS, RISK_TIERS, SECTORS

VAULT_KEY: tuple[str, str] = ("chain", "vault")
BREACH_KINDS: tuple[str, ...] = ("token_weight_above_cap", "sector_weight_above_cap",
                                 "tier_weight_below_floor", "tier_weight_above_cap")


def validate_holdings(holdings: pd.DataFrame, *, value_column: str = "value",
                      source: str = "holdings") -> pd.DataFrame:
    """Check the holdings schema; raise :class:`SchemaError` listing every bad row and column."""
    if not isinstance(holdings, pd.DataFrame):
        raise AnalyticsInputError(f"{source} must be a pandas DataFrame, got {type(holdings).__name__}")
    required = [c for c in HOLDINGS_COLUMNS if c != "value"] + [value_column]
    missing = [c for c in required if c not in holdings.columns]
    if missing:
        raise SchemaError([SchemaIssue(None, c, "required column is missing") for c in missing], source)
    issues: list[SchemaIssue] = []
    df = holdings.reset_index(drop=True)
    numbers = pd.to_numeric(df[value_column], errors="coerce")
    for i in range(len(df)):
        for col in ("chain", "vault", "token"):
            if not isinstance(df.at[i, col], str) or not df.at[i, col].strip():
                issues.append(SchemaIssue(i, col, f"must be a non-empty string, got {df.at[i, col]!r}"))
        if df.at[i, "sector"] not in SECTORS:
            issues.append(SchemaIssue(i, "sector",
                                      f"unknown sector {df.at[i, 'sector']!r}; use one of {list(SECTORS)}"))
        if df.at[i, "risk_tier"] not in RISK_TIERS:
            issues.append(SchemaIssue(i, "risk_tier", f"unknown tier {df.at[i, 'risk_tier']!r}; use one of "
                                                      f"{list(RISK_TIERS)}"))
        v = numbers.iat[i]
        if not math.isfinite(v) or v < 0:
            issues.append(SchemaIssue(i, value_column, f"must be a finite number >= 0, got {df.at[i, value_column]!r}"))
    dup = df.duplicated(subset=["chain", "vault", "token"], keep="first")
    for i in np.flatnonzero(dup.to_numpy()):
        issues.append(SchemaIssue(int(i), "token", f"duplicate holding of {df.at[i, 'token']!r} in vault "
                                                   f"{df.at[i, 'vault']!r} on {df.at[i, 'chain']!r}"))
    if issues:
        raise SchemaError(issues, source)
    out = df.copy()
    out[value_column] = numbers.astype(float)
    return out


def exposure_by(holdings: pd.DataFrame, key: str) -> pd.DataFrame:
    """Aggregate ``value`` by ``key`` (any holdings column) into ``key, value, weight`` rows."""
    df = validate_holdings(holdings)
    if key not in df.columns:
        raise AnalyticsInputError(f"no column {key!r} in holdings; have {list(df.columns)}")
    grouped = df.groupby(key, sort=False)["value"].sum()
    total = float(grouped.sum())
    out = pd.DataFrame({"key": grouped.index.astype(str), "value": grouped.to_numpy(dtype=float)})
    out["weight"] = out["value"] / total if total > 0 else np.nan
    return out.sort_values(["value", "key"], ascending=[False, True], kind="stable").reset_index(drop=True)


def exposure_by_sector(holdings: pd.DataFrame) -> pd.DataFrame:
    """Exposure per sector across every vault and chain."""
    return exposure_by(holdings, "sector")


def exposure_by_tier(holdings: pd.DataFrame) -> pd.DataFrame:
    """Exposure per risk tier across every vault and chain."""
    return exposure_by(holdings, "risk_tier")


def exposure_by_chain(holdings: pd.DataFrame) -> pd.DataFrame:
    """Exposure per chain across every vault."""
    return exposure_by(holdings, "chain")


def vault_weights(holdings: pd.DataFrame) -> pd.DataFrame:
    """The holdings with a ``weight`` column: value / total value of the same (chain, vault).

    A vault whose holdings are all worth 0 is an error (its weights are undefined).
    """
    df = validate_holdings(holdings)
    totals = df.groupby(list(VAULT_KEY))["value"].transform("sum")
    empty = df.loc[totals <= 0, list(VAULT_KEY)].drop_duplicates()
    if len(empty):
        raise AnalyticsInputError(f"vault(s) with zero total value, weights undefined: {empty.values.tolist()}")
    df["weight"] = df["value"] / totals
    return df


@dataclass(frozen=True)
class RiskPolicy:
    """A vault's risk policy as fractions in [0, 1] (the contract stores bps).

    @param max_token_weight  cap on any single token
    @param max_sector_weight default cap on any sector
    @param tier_floors       minimum weight per risk tier (missing tiers: 0)
    @param tier_caps         maximum weight per risk tier (missing tiers: 1)
    @param sector_caps       per-sector overrides of ``max_sector_weight`` (the contract has none)
    """

    max_token_weight: float = 1.0
    max_sector_weight: float = 1.0
    tier_floors: Mapping[str, float] = field(default_factory=dict)
    tier_caps: Mapping[str, float] = field(default_factory=dict)
    sector_caps: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        checks = [("max_token_weight", self.max_token_weight), ("max_sector_weight", self.max_sector_weight)]
        checks += [(f"tier_floors.{t}", v) for t, v in self.tier_floors.items()]
        checks += [(f"tier_caps.{t}", v) for t, v in self.tier_caps.items()]
        checks += [(f"sector_caps.{s}", v) for s, v in self.sector_caps.items()]
        for name, v in checks:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= v <= 1.0:
                raise AnalyticsInputError(f"policy {name} must be a fraction in [0, 1], got {v!r}")
        for t in (*self.tier_floors, *self.tier_caps):
            if t not in RISK_TIERS:
                raise AnalyticsInputError(f"policy names unknown tier {t!r}; use one of {list(RISK_TIERS)}")
        for s in self.sector_caps:
            if s not in SECTORS:
                raise AnalyticsInputError(f"policy names unknown sector {s!r}; use one of {list(SECTORS)}")
        for t in RISK_TIERS:
            if self.floor(t) > self.cap(t):
                raise AnalyticsInputError(f"policy tier {t!r}: floor {self.floor(t)} above cap {self.cap(t)}")

    def floor(self, tier: str) -> float:
        return float(self.tier_floors.get(tier, 0.0))

    def cap(self, tier: str) -> float:
        return float(self.tier_caps.get(tier, 1.0))

    def sector_cap(self, sector: str) -> float:
        return float(self.sector_caps.get(sector, self.max_sector_weight))

    @classmethod
    def from_bps(cls, max_token_bps: int, max_sector_bps: int, tier_min_bps: Sequence[int],
                 tier_max_bps: Sequence[int]) -> "RiskPolicy":
        """From the on-chain struct: tier arrays indexed like the RiskTier enum (conservative, balanced, aggressive)."""
        if len(tier_min_bps) != len(RISK_TIERS) or len(tier_max_bps) != len(RISK_TIERS):
            raise AnalyticsInputError(f"tier bps arrays must have {len(RISK_TIERS)} entries")
        return cls(max_token_weight=max_token_bps / 10_000, max_sector_weight=max_sector_bps / 10_000,
                   tier_floors={t: b / 10_000 for t, b in zip(RISK_TIERS, tier_min_bps)},
                   tier_caps={t: b / 10_000 for t, b in zip(RISK_TIERS, tier_max_bps)})

    def to_dict(self) -> dict[str, Any]:
        return {"max_token_weight": self.max_token_weight, "max_sector_weight": self.max_sector_weight,
                "tier_floors": {t: self.floor(t) for t in RISK_TIERS},
                "tier_caps": {t: self.cap(t) for t in RISK_TIERS}, "sector_caps": dict(self.sector_caps)}


@dataclass(frozen=True)
class Breach:
    """One policy breach: ``kind`` is one of :data:`BREACH_KINDS`; ``subject`` the token, sector or tier."""

    chain: str
    vault: str
    kind: str
    subject: str
    value: float
    limit: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


PolicyLike = RiskPolicy | Mapping[tuple[str, str], RiskPolicy]


def check_compliance(weights: pd.DataFrame, policy: PolicyLike, *, weight_column: str = "weight",
                     tolerance: float = 1e-9) -> list[Breach]:
    """Every breach of ``policy`` by the per-vault weights in ``weights``.

    ``weights`` has the holdings columns with ``weight_column`` instead of ``value`` (e.g. the
    output of :func:`vault_weights`, or target weights). ``policy`` is one policy for all vaults or
    a mapping (chain, vault) -> policy; a vault without a policy in the mapping is an error.
    Breaches come out vault by vault, then tokens, sectors, tiers, each in a stable order.
    """
    df = validate_holdings(weights, value_column=weight_column, source="weights")
    breaches: list[Breach] = []
    for (chain, vault), rows in df.groupby(list(VAULT_KEY), sort=True):
        if isinstance(policy, RiskPolicy):
            pol = policy
        elif (chain, vault) in policy:
            pol = policy[(chain, vault)]
        else:
            raise AnalyticsInputError(f"no risk policy given for vault {vault!r} on {chain!r}")
        for token, w in rows.groupby("token", sort=True)[weight_column].sum().items():
            if w > pol.max_token_weight + tolerance:
                breaches.append(Breach(chain, vault, "token_weight_above_cap", token, float(w), pol.max_token_weight))
        for sector, w in rows.groupby("sector", sort=True)[weight_column].sum().items():
            if w > pol.sector_cap(sector) + tolerance:
                breaches.append(Breach(chain, vault, "sector_weight_above_cap", sector, float(w),
                                       pol.sector_cap(sector)))
        tiers = rows.groupby("risk_tier")[weight_column].sum()
        for tier in RISK_TIERS:
            w = float(tiers.get(tier, 0.0))
            if w < pol.floor(tier) - tolerance:
                breaches.append(Breach(chain, vault, "tier_weight_below_floor", tier, w, pol.floor(tier)))
            if w > pol.cap(tier) + tolerance:
                breaches.append(Breach(chain, vault, "tier_weight_above_cap", tier, w, pol.cap(tier)))
    return breaches
