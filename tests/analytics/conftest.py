"""Shared data for the analytics tests, and a complete example of the ``audit`` dict schema.

``FULL_AUDIT`` is written out by hand on purpose: it documents the contract between the
chain-reading code and the renderer (see ``analytics/report/schema.py``). ``raw_inputs`` holds
the raw reads :func:`analytics.report.build_audit` turns into such a dict.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # lets `pytest tests/analytics` work before the package is installed
    sys.path.insert(0, str(ROOT))

from analytics.metrics.exposure import RiskPolicy  # noqa: E402
from analytics.metrics.governance import ProposalRecord  # noqa: E402
from analytics.reconcile import BalanceRecord  # noqa: E402
from analytics.report.assemble import GovernanceInput  # noqa: E402

EXAMPLES = ROOT / "examples"
HOME_VAULT = "0x1111111111111111111111111111111111111111"
SPOKE_VAULT = "0x2222222222222222222222222222222222222222"

FULL_AUDIT: dict = {
    "schema_version": 1,
    "generated_at": "2024-06-30T12:00:00Z",
    "title": "Index vault audit (test)",
    "quote": "USD",
    "chains": [
        {"name": "home", "chain_id": 31337, "block": 1234, "block_timestamp": "2024-06-30T11:59:48Z"},
        {"name": "spoke", "chain_id": 31338, "block": 567, "block_timestamp": "2024-06-30T11:59:50Z"},
    ],
    "vaults": [
        {"chain": "home", "vault": HOME_VAULT, "name": "DePIN Growth", "symbol": "DPG", "nav": 1000.0,
         "total_supply": 800.0, "nav_per_share": 1.25},
        {"chain": "spoke", "vault": SPOKE_VAULT, "name": "Core", "symbol": "CORE", "nav": 500.0,
         "total_supply": 500.0, "nav_per_share": 1.0},
    ],
    "holdings": [
        {"chain": "home", "vault": HOME_VAULT, "token": "RNDR", "sector": "DePIN-compute", "risk_tier": "aggressive",
         "value": 500.0, "amount": 69.44, "price": 7.2, "weight": 0.5, "target_weight": 0.3},
        {"chain": "home", "vault": HOME_VAULT, "token": "FIL", "sector": "DePIN-storage", "risk_tier": "aggressive",
         "value": 200.0, "amount": 40.8, "price": 4.9, "weight": 0.2, "target_weight": 0.3},
        {"chain": "home", "vault": HOME_VAULT, "token": "WETH", "sector": "L1", "risk_tier": "conservative",
         "value": 300.0, "amount": 0.1, "price": 3000.0, "weight": 0.3, "target_weight": 0.4},
        {"chain": "spoke", "vault": SPOKE_VAULT, "token": "USDC", "sector": "stablecoin",
         "risk_tier": "conservative", "value": 500.0, "amount": 500.0, "price": 1.0, "weight": 1.0,
         "target_weight": 1.0},
    ],
    "reconciliation": [
        {"chain": "home", "vault": HOME_VAULT, "token": "0xaaaa", "symbol": "FIL", "accounted": 40800000000000000000,
         "actual": 40000000000000000000, "difference": -800000000000000000, "status": "shortfall",
         "severity": "critical", "decimals": 18},
        {"chain": "home", "vault": HOME_VAULT, "token": "0xbbbb", "symbol": "RNDR", "accounted": 69440000000000000000,
         "actual": 70440000000000000000, "difference": 1000000000000000000, "status": "unaccounted_donation",
         "severity": "warning", "decimals": 18},
        {"chain": "home", "vault": HOME_VAULT, "token": "0xcccc", "symbol": "SCAM", "accounted": 0,
         "actual": 5, "difference": 5, "status": "unknown_token", "severity": "warning", "decimals": 18},
        {"chain": "spoke", "vault": SPOKE_VAULT, "token": "0xdddd", "symbol": "USDC", "accounted": 500000000,
         "actual": 500000000, "difference": 0, "status": "ok", "severity": "ok", "decimals": 6},
    ],
    "allocation": {
        "sector": [{"key": "stablecoin", "value": 500.0, "weight": 1 / 3},
                   {"key": "DePIN-compute", "value": 500.0, "weight": 1 / 3},
                   {"key": "L1", "value": 300.0, "weight": 0.2},
                   {"key": "DePIN-storage", "value": 200.0, "weight": 2 / 15}],
        "risk_tier": [{"key": "conservative", "value": 800.0, "weight": 8 / 15},
                      {"key": "aggressive", "value": 700.0, "weight": 7 / 15}],
        "chain": [{"key": "home", "value": 1000.0, "weight": 2 / 3}, {"key": "spoke", "value": 500.0, "weight": 1 / 3}],
    },
    "concentration": [
        {"chain": "home", "vault": HOME_VAULT, "n": 3, "hhi": 0.38, "effective_n": 1 / 0.38, "top1": 0.5, "top3": 1.0},
        {"chain": "spoke", "vault": SPOKE_VAULT, "n": 1, "hhi": 1.0, "effective_n": 1.0, "top1": 1.0, "top3": 1.0},
    ],
    "compliance": {
        "policies": [{"chain": "home", "vault": HOME_VAULT, "max_token_weight": 0.3, "max_sector_weight": 0.4,
                      "tier_floors": {"conservative": 0.4, "balanced": 0.0, "aggressive": 0.0},
                      "tier_caps": {"conservative": 1.0, "balanced": 1.0, "aggressive": 0.3}, "sector_caps": {}}],
        "breaches": [
            {"chain": "home", "vault": HOME_VAULT, "kind": "token_weight_above_cap", "subject": "RNDR",
             "value": 0.5, "limit": 0.3},
            {"chain": "home", "vault": HOME_VAULT, "kind": "tier_weight_above_cap", "subject": "aggressive",
             "value": 0.7, "limit": 0.3},
        ],
    },
    "drift": {
        "tokens": [
            {"chain": "home", "vault": HOME_VAULT, "token": "RNDR", "current_weight": 0.5, "target_weight": 0.3,
             "drift": 0.2},
            {"chain": "home", "vault": HOME_VAULT, "token": "FIL", "current_weight": 0.2, "target_weight": 0.3,
             "drift": -0.1},
            {"chain": "home", "vault": HOME_VAULT, "token": "WETH", "current_weight": 0.3, "target_weight": 0.4,
             "drift": -0.1},
        ],
        "vaults": [{"chain": "home", "vault": HOME_VAULT, "max_abs_drift": 0.2, "max_drift_token": "RNDR",
                    "turnover": 0.2}],
    },
    "liquidity": {
        "fee": 0.003,
        "fractions": [0.1, 0.5, 1.0],
        "table": [
            {"chain": "home", "vault": HOME_VAULT, "token": "RNDR", "amount": 69.44, "reserve_in": 1000.0,
             "reserve_out": 7200.0, "spot_value": 499.97, "impact_10pct": 0.0099, "out_10pct": 49.5,
             "impact_50pct": 0.0363, "out_50pct": 240.9, "impact_100pct": 0.0678, "out_100pct": 466.1, "note": ""},
            {"chain": "home", "vault": HOME_VAULT, "token": "FIL", "amount": 40.8, "reserve_in": None,
             "reserve_out": None, "spot_value": None, "impact_10pct": None, "out_10pct": None, "impact_50pct": None,
             "out_50pct": None, "impact_100pct": None, "out_100pct": None, "note": "no pool"},
        ],
        "curves": [{"chain": "home", "vault": HOME_VAULT, "token": "RNDR", "fraction": k / 4,
                    "impact": 0.003 + 0.065 * k / 4} for k in range(5)],
    },
    "risk_scan": {
        "tokens_scanned": 5,
        "flags": [{"chain": "home", "token": "0xcccc", "symbol": "SCAM", "flag": "owner_can_mint",
                   "severity": "critical", "detail": "owner() can mint without limit"},
                  {"chain": "home", "token": "0xbbbb", "symbol": "RNDR", "flag": "proxy_upgradeable",
                   "severity": "warning", "detail": "EIP-1967 proxy, admin is an EOA"}],
    },
    "performance": [{
        "chain": "home", "vault": HOME_VAULT, "label": "DePIN Growth", "benchmark_name": "BTC",
        "periods_per_year": 365,
        "portfolio": {"start": "2024-01-01", "end": "2024-01-04", "periods": 3, "total_return": 0.089,
                      "cagr": 31.6, "volatility": 2.206, "sharpe": 5.515, "sortino": 11.03,
                      "downside_deviation": 1.103, "max_drawdown": 0.1, "peak": "2024-01-02",
                      "trough": "2024-01-03", "recovery": None, "calmar": 316.0, "var_95": 0.09, "cvar_95": 0.1},
        "benchmark": {"start": "2024-01-01", "end": "2024-01-04", "periods": 3, "total_return": 0.05,
                      "cagr": 6.0, "volatility": 1.0, "sharpe": 3.0, "sortino": 5.0, "downside_deviation": 0.5,
                      "max_drawdown": 0.05, "peak": "2024-01-02", "trough": "2024-01-03", "recovery": "2024-01-04",
                      "calmar": 120.0, "var_95": 0.045, "cvar_95": 0.05},
        "relative": {"tracking_error": 1.2, "beta": 1.8, "excess_return": 0.039, "excess_cagr": 25.6,
                     "information_ratio": 2.0},
        "nav": [{"date": "2024-01-01", "nav": 100.0, "benchmark": 100.0},
                {"date": "2024-01-02", "nav": 110.0, "benchmark": 105.0},
                {"date": "2024-01-03", "nav": 99.0, "benchmark": 99.75},
                {"date": "2024-01-04", "nav": 108.9, "benchmark": 105.0}],
        "drawdown": [{"date": "2024-01-01", "drawdown": 0.0}, {"date": "2024-01-02", "drawdown": 0.0},
                     {"date": "2024-01-03", "drawdown": -0.1}, {"date": "2024-01-04", "drawdown": -0.01}],
    }],
    "governance": {
        "chain": "home", "token": "DPG", "block": 1234, "total_supply": 800,
        "voting": {"holders": 3, "total_votes": 600, "hhi": 0.46, "nakamoto": 1, "top_share": 0.6,
                   "delegated_share": 0.75},
        "holders": [{"holder": "0x3333333333333333333333333333333333333333", "votes": 360, "share": 0.6},
                    {"holder": "0x4444444444444444444444444444444444444444", "votes": 180, "share": 0.3},
                    {"holder": "0x5555555555555555555555555555555555555555", "votes": 60, "share": 0.1}],
        "proposals": [{"proposal_id": "42", "title": "Raise the DePIN sector cap", "for_votes": 400,
                       "against_votes": 100, "abstain_votes": 0, "turnout": 0.625, "quorum": 320,
                       "quorum_reached": True, "outcome": "Executed"}],
    },
    "depin": {
        "source": "examples/depin_fundamentals.csv",
        "rows": [{"token": "FIL", "sector": "DePIN-storage", "held_value": 200.0, "vaults": 1, "status": "ok",
                  "period_days": 30.0, "revenue_usd": 1200000.0, "issuance_usd": 44100000.0,
                  "issuance_coverage": 0.0272, "annualised_dilution": 0.1856, "revenue_multiple": 198.0},
                 {"token": "XYZ", "sector": "DePIN-sensors", "held_value": 10.0, "vaults": 1, "status": "no data",
                  "period_days": None, "revenue_usd": None, "issuance_usd": None, "issuance_coverage": None,
                  "annualised_dilution": None, "revenue_multiple": None}],
    },
    "missing": {},
}

OPTIONAL_SECTIONS = ("chains", "vaults", "holdings", "reconciliation", "allocation", "concentration", "compliance",
                     "drift", "liquidity", "risk_scan", "performance", "governance", "depin")


@pytest.fixture
def full_audit() -> dict:
    return copy.deepcopy(FULL_AUDIT)


@pytest.fixture
def empty_audit() -> dict:
    """Only the required keys: every optional section is missing, some with a reason."""
    return {"schema_version": 1, "generated_at": "2024-06-30T12:00:00Z",
            "missing": {"depin": "no fundamentals file given (--depin-file)", "governance": "RPC timeout on home"}}


def make_holdings() -> pd.DataFrame:
    rows = [
        ("home", HOME_VAULT, "RNDR", "DePIN-compute", "aggressive", 500.0),
        ("home", HOME_VAULT, "FIL", "DePIN-storage", "aggressive", 200.0),
        ("home", HOME_VAULT, "WETH", "L1", "conservative", 300.0),
        ("spoke", SPOKE_VAULT, "USDC", "stablecoin", "conservative", 400.0),
        ("spoke", SPOKE_VAULT, "HNT", "DePIN-wireless", "balanced", 100.0),
    ]
    return pd.DataFrame(rows, columns=["chain", "vault", "token", "sector", "risk_tier", "value"])


@pytest.fixture
def holdings() -> pd.DataFrame:
    return make_holdings()


@pytest.fixture
def raw_inputs() -> dict:
    return make_raw_inputs()


def make_raw_inputs() -> dict:
    """Keyword arguments for build_audit, as the chain-reading code would produce them."""
    h = make_holdings()
    targets = pd.DataFrame([("home", HOME_VAULT, "RNDR", 0.3), ("home", HOME_VAULT, "FIL", 0.3),
                            ("home", HOME_VAULT, "WETH", 0.4), ("spoke", SPOKE_VAULT, "USDC", 0.8),
                            ("spoke", SPOKE_VAULT, "HNT", 0.2)],
                           columns=["chain", "vault", "token", "target_weight"])
    positions = pd.DataFrame([("home", HOME_VAULT, "RNDR", 69.44, 1000.0, 7200.0),
                              ("home", HOME_VAULT, "FIL", 40.8, None, None),
                              ("spoke", SPOKE_VAULT, "HNT", 19.6, 5000.0, 25500.0)],
                             columns=["chain", "vault", "token", "amount", "reserve_in", "reserve_out"])
    dates = pd.date_range("2024-01-01", periods=6, freq="D")
    nav = pd.Series([1.0, 1.02, 0.99, 1.01, 1.05, 1.04], index=dates)
    bench = pd.Series([100.0, 101.0, 100.0, 100.5, 102.0, 103.0], index=dates)
    return {
        "generated_at": "2024-06-30T12:00:00Z",
        "chains": [{"name": "home", "chain_id": 31337, "block": 1234},
                   {"name": "spoke", "chain_id": 31338, "block": 567}],
        "vaults": [{"chain": "home", "vault": HOME_VAULT, "name": "DePIN Growth", "nav": 1000.0},
                   {"chain": "spoke", "vault": SPOKE_VAULT, "name": "Core", "nav": 500.0}],
        "holdings": h,
        "balances": [BalanceRecord("home", HOME_VAULT, "RNDR", 10**20, 10**20 + 10**17),
                     BalanceRecord("home", HOME_VAULT, "FIL", 5 * 10**18, 4 * 10**18),
                     BalanceRecord("home", HOME_VAULT, "SCAM", 0, 12, in_basket=False),
                     BalanceRecord("spoke", SPOKE_VAULT, "USDC", 400 * 10**6, 400 * 10**6)],
        "policy": RiskPolicy.from_bps(3000, 4000, (4000, 0, 0), (10000, 10000, 3000)),
        "targets": targets,
        "positions": positions,
        "risk_flags": [{"chain": "home", "token": "SCAM", "symbol": "SCAM", "flag": "not_in_basket",
                        "severity": "warning", "detail": "<script>alert(1)</script>"}],
        "tokens_scanned": 6,
        "nav": {("home", HOME_VAULT): nav},
        "benchmark": bench,
        "benchmark_name": "BTC",
        "governance": GovernanceInput(chain="home", token="DPG", block=1234,
                                      votes={"0xa": 360, "0xb": 180, "0xc": 60}, total_supply=800,
                                      proposals=[ProposalRecord("1", "Add HNT", 400, 100, 20, 800, quorum=320)]),
        "depin_fundamentals": pd.read_csv(EXAMPLES / "depin_fundamentals.csv"),
        "depin_source": "examples/depin_fundamentals.csv",
    }
