"""The ``audit`` dict: the contract between the chain-reading code and the report renderer.

An audit is a plain, JSON-serialisable dict (``audit.json`` is ``json.dumps`` of it). Every
section is optional: a missing (or None) section renders as "no data" with the reason found in
``audit["missing"][<section key>]`` (default: "not provided in the audit"). An empty list is
not missing: it means "looked, found nothing" (e.g. no breaches).

Conventions: weights, shares, returns and impacts are fractions (0.25 = 25%); ``value``, ``nav``,
``price`` are floats in the quote currency ``audit["quote"]`` (e.g. "USD"); token amounts in
holdings are floats in whole token units, while reconciliation and governance votes keep raw
integer units; dates and times are ISO 8601 strings (UTC, "Z" suffix for times).

Top level (:class:`Audit`)::

    schema_version  int, SCHEMA_VERSION                                 required
    generated_at    str, ISO time the audit was produced                required
    title           str, report title                                   optional
    quote           str, currency of values, default "USD"              optional
    chains          [ChainInfo]        -> Summary
    vaults          [VaultInfo]        -> Summary
    holdings        [HoldingRow]       -> Holdings & reconciliation
    reconciliation  [ReconciliationRow]-> Holdings & reconciliation
    allocation      Allocation         -> Allocation
    concentration   [ConcentrationRow] -> Concentration & compliance
    compliance      Compliance         -> Concentration & compliance
    drift           Drift              -> Drift & turnover
    liquidity       Liquidity          -> Exit liquidity
    risk_scan       RiskScan           -> Token risk scan
    performance     [PerformanceEntry] -> Performance & risk
    governance      Governance         -> Governance
    depin           Depin              -> DePIN fundamentals
    missing         {key: reason why it is absent}; keys: any section key above, plus
                    "summary" (chains and vaults both absent) and "proposals" (governance
                    without a proposals list)

See ``tests/analytics/conftest.py`` (``full_audit``) for a complete example, and
:func:`analytics.report.assemble.build_audit` to fill it from the metric functions.
"""

from __future__ import annotations

from typing import Any, Mapping, TypedDict

from analytics.exceptions import ReportError

SCHEMA_VERSION = 1

# Section keys in report order, each with the heading it renders under.
SECTION_HEADINGS: dict[str, str] = {
    "summary": "Summary",
    "holdings": "Holdings & reconciliation",
    "allocation": "Allocation",
    "concentration": "Concentration & compliance",
    "drift": "Drift & turnover",
    "liquidity": "Exit liquidity",
    "risk_scan": "Token risk scan",
    "performance": "Performance & risk",
    "governance": "Governance",
    "depin": "DePIN fundamentals",
}


class ChainInfo(TypedDict, total=False):
    name: str                    # "home", "spoke", ...  (required)
    chain_id: int                # (required)
    block: int                   # pinned block number every read used (required)
    block_timestamp: str | None  # ISO time of the pinned block


class VaultInfo(TypedDict, total=False):
    chain: str                   # (required)
    vault: str                   # address (required)
    name: str
    symbol: str
    nav: float                   # total value of accounted holdings, quote currency
    total_supply: float          # shares, whole units
    nav_per_share: float


class HoldingRow(TypedDict, total=False):
    chain: str                   # required: chain, vault, token, sector, risk_tier, value
    vault: str
    token: str                   # symbol (or address)
    sector: str                  # one of taxonomy.SECTORS
    risk_tier: str               # one of taxonomy.RISK_TIERS
    value: float
    amount: float                # whole token units (accounted holdings)
    price: float
    weight: float                # value / vault value
    target_weight: float | None


class ReconciliationRow(TypedDict, total=False):
    chain: str
    vault: str
    token: str
    symbol: str | None
    accounted: int               # raw units
    actual: int                  # raw units
    difference: int              # actual - accounted
    status: str                  # "ok" | "unaccounted_donation" | "shortfall" | "unknown_token"
    severity: str                # "ok" | "warning" | "critical"
    decimals: int | None


class ExposureRow(TypedDict):
    key: str
    value: float
    weight: float


class Allocation(TypedDict, total=False):
    sector: list[ExposureRow]
    risk_tier: list[ExposureRow]
    chain: list[ExposureRow]


class ConcentrationRow(TypedDict):
    chain: str
    vault: str
    n: int
    hhi: float
    effective_n: float
    top1: float
    top3: float


class BreachRow(TypedDict):
    chain: str
    vault: str
    kind: str                    # exposure.BREACH_KINDS
    subject: str                 # token, sector or tier
    value: float
    limit: float


class Compliance(TypedDict, total=False):
    policies: list[dict[str, Any]]   # {chain, vault, **RiskPolicy.to_dict()}
    breaches: list[BreachRow]        # every breach; [] = compliant


class Drift(TypedDict, total=False):
    tokens: list[dict[str, Any]]     # chain, vault, token, current_weight, target_weight, drift
    vaults: list[dict[str, Any]]     # chain, vault, max_abs_drift, max_drift_token, turnover


class Liquidity(TypedDict, total=False):
    fee: float
    fractions: list[float]           # e.g. [0.1, 0.5, 1.0]
    table: list[dict[str, Any]]      # liquidity.exit_liquidity_table rows (impact_10pct, out_10pct, ..., note)
    curves: list[dict[str, Any]]     # chain, vault, token, fraction, impact


class RiskFlag(TypedDict, total=False):
    chain: str
    token: str                   # address
    symbol: str
    flag: str                    # e.g. "owner_can_mint", "proxy_upgradeable", "fee_on_transfer"
    severity: str                # "info" | "warning" | "critical"
    detail: str


class RiskScan(TypedDict, total=False):
    tokens_scanned: int
    flags: list[RiskFlag]        # [] = scanned, nothing flagged


class PerformanceEntry(TypedDict, total=False):
    chain: str
    vault: str
    label: str
    benchmark_name: str | None
    periods_per_year: int
    portfolio: dict[str, Any]        # performance.PerformanceMetrics.to_dict() (dates as ISO strings)
    benchmark: dict[str, Any] | None
    relative: dict[str, Any] | None  # tracking_error, beta, excess_return, excess_cagr, information_ratio
    nav: list[dict[str, Any]]        # {date, nav, benchmark?}; benchmark rebased to the first NAV
    drawdown: list[dict[str, Any]]   # {date, drawdown}


class Governance(TypedDict, total=False):
    chain: str
    token: str                       # governance token symbol or address
    block: int
    total_supply: int | float        # raw units
    voting: dict[str, Any]           # concentration.VotingPowerStats.to_dict()
    holders: list[dict[str, Any]]    # {holder, votes, share}, largest first (top N)
    proposals: list[dict[str, Any]]  # governance.summarise_proposal rows


class Depin(TypedDict, total=False):
    source: str                      # the fundamentals file used
    rows: list[dict[str, Any]]       # depin.OUTPUT_COLUMNS


class Audit(TypedDict, total=False):
    schema_version: int
    generated_at: str
    title: str
    quote: str
    chains: list[ChainInfo]
    vaults: list[VaultInfo]
    holdings: list[HoldingRow]
    reconciliation: list[ReconciliationRow]
    allocation: Allocation
    concentration: list[ConcentrationRow]
    compliance: Compliance
    drift: Drift
    liquidity: Liquidity
    risk_scan: RiskScan
    performance: list[PerformanceEntry]
    governance: Governance
    depin: Depin
    missing: dict[str, str]


_CONTAINERS: dict[str, type] = {
    "schema_version": int, "generated_at": str, "title": str, "quote": str, "chains": list, "vaults": list,
    "holdings": list, "reconciliation": list, "allocation": dict, "concentration": list, "compliance": dict,
    "drift": dict, "liquidity": dict, "risk_scan": dict, "performance": list, "governance": dict, "depin": dict,
    "missing": dict,
}


def validate_audit(audit: Mapping[str, Any]) -> None:
    """Check the top level of ``audit``: known keys, container types, schema version.

    Raises :class:`ReportError` listing every problem. Sections may be None (= missing).
    Row contents are not checked here; the renderer shows a section it cannot read as an error box.
    """
    if not isinstance(audit, Mapping):
        raise ReportError(f"audit must be a dict, got {type(audit).__name__}")
    problems = [f"unknown key {k!r}" for k in audit if k not in _CONTAINERS]
    for key, kind in _CONTAINERS.items():
        value = audit.get(key)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            problems.append(f"{key} must be a {kind.__name__}, got {type(value).__name__}")
    for key in ("schema_version", "generated_at"):
        if key not in audit:
            problems.append(f"{key} is required")
    if isinstance(audit.get("schema_version"), int) and audit["schema_version"] != SCHEMA_VERSION:
        problems.append(f"schema_version {audit['schema_version']} is not {SCHEMA_VERSION}")
    if problems:
        raise ReportError("invalid audit: " + "; ".join(problems))


def missing_reason(audit: Mapping[str, Any], key: str) -> str:
    """Why section ``key`` is absent, from ``audit["missing"]``, or a default."""
    reasons = audit.get("missing") or {}
    return str(reasons.get(key) or "not provided in the audit")
